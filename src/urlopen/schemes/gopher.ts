/**
 * The gopher: scheme: {@link gopherFetch} behind the urlopen contract. Gopher
 * has no headers, so Content-Type is derived from the item type (menus are
 * `application/gopher-menu`, as Python's urllib named them); the body is the
 * item as read (text un-stuffed, menus raw — parse them with `parseMenu`).
 *
 * @module
 */
import { InputError } from '../../errors.js';
import { gopherFetch } from '../../protocols/gopher/client.js';
import { checkRange, shapeBody } from '../body.js';
import { GOPHER_MENU_TYPE } from '../mime.js';
import { byteResponse } from '../byte-response.js';
import type { Opener } from '../types.js';
import { UrlHeaders } from '../headers.js';

const TYPES: Readonly<Record<string, string>> = {
  '0': 'text/plain',
  '1': GOPHER_MENU_TYPE,
  '7': GOPHER_MENU_TYPE,
  '4': 'application/mac-binhex40',
  '5': 'application/octet-stream',
  '6': 'text/x-uuencode',
  '9': 'application/octet-stream',
  g: 'image/gif',
  I: 'image/*',
  p: 'image/png',
  h: 'text/html',
  s: 'audio/*',
  d: 'application/octet-stream',
  P: 'application/pdf',
  r: 'application/rtf',
  x: 'application/xml',
  c: 'text/calendar',
  M: 'message/rfc822',
};

/** The Content-Type urlopen reports for a gopher item type. */
export function gopherContentType(type: string): string {
  return TYPES[type] ?? 'application/octet-stream';
}

/** Opens a gopher: URL. GET only; `range` is cut from the stream (status 206), as gopher cannot seek. */
export const openGopher: Opener = async (url, options) => {
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET') throw new InputError(`gopher: URLs can only be fetched (GET), not ${method}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'gopher' });
  if (options.body !== undefined) throw new InputError('gopher: URLs take no request body', { code: 'DIAL_E_UNSUPPORTED', protocol: 'gopher' });
  const range = checkRange(options.range, (m) => new InputError(m, { protocol: 'gopher' }));
  const res = await gopherFetch(url, {
    signal: options.signal,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout,
    trace: options.trace,
    lookup: options.lookup,
    local: options.local,
  });
  return byteResponse({
    url: url.href,
    protocol: 'gopher',
    headers: new UrlHeaders({ 'Content-Type': gopherContentType(res.type) }),
    range,
    // maxBodySize bounds what the caller is handed, as for every scheme: not a text's '.' line, nor what a range skips.
    body: shapeBody(res.body, { range, maxBodySize: options.maxBodySize, onProgress: options.onProgress }, 'gopher', undefined),
    cancel: () => res.cancel(),
    raw: res,
  });
};
