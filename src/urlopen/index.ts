/**
 * urlopen: one call, one response shape, any scheme — after Python's
 * `urllib.request.urlopen`.
 *
 * ```ts
 * const r = await urlopen('ftp://host/pub/file.txt');
 * r.url; r.status; r.info().get('content-length'); await r.text();
 * ```
 *
 * Built-in schemes: http, https, ftp, ftps, gopher, file, data, pop3, pop3s,
 * news, nntp, nntps, snews, smtp, smtps. Add your own with
 * {@link registerScheme}.
 *
 * @module
 */
import { DialError, InputError, toDialError } from '../errors.js';
import { throwIfAborted } from '../util/guard.js';
import { lookupScheme } from './registry.js';
import type { OpenOptions } from './types.js';
import type { UrlResponse } from './response.js';

export { UrlResponse, type UrlResponseInit } from './response.js';
export { UrlHeaders, type UrlHeadersInit } from './headers.js';
export type { OpenBody, OpenOptions, Opener, Progress } from './types.js';
export { registerScheme, unregisterScheme, knownSchemes, lookupScheme } from './registry.js';
export { closeIdleSessions } from './idle.js';
export { parseDataUrl, DEFAULT_DATA_LIMIT, type DataUrl } from './schemes/data.js';
export { GOPHER_MENU_TYPE, typeForName } from './mime.js';

/**
 * Parses a URL string strictly: WHATWG parsing silently drops tabs and line
 * breaks, so `http://a/b\r\nX: y` would become another URL; we refuse it.
 */
export function parseUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  if (typeof url !== 'string') throw new InputError(`a URL must be a string or URL, not ${typeof url}`);
  if (/[\0\t\n\r]/.test(url)) throw new InputError(`malformed URL ${JSON.stringify(url)}: it holds a control character (tab, CR, LF or NUL)`);
  try {
    return new URL(url);
  } catch (err) {
    throw new InputError(`malformed URL ${JSON.stringify(url)}`, { cause: err });
  }
}

/** The URL with any password hidden, for messages and traces. */
export function redactUrl(url: URL): string {
  if (!url.password) return url.href;
  const copy = new URL(url.href);
  copy.password = '****';
  return copy.href;
}

/**
 * Opens `url` with the opener registered for its scheme and resolves once the
 * response has started (status and headers known, body not yet read).
 * Rejects only with {@link DialError}s: InputError for a malformed URL or an
 * unknown scheme (DIAL_E_UNSUPPORTED), and whatever the protocol reports.
 */
export async function urlopen(url: string | URL, options: OpenOptions = {}): Promise<UrlResponse> {
  const u = parseUrl(url);
  throwIfAborted(options.signal, `open ${redactUrl(u)}`);
  const opener = await lookupScheme(u.protocol.slice(0, -1));
  try {
    return await opener(u, options);
  } catch (err) {
    if (err instanceof DialError) throw err;
    throw toDialError(err, `open ${redactUrl(u)}`);
  }
}
