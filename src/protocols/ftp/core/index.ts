/**
 * The sans-IO FTP core: reply texts, data addresses, listings, paths, line endings.
 *
 * @module
 */
export * from './pasv.js';
export * from './time.js';
export * from './entry.js';
export * from './list-unix.js';
export * from './list-dos.js';
export * from './mlsd.js';
export * from './listing.js';
export * from './path.js';
export * from './features.js';
export * from './ascii.js';
