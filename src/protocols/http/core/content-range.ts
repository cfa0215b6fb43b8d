/**
 * Content-Range (RFC 9110 §14.4): what part of a representation a 206 (or a
 * 416) carries. Parsed strictly — a resume that appended the wrong range
 * would corrupt a file silently — without a regular expression.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import { trimOws } from './headers.js';

/**
 * The Range field value (RFC 9110 §14.2) asking for bytes `start` to `end`
 * inclusive, or from `start` to the end: `bytes=0-99`, `bytes=100-`. A
 * position that is not a whole number ≥ 0, or an end before the start, is
 * the caller's mistake (InputError), caught before anything is sent.
 */
export function rangeHeader(r: { start: number; end?: number | undefined }): string {
  const ok = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!ok(r.start) || (r.end !== undefined && (!ok(r.end) || r.end < r.start)))
    throw new InputError(`invalid range ${JSON.stringify(r)}`, { protocol: 'http', phase: 'send' });
  return `bytes=${r.start}-${r.end ?? ''}`;
}

/** A parsed `Content-Range: bytes first-last/complete` (or `bytes *\/complete`). */
export interface ContentRange {
  /** First byte position; undefined for an unsatisfied range (`*\/complete`, a 416's answer). */
  first: number | undefined;
  /** Last byte position, inclusive; undefined with `first`. */
  last: number | undefined;
  /** The whole representation's length; undefined when the server sent `*`. */
  complete: number | undefined;
}

/** Positions past this are refused: 2^53 keeps them exact as JavaScript numbers. */
const MAX_DIGITS = 15;

/** Reads the decimal digits at `i`; returns [value, next index] or undefined when there are none or too many. */
function digits(s: string, i: number): [number, number] | undefined {
  let j = i;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === i || j - i > MAX_DIGITS) return undefined;
  return [Number(s.slice(i, j)), j];
}

/**
 * Parses a Content-Range value with the `bytes` unit (case-insensitive, as
 * range units are). Returns undefined for anything malformed: another unit,
 * `last < first`, `last >= complete`, signs, spaces inside the numbers, or
 * trailing bytes.
 */
export function parseContentRange(value: string | null | undefined): ContentRange | undefined {
  if (value == null) return undefined;
  // Only SP/HTAB: String#trim would also take VT, FF, NBSP (0xA0) and U+FEFF as padding.
  const s = trimOws(value);
  if (s.length < 8 || s.slice(0, 6).toLowerCase() !== 'bytes ') return undefined;
  let i = 6;
  while (s.charCodeAt(i) === 32) i++;
  let first: number | undefined;
  let last: number | undefined;
  if (s[i] === '*') {
    i++;
  } else {
    const a = digits(s, i);
    if (!a || s[a[1]] !== '-') return undefined;
    const b = digits(s, a[1] + 1);
    if (!b) return undefined;
    [first, last, i] = [a[0], b[0], b[1]];
    if (last < first) return undefined;
  }
  if (s[i] !== '/') return undefined;
  i++;
  let complete: number | undefined;
  if (s[i] === '*' && i + 1 === s.length) {
    if (first === undefined) return undefined; // `*/*` says nothing
  } else {
    const c = digits(s, i);
    if (!c || c[1] !== s.length) return undefined;
    complete = c[0];
    if (last !== undefined && last >= complete) return undefined;
  }
  return { first, last, complete };
}
