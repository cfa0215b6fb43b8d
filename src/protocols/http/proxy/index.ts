/**
 * Proxies for the HTTP client: the environment rules, and one entry point
 * that opens a tunnel through any supported proxy. The tunnel code (CONNECT,
 * SOCKS4, SOCKS5) is loaded on first use, so a program that never meets a
 * proxy does not pay for loading it.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import type { Socket } from '../../../socket/socket.js';
import { parseProxyUrl } from './env.js';
import type { TunnelOptions } from './http-connect.js';
import type { Socks5Options } from './socks5.js';
import type { ProxyTarget } from './target.js';

export { matchesNoProxy, parseProxyUrl, proxyForUrl, proxyPort, PROXY_SCHEMES, type ProxyScheme } from './env.js';
export type { TunnelOptions } from './http-connect.js';
export type { Socks5Options } from './socks5.js';
export type { ProxyTarget } from './target.js';

/** Options for {@link openProxyTunnel}: those of connectTunnel, plus how to authenticate to an HTTP proxy. */
export interface ProxyTunnelOptions extends TunnelOptions {
  /**
   * How the proxy URL's credentials are offered to an HTTP proxy:
   * 'basic' (default, as curl): sent at once as Basic;
   * 'digest' (curl --proxy-digest): never sent in the clear — the first
   * CONNECT goes without, and a Digest challenge in the 407 is answered;
   * 'any' (curl --proxy-anyauth): the first CONNECT goes without, and the
   * 407 is answered in the strongest scheme it offers (Digest, then Basic).
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
      return (await import('./http-tunnel.js')).httpTunnel(url, target, options);
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

/** A CONNECT tunnel through an http:// or https:// proxy; see connectTunnel in http-connect.ts. */
export async function connectTunnel(proxy: URL, target: ProxyTarget, options: TunnelOptions = {}): Promise<Socket> {
  return (await import('./http-connect.js')).connectTunnel(proxy, target, options);
}

/** A tunnel through a SOCKS5 proxy; see socks5Connect in socks5.ts. */
export async function socks5Connect(proxy: URL, target: ProxyTarget, options: Socks5Options = {}): Promise<Socket> {
  return (await import('./socks5.js')).socks5Connect(proxy, target, options);
}

/** A tunnel through a SOCKS4/4a proxy; see socks4Connect in socks4.ts. */
export async function socks4Connect(proxy: URL, target: ProxyTarget, options: Socks5Options = {}): Promise<Socket> {
  return (await import('./socks4.js')).socks4Connect(proxy, target, options);
}
