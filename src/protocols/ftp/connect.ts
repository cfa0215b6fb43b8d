/**
 * How FTP connections are opened: directly, or through a proxy tunnel
 * (SOCKS4/4a/5/5h, or HTTP CONNECT) — the control connection and every
 * passive data connection alike, each tunnelled to the FTP server's own
 * host and port, as curl does.
 *
 * An http:// or https:// proxy is always used as a CONNECT tunnel (curl's
 * `--proxytunnel`). curl without `--proxytunnel` instead sends `GET ftp://…`
 * to an HTTP proxy and lets the proxy speak FTP; that is HTTP, not FTP, and
 * belongs to the HTTP client. The proxy must allow CONNECT to the control
 * port and to the server's passive ports (squid, by default, only allows 443).
 *
 * Active mode cannot work through a proxy (the server would have to connect
 * back through it), so it is refused before anything is sent.
 *
 * @module
 */
import { isIP, type Socket as NetSocket } from 'node:net';
import { checkServerIdentity } from 'node:tls';
import { InputError, ProtocolError } from '../../errors.js';
import { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { WaitOptions } from '../../util/guard.js';
import { matchesNoProxy, openProxyTunnel, parseProxyUrl, proxyForUrl } from '../http/proxy/index.js';
import { dataTunnelTracer } from './data-trace.js';
import type { FtpConnectOptions } from './options.js';

/**
 * The proxy `options` ask for, or undefined for a direct connection: the
 * `proxy` option when given (null: direct), else the environment as curl
 * reads it for the URL's scheme — `ftp_proxy`/`FTP_PROXY` (`ftps_proxy` for
 * implicit FTPS), then `all_proxy`/`ALL_PROXY`, with `no_proxy` (or
 * `noProxy`) excluding hosts.
 */
export function ftpProxy(options: FtpConnectOptions, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  if (options.proxy === null) return undefined;
  // As curl's --noproxy, the list exempts hosts from an explicit proxy too.
  if (options.proxy !== undefined && options.noProxy !== undefined && matchesNoProxy(options.host, options.noProxy)) return undefined;
  let text: string | URL | undefined = options.proxy;
  if (text === undefined) {
    const scheme = options.secure === 'implicit' ? 'ftps' : 'ftp';
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    let url: URL;
    try {
      url = new URL(`${scheme}://${host}/`);
    } catch {
      return undefined;
    }
    text = proxyForUrl(url, env, options.noProxy);
  }
  if (text === undefined || text === '') return undefined;
  const proxy = typeof text === 'string' ? parseProxyUrl(text) : text;
  if (options.activeMode) {
    throw new InputError(`active mode (PORT/EPRT) cannot run through the proxy ${proxy.host}: the server cannot connect back through it; use passive mode`, {
      code: 'DIAL_E_UNSUPPORTED',
      protocol: 'ftp',
    });
  }
  return proxy;
}

/**
 * TLS settings for the control connection and, with the session added, for
 * data connections: SNI and the certificate check use the name the user
 * connected to. An IP literal gets no SNI and the certificate is checked
 * against it — never against the peer a proxy tunnel shows.
 */
export function controlTLS(options: FtpConnectOptions): TLSOptions {
  const t = options.tls ?? {};
  if (t.servername !== undefined || !isIP(options.host)) return { ...t, servername: t.servername ?? options.host };
  const ip = options.host;
  return { ...t, checkServerIdentity: t.checkServerIdentity ?? ((_name, cert) => checkServerIdentity(ip, cert)) };
}

/** Opens the control connection, through `proxy` when given; `tls` makes it implicit FTPS from the first byte. */
export async function openControl(
  options: FtpConnectOptions,
  host: string,
  port: number,
  proxy: URL | undefined,
  tls: TLSOptions | undefined,
): Promise<Socket> {
  const timeout = options.timeout;
  if (!proxy) return Socket.connect({ host, port, timeout, signal: options.signal, lookup: options.lookup, local: options.local, tls });
  // The FTP server greets first: its bytes may ride in with the proxy's 200.
  return openProxyTunnel(proxy, { host, port }, { timeout, signal: options.signal, lookup: options.lookup, local: options.local, tls: options.proxyTls, proxyAuth: options.proxyAuth, trace: options.trace, targetTls: tls, serverFirst: true });
}

/**
 * Opens a passive data connection to `host:port` through `proxy`, as a bare
 * node:net socket (the data path reads it directly), taken from the tunnel's
 * Socket with detach() and left paused until the reader attaches. `trace`
 * sees the tunnel's steps, its connection counted as a data connection.
 */
export async function tunnelData(proxy: URL, host: string, port: number, wait: WaitOptions, options: Pick<FtpConnectOptions, 'lookup' | 'proxyTls' | 'proxyAuth' | 'local'>, trace?: Tracer): Promise<NetSocket> {
  const s = await openProxyTunnel(proxy, { host, port }, { timeout: wait.timeout, signal: wait.signal, lookup: options.lookup, local: options.local, tls: options.proxyTls, proxyAuth: options.proxyAuth, trace: dataTunnelTracer(trace) });
  let out: { socket: NetSocket; buffered: Buffer };
  try {
    out = s.detach();
  } catch (e) {
    s.destroy();
    throw e;
  }
  if (out.buffered.length > 0) {
    out.socket.destroy();
    // Nothing was asked on this connection yet: early bytes are not the server's answer to anything.
    throw new ProtocolError(`${out.buffered.length} byte(s) arrived on the data tunnel before the transfer command`, { protocol: 'ftp', phase: 'data' });
  }
  out.socket.on('error', () => {});
  return out.socket;
}
