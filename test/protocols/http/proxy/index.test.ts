import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { openProxyTunnel } from '../../../../src/protocols/http/proxy/index.js';
import { socks4Connect } from '../../../../src/protocols/http/proxy/socks4.js';
import { ConnectError, InputError } from '../../../../src/errors.js';
import { atLeast, echoServer, fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './fake-proxy.js';
import { parseChallenges } from '../../../../src/protocols/http/auth/digest.js';

const T = 5000;
const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** An HTTP proxy that demands Digest (user u, password p, realm r, nonce n) and records each CONNECT head. */
function digestProxy(echoPort: number, heads: string[], alsoBasic = false): Promise<FakeServer> {
  return fakeServer(async (sock) => {
    const head = (await readUntil(sock, untilHeadEnd)).toString('latin1');
    heads.push(head);
    const m = /\r\nProxy-Authorization: (Digest [^\r]*)\r\n/i.exec(head);
    if (m) {
      const p = parseChallenges([m[1]!])[0]!.params;
      const expected = md5(`${md5('u:r:p')}:n:${p['nc']}:${p['cnonce']}:auth:${md5(`CONNECT:${p['uri']}`)}`);
      if (p['response'] === expected && p['uri'] === 'a.test:443') {
        sock.write('HTTP/1.1 200 OK\r\n\r\n');
        return splice(sock, echoPort);
      }
    }
    const offers = alsoBasic ? 'Proxy-Authenticate: Basic realm="r"\r\n' : '';
    sock.end(`HTTP/1.1 407 Auth\r\n${offers}Proxy-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 0\r\n\r\n`);
  });
}

describe('openProxyTunnel', () => {
  let echo: FakeServer;
  before(async () => {
    echo = await echoServer();
  });
  after(async () => {
    await echo.close();
  });

  test('proxyAuth "digest": the password never goes as Basic; the 407 challenge is answered on a new connection', async () => {
    const heads: string[] = [];
    const proxy = await digestProxy(echo.port, heads);
    try {
      const s = await openProxyTunnel(`http://u:p@127.0.0.1:${proxy.port}`, { host: 'a.test', port: 443 }, { timeout: T, proxyAuth: 'digest' });
      await s.close();
      assert.equal(heads.length, 2);
      assert.ok(!/Proxy-Authorization/i.test(heads[0]!), heads[0]);
      assert.match(heads[1]!, /Proxy-Authorization: Digest username="u", realm="r", uri="a.test:443"/);
      assert.ok(!heads.join('').includes(Buffer.from('u:p').toString('base64')));
    } finally {
      await proxy.close();
    }
  });

  test('proxyAuth "any": nothing first, then the strongest scheme the 407 offers (Digest over Basic)', async () => {
    const heads: string[] = [];
    const proxy = await digestProxy(echo.port, heads, true);
    try {
      const s = await openProxyTunnel(new URL(`http://u:p@127.0.0.1:${proxy.port}`), { host: 'a.test', port: 443 }, { timeout: T, proxyAuth: 'any' });
      await s.close();
      assert.equal(heads.length, 2);
      assert.ok(!/Proxy-Authorization/i.test(heads[0]!), heads[0]);
      assert.match(heads[1]!, /Proxy-Authorization: Digest /);
    } finally {
      await proxy.close();
    }
  });

  test('a proxy that offers only Basic: "any" answers with it, "digest" keeps the password and gets the 407', async () => {
    const heads: string[] = [];
    const basic = `Basic ${Buffer.from('u:p').toString('base64')}`;
    const proxy = await fakeServer(async (sock) => {
      const head = (await readUntil(sock, untilHeadEnd)).toString('latin1');
      heads.push(head);
      if (head.includes(`\r\nProxy-Authorization: ${basic}\r\n`)) {
        sock.write('HTTP/1.1 200 OK\r\n\r\n');
        return splice(sock, echo.port);
      }
      sock.end('HTTP/1.1 407 Auth\r\nProxy-Authenticate: Basic realm="r"\r\nContent-Length: 0\r\n\r\n');
    });
    try {
      const s = await openProxyTunnel(`http://u:p@127.0.0.1:${proxy.port}`, { host: 'a.test', port: 443 }, { timeout: T, proxyAuth: 'any' });
      await s.close();
      assert.equal(heads.length, 2);
      assert.ok(!/Proxy-Authorization/i.test(heads[0]!), heads[0]);
      heads.length = 0;
      await assert.rejects(openProxyTunnel(`http://u:p@127.0.0.1:${proxy.port}`, { host: 'a.test', port: 443 }, { timeout: T, proxyAuth: 'digest' }), /proxy authentication required/);
      assert.equal(heads.length, 1);
      assert.ok(!heads.join('').includes(Buffer.from('u:p').toString('base64')));
    } finally {
      await proxy.close();
    }
  });

  test('proxyAuth "basic" (default) does not retry a 407', async () => {
    const heads: string[] = [];
    const proxy = await digestProxy(echo.port, heads);
    try {
      await assert.rejects(openProxyTunnel(`u:p@127.0.0.1:${proxy.port}`, { host: 'a.test', port: 443 }, { timeout: T }), /proxy authentication required/);
      assert.equal(heads.length, 1);
    } finally {
      await proxy.close();
    }
  });

  test('dispatches socks4a://, and refuses unknown schemes', async () => {
    const seen: Buffer[] = [];
    const srv = await fakeServer(async (sock) => {
      const req = await readUntil(sock, (b) => b.length > 9 && b[b.length - 1] === 0 && b.indexOf(0, 8) !== b.length - 1);
      seen.push(req);
      sock.write(Buffer.of(0, 90, 0, 0, 0, 0, 0, 0));
      await splice(sock, echo.port);
    });
    try {
      const s = await openProxyTunnel(`socks4a://me@127.0.0.1:${srv.port}`, { host: 'b.test', port: 80 }, { timeout: T });
      await s.send('x');
      assert.equal((await s.recv(10, { timeout: T })).toString(), 'x');
      await s.close();
      assert.deepEqual(Array.from(seen[0]!), [4, 1, 0, 80, 0, 0, 0, 1, ...Buffer.from('me'), 0, ...Buffer.from('b.test'), 0]);
      await assert.rejects(openProxyTunnel('ftp://127.0.0.1:1', { host: 'b', port: 1 }), InputError);
      await assert.rejects(openProxyTunnel(new URL('ws://127.0.0.1:1'), { host: 'b', port: 1 }), InputError);
    } finally {
      await srv.close();
    }
  });

  test('socks4:// resolves to IPv4 here; a 91 reply is a ConnectError', async () => {
    const requests: Buffer[] = [];
    const srv = await fakeServer(async (sock) => {
      requests.push(await readUntil(sock, atLeast(9)));
      sock.end(Buffer.of(0, 91, 0, 0, 0, 0, 0, 0));
    });
    try {
      await assert.rejects(
        socks4Connect(new URL(`socks4://127.0.0.1:${srv.port}`), { host: 'c.test', port: 80 }, { timeout: T, lookup: async () => [{ address: '::1', family: 6 }, { address: '10.0.0.9', family: 4 }] }),
        (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT',
      );
      assert.deepEqual(Array.from(requests[0]!.subarray(4, 8)), [10, 0, 0, 9]);
      await assert.rejects(socks4Connect(new URL(`socks4a://127.0.0.1:${srv.port}`), { host: '::1', port: 80 }, { timeout: T }), InputError);
    } finally {
      await srv.close();
    }
  });
});
