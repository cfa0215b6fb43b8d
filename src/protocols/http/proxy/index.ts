/**
 * Proxies for the HTTP client: the environment rules, and one entry point
 * that opens a tunnel through any supported proxy.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import type { Socket } from '../../../socket/socket.js';
import { urlCredentials } from '../auth/basic.js';
import { digestAuthorization, parseChallenges, pickDigestChallenge } from '../auth/digest.js';
import { HeaderList } from '../core/headers.js';
import { parseProxyUrl } from './env.js';
import { authorityOf, connectTunnel, ProxyReplyError, type TunnelOptions } from './http-connect.js';
import { socks4Connect } from './socks4.js';
import { socks5Connect } from './socks5.js';
import type { ProxyTarget } from './target.js';

export { matchesNoProxy, parseProxyUrl, proxyForUrl, proxyPort, PROXY_SCHEMES, type ProxyScheme } from './env.js';
export { authorityOf, connectTunnel, forwardProxyTarget, proxyAuthorization, ProxyReplyError, type TunnelOptions } from './http-connect.js';
export { socks5Connect, type Socks5Options } from './socks5.js';
export { socks4Connect } from './socks4.js';
export type { ProxyTarget } from './target.js';

/** Options for {@link openProxyTunnel}: those of connectTunnel, plus how to authenticate to an HTTP proxy. */
export interface ProxyTunnelOptions extends TunnelOptions {
  /**
   * How the proxy URL's credentials are offered to an HTTP proxy:
   * 'basic' (default, as curl): sent at once as Basic;
   * 'digest' (curl --proxy-digest): never sent in the clear — the first
   * CONNECT goes without, and a Digest challenge in the 407 is answered;
   * 'any' (curl --proxy-anyauth): Basic first, Digest if the proxy asks for it.
   */
  proxyAuth?: 'basic' | 'digest' | 'any' | undefined;
}

/**
 * Opens a tunnel to `target` through `proxy` (a URL, or a string as curl's
 * `-x` takes it): CONNECT for http:// and https:// proxies, SOCKS for
 * socks5://, socks5h://, socks4://, socks4a://. Resolves with a Socket whose
 * next bytes are the target's; pass `targetTls` to have TLS to the target
 * run through it (verified against the target's name).
 */
export async function openProxyTunnel(proxy: URL | string, target: ProxyTarget, options: ProxyTunnelOptions = {}): Promise<Socket> {
  const url = typeof proxy === 'string' ? parseProxyUrl(proxy) : proxy;
  switch (url.protocol.toLowerCase()) {
    case 'http:':
    case 'https:':
      return httpTunnel(url, target, options);
    case 'socks5:':
    case 'socks5h:':
      return socks5Connect(url, target, options);
    case 'socks4:':
    case 'socks4a:':
      return socks4Connect(url, target, options);
    default:
      throw new InputError(`unsupported proxy scheme ${url.protocol}`, { protocol: 'http' });
  }
}

async function httpTunnel(proxy: URL, target: ProxyTarget, options: ProxyTunnelOptions): Promise<Socket> {
  const mode = options.proxyAuth ?? 'basic';
  const creds = urlCredentials(proxy);
  if (mode === 'basic' || !creds || HeaderList.from(options.headers).has('proxy-authorization')) return connectTunnel(proxy, target, options);
  let first = proxy;
  if (mode === 'digest') {
    first = new URL(proxy.href);
    first.username = '';
    first.password = '';
  }
  const started = Date.now();
  try {
    return await connectTunnel(first, target, options);
  } catch (err) {
    if (!(err instanceof ProxyReplyError) || err.reply?.code !== 407) throw err;
    const challenge = pickDigestChallenge(parseChallenges(err.headers.getAll('proxy-authenticate')));
    if (!challenge) throw err;
    const answer = digestAuthorization(challenge, { user: creds.user, password: creds.password, method: 'CONNECT', uri: authorityOf(target), nc: 1 });
    const headers = HeaderList.from(options.headers).set('Proxy-Authorization', answer);
    const timeout = options.timeout ? Math.max(1, options.timeout - (Date.now() - started)) : undefined;
    // A new connection: the proxy may have closed the one that carried the 407.
    return connectTunnel(proxy, target, { ...options, headers, timeout });
  }
}
