/**
 * A cookie jar after RFC 6265: storing what Set-Cookie says (§5.3) and
 * answering the Cookie header for a URL (§5.4). Sans-IO — no files, no
 * timers; every method that needs the clock takes `now` (default
 * `Date.now()`). The curl/Netscape cookie file and curl's `-b "a=b; c=d"`
 * form are in `cookies/netscape.ts`.
 *
 * Known limit: no public-suffix list is shipped, so a Domain attribute with
 * no dot inside (`com`, `localhost`) is treated as a public suffix — the
 * cookie is refused, or kept host-only when the Domain is the host itself.
 *
 * @module
 */
import { InputError } from '../../errors.js';
import { parseSetCookie, type ParsedSetCookie } from './cookies/set-cookie.js';
import { parseNetscape, serializeNetscape } from './cookies/netscape.js';
import { candidateDomains, defaultPath, domainMatch, isIpLike, pathMatch } from './cookies/match.js';

export { parseSetCookie, parseCookieDate, MAX_COOKIE_SIZE, type ParsedSetCookie } from './cookies/set-cookie.js';
export { parseNetscape, serializeNetscape, parseCookieString } from './cookies/netscape.js';
export { defaultPath, domainMatch, isIpLike, pathMatch } from './cookies/match.js';

/** One stored cookie (§5.3's record). */
export interface Cookie {
  name: string;
  value: string;
  /** Lower-case host or domain, no leading dot. */
  domain: string;
  /** Sent to `domain` only (no Domain attribute was given), not to its subdomains. */
  hostOnly: boolean;
  path: string;
  secure: boolean;
  httpOnly: boolean;
  sameSite?: string | undefined;
  /** Expiry, ms since the epoch; undefined for a session cookie. */
  expires: number | undefined;
  /** When it was first stored, ms since the epoch (kept when the cookie is replaced). */
  creation: number;
}

/** Bounds of a {@link CookieJar}; past them the oldest cookie goes. */
export interface CookieJarLimits {
  /** Cookies per domain (default 50). */
  perDomain?: number | undefined;
  /** Cookies in all (default 3000). */
  total?: number | undefined;
  /** Longest Cookie header value sent, bytes (default 8190, curl's): the cookies past it are left out. */
  headerBytes?: number | undefined;
}

/**
 * RFC 6265bis §4.1.3 name prefixes, which curl and browsers enforce (the
 * match ignores case, as the draft now has it): a `__Secure-` cookie must be
 * Secure; a `__Host-` one Secure too, host-only (no Domain attribute) and
 * with `Path=/`, so no subdomain or other path can have set it.
 */
function prefixAllows(p: ParsedSetCookie, noDomain: boolean): boolean {
  const n = p.name;
  if (n.length < 7 || n.charCodeAt(0) !== 95 || n.charCodeAt(1) !== 95) return true;
  const lower = n.slice(0, 9).toLowerCase();
  if (lower === '__secure-') return p.secure;
  if (lower.startsWith('__host-')) return p.secure && noDomain && p.path === '/';
  return true;
}

interface Stored extends Cookie {
  /** Tie-break for equal creation times: the order things were stored in. */
  seq: number;
}

/**
 * Holds cookies between requests. Give it to `request(url, { cookies })`
 * (or urlopen's `cookies`) and every hop sends what applies and stores what
 * the server sets.
 *
 * @example
 * const jar = new CookieJar();
 * jar.setCookie('sid=1; Path=/; HttpOnly', 'http://example.org/login');
 * jar.cookieHeader('http://example.org/app'); // 'sid=1'
 */
export class CookieJar {
  readonly #byDomain = new Map<string, Stored[]>();
  readonly #perDomain: number;
  readonly #total: number;
  readonly #headerBytes: number;
  #count = 0;
  #seq = 0;

  constructor(limits: CookieJarLimits = {}) {
    this.#perDomain = positive(limits.perDomain, 50);
    this.#total = positive(limits.total, 3000);
    this.#headerBytes = positive(limits.headerBytes, 8190);
  }

  /** Cookies held, expired ones not yet dropped included. */
  get size(): number {
    return this.#count;
  }

  /**
   * Stores one Set-Cookie value received from `url`. Returns the cookie
   * stored, or undefined when the line was ignored (malformed, too big, a
   * Domain the host does not match, a Secure cookie from plain http other
   * than to localhost, 127.0.0.1 or ::1) or
   * only deleted a cookie (an expiry in the past).
   */
  setCookie(line: string, url: string | URL, now: number = Date.now()): Cookie | undefined {
    const u = toUrl(url);
    const parsed = parseSetCookie(line, now);
    if (!parsed) return undefined;
    return this.#store(parsed, u, now);
  }

  /** Stores every Set-Cookie value of one response from `url`, in order. */
  storeAll(lines: Iterable<string>, url: string | URL, now: number = Date.now()): void {
    const u = toUrl(url);
    for (const line of lines) {
      const parsed = parseSetCookie(line, now);
      if (parsed) this.#store(parsed, u, now);
    }
  }

  /**
   * The Cookie header value for a request to `url` (§5.4), or undefined
   * when no cookie applies: domain- and path-matched, Secure ones only over
   * https (or loopback http, as curl), expired ones dropped; longer paths first, then older first.
   * The value is bounded (`headerBytes`): the cookies that would pass the
   * bound are left out, as curl leaves them out.
   */
  cookieHeader(url: string | URL, now: number = Date.now()): string | undefined {
    const list = this.cookiesFor(url, now);
    if (list.length === 0) return undefined;
    let out = '';
    for (const c of list) {
      const add = (out === '' ? '' : '; ') + c.name + '=' + c.value;
      if (Buffer.byteLength(out) + Buffer.byteLength(add) > this.#headerBytes) break;
      out += add;
    }
    return out === '' ? undefined : out;
  }

  /** The cookies a request to `url` carries, in the order they are sent. */
  cookiesFor(url: string | URL, now: number = Date.now()): Cookie[] {
    const u = toUrl(url);
    const host = hostOf(u);
    const secure = secureContext(u);
    const path = u.pathname || '/';
    const found: Stored[] = [];
    // '': the cookies of a file's Set-Cookie lines without a Domain, which go to every host (curl).
    for (const d of [...candidateDomains(host), '']) {
      const list = this.#byDomain.get(d);
      if (!list) continue;
      this.#dropExpired(d, list, now);
      for (const c of list) {
        if (c.hostOnly && c.domain !== host) continue;
        if (c.secure && !secure) continue;
        if (!pathMatch(path, c.path)) continue;
        found.push(c);
      }
    }
    found.sort((a, b) => b.path.length - a.path.length || a.creation - b.creation || a.seq - b.seq);
    return found.map(publicCopy);
  }

  /** Every cookie held and not expired, oldest first. */
  all(now: number = Date.now()): Cookie[] {
    const out: Stored[] = [];
    for (const [d, list] of [...this.#byDomain]) {
      this.#dropExpired(d, list, now);
      out.push(...list);
    }
    out.sort((a, b) => a.creation - b.creation || a.seq - b.seq);
    return out.map(publicCopy);
  }

  /**
   * Adds a cookie as it is (from a cookie file): replaces one of the same
   * name, domain and path, and is bounded like any other. A name, value,
   * domain or path with a control character is an InputError.
   */
  add(cookie: Omit<Cookie, 'creation'> & { creation?: number | undefined }, now: number = Date.now()): void {
    for (const s of [cookie.name, cookie.value, cookie.domain, cookie.path])
      if (/[\x00-\x1f\x7f]/.test(s)) throw new InputError(`cookie ${JSON.stringify(cookie.name.slice(0, 40))} holds a control character`, { protocol: 'http' });
    if (cookie.name === '') throw new InputError('a cookie needs a name', { protocol: 'http' });
    if (cookie.expires !== undefined && cookie.expires <= now) return this.#remove(cookie.name, cookie.domain, cookie.path);
    this.#insert({ ...cookie, domain: cookie.domain.toLowerCase(), creation: cookie.creation ?? now, seq: 0 }, now);
  }

  /** Drops the session cookies (curl -j: a new session starts). */
  removeSessionCookies(): void {
    for (const [d, list] of [...this.#byDomain]) this.#filter(d, list, (c) => c.expires !== undefined);
  }

  /** Drops every cookie. */
  clear(): void {
    this.#byDomain.clear();
    this.#count = 0;
  }

  /** Reads a curl/Netscape cookie file's text into the jar; `dropSession` skips session cookies (curl -j). */
  load(text: string, options: { dropSession?: boolean | undefined; now?: number | undefined } = {}): void {
    const now = options.now ?? Date.now();
    for (const c of parseNetscape(text, now)) if (!(options.dropSession && c.expires === undefined)) this.add(c, now);
  }

  /** The jar as a curl/Netscape cookie file (expired cookies left out). */
  serialize(now: number = Date.now()): string {
    return serializeNetscape(this.all(now));
  }

  #store(p: ParsedSetCookie, u: URL, now: number): Cookie | undefined {
    const host = hostOf(u);
    let domain = host;
    let hostOnly = true;
    if (p.domain !== undefined) {
      if (p.domain === host) {
        // A Domain naming the host itself: an IP or a dotless name stays host-only (§5.3 step 5).
        hostOnly = isIpLike(host) || !p.domain.includes('.');
      } else {
        if (!p.domain.includes('.') || isIpLike(p.domain) || !domainMatch(host, p.domain)) return undefined;
        domain = p.domain;
        hostOnly = false;
      }
    }
    // RFC 6265bis: only a secure origin may set a Secure cookie (curl does the same).
    if (p.secure && !secureContext(u)) return undefined;
    if (!prefixAllows(p, hostOnly && p.domain === undefined)) return undefined;
    const path = p.path ?? defaultPath(u.pathname);
    // RFC 6265bis §5.7 (leave Secure cookies alone), as curl: plain http may not overwrite, shadow or delete a Secure cookie.
    if (!secureContext(u) && this.#shadowsSecure(p.name, domain, path)) return undefined;
    if (p.expires !== undefined && p.expires <= now) {
      this.#remove(p.name, domain, path);
      return undefined;
    }
    const c: Stored = { name: p.name, value: p.value, domain, hostOnly, path, secure: p.secure, httpOnly: p.httpOnly, sameSite: p.sameSite, expires: p.expires, creation: now, seq: 0 };
    this.#insert(c, now);
    return publicCopy(c);
  }

  /**
   * A Secure cookie named `name` whose domain and `domain` cover one another
   * and whose path covers `path`: what a cookie from an insecure origin may
   * not replace or sit in front of (a network attacker's cookie tossing).
   */
  #shadowsSecure(name: string, domain: string, path: string): boolean {
    for (const [d, list] of this.#byDomain) {
      if (!domainMatch(d, domain) && !domainMatch(domain, d)) continue;
      for (const c of list) if (c.secure && c.name === name && pathMatch(path, c.path)) return true;
    }
    return false;
  }

  #insert(c: Stored, now: number): void {
    let list = this.#byDomain.get(c.domain);
    if (!list) this.#byDomain.set(c.domain, (list = []));
    c.seq = ++this.#seq;
    const old = list.findIndex((o) => o.name === c.name && o.path === c.path);
    if (old >= 0) {
      // §5.3 step 11: the replacement keeps the old creation time, so its place in the header order.
      c.creation = list[old]!.creation;
      c.seq = list[old]!.seq;
      list[old] = c;
      return;
    }
    // Expired cookies go before any live one is evicted (§5.3).
    if (list.length >= this.#perDomain) this.#dropExpired(c.domain, list, now);
    if (list.length >= this.#perDomain) this.#evictOldest(c.domain, list);
    else if (this.#count >= this.#total) {
      for (const [d, l] of [...this.#byDomain]) this.#dropExpired(d, l, now);
      if (this.#count >= this.#total) this.#evictOldestAnywhere();
    }
    list.push(c);
    // An eviction may have emptied this very list and dropped it from the map.
    this.#byDomain.set(c.domain, list);
    this.#count++;
  }

  #remove(name: string, domain: string, path: string): void {
    const list = this.#byDomain.get(domain);
    if (list) this.#filter(domain, list, (c) => !(c.name === name && c.path === path));
  }

  #dropExpired(domain: string, list: Stored[], now: number): void {
    if (list.some((c) => c.expires !== undefined && c.expires <= now)) this.#filter(domain, list, (c) => c.expires === undefined || c.expires > now);
  }

  #filter(domain: string, list: Stored[], keep: (c: Stored) => boolean): void {
    // In place: a caller may hold this list.
    let n = 0;
    for (const c of list) if (keep(c)) list[n++] = c;
    this.#count -= list.length - n;
    list.length = n;
    if (n === 0) this.#byDomain.delete(domain);
  }

  #evictOldest(domain: string, list: Stored[]): void {
    let oldest = 0;
    for (let i = 1; i < list.length; i++) if (older(list[i]!, list[oldest]!)) oldest = i;
    list.splice(oldest, 1);
    this.#count--;
    if (list.length === 0) this.#byDomain.delete(domain);
  }

  #evictOldestAnywhere(): void {
    let best: { d: string; list: Stored[]; c: Stored } | undefined;
    for (const [d, list] of this.#byDomain) for (const c of list) if (!best || older(c, best.c)) best = { d, list, c };
    if (best) this.#evictOldest(best.d, best.list);
  }
}

function older(a: Stored, b: Stored): boolean {
  return a.creation < b.creation || (a.creation === b.creation && a.seq < b.seq);
}

function publicCopy(c: Stored): Cookie {
  return { name: c.name, value: c.value, domain: c.domain, hostOnly: c.hostOnly, path: c.path, secure: c.secure, httpOnly: c.httpOnly, sameSite: c.sameSite, expires: c.expires, creation: c.creation };
}

function positive(v: number | undefined, dflt: number): number {
  return v !== undefined && Number.isSafeInteger(v) && v > 0 ? v : dflt;
}

function toUrl(url: string | URL): URL {
  try {
    return typeof url === 'string' ? new URL(url) : url;
  } catch (err) {
    throw new InputError(`invalid URL ${JSON.stringify(String(url).slice(0, 200))}`, { cause: err, protocol: 'http' });
  }
}

/**
 * Whether Secure cookies may be set by and sent to `u`: https, or plain http
 * to the loopback host by its usual names — what curl counts as a secure
 * context (a local development server rarely has TLS).
 */
function secureContext(u: URL): boolean {
  if (u.protocol === 'https:') return true;
  const host = hostOf(u);
  return host === 'localhost' || host === '127.0.0.1' || host === '::1';
}

/** The canonical request host: the URL's host name (already lower case and punycoded), brackets of an IPv6 literal removed. */
function hostOf(u: URL): string {
  const h = u.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
