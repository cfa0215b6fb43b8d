/**
 * The data: scheme (RFC 2397, with the WHATWG fetch spec's forgiving
 * parsing). The size bound is checked on the encoded text BEFORE anything is
 * decoded: a huge data: URL must not be able to make us allocate its decoded
 * form first (axios CVE-2025-58754).
 *
 * @module
 */
import { InputError, LimitError } from '../../errors.js';
import { throwIfAborted } from '../../util/guard.js';
import { checkRange } from '../body.js';
import { byteResponse, rangeSpan } from '../byte-response.js';
import { percentDecode } from '../../util/percent.js';
import type { Opener } from '../types.js';
import { UrlHeaders } from '../headers.js';

/** The bound on a data: URL's decoded body when the caller sets no `maxBodySize`. */
export const DEFAULT_DATA_LIMIT = 32 * 1024 * 1024;

/** A parsed data: URL. */
export interface DataUrl {
  /** The full media type with its parameters, e.g. `text/plain;charset=US-ASCII`. */
  contentType: string;
  /** Just `type/subtype`, lower-cased. */
  mimeType: string;
  /** The `charset` parameter, if any. */
  charset: string | undefined;
  base64: boolean;
  body: Buffer;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const DEFAULT_TYPE = 'text/plain;charset=US-ASCII';

function parseMediaType(meta: string): { contentType: string; mimeType: string; charset: string | undefined } {
  let text = meta.trim();
  if (text === '') text = DEFAULT_TYPE;
  else if (text.startsWith(';')) text = `text/plain${text}`;
  const [essence = '', ...params] = text.split(';');
  const parts = essence.trim().split('/');
  const [type = '', subtype = ''] = parts;
  if (parts.length !== 2 || !TOKEN.test(type) || !TOKEN.test(subtype.trim())) return parseMediaType('');
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq > 0 && p.slice(0, eq).trim().toLowerCase() === 'charset') charset = p.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { contentType: text, mimeType: `${type}/${subtype.trim()}`.toLowerCase(), charset };
}

/** The forgiving-base64 decode of the fetch spec; null when the text is not base64. */
function decodeBase64(bytes: Buffer): Buffer | null {
  let s = bytes.toString('latin1').replace(/[\t\n\f\r ]/g, '');
  if (s.length % 4 === 0) s = s.replace(/={1,2}$/, '');
  if (s.length % 4 === 1 || !/^[A-Za-z0-9+/]*$/.test(s)) return null;
  return Buffer.from(s, 'base64');
}

/**
 * Parses and decodes a data: URL (given whole, as text). Throws a LimitError
 * when the decoded body could exceed `maxBytes` — decided from the encoded
 * length alone — and an InputError when the URL is malformed.
 */
export function parseDataUrl(href: string, maxBytes: number = DEFAULT_DATA_LIMIT): DataUrl {
  if (!/^data:/i.test(href)) throw new InputError('not a data: URL', { protocol: 'data', phase: 'url' });
  const hash = href.indexOf('#');
  const rest = href.slice(5, hash < 0 ? undefined : hash);
  const comma = rest.indexOf(',');
  if (comma < 0) throw new InputError('a data: URL needs a "," before its data', { protocol: 'data', phase: 'url' });
  let meta = rest.slice(0, comma);
  const data = rest.slice(comma + 1);
  const b64 = /;\s*base64\s*$/i.exec(meta);
  if (b64) meta = meta.slice(0, b64.index);
  // An upper bound of the decoded size, from the encoded text alone: decoding never grows it.
  const bound = b64 ? Math.ceil(data.length / 4) * 3 : Buffer.byteLength(data, 'utf8');
  if (bound > maxBytes) {
    throw new LimitError(`the data: URL holds up to ${bound} bytes, more than the ${maxBytes}-byte limit`, { limit: maxBytes, protocol: 'data', phase: 'body' });
  }
  const raw = percentDecode(data);
  let body = raw;
  if (b64) {
    const decoded = decodeBase64(raw);
    if (!decoded) throw new InputError('the data: URL says base64 but its data is not valid base64', { protocol: 'data', phase: 'url' });
    body = decoded;
  }
  const type = parseMediaType(meta.replace(/%20/g, ' '));
  return { ...type, base64: b64 !== null, body };
}

/** Opens a data: URL; `range` cuts the decoded body (status 206). */
export const openData: Opener = async (url, options) => {
  throwIfAborted(options.signal, 'open data: URL');
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') throw new InputError(`data: URLs can be read (GET, HEAD), not ${method}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'data' });
  if (options.body !== undefined) throw new InputError('data: URLs take no request body', { code: 'DIAL_E_UNSUPPORTED', protocol: 'data' });
  const range = checkRange(options.range, (m) => new InputError(m, { protocol: 'data' }));
  const parsed = parseDataUrl(url.href, options.maxBodySize ?? DEFAULT_DATA_LIMIT);
  const size = parsed.body.length;
  if (range && range.start >= size && !(range.start === 0 && size === 0)) throw new InputError(`range start ${range.start} is beyond the end of the data (${size} bytes)`, { protocol: 'data', phase: 'range' });
  const { start, end } = rangeSpan(range, size);
  const body = parsed.body.subarray(start, end);
  options.onProgress?.({ direction: 'download', transferred: body.length, total: body.length });
  return byteResponse({
    url: url.href,
    protocol: 'data',
    headers: new UrlHeaders({ 'Content-Type': parsed.contentType }),
    range,
    size,
    body: method === 'HEAD' ? Buffer.alloc(0) : body,
  });
};
