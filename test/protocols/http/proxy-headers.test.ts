/**
 * request()'s `proxyHeaders` and `proxyConnectVersion` against in-process
 * proxies, with the bytes curl 7.88 sends as the reference: proxy headers go
 * in a tunnel's CONNECT (never the request's own headers) and ride after the
 * request's headers to a forwarding proxy; tunnels that said different
 * things to the proxy are not shared.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../../../src/protocols/http/index.js';
import { agentsDestroyedAfter, keepAlive, serve, type ReceivedRequest, type TestServer } from './server.js';
import { fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './proxy/fake-proxy.js';

const freshAgent = agentsDestroyedAfter(after);

let origin: TestServer;
/** A CONNECT proxy: answers 200, then splices to the origin. `received[i]` holds connection i's bytes (CONNECT first). */
let tunnel: FakeServer;
/** A forwarding proxy: what each request's head was. */
let forward: TestServer;
const forwarded: ReceivedRequest[] = [];

before(async () => {
  origin = await serve(keepAlive((req, _b, c) => c.respond(200, `origin ${req.target} ${req.header('x-h') ?? '-'} ${req.header('x-ph') ?? '-'}`)));
  tunnel = await fakeServer(async (sock, log) => {
    await readUntil(sock, untilHeadEnd, log);
    sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
    await splice(sock, origin.port);
  });
  forward = await serve(
    keepAlive((req, _b, c) => {
      forwarded.push(req);
      return c.respond(200, 'forwarded');
    }),
  );
});
after(async () => {
  await Promise.all([origin.close(), tunnel.close(), forward.close()]);
});

/** The CONNECT head connection `i` of the tunnel proxy sent, up to its blank line. */
function connectHead(i: number): string {
  const all = Buffer.concat(tunnel.received[i]!).toString('latin1');
  return all.slice(0, all.indexOf('\r\n\r\n') + 4);
}

describe('proxyHeaders through a CONNECT tunnel', () => {
  test('the CONNECT carries them after Host and the Basic credentials; the request\'s headers stay out of it', async () => {
    const before = tunnel.received.length;
    const res = await request('http://target.test/a', {
      agent: freshAgent(),
      proxy: `http://u:p@127.0.0.1:${tunnel.port}`,
      proxyTunnel: true,
      headers: { 'X-H': 'h' },
      proxyHeaders: [['X-PH', 'p'], ['X-Empty', '']],
    });
    // The proxy headers never reach the origin; the request's own do.
    assert.equal(await res.text(), 'origin /a h -');
    assert.equal(
      connectHead(before),
      `CONNECT target.test:80 HTTP/1.1\r\nHost: target.test:80\r\nProxy-Authorization: Basic ${Buffer.from('u:p').toString('base64')}\r\nX-PH: p\r\nX-Empty:\r\n\r\n`,
    );
  });

  test('a Host among them replaces the CONNECT\'s own (curl --proxy-header "Host: …")', async () => {
    const before = tunnel.received.length;
    const res = await request('http://target.test/b', { agent: freshAgent(), proxy: `http://127.0.0.1:${tunnel.port}`, proxyTunnel: true, proxyHeaders: { Host: 'ph' } });
    assert.equal(await res.text(), 'origin /b - -');
    assert.equal(connectHead(before), 'CONNECT target.test:80 HTTP/1.1\r\nHost: ph\r\n\r\n');
  });

  test('tunnels opened with other proxy headers are not shared; the same ones are', async () => {
    const agent = freshAgent();
    const before = tunnel.received.length;
    const go = async (ph: string) => (await request('http://target.test/c', { agent, proxy: `http://127.0.0.1:${tunnel.port}`, proxyTunnel: true, proxyHeaders: { 'X-PH': ph } })).text();
    assert.equal(await go('one'), 'origin /c - -');
    assert.equal(await go('two'), 'origin /c - -');
    assert.equal(await go('one'), 'origin /c - -');
    assert.equal(tunnel.received.length - before, 2, 'one tunnel per set of proxy headers');
    assert.match(connectHead(before), /\r\nX-PH: one\r\n/);
    assert.match(connectHead(before + 1), /\r\nX-PH: two\r\n/);
  });

  test('proxyConnectVersion 1.0: the CONNECT line says HTTP/1.0', async () => {
    const before = tunnel.received.length;
    const res = await request('http://target.test/d', { agent: freshAgent(), proxy: `http://127.0.0.1:${tunnel.port}`, proxyTunnel: true, proxyConnectVersion: '1.0' });
    assert.equal(await res.text(), 'origin /d - -');
    assert.equal(connectHead(before), 'CONNECT target.test:80 HTTP/1.0\r\nHost: target.test:80\r\n\r\n');
  });
});

describe('proxyHeaders to a forwarding proxy', () => {
  test('after the request\'s own headers, a repeated name sent twice, Host left out (as curl)', async () => {
    forwarded.length = 0;
    const res = await request('http://target.test/e', {
      agent: freshAgent(),
      proxy: `http://127.0.0.1:${forward.port}`,
      headers: [['X-H', 'h'], ['User-Agent', 'ua']],
      proxyHeaders: [['User-Agent', 'pua'], ['Host', 'ph'], ['X-PH', 'p']],
      omitDefaultHeaders: ['accept'],
    });
    assert.equal(await res.text(), 'forwarded');
    assert.equal(forwarded.length, 1);
    assert.equal(forwarded[0]!.raw, 'GET http://target.test/e HTTP/1.1\r\nHost: target.test\r\nX-H: h\r\nUser-Agent: ua\r\nUser-Agent: pua\r\nX-PH: p');
  });

  test('a Proxy-Authorization among them replaces the one of the proxy URL\'s credentials', async () => {
    forwarded.length = 0;
    const res = await request('http://target.test/f', { agent: freshAgent(), proxy: `http://u:p@127.0.0.1:${forward.port}`, proxyHeaders: { 'Proxy-Authorization': 'Bearer t' } });
    await res.text();
    assert.deepEqual(
      forwarded[0]!.headers.filter(([k]) => k.toLowerCase() === 'proxy-authorization'),
      [['Proxy-Authorization', 'Bearer t']],
    );
  });

  test('proxyConnectVersion does not change a forwarded request', async () => {
    forwarded.length = 0;
    const res = await request('http://target.test/g', { agent: freshAgent(), proxy: `http://127.0.0.1:${forward.port}`, proxyConnectVersion: '1.0' });
    await res.text();
    assert.equal(forwarded[0]!.version, 'HTTP/1.1');
  });
});
