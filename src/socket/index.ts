/** Stream and datagram sockets behind a small promise API. */
export { Socket, type SocketAddress, type SocketOptions, type ConnectOptions } from './socket.js';
export { Server, listen, rawSocket, type ListenOptions } from './server.js';
export type { LocalEnd } from './local-end.js';
export { interleaveFamilies, type LookupAddress, type LookupFunction, type TcpTarget, type UnixTarget } from './connect.js';
export type { TLSOptions } from './tls.js';
export type { ByteStream, ShutdownHow } from './types.js';
export {
  DatagramSocket,
  MAX_DATAGRAM_V4,
  MAX_DATAGRAM_V6,
  DEFAULT_MAX_QUEUE,
  type Datagram,
  type DatagramAddress,
  type DatagramBindOptions,
} from './udp.js';
