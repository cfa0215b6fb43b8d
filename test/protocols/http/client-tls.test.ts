/**
 * request() over TLS, Digest, decompression and proxies, against in-process
 * servers (the test CA comes from the interop suite's openssl helper).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { createHash } from 'node:crypto';
import { gzipSync, brotliCompressSync, deflateSync } from 'node:zlib';
import { request, Agent } from '../../../src/protocols/http/index.js';
import { LimitError, TLSError, type DialError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { keepAlive, serve, type TestServer } from './server.js';

let pki: TestPKI;
let tlsSrv: TestServer;
const agent = new Agent();

before(async () => {
  pki = makeTestPKI();
  tlsSrv = await serve(keepAlive((req, _b, c) => c.respond(200, `secure ${req.target}`)), { tls: { cert: pki.server.cert, key: pki.server.key } });
});
after(async () => {
  agent.destroy();
  await tlsSrv.close();
  pki.cleanup();
});

describe('https', () => {
  test('verified against the given CA; connection reused', async () => {
    const events: TraceEvent[] = [];
    for (let i = 0; i < 2; i++) {
      const res = await request(`https://localhost:${tlsSrv.port}/a`, { agent, tls: { ca: pki.ca.cert }, trace: (e) => events.push(e) });
      assert.equal(await res.text(), 'secure /a');
    }
    assert.equal(tlsSrv.accepted, 1);
    assert.ok(events.some((e) => e.kind === '*' && /TLS established/.test(e.text)));
  });

  test('an untrusted certificate is refused: TLSError DIAL_E_TLS_CERT, phase tls', async () => {
    await assert.rejects(request(`https://localhost:${tlsSrv.port}/`, { agent }), (e: DialError) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT' && e.phase === 'tls');
    await assert.rejects(
      request(`https://localhost:${tlsSrv.port}/`, { agent, tls: { ca: pki.untrustedCA.cert } }),
      (e: DialError) => e.code === 'DIAL_E_TLS_CERT',
    );
  });

  test('a name mismatch is refused; insecure: true connects anyway (and is a separate pool)', async () => {
    await assert.rejects(request(`https://localhost:${tlsSrv.port}/`, { agent, tls: { ca: pki.ca.cert, servername: 'wrong.example' } }), (e: DialError) => e.code === 'DIAL_E_TLS_CERT');
    const res = await request(`https://localhost:${tlsSrv.port}/k`, { agent, insecure: true });
    assert.equal(await res.text(), 'secure /k');
    // The verified request after it must not ride the unverified connection.
    await assert.rejects(request(`https://localhost:${tlsSrv.port}/`, { agent }), TLSError);
  });

  test('a second connection to the origin resumes the TLS session of the first', async () => {
    const a = new Agent();
    const events: TraceEvent[] = [];
    const trace = (e: TraceEvent) => events.push(e);
    await (await request(`https://localhost:${tlsSrv.port}/1`, { agent: a, tls: { ca: pki.ca.cert }, trace })).text();
    await new Promise((r) => setTimeout(r, 50));
    // Two at once: the second needs a new connection.
    const both = await Promise.all([1, 2].map(() => request(`https://localhost:${tlsSrv.port}/2`, { agent: a, tls: { ca: pki.ca.cert }, trace })));
    for (const r of both) await r.text();
    assert.ok(events.some((e) => /TLS established \(session resumed\)/.test(e.text)), events.map((e) => e.text).join('\n'));
    a.destroy();
  });

  test('by IP address: 127.0.0.1 is in the certificate', async () => {
    const res = await request(`https://127.0.0.1:${tlsSrv.port}/ip`, { agent, tls: { ca: pki.ca.cert } });
    assert.equal(await res.text(), 'secure /ip');
  });
});

describe('https: TLS reads into one reused buffer (a TLS socket per Happy Eyeballs attempt)', () => {
  const SIZE = 6 * 1024 * 1024 + 7;
  const pattern = Buffer.alloc(SIZE);
  // No period that lines up with a read: a byte out of place changes the digest.
  for (let i = 0; i < SIZE; i++) pattern[i] = (i * 31 + (i >>> 11)) & 255;
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let big: TestServer;
  let written = 0;
  before(async () => {
    big = await serve(keepAlive((req, _b, c) => (req.target === '/stream' ? streamed(c) : c.respond(200, pattern))), { tls: { cert: pki.server.cert, key: pki.server.key } });
  });
  after(() => big.close());
  // 64 MiB in 256 KiB writes, counted, so a test can see the server stop.
  const streamed = async (c: Parameters<Parameters<typeof keepAlive>[0]>[2]) => {
    const TOTAL = 64 * 1024 * 1024;
    await c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
    const piece = Buffer.alloc(256 * 1024, 7);
    while (written < TOTAL && !c.ended && !c.socket.destroyed) {
      if (!c.socket.write(piece)) await new Promise((r) => c.socket.once('drain', r));
      written += piece.length;
    }
  };

  test('a body held chunk by chunk past later reads arrives intact (chunks are copies, not views of the buffer)', async () => {
    const a = new Agent();
    const res = await request(`https://localhost:${big.port}/held`, { agent: a, tls: { ca: pki.ca.cert } });
    const parts: Buffer[] = [];
    let turns = 0;
    for await (const chunk of res.body) {
      parts.push(chunk as Buffer);
      // A turn of the event loop now and then, so reads land between chunks.
      if (turns++ % 16 === 0) await new Promise((r) => setImmediate(r));
    }
    assert.equal(digest(Buffer.concat(parts)), digest(pattern));
    a.destroy();
  });

  test('body.consume(sink) sees every byte in order', async () => {
    const a = new Agent();
    const res = await request(`https://localhost:${big.port}/sink`, { agent: a, tls: { ca: pki.ca.cert } });
    const h = createHash('sha256');
    const n = await res.body.consume((chunk) => void h.update(chunk));
    assert.equal(n, SIZE);
    assert.equal(h.digest('hex'), digest(pattern));
    a.destroy();
  });

  test('an unread body stops the server writing; reading resumes it', async () => {
    const a = new Agent();
    written = 0;
    const res = await request(`https://localhost:${big.port}/stream`, { agent: a, tls: { ca: pki.ca.cert } });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(written < 32 * 1024 * 1024, `the server wrote ${written} bytes into an unread body`);
    let n = 0;
    for await (const chunk of res.body) n += chunk.length;
    assert.equal(n, 64 * 1024 * 1024);
    a.destroy();
  });

  test('a refused first address falls through to the next; the name is still what is verified', async () => {
    const a = new Agent();
    const events: TraceEvent[] = [];
    // ::1 is refused (the server listens on 127.0.0.1 only); the TLS socket of that attempt is dropped quietly.
    const lookup = async () => [{ address: '::1', family: 6 as const }, { address: '127.0.0.1', family: 4 as const }];
    const res = await request(`https://localhost:${big.port}/he`, { agent: a, tls: { ca: pki.ca.cert }, lookup, trace: (e) => events.push(e) });
    assert.equal((await res.bytes()).length, SIZE);
    assert.ok(events.some((e) => e.event === 'connected' && /\(127\.0\.0\.1\)/.test(e.text)), events.map((e) => e.text).join('\n'));
    await assert.rejects(
      request(`https://localhost:${big.port}/he`, { agent: a, tls: { ca: pki.ca.cert, servername: 'wrong.example' }, lookup }),
      (e: DialError) => e.code === 'DIAL_E_TLS_CERT' && e.phase === 'tls',
    );
    a.destroy();
  });

  test('a server that accepts TCP but never answers the ClientHello: the connect timeout ends the handshake', async () => {
    const held: net.Socket[] = [];
    const mute = net.createServer((s) => void held.push(s));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const port = (mute.address() as net.AddressInfo).port;
    const a = new Agent();
    await assert.rejects(request(`https://localhost:${port}/`, { agent: a, tls: { ca: pki.ca.cert }, connectTimeout: 200 }), (e: DialError) => e.code === 'DIAL_E_TIMEOUT' && /TLS handshake/.test(e.message));
    a.destroy();
    for (const s of held) s.destroy();
    await new Promise((r) => mute.close(r));
  });
});

describe('Digest authentication', () => {
  test('a 401 Digest challenge is answered once with the right response', async () => {
    const seen: Array<string | undefined> = [];
    const srv = await serve(
      keepAlive((req, _b, c) => {
        const auth = req.header('authorization');
        seen.push(auth);
        if (!auth?.startsWith('Digest ')) return c.respond(401, 'no', { 'WWW-Authenticate': 'Digest realm="r", nonce="n1", qop="auth", algorithm=MD5' });
        const p = Object.fromEntries([...auth.matchAll(/(\w+)="?([^",]*)"?/g)].map((m) => [m[1], m[2]]));
        const h = (s: string) => createHash('md5').update(s).digest('hex');
        const expected = h(`${h('u:r:pw')}:n1:${p['nc']}:${p['cnonce']}:auth:${h(`GET:${req.target}`)}`);
        return p['response'] === expected ? c.respond(200, 'welcome') : c.respond(401, 'bad', { 'WWW-Authenticate': 'Digest realm="r", nonce="n2", qop="auth"' });
      }),
    );
    const res = await request(`http://u:pw@127.0.0.1:${srv.port}/secret?x=1`, { agent });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'welcome');
    assert.equal(seen.length, 2);
    assert.match(seen[0]!, /^Basic /);
    assert.match(seen[1]!, /^Digest /);
    await srv.close();
  });

  test('wrong credentials: the second 401 is returned, no loop', async () => {
    let n = 0;
    const srv = await serve(keepAlive((_r, _b, c) => (n++, c.respond(401, 'no', { 'WWW-Authenticate': `Digest realm="r", nonce="n${n}", qop="auth"` }))));
    const res = await request(`http://u:bad@127.0.0.1:${srv.port}/`, { agent });
    assert.equal(res.status, 401);
    await res.text();
    assert.equal(n, 2);
    await srv.close();
  });
});

describe('authScheme (curl --basic, --digest, --anyauth)', () => {
  /** A server that asks with `challenge` and lets in any request carrying `scheme`; it records each request's scheme. */
  async function asking(challenge: string, scheme: 'Basic' | 'Digest'): Promise<{ srv: TestServer; seen: string[] }> {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive((req, _b, c) => {
        const given = req.header('authorization');
        seen.push(given?.split(' ')[0] ?? '-');
        return given?.startsWith(`${scheme} `) ? c.respond(200, 'in') : c.respond(401, 'no', { 'WWW-Authenticate': challenge });
      }),
    );
    return { srv, seen };
  }
  const DIGEST = 'Digest realm="r", nonce="n1", qop="auth"';
  const BASIC = 'Basic realm="r"';
  const auth = { user: 'u', password: 'pw' };

  test("'digest': nothing up front, so the password never goes in the clear; the Digest challenge answered", async () => {
    const { srv, seen } = await asking(`${BASIC}, ${DIGEST}`, 'Digest');
    const res = await request(`${srv.url}/`, { agent, auth, authScheme: 'digest' });
    assert.equal(await res.text(), 'in');
    assert.deepEqual(seen, ['-', 'Digest']);
    await srv.close();
  });

  test("'digest' to a server that offers only Basic: the 401 is the answer, Basic never sent", async () => {
    const { srv, seen } = await asking(BASIC, 'Basic');
    const res = await request(`http://u:pw@127.0.0.1:${srv.port}/`, { agent, authScheme: 'digest' });
    assert.equal(res.status, 401);
    await res.text();
    assert.deepEqual(seen, ['-']);
    await srv.close();
  });

  test("'any': nothing up front, then the strongest scheme offered — Digest when both are, Basic when only it is", async () => {
    const both = await asking(`${BASIC}, ${DIGEST}`, 'Digest');
    assert.equal(await (await request(`${both.srv.url}/`, { agent, auth, authScheme: 'any' })).text(), 'in');
    assert.deepEqual(both.seen, ['-', 'Digest']);
    await both.srv.close();
    const basic = await asking(BASIC, 'Basic');
    assert.equal(await (await request(`${basic.srv.url}/`, { agent, auth, authScheme: 'any' })).text(), 'in');
    assert.deepEqual(basic.seen, ['-', 'Basic']);
    await basic.srv.close();
  });

  test("'basic': Basic up front and nothing else — a Digest challenge is not answered", async () => {
    const { srv, seen } = await asking(DIGEST, 'Digest');
    const res = await request(`${srv.url}/`, { agent, auth, authScheme: 'basic' });
    assert.equal(res.status, 401);
    await res.text();
    assert.deepEqual(seen, ['Basic']);
    await srv.close();
  });

  test('refused credentials end with the 401 under every scheme, without a loop', async () => {
    for (const authScheme of ['digest', 'any', undefined] as const) {
      let n = 0;
      const srv = await serve(keepAlive((_r, _b, c) => (n++, c.respond(401, 'no', { 'WWW-Authenticate': `${BASIC}, Digest realm="r", nonce="n${n}", qop="auth"` }))));
      const res = await request(`${srv.url}/`, { agent, auth, authScheme });
      assert.equal(res.status, 401, String(authScheme));
      await res.text();
      assert.equal(n, 2, `${authScheme}: one answer, then the refusal stands`);
      await srv.close();
    }
  });
});

describe('decompress', () => {
  const TEXT = 'dialtone '.repeat(1000);
  const encoded: Record<string, Buffer> = { gzip: gzipSync(TEXT), br: brotliCompressSync(TEXT), deflate: deflateSync(TEXT) };

  test('sends Accept-Encoding and decodes gzip, br and deflate', async () => {
    let ae: string | undefined;
    const srv = await serve(keepAlive((req, _b, c) => {
      ae = req.header('accept-encoding');
      const coding = req.target.slice(1);
      return c.respond(200, encoded[coding]!, { 'Content-Encoding': coding });
    }));
    for (const coding of Object.keys(encoded)) {
      const res = await request(`${srv.url}/${coding}`, { agent, decompress: true });
      assert.equal(await res.text(), TEXT, coding);
      assert.equal(res.headers.get('content-encoding'), coding);
    }
    assert.match(ae!, /gzip/);
    await srv.close();
  });

  test('without decompress the bytes are returned as sent, and no Accept-Encoding is added', async () => {
    let ae: string | undefined = 'unset';
    const srv = await serve(keepAlive((req, _b, c) => ((ae = req.header('accept-encoding')), c.respond(200, encoded['gzip']!, { 'Content-Encoding': 'gzip' }))));
    const res = await request(srv.url, { agent });
    assert.deepEqual(await res.bytes(), encoded['gzip']);
    assert.equal(ae, undefined);
    await srv.close();
  });

  test('a chunked gzip body, and a HEAD with Content-Encoding (nothing to decode)', async () => {
    const srv = await serve(keepAlive(async (req, _b, c) => {
      if (req.method === 'HEAD') return c.write('HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 99\r\n\r\n');
      const z = encoded['gzip']!;
      await c.write(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n`);
      for (let i = 0; i < z.length; i += 7) await c.write(Buffer.concat([Buffer.from(`${Math.min(7, z.length - i).toString(16)}\r\n`), z.subarray(i, i + 7), Buffer.from('\r\n')]));
      await c.write('0\r\n\r\n');
    }));
    assert.equal(await (await request(srv.url, { agent, decompress: true })).text(), TEXT);
    assert.equal((await (await request(srv.url, { agent, decompress: true, method: 'HEAD' })).bytes()).length, 0);
    await srv.close();
  });

  test('a gzip bomb is stopped with a LimitError', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, bomb, { 'Content-Encoding': 'gzip' })));
    const res = await request(srv.url, { agent, decompress: true });
    await assert.rejects(res.bytes(), (e: DialError) => e instanceof LimitError);
    await srv.close();
  });

  test('Transfer-Encoding: gzip (read until close) is undone even without decompress', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n'), encoded['gzip']!]));
      c.end();
    });
    assert.equal(await (await request(srv.url, { agent })).text(), TEXT);
    await srv.close();
  });
});

describe('proxies', () => {
  test('http:// through a forward proxy: absolute-form target, Proxy-Authorization from the proxy URL', async () => {
    let seen: { target: string; pa?: string; host?: string } | undefined;
    const proxy = await serve(keepAlive((req, _b, c) => ((seen = { target: req.target, pa: req.header('proxy-authorization'), host: req.header('host') }), c.respond(200, 'via proxy'))));
    const res = await request('http://origin.example:8080/p?q=1#frag', { agent, proxy: `http://pu:pp@127.0.0.1:${proxy.port}` });
    assert.equal(await res.text(), 'via proxy');
    assert.deepEqual(seen, { target: 'http://origin.example:8080/p?q=1', pa: `Basic ${Buffer.from('pu:pp').toString('base64')}`, host: 'origin.example:8080' });
    await proxy.close();
  });

  test('https:// through CONNECT: the tunnel carries TLS verified against the target', async () => {
    let connectLine = '';
    const proxy = await serve(async (c) => {
      const req = await c.readHead();
      connectLine = `${req!.method} ${req!.target}`;
      const [host, port] = [req!.target.slice(0, req!.target.lastIndexOf(':')), Number(req!.target.slice(req!.target.lastIndexOf(':') + 1))];
      void host;
      const upstream = net.connect(port, '127.0.0.1');
      await new Promise((r) => upstream.once('connect', r));
      await c.write('HTTP/1.1 200 Connection established\r\n\r\n');
      c.socket.removeAllListeners('data');
      c.socket.pipe(upstream).pipe(c.socket);
    });
    const res = await request(`https://localhost:${tlsSrv.port}/tunnelled`, { agent, proxy: `http://127.0.0.1:${proxy.port}`, tls: { ca: pki.ca.cert } });
    assert.equal(await res.text(), 'secure /tunnelled');
    assert.equal(connectLine, `CONNECT localhost:${tlsSrv.port}`);
    // The target's certificate is checked, not skipped, through the tunnel.
    await assert.rejects(request(`https://localhost:${tlsSrv.port}/`, { agent: new Agent(), proxy: `http://127.0.0.1:${proxy.port}` }), (e: DialError) => e.code === 'DIAL_E_TLS_CERT');
    // A second tunnel to the same origin resumes the TLS session of the first, end to end.
    const a = new Agent();
    try {
      const events: TraceEvent[] = [];
      const opts = { agent: a, proxy: `http://127.0.0.1:${proxy.port}`, tls: { ca: pki.ca.cert }, trace: (e: TraceEvent) => events.push(e) };
      await (await request(`https://localhost:${tlsSrv.port}/t1`, opts)).text();
      await new Promise((r) => setTimeout(r, 50));
      const both = await Promise.all([1, 2].map(() => request(`https://localhost:${tlsSrv.port}/t2`, opts)));
      for (const r of both) await r.text();
      assert.ok(events.some((e) => /through the tunnel established \(session resumed\)/.test(e.text)), events.map((e) => e.text).join('\n'));
    } finally {
      a.destroy();
      await proxy.close();
    }
  });

  test('proxy: null ignores the environment; NO_PROXY-style noProxy bypasses', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'direct')));
    const old = process.env['http_proxy'];
    process.env['http_proxy'] = 'http://127.0.0.1:9';
    try {
      assert.equal(await (await request(srv.url, { agent, proxy: null })).text(), 'direct');
      assert.equal(await (await request(srv.url, { agent, noProxy: '127.0.0.1' })).text(), 'direct');
      await assert.rejects(request(srv.url, { agent }), (e: DialError) => e.phase === 'connect');
    } finally {
      if (old === undefined) delete process.env['http_proxy'];
      else process.env['http_proxy'] = old;
    }
    await srv.close();
  });
});
