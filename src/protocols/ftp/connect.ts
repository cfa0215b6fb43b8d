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
import type { Socket as NetSocket } from 'node:net';
import { DialError, InputError, ProtocolError, ReplyError, toDialError } from '../../errors.js';
import { connectTcp } from '../../socket/connect.js';
import { Socket } from '../../socket/socket.js';
import { handshake, type TLSOptions } from '../../socket/tls.js';
import { guard, type WaitOptions } from '../../util/guard.js';
import { HeaderList } from '../http/core/headers.js';
import { serializeHead } from '../http/core/request.js';
import { ResponseParser } from '../http/core/response-parser.js';
import { bareHost, proxyPort } from '../http/proxy/env.js';
import { authorityOf, proxyAuthorization, targetIdentity, type TunnelOptions } from '../http/proxy/http-connect.js';
import { openProxyTunnel, parseProxyUrl, proxyForUrl } from '../http/proxy/index.js';
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

/** Opens the control connection, through `proxy` when given; `tls` makes it implicit FTPS from the first byte. */
export async function openControl(
  options: FtpConnectOptions,
  host: string,
  port: number,
  proxy: URL | undefined,
  tls: TLSOptions | undefined,
): Promise<Socket> {
  const timeout = options.timeout;
  if (!proxy) return Socket.connect({ host, port, timeout, signal: options.signal, lookup: options.lookup, tls });
  const tunnel = { timeout, signal: options.signal, lookup: options.lookup, trace: options.trace, targetTls: tls };
  if (proxy.protocol === 'http:' || proxy.protocol === 'https:') return connectServerFirst(proxy, { host, port }, tunnel);
  return openProxyTunnel(proxy, { host, port }, tunnel);
}

/**
 * Opens a passive data connection to `host:port` through `proxy`, as a bare
 * node:net socket (the data path reads it directly): the tunnel's Socket
 * wrapper is unhooked from it, and it is left paused so no byte is lost
 * before the reader attaches.
 */
export async function tunnelData(proxy: URL, host: string, port: number, wait: WaitOptions, lookup: FtpConnectOptions['lookup']): Promise<NetSocket> {
  const s = await openProxyTunnel(proxy, { host, port }, { timeout: wait.timeout, signal: wait.signal, lookup });
  if (s.bufferedLength > 0) {
    s.destroy();
    // Nothing was asked on this connection yet: early bytes are not the server's answer to anything.
    throw new ProtocolError(`${s.bufferedLength} byte(s) arrived on the data tunnel before the transfer command`, { protocol: 'ftp', phase: 'data' });
  }
  const raw = s.raw;
  raw.pause();
  // The wrapper would queue every chunk: only its 'data' listener matters, the others just record end/close.
  raw.removeAllListeners('data');
  return raw;
}

/**
 * A CONNECT tunnel for a protocol whose server speaks first. connectTunnel
 * (rightly, for HTTPS) refuses bytes that arrive with the proxy's 200 as a
 * possible injection; an FTP server's 220 greeting routinely rides in the
 * same segment as the proxy's reply (squid relays it at once), so here those
 * bytes are handed on as the first the target said. Basic proxy credentials
 * come from the proxy URL; a 407 is a ReplyError.
 */
export async function connectServerFirst(proxy: URL, target: { host: string; port: number }, options: TunnelOptions): Promise<Socket> {
  const authority = authorityOf(target);
  const headers = HeaderList.from(options.headers);
  const auth = proxyAuthorization(proxy);
  if (auth && !headers.has('proxy-authorization')) headers.append('Proxy-Authorization', auth);
  const head = serializeHead('CONNECT', authority, authority, headers, { kind: 'none' });
  const started = Date.now();
  const left = () => (options.timeout ? Math.max(1, options.timeout - (Date.now() - started)) : undefined);
  const proxyHost = bareHost(proxy.hostname);
  options.trace?.({ kind: '*', text: `Connecting to proxy ${proxyHost} port ${proxyPort(proxy)}; CONNECT ${authority}`, protocol: 'http' });
  let sock: NetSocket = await connectTcp({ host: proxyHost, port: proxyPort(proxy), lookup: options.lookup, signal: options.signal, timeout: left() });
  try {
    if (proxy.protocol === 'https:') sock = await handshake(sock, proxyHost, options.tls ?? {}, { signal: options.signal, timeout: left() });
    sock.write(head);
    const parser = new ResponseParser(options.limits);
    parser.expect('CONNECT');
    let detach = () => {};
    const reply = new Promise<{ status: number; reason: string; rest: Buffer }>((resolve, reject) => {
      let status = 0;
      let reason = '';
      const onData = (chunk: Buffer) => {
        try {
          for (const ev of parser.feed(chunk)) {
            if (ev.type === 'head') ({ status, reason } = ev);
            else if (ev.type === 'upgrade') return resolve({ status, reason, rest: ev.rest });
          }
          if (status !== 0 && (status < 200 || status > 299)) resolve({ status, reason, rest: Buffer.alloc(0) });
        } catch (e) {
          reject(e);
        }
      };
      const onEnd = () => reject(new ProtocolError(`proxy ${proxyHost} closed the connection before answering CONNECT`, { protocol: 'http', phase: 'connect' }));
      const onError = (e: Error) => reject(toDialError(e, `proxy ${proxyHost} failed during CONNECT`, { protocol: 'http', phase: 'connect' }));
      detach = () => {
        sock.pause();
        sock.removeListener('data', onData);
        sock.removeListener('end', onEnd);
        sock.removeListener('close', onEnd);
        sock.removeListener('error', onError);
      };
      sock.on('data', onData);
      sock.once('end', onEnd);
      sock.once('close', onEnd);
      sock.on('error', onError);
    });
    const r = await guard(reply, { signal: options.signal, timeout: left() }, `CONNECT reply from proxy ${proxyHost}`).finally(() => detach());
    if (r.status < 200 || r.status > 299) {
      throw new ReplyError(`proxy refused CONNECT to ${authority}: ${r.status} ${r.reason}`.trimEnd(), { reply: { code: r.status, text: r.reason }, protocol: 'http', phase: 'connect' });
    }
    if (r.rest.length > 0) sock.unshift(r.rest);
    if (options.targetTls) {
      if (r.rest.length > 0) throw new ProtocolError(`${r.rest.length} byte(s) arrived before the TLS handshake through the tunnel`, { code: 'DIAL_E_INJECTION', protocol: 'ftp', phase: 'tls' });
      sock.resume();
      sock = await handshake(sock, bareHost(target.host), targetIdentity(target, options.targetTls), { signal: options.signal, timeout: left() });
    }
    const s = new Socket(sock);
    sock.resume();
    return s;
  } catch (e) {
    sock.on('error', () => {});
    sock.destroy();
    throw e instanceof DialError ? e : toDialError(e, `CONNECT through proxy ${proxyHost}`, { protocol: 'http', phase: 'connect' });
  }
}
