/**
 * An HTTP CONNECT tunnel for the FTP control connection, where the server
 * speaks first. It should become an option of the HTTP client's
 * connectTunnel (which refuses such early bytes, rightly for HTTPS); until
 * then it lives here.
 *
 * @module
 */
import type { Socket as NetSocket } from 'node:net';
import { DialError, ProtocolError, ReplyError, toDialError } from '../../errors.js';
import { connectTcp } from '../../socket/connect.js';
import { Socket } from '../../socket/socket.js';
import { handshake } from '../../socket/tls.js';
import { guard } from '../../util/guard.js';
import { HeaderList } from '../http/core/headers.js';
import { serializeHead } from '../http/core/request.js';
import { ResponseParser } from '../http/core/response-parser.js';
import { bareHost, proxyPort } from '../http/proxy/env.js';
import { authorityOf, proxyAuthorization, targetIdentity, type TunnelOptions } from '../http/proxy/http-connect.js';

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
