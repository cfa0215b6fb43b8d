/**
 * DOS/IIS listings: `01-15-20  10:30AM  <DIR>  name` and
 * `2020-01-15  22:30  1234 name` (IIS with four-digit years). Sans-IO.
 *
 * @module
 */
import type { FileEntry, ListingDialect } from './entry.js';
import { utcDate } from '../../../util/utc-date.js';

// The space before AM/PM sits inside the optional group and the name may hold any character
// (flag s), so a hostile line has one way to match or fail: an optional `\s*` before a `\s+`
// and a name that cannot reach the end made a long line's backtracking cubic.
const LINE = /^(\d{2})-(\d{2})-(\d{2}|\d{4})\s+(\d{1,2}):(\d{2})(?:\s*([AaPp][Mm]))?\s+(<DIR>|\d+)\s+(.+)$/s;
const LINE_ISO = /^(\d{4})-(\d{2})-(\d{2})\s+(\d{1,2}):(\d{2})(?:\s*([AaPp][Mm]))?\s+(<DIR>|\d+)\s+(.+)$/s;

/** Parses one DOS/IIS line; undefined when it is not one. Dates are read as UTC. */
export function parseDosLine(line: string): FileEntry | undefined {
  let y: number, mo: number, d: number;
  let m = LINE.exec(line);
  if (m) {
    mo = Number(m[1]);
    d = Number(m[2]);
    y = Number(m[3]);
    // IIS writes two-digit years; 70 splits them the way Windows' own tools do.
    if (m[3]!.length === 2) y += y < 70 ? 2000 : 1900;
  } else {
    m = LINE_ISO.exec(line);
    if (!m) return undefined;
    y = Number(m[1]);
    mo = Number(m[2]);
    d = Number(m[3]);
  }
  let h = Number(m[4]);
  const mi = Number(m[5]);
  const ampm = m[6]?.toUpperCase();
  if (ampm) {
    if (h < 1 || h > 12) return undefined;
    h = (h % 12) + (ampm === 'PM' ? 12 : 0);
  }
  if (h > 23 || mi > 59) return undefined;
  const modified = utcDate(y, mo - 1, d, h, mi);
  const isDir = m[7] === '<DIR>';
  const entry: FileEntry = { name: m[8]!, type: isDir ? 'dir' : 'file', raw: line };
  if (!isDir) entry.size = Number(m[7]);
  if (modified) entry.modified = modified;
  return entry;
}

/** The DOS dialect for the ordered list in listing.ts. */
export const dosDialect: ListingDialect = {
  name: 'dos',
  test: (line) => LINE.test(line) || LINE_ISO.test(line),
  parse: (line) => parseDosLine(line),
};
