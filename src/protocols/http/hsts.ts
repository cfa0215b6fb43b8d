/**
 * HTTP Strict Transport Security (RFC 6797) for a user agent: a cache of
 * known HSTS hosts, filled from the Strict-Transport-Security headers of
 * verified https responses and asked before every http:// request —
 * including each redirect — which it turns into https://.
 *
 * The cache reads and writes curl's HSTS file (`--hsts`), one host a line:
 * `[.]host "YYYYMMDD HH:MM:SS"` (UTC) or `"unlimited"`, the leading dot
 * meaning includeSubDomains; `#` lines are comments. So a cache made by
 * dial is curl's and curl's is dial's.
 *
 * Where curl and the RFC part, the RFC is followed: only the first
 * Strict-Transport-Security header of a response counts (§8.1; curl takes
 * the last), an explicit port 80 becomes 443 when a URL is upgraded (§8.3;
 * curl keeps :80), and a response read without certificate verification
 * teaches nothing (§8.1: only over a transport "with no errors").
 *
 * @module
 */
import { isIP } from 'node:net';
import { parseStrictTransportSecurity } from './core/sts.js';

/** One known HSTS host. */
export interface HstsEntry {
  /** The host name, lower case, without a trailing dot. */
  host: string;
  includeSubDomains: boolean;
  /** When the entry lapses, ms since the epoch; Infinity for curl's "unlimited". */
  expires: number;
}

/** Bound on the hosts a cache holds (a hostile file or a long crawl): the soonest to lapse go first. */
const MAX_ENTRIES = 10_000;
/** The latest date the file format can say (year 9999). */
const LAST_DATE = Date.UTC(9999, 11, 31, 23, 59, 59);

function hostOf(hostname: string): string {
  let end = hostname.length;
  while (end > 0 && hostname.charCodeAt(end - 1) === 0x2e) end--;
  return hostname.slice(0, end).toLowerCase();
}

/** An HSTS cache: pass it as `hsts` to request() or urlopen() to use it. */
export class HstsCache {
  readonly #entries = new Map<string, HstsEntry>();
  readonly #now: () => number;

  /** @param now the clock (ms since the epoch), for tests. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Known hosts, lapsed ones included until they are next looked up or saved. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The known entry that covers `hostname`: its own (RFC 6797 §8.2
   * congruent match), else the nearest superdomain's with includeSubDomains.
   */
  find(hostname: string): HstsEntry | undefined {
    const host = hostOf(hostname);
    if (host === '' || isIpLiteral(host)) return undefined;
    const now = this.#now();
    for (let name = host, sub = false; ; sub = true) {
      const e = this.#entries.get(name);
      if (e && e.expires <= now) this.#entries.delete(name);
      else if (e && (!sub || e.includeSubDomains)) return e;
      const dot = name.indexOf('.');
      if (dot < 0) return undefined;
      name = name.slice(dot + 1);
    }
  }

  /** The https:// URL an http:// one becomes when its host is known (port 80 → 443), else undefined. */
  upgrade(url: URL): URL | undefined {
    if (url.protocol !== 'http:' || !this.find(url.hostname)) return undefined;
    const up = new URL(url.href);
    up.protocol = 'https:';
    // WHATWG URL drops :443 as https's default; an explicit :80 is the one the RFC says to change.
    if (url.port === '80') up.port = '';
    return up;
  }

  /**
   * Learns from a response to `url` (only an https one whose certificate was
   * verified should be passed): the first Strict-Transport-Security value
   * sets, renews or (max-age=0) forgets the host. An IP literal is never
   * noted (§8.1).
   */
  noteResponse(url: URL, values: readonly string[]): void {
    if (url.protocol !== 'https:' || values.length === 0) return;
    const host = hostOf(url.hostname);
    if (host === '' || isIpLiteral(host)) return;
    const policy = parseStrictTransportSecurity(values[0]!);
    if (!policy) return;
    if (policy.maxAge === 0) {
      this.#entries.delete(host);
      return;
    }
    this.#set({ host, includeSubDomains: policy.includeSubDomains, expires: Math.min(this.#now() + policy.maxAge * 1000, LAST_DATE) });
  }

  /** Adds the entries of an HSTS file (curl's format); lines that do not parse and lapsed entries are skipped. */
  load(text: string): void {
    const now = this.#now();
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) continue;
      const space = line.search(/[ \t]/);
      if (space <= 0) continue;
      const name = line.slice(0, space);
      const when = line.slice(space).trim();
      if (!when.startsWith('"') || !when.endsWith('"') || when.length < 2) continue;
      const expires = parseExpiry(when.slice(1, -1));
      if (expires === undefined || expires <= now) continue;
      const includeSubDomains = name.startsWith('.');
      const host = hostOf(includeSubDomains ? name.slice(1) : name);
      if (host === '' || isIpLiteral(host)) continue;
      this.#set({ host, includeSubDomains, expires });
    }
  }

  /** The cache as an HSTS file, lapsed entries left out. */
  serialize(): string {
    const now = this.#now();
    let out = '# HSTS cache (curl\'s --hsts format), written by dialtone.\n# One known host a line: [.]host "YYYYMMDD HH:MM:SS" (UTC); a leading dot covers its subdomains.\n';
    for (const e of this.#entries.values()) {
      if (e.expires <= now) continue;
      out += `${e.includeSubDomains ? '.' : ''}${e.host} "${formatExpiry(e.expires)}"\n`;
    }
    return out;
  }

  #set(e: HstsEntry): void {
    this.#entries.delete(e.host);
    if (this.#entries.size >= MAX_ENTRIES) this.#evict();
    this.#entries.set(e.host, e);
  }

  /** Makes room: the lapsed entries, or else the one that lapses first. */
  #evict(): void {
    const now = this.#now();
    let first: HstsEntry | undefined;
    for (const e of this.#entries.values()) {
      if (e.expires <= now) this.#entries.delete(e.host);
      else if (!first || e.expires < first.expires) first = e;
    }
    if (this.#entries.size >= MAX_ENTRIES && first) this.#entries.delete(first.host);
  }
}

function isIpLiteral(host: string): boolean {
  return host.startsWith('[') || isIP(host) !== 0;
}

/** `YYYYMMDD HH:MM:SS` (UTC) or `unlimited`. */
function parseExpiry(s: string): number | undefined {
  if (s === 'unlimited') return Infinity;
  if (s.length !== 17 || s[8] !== ' ' || s[11] !== ':' || s[14] !== ':') return undefined;
  const parts = [s.slice(0, 4), s.slice(4, 6), s.slice(6, 8), s.slice(9, 11), s.slice(12, 14), s.slice(15, 17)];
  if (!parts.every((p) => /^\d+$/.test(p))) return undefined;
  const [y, mo, d, h, mi, se] = parts.map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  return Date.UTC(y, mo - 1, d, h, mi, se);
}

function formatExpiry(ms: number): string {
  if (ms === Infinity) return 'unlimited';
  const t = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${String(t.getUTCFullYear()).padStart(4, '0')}${two(t.getUTCMonth() + 1)}${two(t.getUTCDate())} ${two(t.getUTCHours())}:${two(t.getUTCMinutes())}:${two(t.getUTCSeconds())}`;
}
