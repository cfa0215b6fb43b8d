/**
 * The SOCKS4 and SOCKS4a wire format (the de-facto protocol of NEC's
 * socks4.protocol and socks4a.protocol notes), sans-IO. IPv4 only; SOCKS4a
 * carries a host name for the proxy to resolve.
 *
 * @module
 */
import * as net from 'node:net';
import { ConnectError, InputError, ProtocolError, ReplyError, type DialError } from '../../../errors.js';
import { ipBytes } from './env.js';

const opts = { protocol: 'socks4' } as const;

/** Length of every SOCKS4 reply. */
export const SOCKS4_REPLY_LENGTH = 8;

/** Reply codes and their meaning. */
export const SOCKS4_REPLIES: Readonly<Record<number, string>> = {
  90: 'request granted',
  91: 'request rejected or failed',
  92: 'rejected: the proxy could not reach identd on the client',
  93: 'rejected: identd reported a different user id',
};

/**
 * A CONNECT request. With `host` an IPv4 literal it is plain SOCKS4; with a
 * name, SOCKS4a (address 0.0.0.1, then the name). `userId` (may be empty) is
 * sent NUL-terminated, so it may hold no NUL; each string is at most 255 bytes.
 */
export function encodeSocks4Connect(host: string, port: number, userId = ''): Uint8Array {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`invalid SOCKS4 target port ${port}`, opts);
  const user = Buffer.from(userId, 'utf8');
  if (user.includes(0) || user.length > 255) throw new InputError('a SOCKS4 user id must be at most 255 bytes without NUL', opts);
  const family = net.isIP(host);
  if (family === 6 || (host.startsWith('[') && host.endsWith(']'))) throw new InputError('SOCKS4 cannot reach an IPv6 address; use socks5', { ...opts, code: 'DIAL_E_UNSUPPORTED' });
  const head = Uint8Array.of(4, 1, port >> 8, port & 0xff);
  if (family === 4) return Buffer.concat([head, ipBytes(host, 4), user, Uint8Array.of(0)]);
  const name = Buffer.from(host, 'utf8');
  if (name.length < 1 || name.length > 255 || name.includes(0)) throw new InputError('a SOCKS4a host name must be 1..255 bytes without NUL', opts);
  return Buffer.concat([head, Uint8Array.of(0, 0, 0, 1), user, Uint8Array.of(0), name, Uint8Array.of(0)]);
}

/** Decodes the 8-byte reply; resolves quietly on "granted", throws the typed error otherwise. */
export function decodeSocks4Reply(b: Uint8Array, target: string): void {
  if (b.length !== SOCKS4_REPLY_LENGTH) throw new ProtocolError(`SOCKS4 reply must be 8 bytes, got ${b.length}`, opts);
  if (b[0] !== 0) throw new ProtocolError(`not a SOCKS4 reply: version byte ${b[0]}`, { ...opts, phase: 'connect' });
  const code = b[1]!;
  if (code === 90) return;
  throw socks4Error(code, target);
}

function socks4Error(code: number, target: string): DialError {
  const text = SOCKS4_REPLIES[code];
  if (text === undefined) return new ProtocolError(`SOCKS4 proxy sent undefined reply code ${code} for ${target}`, { ...opts, phase: 'connect' });
  const message = `SOCKS4 proxy could not connect to ${target}: ${text} (${code})`;
  // 91 is what a SOCKS4 proxy says when the target refused or was unreachable.
  if (code === 91) return new ConnectError('DIAL_E_CONNECT', message, { ...opts, reply: { code, text } });
  return new ReplyError(message, { ...opts, phase: 'connect', reply: { code, text } });
}
