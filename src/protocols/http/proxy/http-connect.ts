/**
 * HTTP proxies: a CONNECT tunnel (RFC 9110 §9.3.6) through an http:// or
 * https:// proxy, and the two helpers a forward (absolute-form) request needs.
 *
 * The tunnel carries the target's own bytes; when the target speaks TLS the
 * caller runs the handshake over the returned socket *with the target's name*
 * (`servername: target.host`), so the certificate checked is the target's,
 * never the proxy's (undici CVE-2022-32210 skipped that check).
 *
 * @module
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { DialError, InputError, ProtocolError, ReplyError, toDialError, type DialErrorOptions } from '../../../errors.js';
import { connectTcp, type LookupFunction } from '../../../socket/connect.js';
import type { LocalEnd } from '../../../socket/local-end.js';
import { Socket } from '../../../socket/socket.js';
import { handshake, type TLSOptions } from '../../../socket/tls.js';
import { maskSecrets, type Tracer } from '../../../trace.js';
import { guard, throwIfAborted, type WaitOptions } from '../../../util/guard.js';
import { basicCredentials, urlCredentials } from '../auth/basic.js';
import { HeaderList, type HeadersInit } from '../core/headers.js';
import { serializeHead, type HttpVersion } from '../core/request.js';
import { ResponseParser, type HttpLimits, type ResponseHead } from '../core/response-parser.js';
import { proxyTlsError } from '../failures.js';
import { haproxyLine } from '../haproxy.js';
import { bareHost, proxyPort } from './env.js';
import { traceConnected, tracedLookup, traceTls, traceTunnel } from './events.js';
import { checkTarget, type ProxyTarget } from './target.js';

export type { ProxyTarget } from './target.js';

/** How to reach the proxy and what to tell it. */
export interface TunnelOptions extends WaitOptions {
  /** Resolver for the proxy's host name. */
  lookup?: LookupFunction | undefined;
  /** TLS settings for an https:// proxy itself (its own certificate); verification on by default. */
  tls?: TLSOptions | undefined;
  /**
   * Extra headers for the CONNECT request (User-Agent, a Digest
   * Proxy-Authorization…), sent after Host and the proxy URL's Basic
   * credentials, as curl orders them; a Host among them replaces the
   * CONNECT's own (curl `--proxy-header 'Host: …'`).
   */
  headers?: HeadersInit | HeaderList | undefined;
  /** The CONNECT request's version: '1.1' (the default) or '1.0' (curl `--proxy1.0`). */
  version?: HttpVersion | undefined;
  /**
   * Once the tunnel is open, send a PROXY protocol v1 line through it
   * (before `targetTls`) naming the connection to the proxy: what curl
   * `--haproxy-protocol` sends through a tunnel.
   */
  haproxyProtocol?: boolean | undefined;
  /** Where the connection to the proxy starts from (curl --interface / --local-port), as a direct one's. */
  local?: LocalEnd | undefined;
  trace?: Tracer | undefined;
  /** Bounds on the proxy's reply (default: the core's, 64 KiB of header fields). */
  limits?: Partial<HttpLimits> | undefined;
  /**
   * Run a TLS handshake with the *target* over the tunnel before resolving,
   * verifying its certificate against `target.host` (unless `servername`
   * says otherwise). Needed for an https:// proxy, whose tunnel is already
   * inside TLS (Socket.startTLS does not nest); optional otherwise.
   */
  targetTls?: TLSOptions | undefined;
  /**
   * The target speaks first (FTP, SMTP, POP3, NNTP): bytes that arrive with
   * the proxy's 2xx are the server's greeting, kept for the first read, not
   * an injection. Still refused when `targetTls` is set, since the TLS
   * handshake must be the first thing on the tunnel.
   */
  serverFirst?: boolean | undefined;
}

/**
 * The proxy refused the tunnel: `reply.code` is its status (407: it wants
 * credentials). `headers` are its reply's fields, so a caller can answer a
 * `Proxy-Authenticate: Digest` challenge and try again.
 */
export class ProxyReplyError extends ReplyError {
  readonly headers: HeaderList;
  constructor(message: string, options: DialErrorOptions & { reply: { code: number; text: string }; headers: HeaderList }) {
    super(message, options);
    this.headers = options.headers;
  }
}

/**
 * The request target for a request sent *to* a forward proxy: the absolute
 * form (RFC 9112 §3.2.2), without userinfo (never sent on the request line)
 * or fragment.
 */
export function forwardProxyTarget(url: URL): string {
  const u = new URL(url.href);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href;
}

/**
 * The `Proxy-Authorization` value (Basic) for the proxy URL's userinfo,
 * percent-decoded as curl does; undefined when the URL carries none.
 */
export function proxyAuthorization(proxy: URL): string | undefined {
  const c = urlCredentials(proxy);
  return c ? basicCredentials(c.user, c.password) : undefined;
}

/**
 * `host:port`, with brackets around an IPv6 literal. An IPv6 zone (`%eth0`)
 * names an interface of this machine, which means nothing to the proxy (and
 * a raw `%` is not valid in the authority): it is left out.
 */
export function authorityOf(target: ProxyTarget): string {
  const host = bareHost(target.host);
  if (!host.includes(':')) return `${host}:${target.port}`;
  const zone = host.indexOf('%');
  return `[${zone < 0 ? host : host.slice(0, zone)}]:${target.port}`;
}

/**
 * Opens a tunnel to `target` through the HTTP proxy `proxy` (http:// or
 * https://): connects (TLS to the proxy for https://), sends
 * `CONNECT host:port HTTP/1.1` with Host and, from the proxy URL's userinfo,
 * a Basic `Proxy-Authorization` (unless `headers` brings one), and reads the
 * reply with the core's parser.
 *
 * Resolves on a 2xx with a Socket whose next bytes are the target's. Rejects
 * with a {@link ProxyReplyError} for any other final status (407: proxy
 * authentication required), a ProtocolError for a malformed reply or for
 * bytes the target sent before we did (they would be read as the target's
 * first reply: an injection), a LimitError for an oversized reply head, and a
 * TimeoutError/AbortError when `timeout` (for the whole exchange) or `signal`
 * ends it. The socket is destroyed on every failure.
 */
export async function connectTunnel(proxy: URL, target: ProxyTarget, options: TunnelOptions = {}): Promise<Socket> {
  const scheme = proxy.protocol.toLowerCase();
  if (scheme !== 'http:' && scheme !== 'https:') throw new InputError(`connectTunnel needs an http:// or https:// proxy, not ${proxy.protocol}`, { protocol: 'http' });
  checkTarget(target);
  const authority = authorityOf(target);
  throwIfAborted(options.signal, `CONNECT to ${authority}`);
  const given = HeaderList.from(options.headers);
  let headers = given;
  if (!given.has('proxy-authorization')) {
    const auth = proxyAuthorization(proxy);
    // Right after Host, the caller's headers behind it: curl's order.
    if (auth) headers = HeaderList.from([['Proxy-Authorization', auth], ...given]);
  }
  const head = serializeHead('CONNECT', authority, given.get('host') ?? authority, headers, { kind: 'none' }, options.version);

  const trace = options.trace;
  const started = Date.now();
  const left = (): number | undefined => {
    if (!options.timeout) return undefined;
    return Math.max(1, options.timeout - (Date.now() - started));
  };
  const proxyHost = bareHost(proxy.hostname);
  const port = proxyPort(proxy);
  trace?.({ kind: '*', text: `Connecting to proxy ${proxyHost} port ${port}`, protocol: 'http' });
  let sock: net.Socket = await connectTcp({ host: proxyHost, port, lookup: tracedLookup(options.lookup, trace, 'http'), local: options.local, signal: options.signal, timeout: left() });
  traceConnected(trace, sock, proxyHost, 'http');
  try {
    if (scheme === 'https:') {
      sock = await handshake(sock, proxyHost, options.tls ?? {}, { signal: options.signal, timeout: left() }).catch((err: unknown) => {
        throw proxyTlsError(err, proxyHost);
      });
      trace?.({ kind: '*', text: `TLS to proxy ${proxyHost} established`, protocol: 'tls' });
    }
    trace?.({ kind: '*', text: `Establishing HTTP proxy tunnel to ${authority}`, protocol: 'http' });
    if (trace) for (const line of head.toString('latin1').split('\r\n').slice(0, -2)) trace({ kind: '>', text: maskSecrets(line), protocol: 'http' });
    sock.write(head);
    const parser = new ResponseParser(options.limits);
    parser.expect('CONNECT');
    const { reply, rest } = await readReply(sock, parser, { signal: options.signal, timeout: left() }, `CONNECT reply from proxy ${proxyHost}`);
    if (trace) {
      const lines = [`HTTP/${reply.version} ${reply.status} ${reply.reason}`.trimEnd(), ...[...reply.headers].map(([k, v]) => `${k}: ${v}`)];
      for (const text of lines) trace({ kind: '<', text, protocol: 'http' });
      trace({ kind: '*', text: `CONNECT tunnel ${reply.status >= 200 && reply.status < 300 ? 'established' : 'failed'}, response ${reply.status}`, protocol: 'http', event: 'proxy-reply', data: { status: reply.status, head: `${lines.join('\r\n')}\r\n\r\n` } });
    }
    if (reply.status < 200 || reply.status > 299) throw refusal(reply, authority, headers.has('proxy-authorization'));
    if (options.serverFirst && !options.targetTls && rest.length > 0) sock.unshift(rest);
    else if (rest.length > 0 || sock.readableLength > 0)
      throw new ProtocolError(`${rest.length || sock.readableLength} byte(s) arrived through the tunnel to ${authority} before anything was sent`, {
        code: 'DIAL_E_INJECTION',
        protocol: 'http',
        phase: 'connect',
      });
    traceTunnel(trace, authority, target.host, 'http', 'CONNECT');
    if (options.haproxyProtocol) sock.write(haproxyLine({ address: sock.localAddress, port: sock.localPort }, { address: sock.remoteAddress, port: sock.remotePort }));
    if (options.targetTls) {
      sock.resume();
      const t = await handshake(sock, bareHost(target.host), targetIdentity(target, options.targetTls), { signal: options.signal, timeout: left() });
      sock = t;
      traceTls(trace, t, authority);
    }
    // The reply reader paused the socket; an explicitly paused stream stays
    // paused when Socket adds its 'data' listener, so flow resumes here.
    sock.resume();
    return new Socket(sock);
  } catch (err) {
    sock.on('error', () => {});
    sock.destroy();
    throw err instanceof DialError ? err : toDialError(err, `CONNECT through proxy ${proxyHost}`, { protocol: 'http', phase: 'connect' });
  }
}

/**
 * TLS options that check the certificate against the target, never the
 * proxy: for an IP-literal target (no SNI allowed) the identity check is
 * pinned to that address.
 */
export function targetIdentity(target: ProxyTarget, options: TLSOptions): TLSOptions {
  const host = bareHost(target.host);
  if (options.servername !== undefined || options.checkServerIdentity !== undefined || !net.isIP(host)) return options;
  return { ...options, checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert) };
}

function refusal(reply: ResponseHead, authority: string, sentAuth: boolean): ProxyReplyError {
  const what = `${reply.status}${reply.reason ? ` ${reply.reason}` : ''}`;
  let message: string;
  if (reply.status === 407) {
    const schemes = reply.headers.getAll('proxy-authenticate').map((v) => v.split(/[ ,]/, 1)[0]).filter(Boolean);
    message = `proxy authentication required (${what}) for CONNECT to ${authority}: ${sentAuth ? 'the credentials sent were refused' : 'no credentials were sent'}`;
    if (schemes.length) message += `; the proxy offers ${schemes.join(', ')}`;
  } else if (reply.status < 200) {
    message = `proxy answered CONNECT to ${authority} with ${what}, which cannot open a tunnel`;
  } else {
    message = `proxy refused CONNECT to ${authority}: ${what}`;
  }
  return new ProxyReplyError(message, { reply: { code: reply.status, text: reply.reason }, headers: reply.headers, protocol: 'http', phase: 'proxy-connect' });
}

/**
 * Feeds the parser from the raw socket until the final reply head. The
 * listeners come off and the socket is paused before resolving, so no byte
 * after the head is consumed: whatever follows stays in the socket for the
 * caller (or for the injection check).
 */
function readReply(sock: net.Socket, parser: ResponseParser, wait: WaitOptions, what: string): Promise<{ reply: ResponseHead; rest: Buffer }> {
  let detach = (): void => {};
  const p = new Promise<{ reply: ResponseHead; rest: Buffer }>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      let reply: ResponseHead | undefined;
      try {
        for (const ev of parser.feed(chunk)) {
          if (ev.type === 'head') reply = ev;
          else if (ev.type === 'upgrade') {
            detach();
            return resolve({ reply: reply!, rest: ev.rest });
          }
        }
      } catch (err) {
        detach();
        return reject(err);
      }
      // A refusal's body is of no interest: stop at its head.
      if (reply) {
        detach();
        resolve({ reply, rest: Buffer.alloc(0) });
      }
    };
    const onEnd = (): void => {
      detach();
      if (!parser.responseStarted) return reject(new ProtocolError('proxy closed the connection before replying to CONNECT', { protocol: 'http', phase: 'connect' }));
      try {
        parser.eof();
        reject(new ProtocolError('proxy closed the connection mid-reply to CONNECT', { protocol: 'http', phase: 'connect' }));
      } catch (err) {
        const e = err as Error;
        reject(new ProtocolError(`proxy closed the connection mid-reply to CONNECT: ${e.message}`, { protocol: 'http', phase: 'connect', cause: err }));
      }
    };
    const onError = (err: Error): void => {
      detach();
      reject(toDialError(err, 'proxy connection failed during CONNECT', { protocol: 'http', phase: 'connect' }));
    };
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
  return guard(p, wait, what, () => detach());
}
