/**
 * A SOCKS5 client (RFC 1928, RFC 1929 user/password) that opens a tunnel and
 * hands back the socket; the byte format lives in socks5-core.ts.
 *
 * @module
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { ConnectError, DialError, InputError, TimeoutError, toDialError } from '../../../errors.js';
import type { LookupFunction } from '../../../socket/connect.js';
import type { LocalEnd } from '../../../socket/local-end.js';
import { systemLookup } from '../../../socket/system-lookup.js';
import { Socket } from '../../../socket/socket.js';
import type { TLSOptions } from '../../../socket/tls.js';
import type { Tracer } from '../../../trace.js';
import { guard, throwIfAborted, type WaitOptions } from '../../../util/guard.js';
import { urlCredentials } from '../auth/basic.js';
import { haproxyLine } from '../haproxy.js';
import { bareHost, proxyPort } from './env.js';
import { traceConnected, tracedLookup, traceTls, traceTunnel } from './events.js';
import { targetIdentity, authorityOf } from './http-connect.js';
import {
  AUTH_NONE,
  AUTH_USERPASS,
  REPLY_PREFIX,
  decodeMethodChoice,
  decodeReply,
  decodeUserPassReply,
  encodeConnect,
  encodeGreeting,
  encodeUserPass,
  replyError,
  replyLength,
} from './socks5-core.js';
import { checkTarget, type ProxyTarget } from './target.js';

/** How to reach the SOCKS proxy. */
export interface Socks5Options extends WaitOptions {
  /** Resolver for the proxy's host name, and for the target's with socks5:// (local DNS). */
  lookup?: LookupFunction | undefined;
  trace?: Tracer | undefined;
  /** Run a TLS handshake with the target through the tunnel, verifying the target's name (see connectTunnel). */
  targetTls?: TLSOptions | undefined;
  /** Send a PROXY protocol v1 line through the open tunnel before anything else (see TunnelOptions.haproxyProtocol). */
  haproxyProtocol?: boolean | undefined;
  /** Where the connection to the proxy starts from (curl --interface / --local-port). */
  local?: LocalEnd | undefined;
}

/**
 * Opens a connection to `target` through the SOCKS5 proxy `proxy`.
 * `socks5h://` sends the host name for the proxy to resolve (remote DNS);
 * `socks5://` resolves it here (`options.lookup`, else the system resolver)
 * and sends the address. User and password come from the proxy URL's
 * userinfo (percent-decoded); then both no-auth and user/password are
 * offered and the proxy chooses.
 *
 * Resolves with a Socket whose next bytes are the target's. Rejects with a
 * ConnectError DIAL_E_CONNECT when the proxy could not reach the target
 * (refused, unreachable), a ReplyError when it refused the request or the
 * credentials, a ProtocolError when it does not speak SOCKS5, and a
 * TimeoutError/AbortError when `timeout` (for the whole exchange) or `signal`
 * ends it. The socket is destroyed on every failure.
 */
export async function socks5Connect(proxy: URL, target: ProxyTarget, options: Socks5Options = {}): Promise<Socket> {
  const scheme = proxy.protocol.toLowerCase();
  if (scheme !== 'socks5:' && scheme !== 'socks5h:') throw new InputError(`socks5Connect needs a socks5:// or socks5h:// proxy, not ${proxy.protocol}`, { protocol: 'socks5' });
  checkTarget(target);
  const authority = authorityOf(target);
  throwIfAborted(options.signal, `SOCKS5 connect to ${authority}`);
  const creds = urlCredentials(proxy);
  const started = Date.now();
  const left = (): number | undefined => {
    if (!options.timeout) return undefined;
    const rest = options.timeout - (Date.now() - started);
    if (rest <= 0) throw new TimeoutError(`SOCKS5 connect to ${authority} timed out after ${options.timeout} ms`, { timeout: options.timeout, protocol: 'socks5' });
    return rest;
  };
  const trace = options.trace;
  let host = bareHost(target.host);
  if (scheme === 'socks5:' && !net.isIP(host)) host = await resolveLocally(host, options, left());
  const request = encodeConnect(host, target.port);
  const methods = creds ? [AUTH_NONE, AUTH_USERPASS] : [AUTH_NONE];
  const auth = creds ? encodeUserPass(creds.user, creds.password) : undefined;

  const proxyHost = bareHost(proxy.hostname);
  const port = proxyPort(proxy);
  trace?.({ kind: '*', text: `Connecting to SOCKS5 proxy ${proxyHost} port ${port}`, protocol: 'socks5' });
  const s = await Socket.connect({ host: proxyHost, port, lookup: tracedLookup(options.lookup, trace, 'socks5'), local: options.local, signal: options.signal, timeout: left() });
  traceConnected(trace, s.raw, proxyHost, 'socks5');
  const wait = (): WaitOptions => ({ signal: options.signal, timeout: left() });
  try {
    await s.send(encodeGreeting(methods), wait());
    const method = decodeMethodChoice(await s.recvExactly(2, wait()), methods);
    if (method === AUTH_USERPASS) {
      trace?.({ kind: '>', text: 'SOCKS5 user/password authentication ****', protocol: 'socks5' });
      await s.send(auth!, wait());
      decodeUserPassReply(await s.recvExactly(2, wait()));
    }
    trace?.({ kind: '>', text: `SOCKS5 CONNECT ${authorityOf({ host, port: target.port })}${host !== bareHost(target.host) ? ` (${target.host})` : ''}`, protocol: 'socks5' });
    await s.send(request, wait());
    const prefix = await s.recvExactly(REPLY_PREFIX, wait());
    const rest = await s.recvExactly(replyLength(prefix) - REPLY_PREFIX, wait());
    const reply = decodeReply(Buffer.concat([prefix, rest]));
    trace?.({ kind: '<', text: `SOCKS5 reply ${reply.code}, bound ${authorityOf(reply.bound)}`, protocol: 'socks5' });
    if (reply.code !== 0) throw replyError(reply.code, authority);
    traceTunnel(trace, authority, target.host, 'socks5', 'SOCKS5');
    if (options.haproxyProtocol) await s.send(haproxyLine({ address: s.raw.localAddress, port: s.raw.localPort }, { address: s.raw.remoteAddress, port: s.raw.remotePort }), wait());
    if (options.targetTls) {
      await s.startTLS({ ...targetIdentity(target, withServername(target, options.targetTls)), ...wait() });
      traceTls(trace, s.raw as tls.TLSSocket, authority);
    }
    return s;
  } catch (err) {
    s.destroy();
    throw err instanceof DialError ? err : toDialError(err, `SOCKS5 proxy ${proxyHost}`, { protocol: 'socks5', phase: 'connect' });
  }
}

/** startTLS checks the peer's (the proxy's) address by default: name the target instead. */
function withServername(target: ProxyTarget, options: TLSOptions): TLSOptions {
  const host = bareHost(target.host);
  return options.servername !== undefined || net.isIP(host) ? options : { ...options, servername: host };
}

/** Resolves a target name here (socks5://, socks4://), through `options.lookup` or the system resolver; the first address wins. */
export async function resolveLocally(host: string, options: Socks5Options & { family?: 4 | 6 }, timeout: number | undefined): Promise<string> {
  const lookup: LookupFunction = options.lookup ?? systemLookup;
  let addrs;
  try {
    addrs = await guard(lookup(host, { family: options.family, signal: options.signal }), { signal: options.signal, timeout }, `resolving ${host}`);
  } catch (err) {
    if (err instanceof DialError && (err.code === 'DIAL_E_TIMEOUT' || err.code === 'DIAL_E_ABORT')) throw err;
    throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${host}: ${(err as Error).message}`, { cause: err, protocol: 'socks5' });
  }
  const first = options.family ? addrs.find((a) => a.family === options.family) : addrs[0];
  if (!first) throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${host}: no addresses`, { protocol: 'socks5' });
  return first.address;
}
