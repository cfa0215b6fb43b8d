import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tls from 'node:tls';
import type * as net from 'node:net';
import { authorityOf, connectTunnel, forwardProxyTarget, proxyAuthorization, ProxyReplyError } from '../../../../src/protocols/http/proxy/http-connect.js';
import { InputError, ProtocolError, ReplyError, TLSError } from '../../../../src/errors.js';
import type { TraceEvent } from '../../../../src/trace.js';
import { echoServer, fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './fake-proxy.js';
import { makeTestPKI, type TestPKI } from '../../../interop/ca.js';

const T = 5000;

/** A proxy that answers CONNECT with `reply` and then splices to `targetPort` (when given). */
function connectProxy(reply: string, targetPort?: number): Promise<FakeServer> {
  return fakeServer(async (sock, log) => {
    await readUntil(sock, untilHeadEnd, log);
    sock.write(reply);
    if (targetPort !== undefined) await splice(sock, targetPort);
    else sock.end();
  });
}

async function roundTrip(s: { send(b: string): Promise<void>; recv(n?: number, o?: { timeout?: number }): Promise<Buffer> }, text: string): Promise<string> {
  await s.send(text);
  let got = '';
  while (got.length < text.length) {
    const c = await s.recv(65536, { timeout: T });
    if (c.length === 0) break;
    got += c.toString();
  }
  return got;
}

describe('forward-proxy helpers', () => {
  test('forwardProxyTarget: absolute form, no userinfo, no fragment, query kept', () => {
    assert.equal(forwardProxyTarget(new URL('http://u:p@example.com:8080/a/b?x=1#frag')), 'http://example.com:8080/a/b?x=1');
    assert.equal(forwardProxyTarget(new URL('http://example.com')), 'http://example.com/');
    assert.equal(forwardProxyTarget(new URL('http://[::1]:81/p')), 'http://[::1]:81/p');
  });
  test('proxyAuthorization: Basic from percent-decoded userinfo; undefined without', () => {
    assert.equal(proxyAuthorization(new URL('http://Aladdin:open%20sesame@proxy:3128')), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
    assert.equal(proxyAuthorization(new URL('http://proxy:3128')), undefined);
  });
  test('proxyAuthorization refuses a ":" decoded into the user name', () => {
    assert.throws(() => proxyAuthorization(new URL('http://u%3Ax:p@proxy')), InputError);
  });
});

describe('connectTunnel over a fake proxy', () => {
  let echo: FakeServer;
  before(async () => {
    echo = await echoServer();
  });
  after(async () => {
    await echo.close();
  });

  test('sends CONNECT with Host and Basic Proxy-Authorization, then carries bytes', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 Connection established\r\n\r\n', echo.port);
    try {
      const s = await connectTunnel(new URL(`http://al%40x:s%3Dcret@127.0.0.1:${proxy.port}`), { host: 'example.com', port: 443 }, { timeout: T });
      assert.equal(await roundTrip(s, 'hello through the tunnel'), 'hello through the tunnel');
      await s.close();
      const sent = Buffer.concat(proxy.received[0]!).toString('latin1');
      const auth = Buffer.from('al@x:s=cret').toString('base64');
      assert.ok(sent.startsWith(`CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nProxy-Authorization: Basic ${auth}\r\n\r\n`), sent);
    } finally {
      await proxy.close();
    }
  });

  test('IPv6 target in brackets; caller headers kept; a caller Proxy-Authorization wins', async () => {
    const proxy = await connectProxy('HTTP/1.0 200 OK\r\nX-Whatever: 1\r\n\r\n', echo.port);
    try {
      const s = await connectTunnel(new URL(`http://u:p@127.0.0.1:${proxy.port}`), { host: '[::1]', port: 8443 }, {
        timeout: T,
        headers: { 'User-Agent': 'dialtone-test', 'Proxy-Authorization': 'Digest x' },
      });
      await s.close();
      const sent = Buffer.concat(proxy.received[0]!).toString('latin1');
      assert.ok(sent.startsWith('CONNECT [::1]:8443 HTTP/1.1\r\nHost: [::1]:8443\r\n'), sent);
      assert.match(sent, /\r\nUser-Agent: dialtone-test\r\n/);
      assert.match(sent, /\r\nProxy-Authorization: Digest x\r\n/);
      assert.equal(sent.match(/Proxy-Authorization/g)?.length, 1);
    } finally {
      await proxy.close();
    }
  });

  test('a proxy on an IPv6 literal ([::1]) is reached', async () => {
    const proxy = await fakeServer(async (sock, log) => {
      await readUntil(sock, untilHeadEnd, log);
      sock.write('HTTP/1.1 200 OK\r\n\r\n');
      await splice(sock, echo.port);
    }, '::1');
    try {
      const s = await connectTunnel(new URL(`http://[::1]:${proxy.port}`), { host: 'v6.example', port: 80 }, { timeout: T });
      assert.equal(await roundTrip(s, 'six'), 'six');
      assert.deepEqual(s.remoteAddress, { address: '::1', port: proxy.port, family: 'IPv6' });
      await s.close();
    } finally {
      await proxy.close();
    }
  });

  test('1xx interim replies before the 200 are skipped', async () => {
    const proxy = await connectProxy('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\n\r\n', echo.port);
    try {
      const s = await connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 80 }, { timeout: T });
      assert.equal(await roundTrip(s, 'x'), 'x');
      await s.close();
    } finally {
      await proxy.close();
    }
  });

  test('407 → ProxyReplyError naming proxy authentication, with the challenge headers', async () => {
    const proxy = await connectProxy('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="p"\r\nProxy-Authenticate: Digest realm="p", nonce="n"\r\nContent-Length: 5\r\n\r\nnope!');
    try {
      await assert.rejects(connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 443 }, { timeout: T }), (e: unknown) => {
        assert.ok(e instanceof ProxyReplyError && e instanceof ReplyError);
        assert.equal(e.code, 'DIAL_E_REPLY');
        assert.equal(e.reply?.code, 407);
        assert.match(e.message, /proxy authentication required/);
        assert.match(e.message, /no credentials were sent/);
        assert.match(e.message, /Basic, Digest/);
        assert.equal(e.headers.getAll('proxy-authenticate').length, 2);
        return true;
      });
    } finally {
      await proxy.close();
    }
  });

  test('403 → ReplyError with the status', async () => {
    const proxy = await connectProxy('HTTP/1.1 403 Forbidden\r\n\r\n');
    try {
      await assert.rejects(connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 25 }, { timeout: T }), (e: unknown) => {
        assert.ok(e instanceof ReplyError);
        assert.equal(e.reply?.code, 403);
        assert.match(e.message, /refused CONNECT to a\.example:25: 403 Forbidden/);
        return true;
      });
    } finally {
      await proxy.close();
    }
  });

  test('bytes after the 200 before we sent anything → ProtocolError (injection), socket not returned', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n220 fake greeting\r\n');
    try {
      await assert.rejects(connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 443 }, { timeout: T }), (e: unknown) => {
        assert.ok(e instanceof ProtocolError);
        assert.equal(e.code, 'DIAL_E_INJECTION');
        return true;
      });
    } finally {
      await proxy.close();
    }
  });

  test('serverFirst: a greeting that rides in with the 200 is kept for the first read', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n220 fake greeting\r\n');
    try {
      const s = await connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 21 }, { timeout: T, serverFirst: true });
      try {
        assert.equal((await s.recv(100, { timeout: T })).toString(), '220 fake greeting\r\n');
      } finally {
        await s.close();
      }
    } finally {
      await proxy.close();
    }
  });

  test('serverFirst with targetTls: early bytes are still an injection (the handshake must come first)', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n220 fake greeting\r\n');
    try {
      await assert.rejects(
        connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 990 }, { timeout: T, serverFirst: true, targetTls: {} }),
        (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION',
      );
    } finally {
      await proxy.close();
    }
  });

  test('a 101 to CONNECT is refused', async () => {
    const proxy = await connectProxy('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    try {
      await assert.rejects(connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'a.example', port: 443 }, { timeout: T }), ReplyError);
    } finally {
      await proxy.close();
    }
  });

  test('unsafe targets and proxies are refused before any connection', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n');
    try {
      const url = new URL(`http://127.0.0.1:${proxy.port}`);
      for (const host of ['a.example\r\nX: y', 'a b', 'a/b', 'u@h', '', '[zz]']) await assert.rejects(connectTunnel(url, { host, port: 443 }), InputError, host);
      for (const port of [0, 65536, 1.5, NaN]) await assert.rejects(connectTunnel(url, { host: 'a', port }), InputError);
      await assert.rejects(connectTunnel(new URL(`socks5://127.0.0.1:${proxy.port}`), { host: 'a', port: 1 }), InputError);
      await assert.rejects(connectTunnel(url, { host: 'a', port: 1 }, { headers: { 'X-Bad': 'a\r\nb' } }), InputError);
      assert.equal(proxy.connections, 0);
    } finally {
      await proxy.close();
    }
  });

  test('trace: * connect, > CONNECT lines with the credentials masked, < reply', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 Connection established\r\nVia: fake\r\n\r\n', echo.port);
    try {
      const events: TraceEvent[] = [];
      const s = await connectTunnel(new URL(`http://user:secret@127.0.0.1:${proxy.port}`), { host: 'a.example', port: 443 }, { timeout: T, trace: (e) => events.push(e) });
      await s.close();
      const lines = events.map((e) => `${e.kind} ${e.text}`);
      assert.ok(lines.includes('> CONNECT a.example:443 HTTP/1.1'), lines.join('\n'));
      assert.ok(lines.includes('< HTTP/1.1 200 Connection established'));
      assert.ok(lines.includes('< Via: fake'));
      assert.ok(lines.some((l) => l.startsWith('> Proxy-Authorization: Basic ****')));
      assert.ok(!lines.join('\n').includes(Buffer.from('user:secret').toString('base64')));
      assert.ok(lines[0]!.startsWith('* Connecting to proxy 127.0.0.1'));
    } finally {
      await proxy.close();
    }
  });
});

describe('TLS through the tunnel (test CA)', () => {
  let pki: TestPKI;
  let target: tls.Server;
  let targetPort: number;
  before(async () => {
    pki = makeTestPKI();
    target = tls.createServer({ cert: pki.server.cert, key: pki.server.key }, (s) => s.pipe(s));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    targetPort = (target.address() as net.AddressInfo).port;
  });
  after(async () => {
    await new Promise<void>((r) => target.close(() => r()));
    pki.cleanup();
  });

  test('http proxy, then startTLS with the target name: verified end to end', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n', targetPort);
    try {
      const s = await connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'localhost', port: targetPort }, { timeout: T });
      await s.startTLS({ servername: 'localhost', ca: pki.ca.cert, timeout: T });
      assert.equal(s.encrypted, true);
      assert.equal(await roundTrip(s, 'secure'), 'secure');
      await s.close();
    } finally {
      await proxy.close();
    }
  });

  test('targetTls: the target name is checked, so a name the certificate lacks fails (CVE-2022-32210)', async () => {
    const proxy = await connectProxy('HTTP/1.1 200 OK\r\n\r\n', targetPort);
    try {
      await assert.rejects(
        connectTunnel(new URL(`http://127.0.0.1:${proxy.port}`), { host: 'wrong.example', port: targetPort }, { timeout: T, targetTls: { ca: pki.ca.cert } }),
        (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT',
      );
    } finally {
      await proxy.close();
    }
  });

  test('https:// proxy (TLS to the proxy) and TLS to the target inside it (TLS in TLS)', async () => {
    const proxy = tls.createServer({ cert: pki.server.cert, key: pki.server.key }, (sock) => {
      sock.on('error', () => {});
      void readUntil(sock, untilHeadEnd).then(async (head) => {
        assert.match(head.toString(), /^CONNECT localhost:\d+ HTTP\/1\.1\r\n/);
        sock.write('HTTP/1.1 200 OK\r\n\r\n');
        await splice(sock as unknown as net.Socket, targetPort);
      });
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const port = (proxy.address() as net.AddressInfo).port;
    try {
      const s = await connectTunnel(new URL(`https://localhost:${port}`), { host: 'localhost', port: targetPort }, {
        timeout: T,
        tls: { ca: pki.ca.cert },
        targetTls: { ca: pki.ca.cert },
      });
      assert.equal(s.encrypted, true);
      assert.equal(await roundTrip(s, 'nested'), 'nested');
      await s.close();
      // The proxy's own certificate is verified too.
      await assert.rejects(
        connectTunnel(new URL(`https://localhost:${port}`), { host: 'localhost', port: targetPort }, { timeout: T, tls: { ca: pki.untrustedCA.cert } }),
        (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT',
      );
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });
});

test('authorityOf: host:port, IPv6 in brackets, and an IPv6 zone (this machine\'s interface) left out', () => {
  assert.equal(authorityOf({ host: 'example.org', port: 443 }), 'example.org:443');
  assert.equal(authorityOf({ host: '127.0.0.1', port: 8080 }), '127.0.0.1:8080');
  assert.equal(authorityOf({ host: '::1', port: 443 }), '[::1]:443');
  assert.equal(authorityOf({ host: '[::1]', port: 443 }), '[::1]:443');
  assert.equal(authorityOf({ host: 'fe80::1%eth0', port: 443 }), '[fe80::1]:443');
  assert.equal(authorityOf({ host: '[fe80::1%25eth0]', port: 80 }), '[fe80::1]:80');
});
