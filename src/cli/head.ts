/**
 * The response head as `-i`, `-I` and `-D` print it: for HTTP the head's
 * bytes exactly as received (the client's `rawHead`: line ends, folds and
 * spaces as sent, as curl prints them), or its status line and fields when
 * it was not read off the wire; for other schemes the synthesized `info()` headers, as curl
 * prints for ftp: and file: with `-I`.
 *
 * @module
 */
import { UrlHeaders } from '../urlopen/headers.js';

/** The parts of a UrlResponse this file reads (structural, so it loads no library code). */
export interface ResponseLike {
  status: number;
  statusText: string;
  protocol: string;
  headers: UrlHeaders;
  raw: unknown;
}

/** The HTTP client's raw response, as much as this file relies on. */
interface RawHttp {
  httpVersion?: unknown;
  status?: unknown;
  statusText?: unknown;
  headers?: unknown;
  rawHead?: unknown;
}

/** Header lines in received order: `headers.raw` (flat name,value,…), an iterable of pairs, or a UrlHeaders. */
export function headerPairs(res: ResponseLike): Array<[string, string]> {
  const raw = res.raw as RawHttp | undefined;
  const h = raw?.headers as { raw?: unknown } | Iterable<unknown> | undefined;
  if (h && typeof h === 'object' && Array.isArray((h as { raw?: unknown }).raw)) {
    const flat = (h as { raw: unknown[] }).raw.map(String);
    const out: Array<[string, string]> = [];
    for (let i = 0; i + 1 < flat.length; i += 2) out.push([flat[i]!, flat[i + 1]!]);
    return out;
  }
  if (h && typeof h === 'object' && Symbol.iterator in h && !(h instanceof UrlHeaders)) {
    const out: Array<[string, string]> = [];
    for (const p of h as Iterable<unknown>) if (Array.isArray(p) && p.length >= 2) out.push([String(p[0]), String(p[1])]);
    if (out.length > 0 || raw?.httpVersion !== undefined) return out;
  }
  return [...res.headers];
}

/** True when the response came over HTTP (so it has a status line to print). */
export function isHttp(res: ResponseLike): boolean {
  return /^https?\b|^http\//i.test(res.protocol) || typeof (res.raw as RawHttp | undefined)?.httpVersion === 'string';
}

/** The status line, e.g. `HTTP/1.1 200 OK`. */
export function statusLine(res: ResponseLike): string {
  const raw = res.raw as RawHttp | undefined;
  let version = typeof raw?.httpVersion === 'string' ? raw.httpVersion : (/^https?\/(\d(?:\.\d)?)/i.exec(res.protocol)?.[1] ?? '1.1');
  version = version.replace(/^HTTP\//i, '');
  const status = typeof raw?.status === 'number' ? raw.status : res.status;
  const text = typeof raw?.statusText === 'string' ? raw.statusText : res.statusText;
  return `HTTP/${version} ${status}${text ? ` ${text}` : ''}`;
}

/** `content-length` → `Content-Length`: how curl names the headers it makes up for ftp: and file:. */
function titleCase(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_all, sep: string, c: string) => sep + c.toUpperCase());
}

/**
 * The head as bytes-ready text with CRLF line ends and the blank line that
 * ends it. Non-HTTP responses print only their synthesized headers, with
 * curl's capitalized names (scripts grep for `^Content-Length`).
 */
export function formatHead(res: ResponseLike): string {
  // An HTTP/0.9 response has no head at all: curl shows nothing for it.
  if ((res.raw as RawHttp | undefined)?.httpVersion === '0.9') return '';
  const http = isHttp(res);
  const rawHead = (res.raw as RawHttp | undefined)?.rawHead;
  if (http && typeof rawHead === 'string' && rawHead !== '') return rawHead;
  const lines: string[] = [];
  if (http) lines.push(statusLine(res));
  for (const [name, value] of headerPairs(res)) lines.push(`${http ? name : titleCase(name)}: ${value}`);
  return lines.map((l) => `${l}\r\n`).join('') + '\r\n';
}
