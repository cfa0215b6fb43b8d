/**
 * A CONNECT tunnel with the proxy authentication curl offers: Basic at once,
 * or a Digest challenge in a 407 answered on a new connection.
 *
 * @module
 */
import type { Socket } from '../../../socket/socket.js';
import { urlCredentials } from '../auth/basic.js';
import { digestAuthorization, parseChallenges, pickDigestChallenge } from '../auth/digest.js';
import { HeaderList } from '../core/headers.js';
import { authorityOf, connectTunnel, ProxyReplyError } from './http-connect.js';
import type { ProxyTunnelOptions } from './index.js';
import type { ProxyTarget } from './target.js';

/** Opens a CONNECT tunnel through `proxy`, authenticating as `options.proxyAuth` says (see ProxyTunnelOptions). */
export async function httpTunnel(proxy: URL, target: ProxyTarget, options: ProxyTunnelOptions): Promise<Socket> {
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
