import type { ByteStream } from '../../socket/types.js';
import type { ConnectFactoryOptions, Origin } from './agent.js';
import { openProxyTunnel } from './proxy/index.js';

/**
 * Opens a tunnel through `options.proxy` (HTTP CONNECT, or SOCKS5/5h) to
 * `origin`, then TLS to the origin itself for https — so the certificate is
 * checked against the target's name, never the proxy's (undici
 * CVE-2022-32210 skipped that check).
 */
export async function connectThroughProxy(origin: Origin, options: ConnectFactoryOptions): Promise<ByteStream> {
  const proxy = options.proxy!;
  const where = `${origin.hostname.includes(':') ? `[${origin.hostname}]` : origin.hostname}:${origin.port}`;
  options.trace?.({ kind: '*', text: `Tunnelling to ${where} through proxy ${proxy.protocol}//${proxy.host}`, protocol: 'http' });
  const s = await openProxyTunnel(
    proxy,
    { host: origin.hostname, port: origin.port },
    {
      lookup: options.lookup,
      timeout: options.timeout,
      signal: options.signal,
      trace: options.trace,
      tls: options.proxyTls,
      proxyAuth: options.proxyAuth,
      targetTls: origin.protocol === 'https:' ? { ALPNProtocols: ['http/1.1'], ...options.tls } : undefined,
    },
  );
  // The tunnel's own trace has said how TLS to the target went (events.ts traceTls).
  return s;
}
