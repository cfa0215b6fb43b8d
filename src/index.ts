/**
 * dialtone: Internet-protocol clients for Node.js, in layers — sockets, a line
 * layer for chat-style protocols, protocol clients, urlopen and the dial CLI.
 */
export * from './errors.js';
export * from './socket/index.js';
export type { WaitOptions } from './util/guard.js';
