import { isIP } from 'node:net';
import type { TLSOptions } from '../../socket/tls.js';
import type { ByteStream } from '../../socket/types.js';
import { nodeTls } from '../../util/builtins.js';
import type { ConnectFactoryOptions, Origin } from './agent.js';
import { openProxyTunnel } from './proxy/index.js';

/**
 * Opens a tunnel through `options.proxy` (HTTP CONNECT, or SOCKS5/5h) to
 * `origin` — or to where `connectTo` sends it, as curl's --connect-to moves
 * the CONNECT target — then TLS to the origin itself for https, so the
 * certificate is checked against the origin's name, never the proxy's
 * (undici CVE-2022-32210 skipped that check) nor the moved address's.
 */
export async function connectThroughProxy(origin: Origin, options: ConnectFactoryOptions): Promise<ByteStream> {
  const proxy = options.proxy!;
  const to = options.connectTo;
  const target = to ?? { host: origin.hostname, port: origin.port };
  const where = `${authority(target.host, target.port)}${to ? ` (for ${authority(origin.hostname, origin.port)})` : ''}`;
  options.trace?.({ kind: '*', text: `Tunnelling to ${where} through proxy ${proxy.protocol}//${proxy.host}`, protocol: 'http' });
  const s = await openProxyTunnel(proxy, target, {
    lookup: options.lookup,
    timeout: options.timeout,
    signal: options.signal,
    trace: options.trace,
    tls: options.proxyTls,
    proxyAuth: options.proxyAuth,
    headers: options.proxyHeaders,
    version: options.proxyConnectVersion,
    haproxyProtocol: options.haproxyProtocol,
    local: options.local,
    targetTls: origin.protocol === 'https:' ? originIdentity(origin, { ALPNProtocols: ['http/1.1'], ...options.tls }, to !== undefined) : undefined,
  });
  // The tunnel's own trace has said how TLS to the target went (events.ts traceTls).
  return s;
}

function authority(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** When the tunnel leads elsewhere (connectTo), the name sent (SNI) and checked stays the origin's. */
function originIdentity(origin: Origin, tls: TLSOptions, moved: boolean): TLSOptions {
  if (!moved || tls.servername !== undefined || tls.checkServerIdentity !== undefined) return tls;
  if (!isIP(origin.hostname)) return { ...tls, servername: origin.hostname };
  return { ...tls, checkServerIdentity: (_host, cert) => nodeTls().checkServerIdentity(origin.hostname, cert) };
}
