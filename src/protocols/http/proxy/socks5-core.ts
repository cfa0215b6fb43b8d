/**
 * The SOCKS5 wire format (RFC 1928, user/password from RFC 1929), sans-IO:
 * requests encode to bytes, replies decode from bytes, every malformation is
 * a typed error. socks5.ts drives it over a socket.
 *
 * @module
 */
import * as net from 'node:net';
import { ConnectError, InputError, ProtocolError, ReplyError, type DialError } from '../../../errors.js';
import { ipBytes } from './env.js';

export const SOCKS5_VERSION = 5;
/** Authentication methods (RFC 1928 §3). */
export const AUTH_NONE = 0x00;
export const AUTH_USERPASS = 0x02;
export const AUTH_NO_ACCEPTABLE = 0xff;
/** Commands (§4). */
export const CMD_CONNECT = 0x01;
/** Address types (§5). */
export const ATYP_IPV4 = 0x01;
export const ATYP_DOMAIN = 0x03;
export const ATYP_IPV6 = 0x04;

/** RFC 1928 §6 reply codes and what they mean. */
export const SOCKS5_REPLIES: Readonly<Record<number, string>> = {
  0: 'succeeded',
  1: 'general SOCKS server failure',
  2: 'connection not allowed by ruleset',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'TTL expired',
  7: 'command not supported',
  8: 'address type not supported',
};

const opts = { protocol: 'socks5' } as const;

/** The greeting: version, then the methods offered. */
export function encodeGreeting(methods: readonly number[]): Uint8Array {
  if (methods.length < 1 || methods.length > 255) throw new InputError('SOCKS5 greeting needs 1..255 methods', opts);
  return Uint8Array.from([SOCKS5_VERSION, methods.length, ...methods]);
}

/** The server's method choice (2 bytes); throws unless it is one of `offered`. */
export function decodeMethodChoice(b: Uint8Array, offered: readonly number[]): number {
  if (b.length !== 2) throw new ProtocolError(`SOCKS5 method reply must be 2 bytes, got ${b.length}`, opts);
  if (b[0] !== SOCKS5_VERSION) throw new ProtocolError(`not a SOCKS5 server: reply version ${b[0]}`, { ...opts, phase: 'connect' });
  const m = b[1]!;
  if (m === AUTH_NO_ACCEPTABLE) {
    const why = offered.includes(AUTH_USERPASS) ? 'it accepts none of no-auth and user/password' : 'it requires authentication; put user:password in the proxy URL';
    throw new ReplyError(`SOCKS5 proxy refused every authentication method offered: ${why}`, { ...opts, phase: 'connect', reply: { code: m, text: 'no acceptable methods' } });
  }
  if (!offered.includes(m)) throw new ProtocolError(`SOCKS5 proxy chose authentication method ${m}, which was not offered`, { ...opts, phase: 'connect' });
  return m;
}

/**
 * RFC 1929 user/password request, UTF-8: the user 1..255 bytes, the password
 * 0..255 (RFC 1929 asks for at least one byte, but curl sends an empty one
 * and servers take it).
 */
export function encodeUserPass(user: string, password: string): Uint8Array {
  const u = Buffer.from(user, 'utf8');
  const p = Buffer.from(password, 'utf8');
  if (u.length < 1 || u.length > 255 || p.length > 255)
    throw new InputError('SOCKS5 user name must be 1..255 bytes and the password at most 255 (RFC 1929)', opts);
  return Buffer.concat([Uint8Array.of(1, u.length), u, Uint8Array.of(p.length), p]);
}

/** The RFC 1929 status reply (2 bytes); throws ReplyError when the credentials were refused. */
export function decodeUserPassReply(b: Uint8Array): void {
  if (b.length !== 2) throw new ProtocolError(`SOCKS5 auth reply must be 2 bytes, got ${b.length}`, opts);
  if (b[0] !== 1) throw new ProtocolError(`SOCKS5 auth reply has version ${b[0]}, not 1`, { ...opts, phase: 'auth' });
  if (b[1] !== 0) throw new ReplyError(`SOCKS5 proxy refused the user name and password (status ${b[1]})`, { ...opts, phase: 'auth', reply: { code: b[1]!, text: 'authentication failed' } });
}

/**
 * The CONNECT request. An IP literal (IPv6 with or without brackets) goes as
 * an address; anything else as a domain name the proxy resolves (socks5h).
 */
export function encodeConnect(host: string, port: number): Uint8Array {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`invalid SOCKS5 target port ${port}`, opts);
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  const family = net.isIP(h);
  let addr: Uint8Array;
  if (family === 4) addr = Uint8Array.of(ATYP_IPV4, ...ipBytes(h, 4));
  else if (family === 6) addr = Uint8Array.of(ATYP_IPV6, ...ipBytes(h, 6));
  else {
    const name = Buffer.from(h, 'utf8');
    if (name.length < 1 || name.length > 255) throw new InputError('a SOCKS5 host name must be 1..255 bytes', opts);
    addr = Buffer.concat([Uint8Array.of(ATYP_DOMAIN, name.length), name]);
  }
  return Buffer.concat([Uint8Array.of(SOCKS5_VERSION, CMD_CONNECT, 0), addr, Uint8Array.of(port >> 8, port & 0xff)]);
}

/** Bytes to read first: version, reply, reserved, address type, and the address's first byte (a domain's length). */
export const REPLY_PREFIX = 5;

/**
 * The whole reply's length, from its first {@link REPLY_PREFIX} bytes — so a
 * driver reads exactly the reply and never a byte of the tunnelled stream.
 * Checks the version and the address type.
 */
export function replyLength(prefix: Uint8Array): number {
  if (prefix.length < REPLY_PREFIX) throw new ProtocolError('SOCKS5 reply prefix too short', opts);
  if (prefix[0] !== SOCKS5_VERSION) throw new ProtocolError(`not a SOCKS5 reply: version ${prefix[0]}`, { ...opts, phase: 'connect' });
  switch (prefix[3]) {
    case ATYP_IPV4:
      return 4 + 4 + 2;
    case ATYP_IPV6:
      return 4 + 16 + 2;
    case ATYP_DOMAIN:
      return 4 + 1 + prefix[4]! + 2;
    default:
      throw new ProtocolError(`SOCKS5 reply has unknown address type ${prefix[3]}`, { ...opts, phase: 'connect' });
  }
}

/** A decoded CONNECT reply. */
export interface Socks5Reply {
  code: number;
  /** The address the proxy bound for the connection (BND.ADDR/BND.PORT). */
  bound: { host: string; port: number };
}

/** Decodes a whole reply (its length from {@link replyLength}); the code is not judged here. */
export function decodeReply(b: Uint8Array): Socks5Reply {
  const need = replyLength(b);
  if (b.length !== need) throw new ProtocolError(`SOCKS5 reply must be ${need} bytes, got ${b.length}`, opts);
  const atyp = b[3];
  let host: string;
  let at: number;
  if (atyp === ATYP_IPV4) {
    host = Array.from(b.subarray(4, 8)).join('.');
    at = 8;
  } else if (atyp === ATYP_IPV6) {
    const groups: string[] = [];
    for (let i = 4; i < 20; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
    host = groups.join(':');
    at = 20;
  } else {
    host = Buffer.from(b.subarray(5, 5 + b[4]!)).toString('latin1');
    at = 5 + b[4]!;
  }
  return { code: b[1]!, bound: { host, port: (b[at]! << 8) | b[at + 1]! } };
}

/**
 * The typed error for a failure reply: the target could not be reached
 * (3 network unreachable, 4 host unreachable, 5 refused, 6 TTL expired) is a
 * ConnectError DIAL_E_CONNECT, as a direct connection's would be; the proxy
 * saying no (1, 2, 7, 8) is a ReplyError; a code RFC 1928 does not define is
 * a ProtocolError.
 */
export function replyError(code: number, target: string): DialError {
  const text = SOCKS5_REPLIES[code];
  if (text === undefined || code === 0) return new ProtocolError(`SOCKS5 proxy sent undefined reply code ${code} for ${target}`, { ...opts, phase: 'connect' });
  const message = `SOCKS5 proxy could not connect to ${target}: ${text} (${code})`;
  if (code >= 3 && code <= 6) return new ConnectError('DIAL_E_CONNECT', message, { ...opts, reply: { code, text } });
  return new ReplyError(message, { ...opts, phase: 'connect', reply: { code, text } });
}
