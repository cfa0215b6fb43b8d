/**
 * A request's authentication to the forwarding proxy its hops go through,
 * when the credentials wait for a challenge (`proxyAuth` 'digest' or 'any'):
 * the proxy's 407 is answered as a server's 401 is, with Proxy-Authorization.
 *
 * @module
 */
import type { ProxyRoute } from '../proxy-route.js';
import { ServerAuth, type AuthScheme } from './server-auth.js';

export class ForwardProxyAuth {
  readonly #scheme: AuthScheme;
  #proxy: string | undefined;
  #auth: ServerAuth | undefined;

  constructor(scheme: AuthScheme) {
    this.#scheme = scheme;
  }

  /** The state for `route`'s proxy, or undefined when it needs none; a hop through another proxy (or as another user) starts afresh. */
  for(route: ProxyRoute): ServerAuth | undefined {
    const creds = route.credentials;
    const origin = route.poolOrigin;
    if (!creds || !origin) return undefined;
    const key = `${origin.protocol}//${origin.hostname}:${origin.port}\n${creds.user}\n${creds.password}`;
    if (key !== this.#proxy) {
      this.#proxy = key;
      this.#auth = new ServerAuth(creds, this.#scheme);
    }
    return this.#auth;
  }
}
