/**
 * The texts of single-line NNTP responses that carry data: GROUP's 211
 * (RFC 3977 §6.1.1), the 220–223 article responses (§6.2) and DATE's 111
 * (§7.1). Numbers are plain digits that fit a safe integer, or the
 * response is a ProtocolError.
 *
 * @module
 */
import { ProtocolError } from '../../../errors.js';
import { parseDecimal as parseNumber } from '../../../util/decimal.js';
import { utcDate } from '../../../util/utc-date.js';

/** Plain decimal digits (up to 15) as a safe integer, else undefined (util/decimal's parseDecimal). */
export { parseNumber };

/** A selected group: its estimated count and its low and high water marks. */
export interface NntpGroup {
  name: string;
  count: number;
  low: number;
  high: number;
}

/** Which article a 220–223 response is about. */
export interface NntpArticleRef {
  /** 0 when the article was asked for by message-id (RFC 3977 §6.2.1.2). */
  number: number;
  messageId: string;
}


function bad(what: string, text: string): ProtocolError {
  return new ProtocolError(`malformed ${what}: ${JSON.stringify(text.slice(0, 80))}`, { protocol: 'nntp', phase: 'reply' });
}

/** Space-separated words, runs of spaces counted once; at most `max`. */
function words(text: string, max: number): string[] {
  return text.split(' ', max + 16).filter((w) => w.length > 0).slice(0, max);
}

/** GROUP's `211 number low high group`. */
export function parseGroup(text: string): NntpGroup {
  const [c, l, h, name] = words(text, 4);
  const count = parseNumber(c);
  const low = parseNumber(l);
  const high = parseNumber(h);
  if (count === undefined || low === undefined || high === undefined || !name) throw bad('GROUP response', text);
  return { name, count, low, high };
}

/** ARTICLE/HEAD/BODY/STAT's `22x n <message-id>`. */
export function parseArticleRef(text: string): NntpArticleRef {
  const [n, id] = words(text, 2);
  const number = parseNumber(n);
  if (number === undefined || !id || id[0] !== '<' || id[id.length - 1] !== '>') throw bad('article response', text);
  return { number, messageId: id };
}

/** DATE's `111 yyyymmddhhmmss` as a Date (UTC). */
export function parseDate(text: string): Date {
  const s = words(text, 1)[0] ?? '';
  if (s.length !== 14 || parseNumber(s.slice(0, 7)) === undefined || parseNumber(s.slice(7)) === undefined) throw bad('DATE response', text);
  const n = (a: number, b: number) => Number(s.slice(a, b));
  // A leap second (60) is read as 59, as the FTP times are: Date cannot hold it.
  const sec = n(12, 14);
  const d = utcDate(n(0, 4), n(4, 6) - 1, n(6, 8), n(8, 10), n(10, 12), sec === 60 ? 59 : sec);
  if (!d) throw bad('DATE response', text);
  return d;
}
