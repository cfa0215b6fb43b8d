/**
 * The cookie file curl and wget read and write (the Netscape format), and
 * curl's `-b "name=value; n2=v2"` string form. Text in, records out: the
 * caller does the file I/O.
 *
 * A file line is seven tab-separated fields — domain, include-subdomains
 * (TRUE/FALSE), path, secure (TRUE/FALSE), expiry (Unix seconds, 0 for a
 * session cookie), name, value — and a `#HttpOnly_` prefix on the domain
 * marks an HttpOnly cookie. Other lines starting with '#' are comments.
 *
 * As curl, a file may also hold `Set-Cookie:` header lines (what `curl -D`
 * saved): such a cookie without a Domain attribute goes to every host (its
 * domain is '' here) and, as in curl, is not written back to a file.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import type { Cookie } from '../cookies.js';
import { hasControl, parseSetCookie } from './set-cookie.js';
import { isIpLike } from './match.js';

const HTTP_ONLY = '#HttpOnly_';
const HEADER = '# Netscape HTTP Cookie File\n# Written by dialtone: domain, subdomains too, path, https only, expiry (Unix time; 0 = session), name, value.\n\n';

/** The last second a JavaScript Date can hold (8.64e15 ms). */
const LATEST_SECONDS = 8.64e12;

/** A cookie as a file holds it: everything but the creation time. */
export type FileCookie = Omit<Cookie, 'creation'>;

/**
 * Reads a cookie file's text. Lines that are not seven (or six, with an
 * empty value) fields, have a bad expiry, an empty domain or name, or a
 * control character are skipped, as curl skips them. `now` dates the
 * Max-Age of a `Set-Cookie:` line.
 */
export function parseNetscape(text: string, now: number = Date.now()): FileCookie[] {
  const out: FileCookie[] = [];
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const c = SET_COOKIE.test(line) ? headerLine(line.slice(11), now) : parseLine(line);
    if (c) out.push(c);
  }
  return out;
}

const SET_COOKIE = /^set-cookie:/i;

/** A `Set-Cookie:` line of a cookie file, as curl reads one: no request to take a host or path from. */
function headerLine(value: string, now: number): FileCookie | undefined {
  const p = parseSetCookie(value, now);
  if (!p) return undefined;
  // A Domain names the cookie's domain (an IP address: that host only); without one, every host.
  const domain = p.domain ?? '';
  return {
    name: p.name,
    value: p.value,
    domain,
    hostOnly: domain !== '' && isIpLike(domain),
    path: p.path ?? '/',
    secure: p.secure,
    httpOnly: p.httpOnly,
    sameSite: p.sameSite,
    expires: p.expires,
  };
}

function parseLine(raw: string): FileCookie | undefined {
  let line = raw;
  let httpOnly = false;
  if (line.startsWith(HTTP_ONLY)) {
    httpOnly = true;
    line = line.slice(HTTP_ONLY.length);
  } else if (line.startsWith('#') || line.trim() === '') return undefined;
  const f = line.split('\t');
  if (f.length === 6) f.push('');
  if (f.length !== 7) return undefined;
  const [dom, sub, path, secure, exp, name, value] = f as [string, string, string, string, string, string, string];
  const domain = (dom.startsWith('.') ? dom.slice(1) : dom).toLowerCase();
  if (domain === '' || name === '' || !/^[0-9]+$/.test(exp)) return undefined;
  if (hasControl(line)) return undefined;
  // Any number of digits, as curl reads them; past the last moment a Date holds it is that moment.
  const seconds = Math.min(Number(exp), LATEST_SECONDS);
  return {
    name,
    value,
    domain,
    hostOnly: sub.toUpperCase() !== 'TRUE',
    path: path.startsWith('/') ? path : '/',
    secure: secure.toUpperCase() === 'TRUE',
    httpOnly,
    expires: seconds === 0 ? undefined : seconds * 1000,
  };
}

/** Writes cookies as a cookie file curl reads back (`-b file`), header comment first. */
export function serializeNetscape(cookies: Iterable<FileCookie>): string {
  let out = HEADER;
  for (const c of cookies) {
    const expiry = c.expires === undefined ? 0 : Math.max(1, Math.floor(c.expires / 1000));
    // A cookie for every host (a Set-Cookie line of a file) is not written, as curl writes none with no domain.
    if (c.domain === '') continue;
    out += `${c.httpOnly ? HTTP_ONLY : ''}${c.hostOnly ? '' : '.'}${c.domain}\t${c.hostOnly ? 'FALSE' : 'TRUE'}\t${c.path}\t${c.secure ? 'TRUE' : 'FALSE'}\t${expiry}\t${c.name}\t${c.value}\n`;
  }
  return out;
}

/**
 * Reads curl's `-b` string form, `name=value; n2=v2`, into pairs in order.
 * A part without '=' is skipped; CR, LF or NUL anywhere is an InputError
 * (it would end the header line).
 */
export function parseCookieString(s: string): Array<[string, string]> {
  if (/[\r\n\0]/.test(s)) throw new InputError('a cookie string may not hold CR, LF or NUL', { protocol: 'http' });
  const out: Array<[string, string]> = [];
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (name !== '') out.push([name, part.slice(eq + 1).trim()]);
  }
  return out;
}
