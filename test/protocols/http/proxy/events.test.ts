// The structured events a tunnel reports (what dial -w reads through a proxy):
// resolved for the proxy's name, connected with both ends of the TCP
// connection to the proxy, tunnel once the way is open, tls for the target.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import type * as net from 'node:net';
import { connectTunnel } from '../../../../src/protocols/http/proxy/http-connect.js';
import { socks5Connect } from '../../../../src/protocols/http/proxy/socks5.js';
import { openProxyTunnel } from '../../../../src/protocols/http/proxy/index.js';
import { tracedLookup } from '../../../../src/protocols/http/proxy/events.js';
import type { LookupFunction } from '../../../../src/socket/connect.js';
import type { TraceEvent } from '../../../../src/trace.js';
import { echoServer, fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './fake-proxy.js';
import { makeTestPKI, type TestPKI } from '../../../interop/ca.js';

const T = 5000;
const loopback: LookupFunction = async () => [{ address: '127.0.0.1', family: 4 }];

/** The structured events only, as `name` or `name:facts`. */
const structured = (events: TraceEvent[]) => events.filter((e) => e.event !== undefined);

function connectProxy(targetPort: number): Promise<FakeServer> {
  return fakeServer(async (sock, log) => {
    await readUntil(sock, untilHeadEnd, log);
    sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
    await splice(sock, targetPort);
  });
}

function socks5Proxy(targetPort: number): Promise<FakeServer> {
  return fakeServer(async (sock: net.Socket) => {
    await readUntil(sock, (b) => b.length >= 2 && b.length >= 2 + b[1]!);
    sock.write(Buffer.from([5, 0]));
    await readUntil(sock, (b) => b.length >= 5 && b.length >= (b[3] === 1 ? 10 : 7 + b[4]!));
    sock.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0x04, 0x38]));
    await splice(sock, targetPort);
  });
}

describe('tunnel events', () => {
  let echo: FakeServer;
  before(async () => {
    echo = await echoServer();
  });
  after(() => echo.close());

  test('CONNECT: resolved (the proxy\'s name), connected (both ends of the connection to the proxy), proxy-reply (its answer, as curl -i shows it), tunnel', async () => {
    const proxy = await connectProxy(echo.port);
    try {
      const events: TraceEvent[] = [];
      const s = await connectTunnel(new URL(`http://proxy.test:${proxy.port}`), { host: 'a.example', port: 80 }, { timeout: T, lookup: loopback, trace: (e) => events.push(e) });
      const local = s.localAddress as { address: string; port: number };
      await s.close();
      const ev = structured(events);
      assert.deepEqual(ev.map((e) => e.event), ['resolved', 'connected', 'proxy-reply', 'tunnel']);
      assert.deepEqual(ev[0]!.data, { host: 'proxy.test', addresses: ['127.0.0.1'] });
      assert.deepEqual(ev[1]!.data, { remoteAddress: '127.0.0.1', remotePort: proxy.port, localAddress: local.address, localPort: local.port });
      assert.equal(ev[2]!.data?.status, 200);
      assert.match(ev[2]!.data?.head ?? '', /^HTTP\/1\.[01] 200 [^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n$/);
      assert.deepEqual(ev[3]!.data, { host: 'a.example' });
      // The CONNECT request lies between connected and tunnel: it is the proxy's, not the transfer's.
      const kinds = events.map((e) => e.event ?? e.kind);
      assert.ok(kinds.indexOf('>') > kinds.indexOf('connected') && kinds.indexOf('>') < kinds.indexOf('tunnel'), kinds.join(' '));
    } finally {
      await proxy.close();
    }
  });

  test('SOCKS5 (socks5h): connected to the proxy, then tunnel; an IP literal is not resolved', async () => {
    const proxy = await socks5Proxy(echo.port);
    try {
      const events: TraceEvent[] = [];
      const s = await socks5Connect(new URL(`socks5h://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 80 }, { timeout: T, trace: (e) => events.push(e) });
      await s.close();
      const ev = structured(events);
      assert.deepEqual(ev.map((e) => e.event), ['connected', 'tunnel']);
      assert.equal(ev[0]!.data?.remotePort, proxy.port);
      assert.equal(ev[0]!.data?.remoteAddress, '127.0.0.1');
      assert.equal(typeof ev[0]!.data?.localPort, 'number');
    } finally {
      await proxy.close();
    }
  });

  test('no tracer: the lookup given is used as is', () => {
    assert.equal(tracedLookup(loopback, undefined, 'http'), loopback);
    assert.equal(tracedLookup(undefined, undefined, 'http'), undefined);
  });
});

describe('TLS to the target through the tunnel: a tls event with its facts', () => {
  let pki: TestPKI;
  let target: tls.Server;
  let port = 0;
  before(async () => {
    pki = makeTestPKI();
    target = tls.createServer({ cert: pki.server.cert, key: pki.server.key, ALPNProtocols: ['http/1.1'] }, (s) => s.pipe(s));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    port = (target.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((r) => target.close(() => r()));
    pki.cleanup();
  });

  for (const scheme of ['http', 'socks5h'] as const) {
    test(`${scheme}: verified (no verifyError), ALPN and version reported after the tunnel`, async () => {
      const proxy = scheme === 'http' ? await connectProxy(port) : await socks5Proxy(port);
      try {
        const events: TraceEvent[] = [];
        const s = await openProxyTunnel(new URL(`${scheme}://127.0.0.1:${proxy.port}`), { host: 'localhost', port }, {
          timeout: T,
          trace: (e) => events.push(e),
          targetTls: { ca: pki.ca.cert, ALPNProtocols: ['http/1.1'] },
        });
        await s.close();
        const ev = structured(events);
        // An HTTP proxy's answer to CONNECT comes before the tunnel; a SOCKS proxy has no head to show.
        assert.deepEqual(ev.map((e) => e.event), scheme === 'http' ? ['connected', 'proxy-reply', 'tunnel', 'tls'] : ['connected', 'tunnel', 'tls']);
        const t = ev.at(-1)!;
        assert.equal(t.data?.verifyError, undefined);
        assert.equal(t.data?.alpn, 'http/1.1');
        assert.match(t.data?.tlsVersion ?? '', /^TLSv1\.[23]$/);
      } finally {
        await proxy.close();
      }
    });
  }

  test('-k against an untrusted certificate: the tls event names why it did not verify', async () => {
    const proxy = await connectProxy(port);
    try {
      const events: TraceEvent[] = [];
      const s = await openProxyTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'localhost', port }, { timeout: T, trace: (e) => events.push(e), targetTls: { rejectUnauthorized: false } });
      await s.close();
      const tlsEvent = structured(events).find((e) => e.event === 'tls');
      assert.ok(tlsEvent?.data?.verifyError, JSON.stringify(tlsEvent));
    } finally {
      await proxy.close();
    }
  });
});
