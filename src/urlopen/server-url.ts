/**
 * What the schemes that hold a session with a server (ftp, pop3, nntp, smtp)
 * read alike from their URL and options: the scheme, the host (an IPv6
 * literal without its brackets) and port, user-info and path text
 * percent-decoded, the caller's credentials before the URL's, whether TLS is
 * required on a plain URL, and whether the caller set request headers —
 * which none of these protocols has.
 *
 * @module
 */
import { percentDecode } from '../util/percent.js';
import type { OpenOptions } from './types.js';

/** The URL's scheme, lower-cased, without its colon. */
export function urlScheme(url: URL): string {
  return url.protocol.replace(/:$/, '').toLowerCase();
}

/** The host to connect to ('' when the URL names none) and the port, undefined for the scheme's default. */
export function serverAddress(url: URL): { host: string; port: number | undefined } {
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port: url.port ? Number(url.port) : undefined };
}

/** A part of the URL (user name, password, path) percent-decoded as UTF-8 text. */
export function urlText(part: string): string {
  return part === '' ? '' : percentDecode(part).toString('utf8');
}

/**
 * The login: `options.user`/`password` where given, else the URL's user-info
 * (the password only when the URL names a user); undefined for none.
 */
export function credentials(url: URL, options: Pick<OpenOptions, 'user' | 'password'>): { user: string | undefined; password: string | undefined } {
  return {
    user: options.user ?? (url.username ? urlText(url.username) : undefined),
    password: options.password ?? (url.username ? urlText(url.password) : undefined),
  };
}

/** True when the caller set at least one request header. */
export function hasHeaders(options: Pick<OpenOptions, 'headers'>): boolean {
  const h = options.headers;
  return h !== undefined && (Array.isArray(h) ? h.length : Object.keys(h).length) > 0;
}

/**
 * True when a plain URL must be upgraded to TLS or fail (curl --ssl-reqd):
 * `requireTls`, or `ftpSecure: 'explicit'`, which asks the same of ftp.
 */
export function tlsRequired(options: Pick<OpenOptions, 'requireTls' | 'ftpSecure'>): boolean {
  return Boolean(options.requireTls) || options.ftpSecure === 'explicit';
}
