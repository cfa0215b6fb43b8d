/**
 * A CONNECT tunnel with the proxy authentication curl offers: Basic at once,
 * or a Digest challenge in a 407 answered on a new connection.
 *
 * @module
 */
import type { Socket } from '../../../socket/socket.js';
import { urlCredentials } from '../auth/basic.js';
import { ServerAuth } from '../auth/server-auth.js';
import { HeaderList } from '../core/headers.js';
import { authorityOf, connectTunnel, ProxyReplyError, type TunnelOptions } from './http-connect.js';
import type { ProxyTunnelOptions } from './index.js';
import type { ProxyTarget } from './target.js';

/**
 * Opens a CONNECT tunnel through `proxy`, authenticating as
 * `options.proxyAuth` says (see ProxyTunnelOptions): 'basic' sends the
 * credentials at once; 'digest' and 'any' send none until a 407 asks, then
 * answer its challenge on a new connection (the proxy may have closed the
 * one that carried the 407), as a server's 401 is answered (ServerAuth).
 */
export async function httpTunnel(proxy: URL, target: ProxyTarget, options: ProxyTunnelOptions): Promise<Socket> {
  const mode = options.proxyAuth ?? 'basic';
  const creds = urlCredentials(proxy);
  if (mode === 'basic' || !creds || HeaderList.from(options.headers).has('proxy-authorization')) return connectTunnel(proxy, target, options);
  const bare = new URL(proxy.href);
  bare.username = '';
  bare.password = '';
  const auth = new ServerAuth(creds, mode);
  const started = Date.now();
  let attempt: TunnelOptions = options;
  // Bounded: ServerAuth answers a few challenges at most, then the 407 is the answer.
  for (;;) {
    try {
      return await connectTunnel(bare, target, attempt);
    } catch (err) {
      if (!(err instanceof ProxyReplyError) || err.reply?.code !== 407 || !auth.challenged(err.headers.getAll('proxy-authenticate'))) throw err;
      const headers = HeaderList.from(options.headers).set('Proxy-Authorization', auth.authorization('CONNECT', authorityOf(target), undefined)!);
      const timeout = options.timeout ? Math.max(1, options.timeout - (Date.now() - started)) : undefined;
      attempt = { ...options, headers, timeout };
    }
  }
}
