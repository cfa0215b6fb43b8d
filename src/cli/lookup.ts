/**
 * The name lookups a run's transfers share: -4 / -6 (one family),
 * --resolve (host:port pinned to addresses) and --doh-url. Each is made once per run (per
 * origin for --resolve), since the HTTP agent keys its pools by the lookup:
 * a new function per URL would mean a new connection per URL.
 *
 * @module
 */
import { isIP } from 'node:net';
import type { LookupAddress, LookupFunction } from '../socket/connect.js';
import { systemLookup } from '../socket/system-lookup.js';
import type { CliOptions } from './args.js';
import type { TLSOptions } from '../socket/tls.js';
import { CliExit, EXIT } from './exit-codes.js';
import { connectTarget } from '../protocols/http/connect-to.js';

/**
 * A lookup that keeps the addresses of one family (curl -4 / -6), asking
 * `inner` (the system resolver by default) for that family only. A name with
 * no such address is the resolve error curl gives (exit 6).
 */
export function onlyFamily(family: 4 | 6, inner?: LookupFunction): LookupFunction {
  return async (hostname, options) => {
    const found = await (inner ?? systemLookup)(hostname, { ...options, family });
    return found.filter((a) => a.family === family);
  };
}

/**
 * --doh-url's lookup, loaded only when asked for. As curl: --cacert is the
 * DoH server's too, -k is not (--doh-insecure is), and --resolve pins the
 * DoH server's own name as well (curl has one DNS cache for both).
 */
export async function dohResolver(url: string, o: Pick<CliOptions, 'resolve' | 'dohInsecure'>, ca: TLSOptions['ca']): Promise<LookupFunction> {
  const own = o.resolve.length > 0 && URL.canParse(url) ? resolveLookup(o.resolve, new URL(url)) : undefined;
  const { dohLookup } = await import('../protocols/dns/doh.js');
  return dohLookup(url, { tls: { ...(ca ? { ca } : {}), rejectUnauthorized: !o.dohInsecure }, lookup: own });
}

/** `--resolve host:port:addr[,addr]` entries for one URL's host and port, as a lookup function. */
export function resolveLookup(entries: readonly string[], url: URL, base: LookupFunction = systemLookup): LookupFunction | undefined {
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || { 'http:': '80', 'https:': '443', 'ftp:': '21', 'ftps:': '990', 'gopher:': '70' }[url.protocol] || '';
  const pinned: LookupAddress[] = [];
  for (const e of entries) {
    const m = /^(\[[^\]]+\]|[^:]+):(\d+):(.+)$/.exec(e);
    if (!m) continue;
    const h = m[1]!.replace(/^\[|\]$/g, '').toLowerCase();
    if ((h !== host && h !== '*') || m[2] !== port) continue;
    for (const a of m[3]!.split(',')) {
      const addr = a.trim().replace(/^\[|\]$/g, '');
      const family = isIP(addr);
      if (family === 0) throw new CliExit(EXIT.FAILED_INIT, `option --resolve: '${addr}' is not an IP address`);
      pinned.push({ address: addr, family: family as 4 | 6 });
    }
  }
  if (pinned.length === 0) return undefined;
  return async (hostname, { family }) => {
    if (hostname.toLowerCase().replace(/^\[|\]$/g, '') !== host) return base(hostname, { family });
    return family ? pinned.filter((p) => p.family === family) : pinned;
  };
}

/** The --resolve lookup for `url` (with -4/-6 applied), the same function for every URL of that origin in the run. */
export function pinnedLookup(
  o: Pick<CliOptions, 'resolve' | 'ipFamily'>,
  shared: { pinned?: Map<string, LookupFunction | undefined> | undefined; resolver?: LookupFunction | undefined },
  url: URL,
): LookupFunction | undefined {
  const byOrigin = (shared.pinned ??= new Map());
  const key = `${url.protocol}//${url.host}`;
  if (byOrigin.has(key)) return byOrigin.get(key);
  const pinned = resolveLookup(o.resolve, url, shared.resolver);
  const lookup = pinned && o.ipFamily !== undefined ? onlyFamily(o.ipFamily, pinned) : pinned;
  byOrigin.set(key, lookup);
  return lookup;
}

/**
 * The URL whose host and port a connection for `url` really goes to
 * (--connect-to), for --resolve: curl pins the address of HOST2:PORT2, the
 * name it looks up. `url` itself when no entry applies.
 */
export function connectUrl(o: Pick<CliOptions, 'connectTo'>, url: URL): URL {
  if (o.connectTo.length === 0 || (url.protocol !== 'http:' && url.protocol !== 'https:')) return url;
  const to = connectTarget(o.connectTo, url.hostname, Number(url.port) || (url.protocol === 'https:' ? 443 : 80));
  if (!to) return url;
  const u = new URL(url.href);
  u.hostname = to.host.includes(':') ? `[${to.host}]` : to.host;
  u.port = String(to.port);
  return u;
}
