/**
 * A SOCKS4/SOCKS4a client; the byte format lives in socks4-core.ts.
 *
 * @module
 */
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { haproxyLine } from '../haproxy.js';
import { DialError, InputError, TimeoutError, toDialError } from '../../../errors.js';
import { Socket } from '../../../socket/socket.js';
import { throwIfAborted, type WaitOptions } from '../../../util/guard.js';
import { urlCredentials } from '../auth/basic.js';
import { bareHost, proxyPort } from './env.js';
import { traceConnected, tracedLookup, traceTls, traceTunnel } from './events.js';
import { authorityOf, targetIdentity } from './http-connect.js';
import { resolveLocally, type Socks5Options } from './socks5.js';
import { decodeSocks4Reply, encodeSocks4Connect, SOCKS4_REPLY_LENGTH } from './socks4-core.js';
import { checkTarget, type ProxyTarget } from './target.js';

/**
 * Opens a connection to `target` through a SOCKS4 proxy. `socks4a://` sends
 * the host name (remote DNS); `socks4://` resolves it here to an IPv4
 * address. The proxy URL's user name is the SOCKS4 user id (its password is
 * ignored: SOCKS4 has none). Errors and bounds as {@link socks5Connect};
 * an IPv6 target is an InputError (DIAL_E_UNSUPPORTED).
 */
export async function socks4Connect(proxy: URL, target: ProxyTarget, options: Socks5Options = {}): Promise<Socket> {
  const scheme = proxy.protocol.toLowerCase();
  if (scheme !== 'socks4:' && scheme !== 'socks4a:') throw new InputError(`socks4Connect needs a socks4:// or socks4a:// proxy, not ${proxy.protocol}`, { protocol: 'socks4' });
  checkTarget(target);
  const authority = authorityOf(target);
  throwIfAborted(options.signal, `SOCKS4 connect to ${authority}`);
  const started = Date.now();
  const left = (): number | undefined => {
    if (!options.timeout) return undefined;
    const rest = options.timeout - (Date.now() - started);
    if (rest <= 0) throw new TimeoutError(`SOCKS4 connect to ${authority} timed out after ${options.timeout} ms`, { timeout: options.timeout, protocol: 'socks4' });
    return rest;
  };
  let host = bareHost(target.host);
  if (scheme === 'socks4:' && !net.isIP(host)) host = await resolveLocally(host, { ...options, family: 4 }, left());
  const request = encodeSocks4Connect(host, target.port, urlCredentials(proxy)?.user ?? '');
  const proxyHost = bareHost(proxy.hostname);
  const port = proxyPort(proxy);
  options.trace?.({ kind: '*', text: `Connecting to SOCKS4 proxy ${proxyHost} port ${port}`, protocol: 'socks4' });
  const s = await Socket.connect({ host: proxyHost, port, lookup: tracedLookup(options.lookup, options.trace, 'socks4'), local: options.local, signal: options.signal, timeout: left() });
  traceConnected(options.trace, s.raw, proxyHost, 'socks4');
  const wait = (): WaitOptions => ({ signal: options.signal, timeout: left() });
  try {
    options.trace?.({ kind: '>', text: `SOCKS4${scheme === 'socks4a:' ? 'a' : ''} CONNECT ${authorityOf({ host, port: target.port })}`, protocol: 'socks4' });
    await s.send(request, wait());
    decodeSocks4Reply(await s.recvExactly(SOCKS4_REPLY_LENGTH, wait()), authority);
    traceTunnel(options.trace, authority, target.host, 'socks4', 'SOCKS4');
    if (options.haproxyProtocol) await s.send(haproxyLine({ address: s.raw.localAddress, port: s.raw.localPort }, { address: s.raw.remoteAddress, port: s.raw.remotePort }), wait());
    if (options.targetTls) {
      const tlsOpts = options.targetTls.servername !== undefined || net.isIP(bareHost(target.host)) ? options.targetTls : { ...options.targetTls, servername: bareHost(target.host) };
      await s.startTLS({ ...targetIdentity(target, tlsOpts), ...wait() });
      traceTls(options.trace, s.raw as tls.TLSSocket, authority);
    }
    return s;
  } catch (err) {
    s.destroy();
    throw err instanceof DialError ? err : toDialError(err, `SOCKS4 proxy ${proxyHost}`, { protocol: 'socks4', phase: 'connect' });
  }
}
