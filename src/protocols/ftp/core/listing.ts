/**
 * Directory listings to typed entries: an ordered list of dialects, each
 * tried per line, first match wins. A line no dialect takes is kept as an
 * `unknown` entry with its raw text — a listing is never silently shortened.
 *
 * @module
 */
import type { FileEntry, ListingDialect } from './entry.js';
import { dosDialect } from './list-dos.js';
import { unixDialect } from './list-unix.js';
import { mlsdDialect } from './mlsd.js';
import { strictUtf8 } from '../../../util/utf8.js';

/** The dialects tried on each line, in order. */
export const DEFAULT_DIALECTS: readonly ListingDialect[] = [unixDialect, dosDialect, mlsdDialect];

/** Options for {@link parseListing}. */
export interface ParseListingOptions {
  /** The clock year-less Unix dates are resolved against (default: now). */
  now?: Date;
  /** Dialects to try, in order (default {@link DEFAULT_DIALECTS}). */
  dialects?: readonly ListingDialect[];
}

// `ls -l` prints a block count first; it is a header, not an entry and not an unknown line.
const TOTAL = /^total\s+\d+\s*$/i;

/**
 * A listing's bytes as text, line by line: UTF-8 when the line is, else
 * Latin-1 (one character per byte, so `Buffer.from(name, 'latin1')` is the
 * name's bytes). Line ends are kept.
 */
export function decodeListing(bytes: Uint8Array): string {
  const whole = strictUtf8(bytes);
  if (whole !== undefined) return whole;
  let out = '';
  for (let at = 0; at < bytes.length; ) {
    const nl = bytes.indexOf(10, at);
    const end = nl < 0 ? bytes.length : nl + 1;
    const line = bytes.subarray(at, end);
    out += strictUtf8(line) ?? Buffer.from(line.buffer, line.byteOffset, line.length).toString('latin1');
    at = end;
  }
  return out;
}

/** Splits listing text into lines (CRLF or LF), without the empty ones. */
export function listingLines(text: string): string[] {
  return text.split(/\r?\n/).filter((l) => l.trim() !== '');
}

/** Parses one line with the first dialect that takes it; unknown entries keep the raw line. */
export function parseListingLine(line: string, options: ParseListingOptions = {}): FileEntry {
  const now = options.now ?? new Date();
  for (const d of options.dialects ?? DEFAULT_DIALECTS) {
    if (!d.test(line)) continue;
    const e = d.parse(line, now);
    if (e) return e;
  }
  return { name: line, type: 'unknown', raw: line };
}

/** Parses a whole LIST/MLSD listing. */
export function parseListing(text: string, options: ParseListingOptions = {}): FileEntry[] {
  const out: FileEntry[] = [];
  for (const line of listingLines(text)) {
    if (TOTAL.test(line)) continue;
    out.push(parseListingLine(line, options));
  }
  return out;
}
