/**
 * The PROXY protocol's version 1 line (HAProxy's text header), which curl
 * `--haproxy-protocol` sends as the first bytes of each connection so that a
 * server behind a load balancer learns the client's address.
 *
 * @module
 */
import { isIPv4, isIPv6 } from 'node:net';

/** One end of a connection, as node:net reports it. */
export interface Endpoint {
  address?: string | undefined;
  port?: number | undefined;
}

/**
 * `PROXY TCP4 <source> <destination> <source port> <destination port>\r\n`
 * (TCP6 for IPv6), the source being this end of the connection and the
 * destination the peer — as curl 7.88 writes it. `PROXY UNKNOWN\r\n` when an
 * end has no IP address (a Unix socket) or the two ends' families differ.
 */
export function haproxyLine(local: Endpoint, remote: Endpoint): Buffer {
  const family = (a: string | undefined): 4 | 6 | 0 => (a === undefined ? 0 : isIPv4(a) ? 4 : isIPv6(a) ? 6 : 0);
  const f = family(local.address);
  if (f === 0 || f !== family(remote.address) || local.port === undefined || remote.port === undefined) return Buffer.from('PROXY UNKNOWN\r\n', 'latin1');
  return Buffer.from(`PROXY TCP${f} ${local.address} ${remote.address} ${local.port} ${remote.port}\r\n`, 'latin1');
}
