/**
 * Reading one Set-Cookie field value (RFC 6265 §5.2) and the date format of
 * its Expires attribute (§5.1.1). Pure functions: the clock comes in as
 * `now`, and nothing here decides whether the cookie is stored — that is
 * the jar's job (§5.3).
 *
 * @module
 */

/** A Set-Cookie line as parsed, before the storage rules are applied. */
export interface ParsedSetCookie {
  name: string;
  value: string;
  /** Absolute expiry, ms since the epoch, from Max-Age (which wins) or Expires; undefined for a session cookie. */
  expires: number | undefined;
  /** The Domain attribute, lower-cased, its leading dot removed; undefined when absent or empty. */
  domain: string | undefined;
  /** The Path attribute when it starts with '/'; undefined otherwise (the default path applies). */
  path: string | undefined;
  secure: boolean;
  httpOnly: boolean;
  /** Kept as sent ('Strict', 'Lax', 'None'…) and not enforced: a command-line client has no "site". */
  sameSite: string | undefined;
}

/** Largest name + value accepted, in bytes (the RFC's "at least 4096" per cookie). */
export const MAX_COOKIE_SIZE = 4096;

/** Longest attribute value read, in bytes (RFC 6265bis §5.6). */
const MAX_ATTRIBUTE_SIZE = 1024;

/** The earliest time a Max-Age of zero or less sets: any moment in the past deletes the cookie. */
const EARLIEST = -8.64e15;

/**
 * Parses one Set-Cookie value as §5.2 says, or returns undefined when the
 * line must be ignored: no '=' in the first pair, an empty name, a control
 * character (CR, LF, NUL and the other CTLs except tab) anywhere, or a name
 * and value longer than {@link MAX_COOKIE_SIZE} bytes together.
 *
 * The last occurrence of an attribute wins; an attribute whose value cannot
 * be read (a bad date, a Max-Age that is not an integer, a value over 1024
 * bytes) is ignored alone.
 */
export function parseSetCookie(line: string, now: number): ParsedSetCookie | undefined {
  if (hasControl(line)) return undefined;
  const semi = line.indexOf(';');
  const pair = semi < 0 ? line : line.slice(0, semi);
  const eq = pair.indexOf('=');
  if (eq < 0) return undefined;
  const name = trimWsp(pair.slice(0, eq));
  const value = trimWsp(pair.slice(eq + 1));
  // A tab inside would break the cookie file's columns; at the edges it was trimmed.
  if (name === '' || name.includes('\t') || value.includes('\t')) return undefined;
  if (Buffer.byteLength(name) + Buffer.byteLength(value) > MAX_COOKIE_SIZE) return undefined;
  const out: ParsedSetCookie = { name, value, expires: undefined, domain: undefined, path: undefined, secure: false, httpOnly: false, sameSite: undefined };
  let maxAge: number | undefined;
  let expires: number | undefined;
  let start = semi;
  while (start >= 0) {
    const end = line.indexOf(';', start + 1);
    const av = line.slice(start + 1, end < 0 ? line.length : end);
    start = end;
    const i = av.indexOf('=');
    const key = trimWsp(i < 0 ? av : av.slice(0, i)).toLowerCase();
    const val = i < 0 ? '' : trimWsp(av.slice(i + 1));
    // RFC 6265bis §5.6: a longer value is ignored, so a hostile Path or Domain is not kept in every stored cookie.
    if (val.length > MAX_ATTRIBUTE_SIZE / 3 && Buffer.byteLength(val) > MAX_ATTRIBUTE_SIZE) continue;
    switch (key) {
      case 'expires': {
        const t = parseCookieDate(val);
        if (t !== undefined) expires = t;
        break;
      }
      case 'max-age': {
        const delta = parseMaxAge(val);
        if (delta !== undefined) maxAge = delta <= 0 ? EARLIEST : now + Math.min(delta, 1e11) * 1000;
        break;
      }
      case 'domain':
        // An empty Domain is ignored (§5.2.3); a leading dot is.
        if (val !== '') out.domain = (val.startsWith('.') ? val.slice(1) : val).toLowerCase();
        break;
      case 'path':
        out.path = val.startsWith('/') ? val : undefined;
        break;
      case 'secure':
        out.secure = true;
        break;
      case 'httponly':
        out.httpOnly = true;
        break;
      case 'samesite':
        out.sameSite = val;
        break;
    }
  }
  out.expires = maxAge ?? expires;
  return out;
}

/** §5.2.2: an optional '-' then digits only; undefined otherwise. */
function parseMaxAge(v: string): number | undefined {
  const digits = v.startsWith('-') ? v.slice(1) : v;
  if (digits === '' || !isDigits(digits, 0, digits.length)) return undefined;
  const n = Number(digits);
  return v.startsWith('-') ? -n : n;
}

/** True for the CTLs a cookie line may not hold: %x00-08, %x0A-1F, %x7F (tab is allowed). */
export function hasControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 0x20 && c !== 0x09) || c === 0x7f) return true;
  }
  return false;
}

function trimWsp(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s[a] === ' ' || s[a] === '\t')) a++;
  while (b > a && (s[b - 1] === ' ' || s[b - 1] === '\t')) b--;
  return s.slice(a, b);
}

function isDigits(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return to > from;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

/** §5.1.1's delimiter set: %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E. */
function isDelimiter(c: number): boolean {
  return c === 0x09 || (c >= 0x20 && c <= 0x2f) || (c >= 0x3b && c <= 0x40) || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7e);
}

/** Leading digits of a token (at most `max`), when the token is those digits then optionally a non-digit and anything. */
function leadingNumber(tok: string, min: number, max: number): number | undefined {
  let n = 0;
  while (n < tok.length && n <= max && tok.charCodeAt(n) >= 0x30 && tok.charCodeAt(n) <= 0x39) n++;
  if (n < min || n > max) return undefined;
  return Number(tok.slice(0, n));
}

/** hms-time = time-field ":" time-field ":" time-field, each 1*2DIGIT, then an optional non-digit and anything. */
function parseTime(tok: string): [number, number, number] | undefined {
  const out: number[] = [];
  let i = 0;
  for (let f = 0; f < 3; f++) {
    const s = i;
    while (i < tok.length && i - s < 3 && tok.charCodeAt(i) >= 0x30 && tok.charCodeAt(i) <= 0x39) i++;
    if (i - s < 1 || i - s > 2) return undefined;
    out.push(Number(tok.slice(s, i)));
    if (f < 2) {
      if (tok[i] !== ':') return undefined;
      i++;
    }
  }
  return [out[0]!, out[1]!, out[2]!];
}

/**
 * The cookie-date algorithm of §5.1.1: tokens split on delimiters, the first
 * time, day of month, month and year found, two-digit years mapped (70-99 →
 * 19xx, 00-69 → 20xx). Returns ms since the epoch, or undefined when a part
 * is missing or out of range (including days a month does not have). One
 * pass over the input: nothing backtracks.
 */
export function parseCookieDate(s: string): number | undefined {
  let time: [number, number, number] | undefined;
  let day: number | undefined;
  let month: number | undefined;
  let year: number | undefined;
  let i = 0;
  while (i < s.length) {
    while (i < s.length && isDelimiter(s.charCodeAt(i))) i++;
    const start = i;
    while (i < s.length && !isDelimiter(s.charCodeAt(i))) i++;
    if (i === start) break;
    const tok = s.slice(start, i);
    let t: ReturnType<typeof parseTime>;
    let n: number | undefined;
    if (!time && (t = parseTime(tok))) time = t;
    else if (day === undefined && (n = leadingNumber(tok, 1, 2)) !== undefined) day = n;
    else if (month === undefined && tok.length >= 3 && MONTHS.includes(tok.slice(0, 3).toLowerCase())) month = MONTHS.indexOf(tok.slice(0, 3).toLowerCase());
    else if (year === undefined && (n = leadingNumber(tok, 2, 4)) !== undefined) year = n;
  }
  if (!time || day === undefined || month === undefined || year === undefined) return undefined;
  if (year >= 70 && year <= 99) year += 1900;
  else if (year >= 0 && year <= 69) year += 2000;
  const [h, m, sec] = time;
  if (day < 1 || day > 31 || year < 1601 || h > 23 || m > 59 || sec > 59) return undefined;
  const t = Date.UTC(year, month, day, h, m, sec);
  // Feb 30 would roll into March: such a date does not exist, so it fails.
  if (new Date(t).getUTCDate() !== day) return undefined;
  return t;
}
