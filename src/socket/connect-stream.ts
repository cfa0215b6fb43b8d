/**
 * Opening the stream a {@link Socket} wraps: a TCP or Unix connect, then the
 * TLS handshake when asked, all inside one bound. Kept apart from socket.ts,
 * which is about a socket once connected (its reads, writes, flow control and
 * hand-over), because how it got connected is none of that class's business.
 *
 * @module
 */
import type * as net from 'node:net';
import { connectTcp, connectUnix, type TcpTarget, type UnixTarget } from './connect.js';
import { handshake, type TLSOptions } from './tls.js';
import type { Socket, SocketOptions } from './socket.js';

/**
 * Everything `Socket.connect` takes: a TCP or Unix target, optional TLS on top.
 * Here `timeout` bounds the connect (resolve, TCP, TLS) only; the socket then
 * has no default wait bound until `setTimeout(ms)` gives it one, so a short
 * connect bound never cuts a long transfer.
 */
export type ConnectOptions = (TcpTarget | UnixTarget) &
  SocketOptions & {
    /** Speak TLS from the first byte; `true` uses the defaults (verification on). */
    tls?: TLSOptions | true | undefined;
  };

/**
 * Connects to `{host, port}` (Happy Eyeballs across every address) or to a
 * Unix socket `{path}`, then runs the TLS handshake if `tls` is given, and
 * resolves with the node:net (or node:tls) socket, not yet wrapped. The
 * handshake gets what the connect left of `timeout`, so the bound covers
 * both steps rather than each.
 */
export async function connectStream(options: ConnectOptions): Promise<net.Socket> {
  const started = Date.now();
  const raw = 'path' in options ? await connectUnix(options) : await connectTcp(options);
  if (!options.tls) return raw;
  const left = options.timeout ? Math.max(1, options.timeout - (Date.now() - started)) : undefined;
  // A Unix socket has no host name to check a certificate against or to send as SNI.
  const host = 'path' in options ? 'localhost' : options.host;
  return handshake(raw, host, options.tls === true ? {} : options.tls, { signal: options.signal, timeout: left });
}
