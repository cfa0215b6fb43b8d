/**
 * What a {@link DatagramSocket} is configured and checked with: the size
 * limits of UDP, the address and bind-option shapes, and the input checks
 * that refuse a bad port, host or payload before anything reaches node:dgram,
 * and how node:dgram's bind and send failures map onto typed errors.
 *
 * @module
 */
import net from 'node:net';
import { ConnectError, InputError, NetworkError, toDialError, type DialError } from '../errors.js';
import type { WaitOptions } from '../util/guard.js';

/** The largest UDP payload over IPv4: 65535 − 20 (IP header) − 8 (UDP header). */
export const MAX_DATAGRAM_V4 = 65507;
/** The largest UDP payload over IPv6 without jumbograms: 65535 − 8 (UDP header). */
export const MAX_DATAGRAM_V6 = 65527;
/** Default bound on datagrams held unread ({@link DatagramBindOptions.maxQueue}). */
export const DEFAULT_MAX_QUEUE = 256;

/** An address and port of either family; the same shape as the TCP form of `SocketAddress`. */
export interface DatagramAddress {
  address: string;
  port: number;
  family: 'IPv4' | 'IPv6';
}

/** One received datagram and where it came from. */
export interface Datagram extends DatagramAddress {
  /** The payload, exactly as sent; may be empty. */
  data: Buffer;
}

/** How to create and bind a {@link DatagramSocket}. */
export interface DatagramBindOptions extends WaitOptions {
  /** Local address to bind; default the wildcard of the family ('0.0.0.0' or '::'), so any peer can be reached. */
  host?: string;
  /** Local port; 0 or absent lets the system choose one. */
  port?: number;
  /** Address family; default 6 when `host` is an IPv6 literal, else 4. */
  family?: 4 | 6;
  /** Sets SO_REUSEADDR, so several sockets may bind the same address (multicast receivers). */
  reuseAddr?: boolean;
  /**
   * The most datagrams held while nobody is receiving (default {@link DEFAULT_MAX_QUEUE}).
   * Past it new datagrams are dropped — UDP may lose them anyway, and memory must stay
   * bounded against a flooding peer — and counted in {@link DatagramSocket.dropped}.
   */
  maxQueue?: number;
  /**
   * The largest payload accepted either way (default and ceiling: the protocol's maximum,
   * {@link MAX_DATAGRAM_V4} or {@link MAX_DATAGRAM_V6}). A larger send is refused with an
   * InputError; a larger arriving datagram is dropped and counted in `dropped`.
   */
  maxDatagram?: number;
}

/** {@link DatagramBindOptions} checked, with every default filled in: what a bind is done with. */
export interface BindPlan {
  host: string;
  port: number;
  family: 4 | 6;
  reuseAddr: boolean;
  maxQueue: number;
  maxDatagram: number;
}

/** Checks the bind options (an InputError names the first bad one) and fills in the defaults. */
export function checkBindOptions(options: DatagramBindOptions): BindPlan {
  const port = checkPort(options.port ?? 0, 'UDP bind', true);
  if (options.host !== undefined) checkHost(options.host, 'UDP bind');
  if (options.family !== undefined && options.family !== 4 && options.family !== 6) {
    throw new InputError(`UDP bind: family must be 4 or 6, not ${String(options.family)}`, { protocol: 'udp' });
  }
  const family: 4 | 6 = options.family ?? (options.host !== undefined && net.isIPv6(options.host) ? 6 : 4);
  const host = options.host ?? (family === 6 ? '::' : '0.0.0.0');
  const ceiling = family === 6 ? MAX_DATAGRAM_V6 : MAX_DATAGRAM_V4;
  const maxDatagram = options.maxDatagram ?? ceiling;
  if (!Number.isInteger(maxDatagram) || maxDatagram < 0 || maxDatagram > ceiling) {
    throw new InputError(`UDP bind: maxDatagram must be an integer in 0..${ceiling}`, { protocol: 'udp' });
  }
  const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
  if (!Number.isInteger(maxQueue) || maxQueue < 0) {
    throw new InputError('UDP bind: maxQueue must be a non-negative integer', { protocol: 'udp' });
  }
  return { host, port, family, reuseAddr: options.reuseAddr ?? false, maxQueue, maxDatagram };
}

/** node:dgram reports 'IPv4'/'IPv6' (Node 18.0–18.3 reported 4/6); normalise either. */
export function familyOf(f: string | number): 'IPv4' | 'IPv6' {
  return f === 'IPv6' || f === 6 ? 'IPv6' : 'IPv4';
}

export function toBuffer(data: Uint8Array | string): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw new InputError('datagram data must be a Uint8Array or a string', { protocol: 'udp' });
}

export function checkPort(port: unknown, what: string, allowZero: boolean): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535) {
    throw new InputError(`${what}: bad port ${String(port)}`, { protocol: 'udp' });
  }
  return port;
}

export function checkHost(host: unknown, what: string): string {
  // A NUL or control character would never name a host; refuse it rather than hand it to the resolver.
  if (typeof host !== 'string' || host === '' || /[\0-\x1f\x7f]/.test(host)) {
    throw new InputError(`${what}: bad host ${JSON.stringify(host)}`, { protocol: 'udp' });
  }
  return host;
}

/** Bind failures are local-address problems, not broken connections: report them as ConnectErrors. */
export function bindError(err: unknown, what: string): DialError {
  const e = toDialError(err, what, { protocol: 'udp', phase: 'bind' });
  if (e instanceof NetworkError && e.code === 'DIAL_E_RESET') {
    return new ConnectError('DIAL_E_CONNECT', e.message, { protocol: 'udp', phase: 'bind', cause: err });
  }
  return e;
}

/**
 * EMSGSIZE means the kernel refused the datagram as too large for the route (an IPv4
 * destination from an IPv6 socket, a smaller MTU with DF set): nothing left, so the
 * caller's input is at fault, as with our own size check. Anything else maps as usual.
 */
export function sendError(err: unknown, what: string): DialError {
  if ((err as { code?: unknown } | null)?.code === 'EMSGSIZE') {
    return new InputError(`${what}: the datagram is too large for this route; nothing was sent`, { protocol: 'udp', phase: 'send', cause: err });
  }
  return toDialError(err, what, { protocol: 'udp', phase: 'send' });
}
