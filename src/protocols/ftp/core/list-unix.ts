/**
 * Unix `ls -l` listings (vsftpd, ProFTPD, pure-ftpd, pyftpdlib…). Sans-IO.
 *
 * The date anchors the parse: owner and group may be missing, hold digits,
 * or be one field, so the line is read from the date outwards rather than
 * field by field.
 *
 * @module
 */
import type { FileEntry, FileType, ListingDialect } from './entry.js';
import { utcDate } from '../../../util/utc-date.js';

const MONTHS: Readonly<Record<string, number>> = {
  jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11,
};

const LINE = new RegExp(
  '^([-bcdlpsDw?])([-rwxsStTlL]{9})[.+@]?\\s+' + // type, permissions, ACL/SELinux mark
    '(?:(\\d+)\\s+)?' + // link count (absent on some servers)
    '(?:(\\S(?:.*?\\S)?)\\s+)?' + // owner and group, lazily: the size/date anchor decides where they end
    '(?:(\\d+),\\s*(\\d+)|(\\d+))\\s+' + // device major,minor or size
    '(?:([A-Za-z]{3})\\s+(\\d{1,2})\\s+(\\d{4}|\\d{1,2}:\\d{2}(?::\\d{2})?)|(\\d{4})-(\\d{2})-(\\d{2})\\s+(\\d{2}):(\\d{2}))' +
    ' (.+)$',
  // Flag s: a name may hold any character (U+2028, a lone CR). With the owner ending on a
  // non-space, each whitespace run is tried from one place only, so a hostile line is linear.
  's',
);

const TYPES: Readonly<Record<string, FileType>> = { '-': 'file', d: 'dir', l: 'link' };

/**
 * Resolves a listing date. With a year, midnight UTC of that day (or the
 * given time). Without one (`Jan 5 12:00`, the last six months in ls), the
 * year of `now`, or the year before when that would be more than a day in
 * the future.
 */
export function resolveUnixDate(month: number, day: number, yearOrTime: string, now: Date): Date | undefined {
  if (/^\d{4}$/.test(yearOrTime)) return utcDate(Number(yearOrTime), month, day, 0, 0);
  const [h, m] = yearOrTime.split(':').map(Number) as [number, number];
  if (h > 23 || m > 59) return undefined;
  let year = now.getUTCFullYear();
  let d = utcDate(year, month, day, h, m);
  if (d && d.getTime() > now.getTime() + 86_400_000) d = utcDate(--year, month, day, h, m);
  return d;
}

/** Parses one `ls -l` line; undefined when it is not one. */
export function parseUnixLine(line: string, now: Date = new Date()): FileEntry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const letter = m[1]!;
  let date: Date | undefined;
  if (m[8] !== undefined) {
    const mon = MONTHS[m[8].toLowerCase()];
    if (mon === undefined) return undefined;
    date = resolveUnixDate(mon, Number(m[9]), m[10]!, now);
  } else {
    date = checkedIso(m);
  }
  let name = m[16]!;
  let target: string | undefined;
  const type = TYPES[letter] ?? (letter === 'D' ? 'dir' : 'unknown');
  if (type === 'link') {
    const at = name.indexOf(' -> ');
    if (at >= 0) {
      target = name.slice(at + 4);
      name = name.slice(0, at);
    }
  }
  const people = (m[4] ?? '').trim().split(/\s+/).filter(Boolean);
  const entry: FileEntry = { name, type, permissions: m[2], unixType: letter, raw: line };
  if (m[5] !== undefined) entry.device = { major: Number(m[5]), minor: Number(m[6]) };
  else entry.size = Number(m[7]);
  if (date) entry.modified = date;
  if (target !== undefined) entry.target = target;
  if (people[0] !== undefined) entry.owner = people[0];
  if (people[1] !== undefined) entry.group = people.slice(1).join(' ');
  return entry;
}

function checkedIso(m: RegExpExecArray): Date | undefined {
  const [y, mo, d, h, mi] = [m[11], m[12], m[13], m[14], m[15]].map(Number) as [number, number, number, number, number];
  if (h > 23 || mi > 59) return undefined;
  const date = utcDate(y, mo - 1, d, h, mi);
  return date;
}

/** The Unix dialect for the ordered list in listing.ts. */
export const unixDialect: ListingDialect = {
  name: 'unix',
  test: (line) => LINE.test(line),
  parse: (line, now) => parseUnixLine(line, now),
};
