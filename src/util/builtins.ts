/**
 * Node built-ins that cost start-up time and that many runs never touch:
 * node:tls (with node:crypto, ~20 ms to load) is needed only for https,
 * FTPS or STARTTLS, node:zlib (~10 ms) only for a Content-Encoding, and
 * node:crypto alone for Digest, pool keys of a PEM string and temporary file
 * names. A static import would load each in every run (`dial http://…`
 * included); these load it on first use and keep it.
 *
 * @module
 */
import { createRequire } from 'node:module';
import type * as Crypto from 'node:crypto';
import type * as Tls from 'node:tls';
import type * as Zlib from 'node:zlib';

const load = createRequire(import.meta.url);

let tls: typeof Tls | undefined;
let zlib: typeof Zlib | undefined;
let crypto: typeof Crypto | undefined;

/** node:tls, loaded on first call. */
export function nodeTls(): typeof Tls {
  return (tls ??= load('node:tls') as typeof Tls);
}

/** node:zlib, loaded on first call. */
export function nodeZlib(): typeof Zlib {
  return (zlib ??= load('node:zlib') as typeof Zlib);
}

/** node:crypto, loaded on first call. */
export function nodeCrypto(): typeof Crypto {
  return (crypto ??= load('node:crypto') as typeof Crypto);
}
