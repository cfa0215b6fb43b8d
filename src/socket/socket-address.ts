/**
 * A stream socket's two ends as the caller sees them, and the short label
 * (`host:port`, `[v6]:port`, or the Unix path) its errors and traces name.
 *
 * @module
 */
import type * as net from 'node:net';

/** A socket's local or remote end. */
export type SocketAddress = { address: string; port: number; family: 'IPv4' | 'IPv6' } | { path: string };

/**
 * One end of a connected node:net socket. A Unix-domain socket has no address
 * or port, and node does not report its path back, so the caller's `path`
 * stands in (empty when unknown, as for the accepted side of a server).
 */
export function addressOf(sock: net.Socket, end: 'local' | 'remote', path: string | undefined): SocketAddress {
  const address = end === 'local' ? sock.localAddress : sock.remoteAddress;
  const port = end === 'local' ? sock.localPort : sock.remotePort;
  const family = end === 'local' ? sock.localFamily : sock.remoteFamily;
  if (address === undefined || port === undefined) return { path: path ?? '' };
  return { address, port, family: family === 'IPv6' ? 'IPv6' : 'IPv4' };
}

/** How errors name the peer: `1.2.3.4:80`, `[::1]:80`, the socket path, or '(unix socket)' when that is unknown. */
export function peerLabel(remote: SocketAddress): string {
  if ('path' in remote) return remote.path || '(unix socket)';
  return remote.address.includes(':') ? `[${remote.address}]:${remote.port}` : `${remote.address}:${remote.port}`;
}
