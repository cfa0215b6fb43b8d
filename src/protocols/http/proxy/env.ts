/**
 * Which proxy a URL goes through, decided from the environment the way curl
 * decides it, so `dial` and the library agree with `curl` run in the same
 * shell.
 *
 * @module
 */
import * as net from 'node:net';
import { InputError } from '../../../errors.js';

/** Proxy schemes a proxy URL may name. */
export const PROXY_SCHEMES = ['http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h'] as const;
export type ProxyScheme = (typeof PROXY_SCHEMES)[number];

const BAD_PROXY_CHARS = /[\0-\x20\x7f]/;

/**
 * Parses a proxy as curl's `-x` takes it: `host:port` with no scheme means
 * `http://`, and an http or socks proxy given without a port is on 1080
 * (curl's default), an https proxy on 443. Throws InputError for anything
 * else: an unknown scheme, a path, control characters.
 */
export function parseProxyUrl(s: string): URL {
  const text = s.trim();
  if (text.length === 0 || BAD_PROXY_CHARS.test(text)) throw new InputError(`invalid proxy ${JSON.stringify(s.slice(0, 100))}`, { protocol: 'http' });
  const hasScheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(text);
  let url: URL;
  try {
    url = new URL(hasScheme ? text : `http://${text}`);
  } catch (err) {
    throw new InputError(`invalid proxy URL ${JSON.stringify(s.slice(0, 100))}`, { protocol: 'http', cause: err });
  }
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!(PROXY_SCHEMES as readonly string[]).includes(scheme))
    throw new InputError(`unsupported proxy scheme ${JSON.stringify(scheme)}: use one of ${PROXY_SCHEMES.join(', ')}`, { protocol: 'http' });
  if (!url.hostname) throw new InputError(`proxy URL ${JSON.stringify(s.slice(0, 100))} has no host`, { protocol: 'http' });
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash)
    throw new InputError(`proxy URL ${JSON.stringify(s.slice(0, 100))} must not have a path, query or fragment`, { protocol: 'http' });
  // The WHATWG parser drops a port equal to the scheme's default, so "no port"
  // and ":80" look alike; only the raw text tells them apart.
  if (url.port === '' && !hasExplicitPort(text, hasScheme)) {
    if (scheme !== 'https') url.port = '1080';
  }
  return url;
}

function hasExplicitPort(text: string, hasScheme: boolean): boolean {
  let rest = hasScheme ? text.slice(text.indexOf('://') + 3) : text;
  const slash = rest.indexOf('/');
  if (slash !== -1) rest = rest.slice(0, slash);
  const at = rest.lastIndexOf('@');
  if (at !== -1) rest = rest.slice(at + 1);
  if (rest.startsWith('[')) return rest.indexOf(']:') !== -1;
  return rest.indexOf(':') !== -1;
}

/** The port a proxy URL names, or its scheme's default (http 80, https 443, socks 1080). */
export function proxyPort(proxy: URL): number {
  if (proxy.port) return Number(proxy.port);
  const scheme = proxy.protocol.slice(0, -1).toLowerCase();
  return scheme === 'http' ? 80 : scheme === 'https' ? 443 : 1080;
}

/** A URL's host without the brackets around an IPv6 literal. */
export function bareHost(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function env1(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name];
  return v === undefined || v === '' ? undefined : v;
}

/**
 * The proxy for `url` from the environment, as curl picks it:
 * `<scheme>_proxy`, then `<SCHEME>_PROXY` — except that `HTTP_PROXY` is never
 * read, because a CGI program finds a client's `Proxy:` request header there
 * (httpoxy) — then `all_proxy`, then `ALL_PROXY`. An empty variable counts as
 * unset. Returns undefined when the host is excluded by `noProxy` (which, as
 * curl's `--noproxy`, replaces `no_proxy`/`NO_PROXY` when given, even empty)
 * or when no variable applies. The value is returned as written; pass it to
 * {@link parseProxyUrl}.
 */
export function proxyForUrl(url: URL, env: NodeJS.ProcessEnv = process.env, noProxy?: string): string | undefined {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  if (!scheme || !url.hostname) return undefined;
  const list = noProxy ?? env1(env, 'no_proxy') ?? env1(env, 'NO_PROXY');
  if (list !== undefined && matchesNoProxy(url.hostname, list)) return undefined;
  const lower = `${scheme}_proxy`;
  let proxy = env1(env, lower);
  if (proxy === undefined && lower !== 'http_proxy') proxy = env1(env, lower.toUpperCase());
  proxy ??= env1(env, 'all_proxy') ?? env1(env, 'ALL_PROXY');
  return proxy;
}

/**
 * True when `host` is excluded from proxying by a NO_PROXY list, with curl's
 * rules: entries are separated by commas and/or whitespace; the list `*`
 * alone excludes everything; a name matches itself and any name below it
 * (`example.com` matches `www.example.com`, not `notexample.com`), one
 * leading dot and a trailing dot are ignored, case does not matter; an IPv4
 * or IPv6 literal matches only an address literal, exactly or as a CIDR range
 * (`10.0.0.0/8`, `fe80::/10`; an IPv6 entry is written without brackets);
 * ports play no part. IPv6 CIDR entries work as curl documents them (curl
 * before 8.18 ignored them: curl/curl#19828).
 */
export function matchesNoProxy(host: string, list: string): boolean {
  let name = bareHost(host).toLowerCase();
  if (name.endsWith('.')) name = name.slice(0, -1);
  if (name.length === 0) return false;
  if (list.trim() === '*') return true;
  const family = net.isIP(name);
  for (const raw of list.split(/[\s,]+/)) {
    let token = raw.toLowerCase();
    if (token.length === 0) continue;
    if (family === 0) {
      if (token.startsWith('.')) token = token.slice(1);
      if (token.endsWith('.')) token = token.slice(0, -1);
      if (token.length === 0) continue;
      if (token === name) return true;
      if (name.length > token.length && name.endsWith(token) && name.charCodeAt(name.length - token.length - 1) === 46) return true;
    } else if (cidrMatch(name, family, token)) {
      return true;
    }
  }
  return false;
}

function cidrMatch(addr: string, family: number, token: string): boolean {
  let bitsText: string | undefined;
  const slash = token.indexOf('/');
  if (slash !== -1) {
    bitsText = token.slice(slash + 1);
    token = token.slice(0, slash);
  }
  if (net.isIP(token) !== family) return false;
  const max = family === 4 ? 32 : 128;
  let bits = max;
  if (bitsText !== undefined) {
    if (!/^\d{1,3}$/.test(bitsText)) return false;
    bits = Number(bitsText);
    if (bits > max) return false;
    // A /0 range holds every address (curl fixed its /0 handling in 8.19; 7.x matched exactly).
    if (bits === 0) return true;
  }
  const a = ipBytes(addr, family);
  const b = ipBytes(token, family);
  let i = 0;
  for (; bits >= 8; bits -= 8, i++) if (a[i] !== b[i]) return false;
  if (bits === 0) return true;
  const mask = (0xff << (8 - bits)) & 0xff;
  return (a[i]! & mask) === (b[i]! & mask);
}

/** The bytes of an IP literal already checked by net.isIP. */
export function ipBytes(addr: string, family: number): Uint8Array {
  if (family === 4) return Uint8Array.from(addr.split('.').map(Number));
  const out = new Uint8Array(16);
  // The zone (fe80::1%eth0) goes first: left on, a dot in it or after a dotted quad was read as
  // part of the address (::ffff:1.2.3.4%eth0 became ::ffff:1.2.3.0).
  const pct = addr.indexOf('%');
  let text = pct === -1 ? addr : addr.slice(0, pct);
  // An embedded dotted quad (::ffff:1.2.3.4) fills the last four bytes.
  const lastColon = text.lastIndexOf(':');
  const tail = text.slice(lastColon + 1);
  let v4: number[] | undefined;
  if (tail.includes('.')) {
    v4 = tail.split('.').map(Number);
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  groups.forEach((g, i) => {
    const n = parseInt(g, 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (v4) out.set(v4, 12);
  return out;
}
