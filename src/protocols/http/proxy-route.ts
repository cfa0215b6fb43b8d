import type { Origin } from './agent.js';
import type { AuthScheme } from './auth/server-auth.js';
import { basicCredentials, urlCredentials } from './auth/basic.js';
import { bareHost, matchesNoProxy, parseProxyUrl, proxyForUrl, proxyPort } from './proxy/env.js';

/** How a request reaches its origin. */
export interface ProxyRoute {
  /** Set when the connection must be tunnelled (CONNECT or SOCKS) to the target. */
  proxy: URL | undefined;
  /** Forward proxy: the pool is the proxy's and the request-target is the absolute URL. */
  poolOrigin: Origin | undefined;
  absoluteForm: boolean;
  /** Extra request headers the route needs (a Basic Proxy-Authorization for a forward proxy). */
  headers: Array<[string, string]>;
  /**
   * A forwarding proxy's credentials when they wait for its challenge
   * (`proxyAuth` 'digest' or 'any'): the request answers its 407 itself.
   */
  credentials?: { user: string; password: string } | undefined;
}

const DIRECT: ProxyRoute = { proxy: undefined, poolOrigin: undefined, absoluteForm: false, headers: [] };

/**
 * Picks the route for `url`: `proxy: null` means direct; a string is the
 * proxy; undefined consults the environment (curl's rules, NO_PROXY
 * included). `noProxy` exempts hosts from either kind of proxy. A Unix socket is always direct. Plain http through an http(s)
 * proxy is forwarded (absolute-form), unless `proxyTunnel` asks for a CONNECT tunnel (curl -p);
 * https and SOCKS (4, 4a, 5, 5h) are tunnelled, so the target's certificate is verified end to end.
 */
export function resolveProxy(
  url: URL,
  options: { proxy?: string | null | undefined; noProxy?: string | undefined; unixSocket?: string | undefined; proxyAuth?: AuthScheme | undefined; proxyTunnel?: boolean | undefined },
): ProxyRoute {
  if (options.proxy === null || options.unixSocket) return DIRECT;
  // curl applies --noproxy to an explicit -x proxy as well as to the environment's.
  if (options.proxy !== undefined && options.noProxy !== undefined && matchesNoProxy(url.hostname, options.noProxy)) return DIRECT;
  const text = options.proxy ?? proxyForUrl(url, process.env, options.noProxy);
  if (text === undefined || text === '') return DIRECT;
  const proxy = parseProxyUrl(text);
  const scheme = proxy.protocol.slice(0, -1).toLowerCase();
  if ((scheme === 'http' || scheme === 'https') && url.protocol === 'http:' && !options.proxyTunnel) {
    const headers: Array<[string, string]> = [];
    const creds = urlCredentials(proxy);
    // Basic goes at once (curl's default); 'digest' and 'any' wait for the proxy's 407 and answer it.
    const challenged = creds !== undefined && (options.proxyAuth === 'digest' || options.proxyAuth === 'any');
    if (creds && !challenged) headers.push(['Proxy-Authorization', basicCredentials(creds.user, creds.password)]);
    return {
      proxy: undefined,
      poolOrigin: { protocol: scheme === 'https' ? 'https:' : 'http:', hostname: bareHost(proxy.hostname), port: proxyPort(proxy) },
      absoluteForm: true,
      headers,
      credentials: challenged ? creds : undefined,
    };
  }
  return { proxy, poolOrigin: undefined, absoluteForm: false, headers: [] };
}
