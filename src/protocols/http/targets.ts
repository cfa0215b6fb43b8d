import { InputError } from '../../errors.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Agent, ConnectSettings, Origin } from './agent.js';
import { urlCredentials } from './auth/basic.js';
import type { RequestOptions } from './client.js';
import type { Pool } from './pool.js';
import { resolveProxy, type ProxyRoute } from './proxy-route.js';
import { connectTarget } from './connect-to.js';
import { HeaderList } from './core/headers.js';

// What request() keeps between requests so that the next one to the same
// URL or origin costs less: the parsed URL, and per agent the route and pool
// of each origin (with the heads of default-header requests).

/** The parsed request URL: userinfo removed (and kept apart as `creds`). */
export interface Target {
  url: URL;
  creds: { user: string; password: string } | undefined;
}

/**
 * Parsed URL strings without userinfo, reused: nothing mutates a request's
 * URL, and parsing one costs more than the rest of building the request.
 * Bounded (cleared when full).
 */
const targets = new Map<string, Target>();

export function targetOf(url: string | URL): Target {
  const key = typeof url === 'string' ? url : undefined;
  if (key !== undefined) {
    const hit = targets.get(key);
    if (hit) return hit;
  }
  const u = parseTarget(url);
  const creds = urlCredentials(u);
  // A URL setter re-serialises the whole URL: only when there is something to strip.
  if (u.username) u.username = '';
  if (u.password) u.password = '';
  const t: Target = { url: u, creds };
  if (key !== undefined && !creds) {
    if (targets.size >= 512) targets.clear();
    targets.set(key, t);
  }
  return t;
}

/**
 * The request line's target for `u`: origin-form (path and query, as typed —
 * an empty query keeps its '?', as curl sends it) or, to a forwarding proxy,
 * absolute-form; never the fragment.
 */
export function requestTarget(u: URL, absoluteForm: boolean): string {
  if (absoluteForm) return u.href.replace(/#.*$/s, '');
  if (u.search !== '') return u.pathname + u.search;
  // `search` reports an empty query as '': look at the character before the fragment (a serialised URL has '#' only there).
  const href = u.href;
  const hash = href.indexOf('#');
  return href.charCodeAt((hash < 0 ? href.length : hash) - 1) === 63 ? `${u.pathname}?` : u.pathname;
}

export interface CachedRoute {
  route: ProxyRoute;
  pool: Pool;
  /** Serialised heads of default-header requests, by method and target (only for cached routes). */
  heads?: Map<string, Buffer> | undefined;
}
/**
 * Per agent, the route (proxy decision) and pool of each origin reached with
 * default connection settings: the proxy environment is read once per agent
 * and origin, not per request, and the pool key is not rebuilt each time.
 */
const routeCache = new WeakMap<Agent, Map<string, CachedRoute>>();

/** `scheme//host:port` of each reused URL, made once (URL's getters build a new string on every call). */
const originKeys = new WeakMap<URL, string>();

function originKeyOf(u: URL): string {
  let k = originKeys.get(u);
  if (k === undefined) originKeys.set(u, (k = `${u.protocol}//${u.host}\n`));
  return k;
}

export function routeOf(agent: Agent, u: URL, options: RequestOptions): CachedRoute {
  const plain =
    options.tls === undefined &&
    !options.insecure &&
    options.lookup === undefined &&
    options.local === undefined &&
    options.unixSocket === undefined &&
    options.proxyTls === undefined &&
    !options.proxyInsecure &&
    options.connectTo === undefined &&
    options.proxyHeaders === undefined &&
    options.proxyConnectVersion === undefined &&
    !options.haproxyProtocol;
  // The usual request names no proxy settings: its key is the origin's, with nothing built per request.
  const key = !plain
    ? undefined
    : options.proxy === undefined && options.noProxy === undefined && options.proxyAuth === undefined && !options.proxyTunnel
      ? originKeyOf(u)
      : `${originKeyOf(u)}${String(options.proxy)}\n${String(options.noProxy)}\n${String(options.proxyAuth)}\n${options.proxyTunnel === true}`;
  let byOrigin: Map<string, CachedRoute> | undefined;
  if (key !== undefined) {
    byOrigin = routeCache.get(agent);
    const hit = byOrigin?.get(key);
    // A pool the agent has dropped (emptied or closed) is asked for again.
    if (hit && !hit.pool.closed && agent.pools.get(hit.pool.key) === hit.pool) return hit;
  }
  const https = u.protocol === 'https:';
  const origin: Origin = { protocol: https ? 'https:' : 'http:', hostname: bareHost(u.hostname), port: Number(u.port) || (https ? 443 : 80) };
  const route = resolveProxy(u, options);
  // An https:// proxy that forwards is the pool's origin, so its TLS is the pool's; one that tunnels has its own.
  const forwardTls = route.poolOrigin?.protocol === 'https:';
  const settings: ConnectSettings = {
    tls: https ? tlsSettings(options.tls, options.insecure) : forwardTls ? tlsSettings(options.proxyTls, options.proxyInsecure) : undefined,
    lookup: options.lookup,
    local: options.local,
    unixSocket: options.unixSocket,
    proxy: route.proxy,
    proxyTls: route.proxy?.protocol === 'https:' ? tlsSettings(options.proxyTls, options.proxyInsecure) : undefined,
    proxyAuth: route.proxy && options.proxyAuth !== 'basic' ? options.proxyAuth : undefined,
    // Said in a CONNECT only: a forwarding proxy gets the headers with each request (hop.ts).
    proxyHeaders: connectsVia(route) && options.proxyHeaders !== undefined ? [...HeaderList.from(options.proxyHeaders)] : undefined,
    haproxyProtocol: options.haproxyProtocol || undefined,
    proxyConnectVersion: connectsVia(route) && options.proxyConnectVersion !== '1.1' ? options.proxyConnectVersion : undefined,
    // A forwarding proxy makes the request itself; a tunnel goes where connectTo says (curl moves the CONNECT target).
    // The pool's key holds where it goes, so no other origin shares it.
    connectTo: route.poolOrigin ? undefined : connectTarget(options.connectTo, u.hostname, origin.port),
  };
  const found: CachedRoute = { route, pool: agent.pool(route.poolOrigin ?? origin, settings), heads: key !== undefined ? new Map() : undefined };
  if (key !== undefined) {
    if (!byOrigin) routeCache.set(agent, (byOrigin = new Map()));
    // Bounded: a crawler through one agent must not grow this without end.
    if (byOrigin.size >= 1024) byOrigin.clear();
    byOrigin.set(key, found);
  }
  return found;
}

/** Whether the route is a tunnel through an HTTP(S) proxy (CONNECT), not SOCKS. */
function connectsVia(route: ProxyRoute): boolean {
  return route.proxy !== undefined && (route.proxy.protocol === 'http:' || route.proxy.protocol === 'https:');
}

function tlsSettings(tls: TLSOptions | undefined, insecure: boolean | undefined): TLSOptions {
  const t: TLSOptions = { ...tls };
  if (insecure) t.rejectUnauthorized = false;
  return t;
}

/** Parses the URL and refuses anything but http(s). */
function parseTarget(url: string | URL): URL {
  let u: URL;
  try {
    u = new URL(String(url));
  } catch (err) {
    throw new InputError(`invalid URL ${JSON.stringify(String(url).slice(0, 200))}`, { protocol: 'http', phase: 'send', cause: err });
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new InputError(`request() speaks http and https, not ${u.protocol}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'http', phase: 'send' });
  if (!u.hostname) throw new InputError(`URL ${u.href} has no host`, { protocol: 'http', phase: 'send' });
  return u;
}

function bareHost(h: string): string {
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
