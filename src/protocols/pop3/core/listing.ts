/**
 * The numbers POP3 answers with (RFC 1939 §5, §7): STAT's drop listing,
 * LIST's scan listings and UIDL's unique-id listings, single or as the
 * lines of a multi-line response. A server's number is taken only when it
 * is plain decimal digits that fit a safe integer: a 40-digit STAT is a
 * ProtocolError, never a rounded or Infinity count a caller might size a
 * buffer by.
 *
 * @module
 */
import { ProtocolError } from '../../../errors.js';
import { parseDecimal as parseNumber } from '../../../util/decimal.js';

/** Plain decimal digits (up to 15) as a safe integer, else undefined (util/decimal's parseDecimal). */
export { parseNumber };

/** STAT: how many messages, and their total size in octets. */
export interface Pop3Stat {
  count: number;
  size: number;
}

/** One LIST entry: a message number and its size in octets. */
export interface Pop3ListEntry {
  n: number;
  size: number;
}

/** One UIDL entry: a message number and its unique id (RFC 1939: 1–70 octets 0x21–0x7E). */
export interface Pop3UidEntry {
  n: number;
  uid: string;
}

/** Most digits a number may have (15 digits always fit below 2^53). */
const MAX_UID = 70;

function bad(what: string, line: string): ProtocolError {
  return new ProtocolError(`malformed ${what}: ${JSON.stringify(line.slice(0, 80))}`, { protocol: 'pop3', phase: 'reply' });
}

/** The first two space-separated fields of `text`; extra fields are allowed (RFC 1939 lets servers add them). */
function twoFields(text: string): [string, string] | undefined {
  const t = text.trim();
  const sp = t.indexOf(' ');
  if (sp < 0) return undefined;
  const a = t.slice(0, sp);
  const rest = t.slice(sp + 1).trimStart();
  const sp2 = rest.indexOf(' ');
  return [a, sp2 < 0 ? rest : rest.slice(0, sp2)];
}

/** Parses the text after `+OK` in a STAT response: `nn mm`. */
export function parseStat(text: string): Pop3Stat {
  const f = twoFields(text);
  const count = f && parseNumber(f[0]);
  const size = f && parseNumber(f[1]);
  if (count === undefined || size === undefined) throw bad('STAT response', text);
  return { count, size };
}

/** Parses one scan listing: `n size` (a LIST line, or the text of `+OK` to `LIST n`). */
export function parseListLine(line: string): Pop3ListEntry {
  const f = twoFields(line);
  const n = f && parseNumber(f[0]);
  const size = f && parseNumber(f[1]);
  if (n === undefined || size === undefined || n < 1) throw bad('scan listing', line);
  return { n, size };
}

/** Parses one unique-id listing: `n uid` (a UIDL line, or the text of `+OK` to `UIDL n`). */
export function parseUidlLine(line: string): Pop3UidEntry {
  const f = twoFields(line);
  const n = f && parseNumber(f[0]);
  const uid = f?.[1] ?? '';
  if (n === undefined || n < 1 || uid.length === 0 || uid.length > MAX_UID) throw bad('unique-id listing', line);
  for (let i = 0; i < uid.length; i++) {
    const c = uid.charCodeAt(i);
    if (c < 0x21 || c > 0x7e) throw bad('unique-id listing', line);
  }
  return { n, uid };
}

/** The size RETR's `+OK` announces (`+OK 120 octets`, as most servers write), if any. */
export function announcedSize(text: string): number | undefined {
  const sp = text.indexOf(' ');
  return parseNumber(sp < 0 ? text : text.slice(0, sp));
}
