/**
 * RFC 3659 machine listings (MLSD lines, MLST's entry line): `fact=value;…`
 * then one space and the name. Sans-IO.
 *
 * @module
 */
import type { FileEntry, FileType, ListingDialect } from './entry.js';
import { parseFtpTime } from './time.js';

// The facts part: at least one `name=value;`, then a single space before the name.
// Flag s: a name may hold any character, U+2028 and a lone CR included.
const LINE = /^\s?((?:[A-Za-z][\w.-]*=[^;\s]*;)+) (.+)$/s;

/** Parses `a=b;c=d;` into an object keyed by lower-cased fact name. */
export function parseFacts(facts: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of facts.split(';')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    out[part.slice(0, eq).toLowerCase()] = part.slice(eq + 1);
  }
  return out;
}

function typeOf(facts: Record<string, string>): { type: FileType; target?: string } {
  const t = (facts['type'] ?? '').toLowerCase();
  if (t === 'file') return { type: 'file' };
  if (t === 'dir' || t === 'cdir' || t === 'pdir') return { type: 'dir' };
  // Unix extensions (ProFTPD, pure-ftpd): OS.unix=symlink, OS.unix=slink:target.
  const m = /^os\.unix=(symlink|slink)(?::(.*))?$/i.exec(facts['type'] ?? '');
  if (m) return m[2] !== undefined ? { type: 'link', target: m[2] } : { type: 'link' };
  return { type: 'unknown' };
}

/** Parses one MLSD/MLST entry line; undefined when it is not one. */
export function parseMlsdLine(line: string): FileEntry | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const facts = parseFacts(m[1]!);
  const { type, target } = typeOf(facts);
  const entry: FileEntry = { name: m[2]!, type, facts, raw: line };
  const size = facts['size'] ?? facts['sizd'];
  if (size !== undefined && /^\d+$/.test(size)) entry.size = Number(size);
  const modified = facts['modify'] !== undefined ? parseFtpTime(facts['modify']) : undefined;
  if (modified) entry.modified = modified;
  if (facts['perm'] !== undefined) entry.permissions = facts['perm'];
  if (facts['unix.mode'] !== undefined && entry.permissions === undefined) entry.permissions = facts['unix.mode'];
  if (target !== undefined) entry.target = target;
  const owner = facts['unix.owner'] ?? facts['unix.ownername'] ?? facts['unix.uid'];
  const group = facts['unix.group'] ?? facts['unix.groupname'] ?? facts['unix.gid'];
  if (owner !== undefined) entry.owner = owner;
  if (group !== undefined) entry.group = group;
  return entry;
}

/** True for the `.`/`..` entries (type=cdir/pdir) MLSD includes. */
export function isSelfOrParent(entry: FileEntry): boolean {
  const t = entry.facts?.['type']?.toLowerCase();
  return t === 'cdir' || t === 'pdir';
}

/** The MLSD dialect for the ordered list in listing.ts. */
export const mlsdDialect: ListingDialect = {
  name: 'mlsd',
  test: (line) => LINE.test(line),
  parse: (line) => parseMlsdLine(line),
};
