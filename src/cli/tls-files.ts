/**
 * The TLS settings of a run, read from the files the options name: once per
 * run, so every connection shares one object (pools and FTP sessions are
 * keyed by its identity). The server's (-k, --cacert, --cert, --key) and an
 * https:// proxy's (--proxy-insecure, --proxy-cacert, --proxy-cert,
 * --proxy-key) are read alike and kept apart, as curl keeps them.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import type { TLSOptions } from '../socket/tls.js';
import { CliExit, EXIT } from './exit-codes.js';

/** What the options say about one TLS peer. */
export interface TlsFlags {
  insecure: boolean;
  cacert: string | undefined;
  cert: string | undefined;
  key: string | undefined;
}

/** The settings for `flags`, or undefined when they ask for nothing; `what` ('proxy ') names the peer in errors. */
export async function readTls(flags: TlsFlags, what = ''): Promise<TLSOptions | undefined> {
  const tls: TLSOptions = {};
  if (flags.insecure) tls.rejectUnauthorized = false;
  if (flags.cacert !== undefined) tls.ca = await readPem(flags.cacert, EXIT.SSL_CACERT_BADFILE, `${what}CA certificate`);
  if (flags.cert !== undefined) {
    // curl's --cert may name a file holding both certificate and key.
    const cert = await readPem(flags.cert, EXIT.SSL_CERTPROBLEM, `${what}client certificate`);
    tls.cert = cert;
    tls.key = flags.key !== undefined ? await readPem(flags.key, EXIT.SSL_CERTPROBLEM, `${what}private key`) : cert;
  }
  return Object.keys(tls).length > 0 ? tls : undefined;
}

/** A certificate or key file's bytes; an unreadable one is curl's exit for it (77 a CA file, 58 a certificate or key). */
export async function readPem(path: string, exit: number, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(path);
  } catch (e) {
    throw new CliExit(exit, `could not read ${what} file ${path}: ${(e as Error).message}`, { cause: e });
  }
}
