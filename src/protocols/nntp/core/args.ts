/**
 * Checks on what the caller passes, before anything is sent (RFC 3977 §3.1,
 * §3.6, §4): message-ids, group names, article numbers and ranges,
 * wildmats. Each refusal is an InputError naming the bad value's role.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import type { DotBlockSource } from '../../../line/dotio.js';

/** RFC 3977 §3.6: a message-id is at most 250 octets. */
const MAX_ID = 250;
/** RFC 3977 §3.1: an argument is at most 497 octets (512 minus CRLF and the verb). */
const MAX_ARG = 497;

function fail(msg: string): never {
  throw new InputError(msg, { protocol: 'nntp' });
}

/** A message-id: `<`, printable US-ASCII without `>`, `>`; 3–250 octets. */
export function messageId(v: string): string {
  if (typeof v !== 'string') fail(`a message-id must be a string, got ${v === null ? 'null' : typeof v}`);
  if (v.length < 3 || v.length > MAX_ID || v[0] !== '<' || v[v.length - 1] !== '>') fail(`not a message-id: ${JSON.stringify(v.slice(0, 80))}`);
  for (let i = 1; i < v.length - 1; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x21 || c > 0x7e || c === 0x3e) fail(`not a message-id: ${JSON.stringify(v.slice(0, 80))}`);
  }
  return v;
}

/** An article number: a positive safe integer. */
export function articleNumber(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) fail(`an article number must be a positive integer, got ${String(n)}`);
  return n;
}

/** What ARTICLE/HEAD/BODY/STAT accept: a message-id, a number, or nothing (the current article). */
export type ArticleRef = string | number | undefined;

/** The argument text for an article reference ('' for the current article). */
export function articleArg(ref: ArticleRef): string {
  if (ref === undefined) return '';
  return typeof ref === 'number' ? String(articleNumber(ref)) : messageId(ref);
}

/** A printable argument without spaces (group names, wildmats): US-ASCII or UTF-8, no controls. */
export function token(v: unknown, what: string): string {
  if (typeof v !== 'string' || v.length === 0 || Buffer.byteLength(v) > MAX_ARG) fail(`the ${what} must be a non-empty string of at most ${MAX_ARG} bytes`);
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) fail(`the ${what} holds a space or control character; nothing was sent`);
  }
  return v;
}

/** A range for OVER: `n`, `n-` or `n-m` (RFC 3977 §8.3), or a message-id. */
export type OverRange = number | { from: number; to?: number | undefined } | string;

/** The argument text for an OVER range. */
export function rangeArg(r: OverRange): string {
  if (typeof r === 'string') return messageId(r);
  if (typeof r === 'number') return String(articleNumber(r));
  if (typeof r !== 'object' || r === null) fail(`an OVER range must be a number, a message-id or { from, to }, got ${r === null ? 'null' : typeof r}`);
  const from = articleNumber(r.from);
  if (r.to === undefined) return `${from}-`;
  const to = articleNumber(r.to);
  if (to < from) fail(`the range ${from}-${to} is empty`);
  return `${from}-${to}`;
}

/** A credential (AUTHINFO): no CR, LF or NUL. RFC 4643 allows spaces in a password. */
export function credential(v: unknown, what: string): string {
  if (typeof v !== 'string') fail(`the ${what} must be a string`);
  if (v.includes('\r') || v.includes('\n') || v.includes('\0')) fail(`the ${what} holds CR, LF or NUL; nothing was sent`);
  return v;
}

/**
 * An article to POST: text, bytes or an iterable of them. Checked before POST
 * goes out, since once the server has said 340 it reads every line we send
 * as the article — a refusal then would leave it taking the next command as text.
 */
export function articleSource(v: unknown): DotBlockSource {
  if (typeof v === 'string' || v instanceof Uint8Array) return v;
  if (typeof v === 'object' && v !== null && (Symbol.asyncIterator in v || Symbol.iterator in v)) return v as DotBlockSource;
  fail(`an article must be text, bytes or an iterable of them, got ${v === null ? 'null' : typeof v}; nothing was sent`);
}
