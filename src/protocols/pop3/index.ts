/**
 * POP3: {@link Pop3Client} and its sans-IO core.
 *
 * @module
 */
export { Pop3Client, Pop3Message } from './client.js';
export type { Pop3Auth, Pop3ConnectOptions, Pop3LoginOptions, Pop3RetrieveOptions, Pop3Security, Pop3WaitOptions } from './client.js';
export * from './core/index.js';
