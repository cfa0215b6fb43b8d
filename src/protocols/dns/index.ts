/**
 * DNS for dialtone: the message format of an address lookup (sans-IO) and
 * DNS over HTTPS as a lookup function for any connection.
 *
 * @module
 */
export { dohLookup, type DohOptions } from './doh.js';
export { serversLookup, type DnsServersOptions } from './servers.js';
export { encodeQuery, parseAddresses, TYPE_A, TYPE_AAAA, type DnsAddress } from './core/message.js';
