/**
 * One hop of a request: the exchange made ready for the wire (its head
 * serialised, the route's and the credentials' headers added) and the pool
 * that carries it, then sent with failures on the way to a proxy said to be
 * the proxy's.
 *
 * @module
 */
import { ConnectError } from '../../errors.js';
import { Agent, getGlobalAgent } from './agent.js';
import type { ForwardProxyAuth } from './auth/proxy-auth.js';
import type { ServerAuth } from './auth/server-auth.js';
import { serializeExchangeHead, type Exchange, type ExchangeResponse } from './connection.js';
import { HeaderList } from './core/headers.js';
import { proxyTlsError } from './failures.js';
import type { Pool } from './pool.js';
import type { RedirectRequest } from './redirects.js';
import type { RequestOptions } from './request-options.js';
import { hopTarget } from './request-target.js';
import { routeOf } from './targets.js';

/** Every wait has a bound, even when the caller sets none (undici's defaults for the head and body). */
const DEFAULT_CONNECT_TIMEOUT = 30_000;
/** What the pool is told when the caller sets no connect timeout: one object for every such request (the pool only reads it). */
const DEFAULT_POOL_OPTIONS: { readonly connectTimeout: number } = Object.freeze({ connectTimeout: DEFAULT_CONNECT_TIMEOUT });
const DEFAULT_HEADERS_TIMEOUT = 300_000;
const DEFAULT_BODY_TIMEOUT = 300_000;
const pipeliningAgents = new Map<number, Agent>();

/** One request ready for the wire (no redirects): the exchange, with its head serialised, and the pool that carries it. */
export interface Hop {
  x: Exchange;
  pool: Pool;
  po: { connectTimeout: number };
  /** The HTTP proxy's host when the hop goes through one (forwarded or CONNECT): a name that does not resolve is the proxy's. */
  proxyHost: string | undefined;
  /** The proxy forwards the request (plain http): a TLS failure is the https:// proxy's. */
  forwarded: boolean;
  /** The forwarding proxy's challenge state, when its 407 is to be answered. */
  proxyAuth: ServerAuth | undefined;
}

/** Sends the hop; a resolve failure on the way to an HTTP proxy says it was the proxy's (curl's exit 5, not 6). */
export function sendHop(hop: Hop): Promise<ExchangeResponse> {
  const p = hop.pool.request(hop.x, hop.po);
  if (hop.proxyHost === undefined) return p;
  const host = hop.proxyHost;
  const forwarded = hop.forwarded;
  return p.catch((err: unknown) => {
    // Only the proxy's name is looked up here: through an HTTP proxy the target's is the proxy's to resolve.
    if (err instanceof ConnectError && err.code === 'DIAL_E_RESOLVE' && err.phase === 'resolve')
      throw new ConnectError('DIAL_E_RESOLVE', `could not resolve proxy ${host}: ${err.message.replace(/^could not resolve host [^:]*: /, '')}`, { protocol: 'http', phase: 'proxy-resolve', cause: err });
    // A forwarding https:// proxy is the connection's only TLS peer.
    throw forwarded ? proxyTlsError(err, host) : err;
  });
}

export function prepareHop(
  cur: RedirectRequest,
  auth: ServerAuth | undefined,
  options: RequestOptions,
  signal: AbortSignal | undefined,
  plain: boolean,
  proxyAuth?: ForwardProxyAuth,
): Hop {
  const u = cur.url;
  const agent = options.agent ?? agentFor(options.pipelining);
  const found = routeOf(agent, u, options);
  const { route, pool } = found;
  const target = hopTarget(u, route.absoluteForm, cur.target);
  // The caller's list is copied only when this hop adds to it.
  let headers = cur.headers;
  const toProxy = proxyAuth?.for(route);
  // A forwarding proxy reads the request itself: its own headers ride on it (a tunnel's go in the CONNECT).
  const forProxy = route.poolOrigin && options.proxyHeaders !== undefined ? HeaderList.from(options.proxyHeaders) : undefined;
  if (auth || toProxy || route.headers.length > 0 || forProxy) {
    const add = (k: string, v: string, append = false) => {
      if (headers === cur.headers) headers = HeaderList.from(cur.headers);
      if (append) headers.append(k, v);
      else headers.set(k, v);
    };
    const bytes = cur.body.kind === 'bytes' ? cur.body.data : undefined;
    const answer = auth && !headers.has('authorization') ? auth.authorization(cur.method, target, bytes) : undefined;
    if (answer) add('Authorization', answer);
    if (auth?.aws && !headers.has('authorization')) for (const [k, v] of auth.aws.sign(cur.method, u, scan(headers, 'host') ?? u.host, headers, cur.body)) add(k, v);
    const toProxyAnswer = toProxy && !headers.has('proxy-authorization') ? toProxy.authorization(cur.method, target, bytes) : undefined;
    if (toProxyAnswer) add('Proxy-Authorization', toProxyAnswer);
    for (const [k, v] of route.headers) if (!headers.has(k) && !forProxy?.has(k)) add(k, v);
    // After the request's own, a name already there too (curl sends both); not Host, which names the target.
    if (forProxy) for (const [k, v] of forProxy) if (k.toLowerCase() !== 'host') add(k, v, true);
  }
  const x: Exchange = {
    method: cur.method,
    target,
    host: scan(headers, 'host') ?? u.host,
    headers,
    body: cur.body,
    version: options.httpVersion,
    // A 1.0 server never sends 100 Continue: waiting for one would only add the timeout.
    expectContinue: cur.body.kind !== 'none' && options.httpVersion !== '1.0' && /100-continue/i.test(headers.get('expect') ?? ''),
    continueTimeout: options.continueTimeout,
    http09: options.http09,
    ignoreContentLength: options.ignoreContentLength,
    raw: options.raw,
    signal,
    headersTimeout: options.headersTimeout ?? DEFAULT_HEADERS_TIMEOUT,
    bodyTimeout: options.bodyTimeout ?? DEFAULT_BODY_TIMEOUT,
    maxBodySize: options.maxBodySize,
    trace: options.trace,
    onUploadProgress: options.onUploadProgress,
    onDownloadProgress: options.onDownloadProgress,
  };
  // Serialise now: an unsafe method, target or header is refused before a
  // connection is even chosen. The default header set's head is the same for
  // every request of a method and target through this route: made once.
  if (plain && route.headers.length === 0 && found.heads) {
    const key = `${cur.method} ${target}`;
    let head = found.heads.get(key);
    if (!head) {
      head = serializeExchangeHead(x);
      if (found.heads.size >= 256) found.heads.clear();
      found.heads.set(key, head);
    }
    x.head = head;
  } else x.head = serializeExchangeHead(x);
  const proxyHost = route.poolOrigin?.hostname ?? (route.proxy && (route.proxy.protocol === 'http:' || route.proxy.protocol === 'https:') ? route.proxy.hostname : undefined);
  return { x, pool, po: options.connectTimeout === undefined ? DEFAULT_POOL_OPTIONS : { connectTimeout: options.connectTimeout }, proxyHost, forwarded: route.poolOrigin !== undefined, proxyAuth: toProxy };
}

function agentFor(depth: number | undefined): Agent {
  if (!depth || depth <= 1) return getGlobalAgent();
  let a = pipeliningAgents.get(depth);
  if (!a) pipeliningAgents.set(depth, (a = new Agent({ pipelining: depth })));
  return a;
}

/** The first value of `lower` by a scan of the raw list: cheaper than building the list's index for one question. */
function scan(headers: HeaderList, lower: string): string | undefined {
  const raw = headers.raw;
  for (let i = 0; i < raw.length; i += 2) if (raw[i]!.length === lower.length && raw[i]!.toLowerCase() === lower) return raw[i + 1];
  return undefined;
}
