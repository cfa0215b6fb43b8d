/**
 * Gopher URLs (RFC 4266) and request lines (RFC 1436 §2): parse
 * `gopher://host[:port]/<type><selector>[%09<search>[%09<gopher+>]]` into a
 * {@link GopherTarget}, build it back, and turn a target into the bytes sent
 * on the wire — after checking that nothing the caller gave can end the line
 * early or smuggle a second field.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import { percentDecode } from '../../../util/percent.js';
import { strictUtf8 } from '../../../util/utf8.js';

/** The default Gopher port. */
export const GOPHER_PORT = 70;

/** What to fetch from which server. */
export interface GopherTarget {
  host: string;
  port: number;
  /** The item type character: tells the client how to read the reply (default `1`, a menu). */
  type: string;
  /** The selector string sent to the server (may be empty: the root menu). */
  selector: string;
  /** A search query (type 7), sent after a tab. */
  query?: string | undefined;
  /** A Gopher+ string, sent after the query's tab. */
  plus?: string | undefined;
  /**
   * How selector, query and Gopher+ string become bytes: UTF-8 (the
   * default), or `'latin1'` — one byte per character — for a server whose
   * selectors are not UTF-8. A menu line that is not UTF-8 marks its item so
   * (see MenuItem.encoding), and so does a URL whose escapes are not.
   */
  encoding?: 'utf8' | 'latin1' | undefined;
}


/** Characters kept literally in a built path: RFC 3986 unreserved, sub-delims, `/ : @`. */
const KEEP = /[A-Za-z0-9\-._~!$&'()*+,;=:@/]/;

function escape(text: string, encoding: 'utf8' | 'latin1'): string {
  let out = '';
  for (const ch of text) {
    if (KEEP.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, encoding)) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Parses a gopher: URL. The first character after the first slash (once
 * percent-decoded) is the item type (default `1`); the rest is the selector; `%09`
 * separates a search query and then a Gopher+ string. As curl does, a `?…`
 * in the URL is part of the selector.
 */
export function parseGopherUrl(input: string | URL): GopherTarget {
  let url: URL;
  try {
    url = input instanceof URL ? input : new URL(input);
  } catch (err) {
    throw new InputError(`malformed gopher URL ${JSON.stringify(String(input))}`, { cause: err, protocol: 'gopher' });
  }
  if (url.protocol !== 'gopher:') throw new InputError(`not a gopher URL: ${url.protocol}`, { protocol: 'gopher' });
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new InputError('a gopher URL needs a host', { protocol: 'gopher' });
  const port = url.port ? Number(url.port) : GOPHER_PORT;
  // pathname and search stay percent-encoded in a non-special URL: split on %09 before decoding.
  const path = `${url.pathname}${url.search}`.replace(/^\//, '');
  const [first = '', query, plus] = path.split(/%09/i);
  // Escapes that are not UTF-8 are the selector's own bytes (a Latin-1 server's): sent as they are, as curl
  // sends them, with every field then read one byte per character.
  const bytes = [first, query, plus].map((p) => (p === undefined ? undefined : percentDecode(p)));
  const texts = bytes.map((b) => (b === undefined ? undefined : strictUtf8(b)));
  const latin1 = bytes.some((b, i) => b !== undefined && texts[i] === undefined);
  const text = (i: number) => (latin1 ? Buffer.from(bytes[i]!).toString('latin1') : texts[i]!);
  // Decoded whole, then cut after one code point: the type may be escaped, and may be a
  // character of more than one byte (buildGopherUrl writes what checkTarget lets through).
  const decoded = text(0);
  const type = decoded ? String.fromCodePoint(decoded.codePointAt(0)!) : '1';
  const selector = decoded.slice(type.length);
  const target: GopherTarget = { host, port, type, selector };
  if (query !== undefined) target.query = text(1);
  if (plus !== undefined) target.plus = text(2);
  if (latin1) target.encoding = 'latin1';
  checkTarget(target);
  return target;
}

/**
 * Builds the gopher: URL for a target (RFC 4266), escaping what must be.
 * InputError for the one target no URL can hold: type `.` with an empty or
 * `.` selector (the URL parser drops a path of `/.` or `/..`).
 */
export function buildGopherUrl(target: GopherTarget): string {
  checkTarget(target);
  const host = target.host.includes(':') ? `[${target.host}]` : target.host;
  const port = target.port === GOPHER_PORT ? '' : `:${target.port}`;
  const enc = target.encoding ?? 'utf8';
  let path = `/${escape(target.type, enc)}${escape(target.selector, enc)}`;
  if (target.query !== undefined || target.plus !== undefined) path += `%09${escape(target.query ?? '', enc)}`;
  if (target.plus !== undefined) path += `%09${escape(target.plus, enc)}`;
  // The URL parser folds '.' and '..' segments (gopher://h/1/../x reads as /x), but a selector
  // is opaque: with a dot segment in it, every slash after the first is escaped, which leaves
  // the decoded bytes as they are and gives the parser no segment to fold.
  if (path.split('/').some((seg) => seg === '.' || seg === '..')) {
    path = `/${path.slice(1).replaceAll('/', '%2F')}`;
    if (path === '/.' || path === '/..') throw new InputError(`type ${JSON.stringify(target.type)} with selector ${JSON.stringify(target.selector)} cannot be written as a gopher URL`, { protocol: 'gopher' });
  }
  return `gopher://${host}${port}${path}`;
}

const FORBIDDEN = /[\r\n\0]/;

/** Refuses a target whose fields could break the request line; returns it. */
export function checkTarget<T extends GopherTarget>(target: T): T {
  const { host, port, type, selector, query, plus, encoding } = target;
  if (encoding !== undefined && encoding !== 'utf8' && encoding !== 'latin1') throw new InputError(`a gopher encoding is 'utf8' or 'latin1', not ${JSON.stringify(encoding)}`, { protocol: 'gopher' });
  if (typeof host !== 'string' || !host || /[\s\0/]/.test(host)) throw new InputError(`bad gopher host ${JSON.stringify(host)}`, { protocol: 'gopher' });
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`bad gopher port ${String(port)}`, { protocol: 'gopher' });
  if (typeof type !== 'string' || [...type].length !== 1 || /[\t\r\n\0]/.test(type)) throw new InputError(`a gopher item type is one character, not ${JSON.stringify(type)}`, { protocol: 'gopher' });
  if (typeof selector !== 'string') throw new InputError('the gopher selector must be a string (empty for the root menu)', { protocol: 'gopher' });
  for (const [name, value] of [['selector', selector], ['search query', query], ['Gopher+ string', plus]] as const) {
    if (value === undefined) continue;
    if (typeof value !== 'string') throw new InputError(`the gopher ${name} must be a string`, { protocol: 'gopher' });
    // A tab would start another field, CR/LF would end the request: the server would read what we did not mean.
    if (FORBIDDEN.test(value) || value.includes('\t')) throw new InputError(`the gopher ${name} holds a tab, CR, LF or NUL: refused`, { protocol: 'gopher' });
    // In Latin-1 each character is one byte: one past U+00FF has no byte to be.
    if (encoding === 'latin1' && /[^\x00-\xff]/.test(value)) throw new InputError(`the gopher ${name} holds a character with no Latin-1 byte: refused`, { protocol: 'gopher' });
  }
  return target;
}

/** The request line for a target: selector, then TAB query (and TAB Gopher+ string), then CRLF. */
export function requestLine(target: GopherTarget): Buffer {
  checkTarget(target);
  let line = target.selector;
  if (target.query !== undefined || target.plus !== undefined) line += `\t${target.query ?? ''}`;
  if (target.plus !== undefined) line += `\t${target.plus}`;
  return Buffer.from(`${line}\r\n`, target.encoding === 'latin1' ? 'latin1' : 'utf8');
}
