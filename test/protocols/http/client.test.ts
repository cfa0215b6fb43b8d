import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { request, Agent, HeaderList } from '../../../src/protocols/http/index.js';
import { ConnectError, InputError, LimitError, TimeoutError, AbortError, DialError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { keepAlive, serve, until, type ServerConn } from './server.js';
import { CookieJar } from '../../../src/protocols/http/cookies.js';
import { blackhole } from '../../helpers/blackhole.js';

const agents: Agent[] = [];
function agent(): Agent {
  const a = new Agent();
  agents.push(a);
  return a;
}
after(async () => {
  for (const a of agents) a.destroy();
});

describe('request(): basics', () => {
  test('GET: status, reason, version, headers and body', async () => {
    const srv = await serve(keepAlive((req, _b, c) => c.respond(200, `you asked ${req.method} ${req.target}`, { 'X-Thing': 'a' })));
    const res = await request(`${srv.url}/path?q=1`, { agent: agent() });
    assert.equal(res.status, 200);
    assert.equal(res.statusText, 'OK');
    assert.equal(res.httpVersion, '1.1');
    assert.equal(res.ok, true);
    assert.equal(res.headers.get('x-thing'), 'a');
    assert.equal(res.url, `${srv.url}/path?q=1`);
    assert.deepEqual(res.redirects, []);
    assert.equal(await res.text(), 'you asked GET /path?q=1');
    await srv.close();
  });

  test('default headers: Host with port, User-Agent, Accept; caller overrides win', async () => {
    let seen: Array<[string, string]> = [];
    const srv = await serve(keepAlive((req, _b, c) => ((seen = req.headers), c.respond(204))));
    const a = agent();
    await (await request(srv.url, { agent: a })).body.cancel();
    const names = Object.fromEntries(seen.map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(names['host'], `127.0.0.1:${srv.port}`);
    assert.match(names['user-agent']!, /^dialtone/);
    assert.equal(names['accept'], '*/*');
    await (await request(srv.url, { agent: a, headers: { 'User-Agent': 'me/1', Accept: 'text/plain' } })).body.cancel();
    const again = Object.fromEntries(seen.map(([k, v]) => [k.toLowerCase(), v]));
    assert.equal(again['user-agent'], 'me/1');
    assert.equal(again['accept'], 'text/plain');
    await srv.close();
  });

  test('omitDefaultHeaders: User-Agent and Accept left out when the caller gives none (curl -H "Accept:"); given ones still sent', async () => {
    const seen: Array<Array<[string, string]>> = [];
    const srv = await serve(keepAlive((req, _b, c) => (seen.push(req.headers), c.respond(204))));
    const a = agent();
    const names = (i: number) => seen[i]!.map(([k]) => k.toLowerCase()).sort();
    await (await request(srv.url, { agent: a, omitDefaultHeaders: ['User-Agent', 'ACCEPT'] })).body.cancel();
    assert.deepEqual(names(0), ['host']);
    await (await request(srv.url, { agent: a, headers: { 'X-A': '1' }, body: 'x', omitDefaultHeaders: ['accept'] })).body.cancel();
    assert.deepEqual(names(1), ['content-length', 'host', 'user-agent', 'x-a']);
    await (await request(srv.url, { agent: a, headers: { 'User-Agent': 'mine' }, json: {}, decompress: true, omitDefaultHeaders: ['user-agent', 'content-type', 'accept-encoding'] })).body.cancel();
    assert.deepEqual(seen[2]!.filter(([k]) => k !== 'Host' && k !== 'Content-Length'), [['User-Agent', 'mine'], ['Accept', '*/*']]);
    // An empty list changes nothing.
    await (await request(srv.url, { agent: a, omitDefaultHeaders: [] })).body.cancel();
    assert.deepEqual(names(3), ['accept', 'host', 'user-agent']);
    await srv.close();
  });

  test('headers as an object, pairs, a WHATWG Headers and a HeaderList; repeated names stay separate', async () => {
    const seen: Array<Array<[string, string]>> = [];
    const srv = await serve(keepAlive((req, _b, c) => (seen.push(req.headers), c.respond(200, 'ok'))));
    const a = agent();
    const forms = [
      { 'X-A': '1', 'X-Multi': ['a', 'b'] },
      [['X-A', '1'], ['X-Multi', 'a'], ['X-Multi', 'b']] as Array<[string, string]>,
      new Headers([['X-A', '1'], ['X-Multi', 'a']]),
      new HeaderList().append('X-A', '1').append('X-Multi', 'a').append('X-Multi', 'b'),
    ];
    for (const headers of forms) await (await request(srv.url, { agent: a, headers })).text();
    for (const h of seen) {
      assert.ok(h.some(([k, v]) => k.toLowerCase() === 'x-a' && v === '1'));
      assert.ok(h.filter(([k]) => k.toLowerCase() === 'x-multi').length >= 1);
    }
    assert.equal(seen[0]!.filter(([k]) => k === 'X-Multi').length, 2);
    await srv.close();
  });

  test('keep-alive: sequential requests share one connection', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const a = agent();
    for (let i = 0; i < 5; i++) assert.equal(await (await request(srv.url, { agent: a })).text(), 'x');
    assert.equal(srv.accepted, 1);
    await srv.close();
  });

  test('POST with a string body: Content-Length framing; method defaults to POST with a body', async () => {
    let got: { method: string; body: string; cl?: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { method: req.method, body: body.toString(), cl: req.header('content-length') }), c.respond(201))));
    const res = await request(srv.url, { agent: agent(), body: 'héllo' });
    assert.equal(res.status, 201);
    await res.body.cancel();
    assert.deepEqual(got, { method: 'POST', body: 'héllo', cl: String(Buffer.byteLength('héllo')) });
    await srv.close();
  });

  test('json: serialised with Content-Type application/json', async () => {
    let got: { type?: string; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { type: req.header('content-type'), body: body.toString() }), c.respond(200, '{"ok":true}'))));
    const res = await request(srv.url, { agent: agent(), method: 'PUT', json: { a: [1, 2] } });
    assert.deepEqual(await res.json(), { ok: true });
    assert.deepEqual(got, { type: 'application/json', body: '{"a":[1,2]}' });
    await srv.close();
  });

  test('URLSearchParams: form-encoded with its Content-Type', async () => {
    let got: { type?: string; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { type: req.header('content-type'), body: body.toString() }), c.respond(200))));
    await (await request(srv.url, { agent: agent(), body: new URLSearchParams({ a: '1 2', b: 'é' }) })).text();
    assert.match(got!.type!, /^application\/x-www-form-urlencoded/);
    assert.equal(got!.body, 'a=1+2&b=%C3%A9');
    await srv.close();
  });

  test('async iterable body: sent chunked, decoded intact', async () => {
    let got: { te?: string; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { te: req.header('transfer-encoding'), body: body.toString() }), c.respond(200))));
    async function* gen() {
      yield Buffer.from('one,');
      yield new Uint8Array(0);
      yield Buffer.from('two,');
      yield Buffer.alloc(20000, 'z');
    }
    await (await request(srv.url, { agent: agent(), method: 'PUT', body: gen() })).text();
    assert.equal(got!.te, 'chunked');
    assert.equal(got!.body, 'one,two,' + 'z'.repeat(20000));
    await srv.close();
  });

  test('stream body with a declared Content-Length is sent raw; a length mismatch is an InputError', async () => {
    let got: { cl?: string; body: string } | undefined;
    const srv = await serve(keepAlive((req, body, c) => ((got = { cl: req.header('content-length'), body: body.toString() }), c.respond(200))));
    const a = agent();
    await (await request(srv.url, { agent: a, method: 'PUT', headers: { 'Content-Length': '6' }, body: [Buffer.from('abc'), Buffer.from('def')] })).text();
    assert.deepEqual(got, { cl: '6', body: 'abcdef' });
    await assert.rejects(request(srv.url, { agent: a, method: 'PUT', headers: { 'Content-Length': '10' }, body: [Buffer.from('abc')] }), (e: DialError) => e instanceof InputError && e.phase === 'send');
    await srv.close();
  });

  test('pipelining: aborting one request does not fail the others with it; they are sent again and answered', async () => {
    let release = false;
    const srv = await serve(
      keepAlive(async (req, _b, c) => {
        // Held until the abort, so that all three are in flight on the connection.
        if (req.target === '/slow') await until(() => release, 5000);
        await c.respond(200, req.target);
      }),
    );
    const a = new Agent({ pipelining: 4 });
    agents.push(a);
    try {
      await (await request(`${srv.url}/warm`, { agent: a })).text();
      const ctl = new AbortController();
      const slow = request(`${srv.url}/slow`, { agent: a });
      const aborted = request(`${srv.url}/b`, { agent: a, signal: ctl.signal });
      const third = request(`${srv.url}/c`, { agent: a });
      setTimeout(() => ctl.abort(), 50);
      await assert.rejects(aborted, (e: DialError) => e.code === 'DIAL_E_ABORT');
      release = true;
      assert.equal(await (await third).text(), '/c');
      assert.equal(await (await slow).text(), '/slow');
    } finally {
      await srv.close();
    }
  });

  test('a method is sent and read as given: "head" is not HEAD, so the answer\'s body is delivered', async () => {
    const srv = await serve(keepAlive((req, _b, c) => (req.method === 'HEAD' ? c.respond(200, '', { 'Content-Length': '5' }) : c.respond(405, `no ${req.method}`))));
    const a = agent();
    try {
      const lower = await request(srv.url, { agent: a, method: 'head' });
      assert.equal(lower.status, 405);
      assert.equal(await lower.text(), 'no head');
      const upper = await request(srv.url, { agent: a, method: 'HEAD' });
      assert.equal(upper.status, 200);
      assert.equal(await upper.text(), '');
    } finally {
      await srv.close();
    }
  });

  test('a file stream body that cannot be opened: InputError with the file error as cause, the process and the agent unharmed', async () => {
    const srv = await serve(keepAlive((_req, _b, c) => c.respond(200, 'ok')));
    const a = agent();
    try {
      // Warm: the upload goes on a reused connection, where a network-looking error would be marked retryable.
      await (await request(srv.url, { agent: a })).text();
      await assert.rejects(
        request(srv.url, { agent: a, method: 'PUT', body: createReadStream('/nonexistent/dialtone-upload') }),
        (e: DialError) => e instanceof InputError && e.phase === 'send' && (e.cause as NodeJS.ErrnoException).code === 'ENOENT',
      );
      assert.equal(await (await request(srv.url, { agent: a })).text(), 'ok');
    } finally {
      await srv.close();
    }
  });

  test('a file stream body of a request that fails before sending it (connect refused, an unsafe header) is closed, not left holding its descriptor', async () => {
    const port = await closedPort();
    const refused = createReadStream(fileURLToPath(import.meta.url));
    await assert.rejects(request(`http://127.0.0.1:${port}/`, { agent: agent(), method: 'PUT', body: refused }), ConnectError);
    assert.equal(refused.destroyed, true);
    if (!refused.closed) await once(refused, 'close');
    const unsafe = createReadStream(fileURLToPath(import.meta.url));
    await assert.rejects(request(`http://127.0.0.1:${port}/`, { agent: agent(), method: 'PUT', body: unsafe, headers: { 'X-A': 'a\r\nb' } }), InputError);
    assert.equal(unsafe.destroyed, true);
    if (!unsafe.closed) await once(unsafe, 'close');
  });

  test('Basic auth from user:pass@ in the URL, percent-decoded; the URL reported has no credentials', async () => {
    let auth: string | undefined;
    const srv = await serve(keepAlive((req, _b, c) => ((auth = req.header('authorization')), c.respond(200))));
    const res = await request(`http://us%40er:p%3Ass@127.0.0.1:${srv.port}/`, { agent: agent() });
    await res.text();
    assert.equal(auth, `Basic ${Buffer.from('us@er:p:ss').toString('base64')}`);
    assert.equal(res.url, `${srv.url}/`);
    await srv.close();
  });

  test('Basic auth from the auth option', async () => {
    let auth: string | undefined;
    const srv = await serve(keepAlive((req, _b, c) => ((auth = req.header('authorization')), c.respond(200))));
    await (await request(srv.url, { agent: agent(), auth: { user: 'a', password: 'b' } })).text();
    assert.equal(auth, `Basic ${Buffer.from('a:b').toString('base64')}`);
    await srv.close();
  });

  test('range: sends Range and gets the 206', async () => {
    let range: string | undefined;
    const srv = await serve(keepAlive((req, _b, c) => ((range = req.header('range')), c.respond(206, 'cd', { 'Content-Range': 'bytes 2-3/10' }))));
    const a = agent();
    const res = await request(srv.url, { agent: a, range: { start: 2, end: 3 } });
    assert.equal(res.status, 206);
    assert.equal(range, 'bytes=2-3');
    await res.text();
    await (await request(srv.url, { agent: a, range: { start: 5 } })).text();
    assert.equal(range, 'bytes=5-');
    await assert.rejects(request(srv.url, { agent: a, range: { start: 5, end: 2 } }), InputError);
    await srv.close();
  });

  test('HEAD: no body read even with a Content-Length; the connection is reused', async () => {
    const srv = await serve(keepAlive((req, _b, c) => (req.method === 'HEAD' ? c.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n') : c.respond(200, 'get'))));
    const a = agent();
    const h = await request(srv.url, { agent: a, method: 'HEAD' });
    assert.equal(h.headers.get('content-length'), '1000');
    assert.equal((await h.bytes()).length, 0);
    assert.equal(await (await request(srv.url, { agent: a })).text(), 'get');
    assert.equal(srv.accepted, 1);
    await srv.close();
  });

  test('chunked response with trailers and a 1.0 read-until-close response', async () => {
    const srv = await serve(async (c) => {
      const req = await c.readHead();
      if (req!.target === '/chunked') {
        await c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n!\r\n0\r\nX-T: 1\r\n\r\n');
        c.end();
      } else {
        await c.write('HTTP/1.0 200 OK\r\n\r\nuntil close');
        c.end();
      }
    });
    const a = agent();
    assert.equal(await (await request(`${srv.url}/chunked`, { agent: a })).text(), 'hello!');
    const r = await request(`${srv.url}/close`, { agent: a });
    assert.equal(r.httpVersion, '1.0');
    assert.equal(await r.text(), 'until close');
    await srv.close();
  });

  test('download and upload progress', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, Buffer.alloc(100000, 1))));
    const up: number[] = [];
    const down: number[] = [];
    const res = await request(srv.url, {
      agent: agent(),
      body: Buffer.alloc(50000, 2),
      onUploadProgress: (p) => up.push(p.transferred),
      onDownloadProgress: (p) => {
        down.push(p.transferred);
        assert.equal(p.total, 100000);
      },
    });
    assert.equal((await res.bytes()).length, 100000);
    assert.equal(up.at(-1), 50000);
    assert.equal(down.at(-1), 100000);
    await srv.close();
  });

  test('maxBodySize: a declared length over the limit fails at the head; an undeclared one mid-body', async () => {
    const srv = await serve(async (c) => {
      const req = await c.readHead();
      if (req!.target === '/cl') await c.respond(200, Buffer.alloc(5000));
      else {
        await c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
        for (let i = 0; i < 10; i++) await c.write(`3e8\r\n${'x'.repeat(1000)}\r\n`);
        await c.write('0\r\n\r\n');
      }
      c.end();
    });
    const a = agent();
    await assert.rejects(request(`${srv.url}/cl`, { agent: a, maxBodySize: 1000 }), (e: DialError) => e instanceof LimitError && e.phase === 'headers');
    const r = await request(`${srv.url}/chunked`, { agent: a, maxBodySize: 4500 });
    await assert.rejects(r.bytes(), (e: DialError) => e instanceof LimitError && e.phase === 'body');
    await srv.close();
  });

  test('a 404 is a response, not an error', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(404, 'nope')));
    const res = await request(srv.url, { agent: agent() });
    assert.equal(res.status, 404);
    assert.equal(res.ok, false);
    assert.equal(await res.text(), 'nope');
    await srv.close();
  });

  test('Expect: 100-continue: the body waits for 100 Continue', async () => {
    const order: string[] = [];
    const srv = await serve(async (c) => {
      const req = await c.readHead();
      order.push('head');
      await new Promise((r) => setTimeout(r, 50));
      await c.write('HTTP/1.1 100 Continue\r\n\r\n');
      order.push('100');
      const body = await c.readBody(req!);
      order.push(`body:${body}`);
      await c.respond(200, 'ok');
    });
    const res = await request(srv.url, { agent: agent(), method: 'PUT', headers: { Expect: '100-continue' }, body: [Buffer.from('data')] });
    assert.equal(await res.text(), 'ok');
    assert.deepEqual(order, ['head', '100', 'body:data']);
    // The 100 is a response before the final one: in history, as curl -i prints it.
    assert.deepEqual(
      res.history.map((h) => [h.httpVersion, h.status, h.statusText]),
      [['1.1', 100, 'Continue']],
    );
    await srv.close();
  });

  test('Expect: 100-continue answered by a final 417: the body is not sent with the expectation (the retry without it carries it)', async () => {
    let extra = -1;
    const srv = await serve(async (c) => {
      const req = await c.readHead();
      if (!req) return;
      await c.write('HTTP/1.1 417 Expectation Failed\r\nContent-Length: 0\r\n\r\n');
      await new Promise((r) => setTimeout(r, 100));
      const more = (await Promise.race([c.readBytes(1), new Promise<Buffer>((r) => setTimeout(() => r(Buffer.alloc(0)), 100))])).length;
      // Only the request that asked for 100 Continue is judged: its body must never have come.
      if (req.header('expect')) extra = more;
      c.end();
    });
    const res = await request(srv.url, { agent: agent(), method: 'PUT', headers: { Expect: '100-continue' }, body: Buffer.alloc(100000) });
    assert.equal(res.status, 417);
    await res.text();
    await until(() => extra !== -1);
    assert.equal(extra, 0);
    await srv.close();
  });

  test('unix socket: HTTP over a path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-http-'));
    const path = join(dir, 's.sock');
    const srv = net.createServer((s) => {
      s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 4\r\nConnection: close\r\n\r\nunix'));
    });
    await new Promise<void>((r) => srv.listen(path, r));
    const res = await request('http://localhost/x', { agent: agent(), unixSocket: path });
    assert.equal(await res.text(), 'unix');
    await new Promise<void>((r) => srv.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('a URL ending in an empty query is sent with its "?", as curl sends it; a fragment is never sent', async () => {
    const srv = await serve(keepAlive((req, _b, c) => c.respond(200, req.target)));
    const got: string[] = [];
    for (const path of ['/echo?', '/echo?#frag', '/echo?#', '/echo', '/echo#a?b', '/echo?x=1#f', '/'])
      got.push(await (await request(`${srv.url}${path}`)).text());
    assert.deepEqual(got, ['/echo?', '/echo?', '/echo?', '/echo', '/echo', '/echo?x=1', '/']);
    await srv.close();
  });

  test('the pipelining option: requests in flight on one connection, answered in order', async () => {
    const srv = await serve(keepAlive((req, _b, c) => c.respond(200, req.target)));
    const [r1, r2] = await Promise.all([request(`${srv.url}/1`), request(`${srv.url}/2`)].map(async (p) => (await p).text()));
    assert.deepEqual([r1, r2], ['/1', '/2']);
    const urls = ['/a', '/b', '/c', '/d'];
    const res = await Promise.all(urls.map((u) => request(`${srv.url}${u}`, { pipelining: 4 }).then((r) => r.text())));
    assert.deepEqual(res, urls);
    await srv.close();
  });
});

describe('request(): back-pressure on a real socket', () => {
  test('an unread body stops the server writing; reading resumes it', async () => {
    const TOTAL = 64 * 1024 * 1024;
    let written = 0;
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
      const piece = Buffer.alloc(256 * 1024, 7);
      while (written < TOTAL && !c.ended) {
        if (!c.socket.write(piece)) await new Promise((r) => c.socket.once('drain', r));
        written += piece.length;
      }
    });
    const res = await request(srv.url, { agent: agent() });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(written < TOTAL / 2, `the server wrote ${written} bytes into an unread body`);
    let n = 0;
    for await (const chunk of res.body) n += chunk.length;
    assert.equal(n, TOTAL);
    await srv.close();
  });
});

describe('request(): body.consume with a sink that waits', () => {
  test('a body that ends while its sink waits leaves the connection free for the next response', async () => {
    const srv = await serve(keepAlive((req, _b, c) => c.respond(200, `${req.target}:${'y'.repeat(300_000)}`)));
    const a = new Agent({ connections: 1 });
    try {
      const first = await request(`${srv.url}/one`, { agent: a });
      let n = 0;
      // Every chunk waits a turn: the last one arrives (and the body ends) while the sink is waiting.
      await first.body.consume((chunk) => {
        n += chunk.length;
        return new Promise<void>((r) => setImmediate(r));
      });
      assert.equal(n, 5 + 300_000);
      // Bounded: a connection left paused would never read this answer.
      const second = await request(`${srv.url}/two`, { agent: a, headersTimeout: 3000 });
      assert.equal((await second.text()).slice(0, 5), '/two:');
      assert.equal(srv.accepted, 1, 'the same connection carried both');
    } finally {
      a.destroy();
      await srv.close();
    }
  });

  test('while the sink\'s promise is pending the server is held back; every byte then arrives in order', async () => {
    const TOTAL = 48 * 1024 * 1024;
    let written = 0;
    const piece = Buffer.alloc(256 * 1024);
    for (let i = 0; i < piece.length; i++) piece[i] = i & 255;
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write(`HTTP/1.1 200 OK\r\nContent-Length: ${TOTAL}\r\n\r\n`);
      while (written < TOTAL && !c.ended) {
        if (!c.socket.write(piece)) await new Promise((r) => c.socket.once('drain', r));
        written += piece.length;
      }
    });
    const res = await request(srv.url, { agent: agent() });
    let n = 0;
    let ordered = true;
    let waited = false;
    let writtenWhileWaiting = 0;
    const total = await res.body.consume((chunk) => {
      for (let i = 0; i < chunk.length; i += 4093) if (chunk[i] !== ((n + i) % piece.length) % 256) ordered = false;
      n += chunk.length;
      if (waited) return undefined;
      waited = true;
      return new Promise<void>((r) =>
        setTimeout(() => {
          writtenWhileWaiting = written;
          r();
        }, 300),
      );
    });
    assert.equal(total, TOTAL);
    assert.equal(n, TOTAL);
    assert.ok(ordered, 'bytes out of order');
    assert.ok(writtenWhileWaiting < TOTAL / 2, `the server wrote ${writtenWhileWaiting} bytes while the sink waited`);
    await srv.close();
  });
});

test('bodyTimeout does not fire while the reader is behind and reading is paused', async () => {
  const SIZE = 8 * 1024 * 1024;
  const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, Buffer.alloc(SIZE, 1))));
  // The pause is four bounds long: a loaded machine that stalls the server after the resume for less than a bound passes.
  const res = await request(srv.url, { agent: agent(), bodyTimeout: 300 });
  await new Promise((r) => setTimeout(r, 1200));
  assert.equal((await res.bytes()).length, SIZE);
  await srv.close();
});

describe('request(): plain connections read into one reused buffer', () => {
  const pause = () => new Promise((r) => setTimeout(r, 15));

  test('a head split across reads and a chunked body in pieces arrive intact, read by for-await', async () => {
    const srv = await serve(
      keepAlive(async (_r, _b, c) => {
        for (const piece of ['HTTP/1.1 200 OK\r\nX-Lo', 'ng: ' + 'v'.repeat(300) + '\r\nTransfer-Encoding: chunked\r\n', '\r\n5\r\nhel', 'lo\r\n6\r\n world\r\n0\r\n\r\n']) {
          await c.write(piece);
          await pause();
        }
      }),
    );
    const a = agent();
    for (let i = 0; i < 2; i++) {
      const res = await request(srv.url, { agent: a });
      assert.equal(res.headers.get('x-long'), 'v'.repeat(300));
      const parts: Buffer[] = [];
      // Held past later reads: each chunk must be the body's own bytes, not a view of a reused buffer.
      for await (const chunk of res.body) {
        parts.push(chunk);
        await pause();
      }
      assert.equal(Buffer.concat(parts).toString(), 'hello world');
    }
    await srv.close();
  });

  test('body.consume(sink) gets every byte of a large body in order, synchronously', async () => {
    const SIZE = 4 * 1024 * 1024 + 17;
    const body = Buffer.alloc(SIZE);
    for (let i = 0; i < SIZE; i++) body[i] = (i * 7) & 0xff;
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, body)));
    const a = agent();
    const res = await request(srv.url, { agent: a });
    let at = 0;
    let bad = -1;
    const n = await res.body.consume((chunk) => {
      for (let i = 0; i < chunk.length; i++) if (chunk[i] !== ((at + i) * 7) % 256 && bad < 0) bad = at + i;
      at += chunk.length;
    });
    assert.equal(n, SIZE);
    assert.equal(bad, -1);
    // The connection is reused afterwards.
    const again = await request(srv.url, { agent: a });
    assert.equal((await again.bytes()).length, SIZE);
    assert.equal(srv.accepted, 1);
    await srv.close();
  });

  test('body.consume: a sink that throws cancels the body; the request rejects with that error', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, Buffer.alloc(1024 * 1024, 1))));
    const res = await request(srv.url, { agent: agent() });
    const boom = new Error('sink failed');
    await assert.rejects(
      res.body.consume(() => {
        throw boom;
      }),
      (e) => e === boom,
    );
    await srv.close();
  });
});

describe('request(): writes batched per turn of the event loop', () => {
  test('pipelined requests of one turn reach the server in the order they were made, a streamed body after the batched heads', async () => {
    const seen: string[] = [];
    const srv = await serve(keepAlive((req, body, c) => (seen.push(`${req.method} ${req.target} ${body.length}`), c.respond(200, 'ok'))));
    const a = new Agent({ connections: 1, pipelining: 4 });
    agents.push(a);
    await (await request(`${srv.url}/first`, { agent: a })).body.dump();
    async function* parts() {
      yield Buffer.from('abc');
      yield Buffer.from('de');
    }
    const all = await Promise.all([
      request(`${srv.url}/a`, { agent: a }),
      request(`${srv.url}/b`, { agent: a }),
      request(`${srv.url}/c`, { agent: a, method: 'POST', body: parts() }),
      request(`${srv.url}/d`, { agent: a }),
    ]);
    for (const r of all) assert.equal(await r.text(), 'ok');
    assert.deepEqual(seen, ['GET /first 0', 'GET /a 0', 'GET /b 0', 'POST /c 5', 'GET /d 0']);
    assert.equal(srv.accepted, 1);
    await srv.close();
  });
});

describe('request(): tracing', () => {
  test('* connect, > request lines, < response lines; Authorization masked', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x', { 'X-Y': 'z' })));
    const events: TraceEvent[] = [];
    const a = agent();
    await (await request(srv.url, { agent: a, auth: { user: 'u', password: 'secret' }, trace: (e) => events.push(e) })).text();
    await (await request(srv.url, { agent: a, trace: (e) => events.push(e) })).text();
    const text = events.map((e) => `${e.kind} ${e.text}`);
    assert.ok(text.some((t) => t.startsWith('* Connected to 127.0.0.1')));
    assert.ok(text.includes('> GET / HTTP/1.1'));
    assert.ok(text.includes('< HTTP/1.1 200 OK'));
    assert.ok(text.includes('< X-Y: z'));
    assert.ok(text.includes('> Authorization: Basic ****'));
    assert.ok(!text.some((t) => t.includes(Buffer.from('u:secret').toString('base64'))));
    assert.ok(text.some((t) => t.startsWith('* Re-using existing connection')));
    await srv.close();
  });
});

describe('request(): facts for tools (dial -w, -i -L)', () => {
  test('structured events: connected (with both ends), reused, redirect; names resolved report resolved', async () => {
    const srv = await serve(keepAlive((r, _b, c) => (r.target === '/a' ? c.respond(302, '', { Location: '/b' }) : c.respond(200, 'x'))));
    const events: TraceEvent[] = [];
    const port = new URL(srv.url).port;
    const res = await request(`http://localhost:${port}/a`, { agent: agent(), maxRedirects: 5, trace: (e) => events.push(e) });
    await res.text();
    const marked = events.filter((e) => e.event !== undefined);
    assert.deepEqual(marked.map((e) => e.event), ['resolved', 'connected', 'redirect', 'reused']);
    const [resolved, connected, redirect, reused] = marked as [TraceEvent, TraceEvent, TraceEvent, TraceEvent];
    assert.equal(resolved.data?.host, 'localhost');
    assert.ok(resolved.data?.addresses?.length);
    assert.equal(connected.data?.remotePort, Number(port));
    assert.equal(typeof connected.data?.localPort, 'number');
    assert.ok(connected.text.startsWith('Connected to localhost ('), 'the -v text is unchanged');
    assert.deepEqual(redirect.data, { status: 302, url: `http://localhost:${port}/b` });
    assert.equal(reused.data?.remotePort, Number(port));
    assert.equal(reused.data?.localPort, connected.data?.localPort);
    await srv.close();
  });

  test('history keeps the heads of the responses before the last; requestBytes sums every hop\'s head', async () => {
    const srv = await serve(keepAlive((r, _b, c) => (r.target === '/one' ? c.respond(301, 'moved', { Location: '/two', 'X-Hop': '1' }) : c.respond(200, 'done'))));
    const sent: string[] = [];
    const res = await request(`${srv.url}/one`, { agent: agent(), maxRedirects: 3, trace: (e) => void (e.kind === '>' && sent.push(e.text)) });
    assert.equal(await res.text(), 'done');
    assert.equal(res.history.length, 1);
    const [h] = res.history;
    assert.deepEqual([h!.httpVersion, h!.status, h!.statusText, h!.headers.get('x-hop'), h!.headers.get('location')], ['1.1', 301, 'Moved Permanently', '1', '/two']);
    // Each head is its lines plus CRLFs and the blank line; nothing here is masked, so the trace gives the same count.
    const expected = sent.reduce((n, l) => n + l.length + 2, 0) + 2 * 2;
    assert.equal(res.requestBytes, expected);
    const plain = await request(`${srv.url}/two`, { agent: agent() });
    await plain.text();
    assert.deepEqual(plain.history, []);
    await srv.close();
  });

  test('every head keeps its own bytes as received (rawHead) and an interim head its own version', async () => {
    // curl -i prints each head as it came; a 1xx from an HTTP/1.1 front before an HTTP/1.0 answer is not relabelled.
    const interim = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n';
    const final = 'HTTP/1.0 200 \nX:a \r\n  b\nContent-Length: 2\n\n';
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write(interim + final + 'ok');
      c.end();
    });
    const res = await request(srv.url, { agent: agent() });
    assert.equal(await res.text(), 'ok');
    assert.deepEqual(res.history.map((h) => [h.httpVersion, h.status, h.rawHead]), [['1.1', 103, interim]]);
    assert.equal(res.rawHead, final);
    assert.deepEqual([res.httpVersion, res.statusText, res.headers.get('x')], ['1.0', '', 'a b']);
    await srv.close();
  });

  test('trailers (the fields after a chunked body, and their lines as received) and receivedBytes, when the body has been read (decoded bodies too)', async () => {
    const gz = gzipSync('zipped');
    const srv = await serve(keepAlive(async (req, _b, c) => {
      const coded = req.target === '/gz';
      const data = coded ? gz : Buffer.from('plain');
      await c.write(Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\n${coded ? 'Content-Encoding: gzip\r\n' : ''}Transfer-Encoding: chunked\r\n\r\n${data.length.toString(16)}\r\n`),
        data,
        Buffer.from('\r\n0\r\nX-Sum:  7 \nX-Fold: a\r\n  b\r\n\r\n'),
      ]));
    }));
    const res = await request(`${srv.url}/`, { agent: agent() });
    assert.equal(await res.text(), 'plain');
    assert.deepEqual([res.trailers?.get('x-sum'), res.trailers?.get('x-fold')], ['7', 'a b']);
    assert.deepEqual(res.trailerLines, ['X-Sum:  7 ', 'X-Fold: a', '  b']);
    const zipped = await request(`${srv.url}/gz`, { agent: agent(), decompress: true });
    assert.equal(await zipped.text(), 'zipped');
    assert.deepEqual(zipped.trailerLines, ['X-Sum:  7 ', 'X-Fold: a', '  b']);
    // receivedBytes: the body as it came (no chunk framing), still compressed — curl's size_download.
    assert.deepEqual([res.receivedBytes, zipped.receivedBytes], [5, gz.length]);
    const none = await request(srv.url, { agent: agent(), method: 'HEAD' });
    await none.text();
    assert.deepEqual([none.trailers, none.trailerLines], [undefined, []]);
    await srv.close();
  });
});

describe('request(): redirects', () => {
  test('a repeated Location field: the first is followed (as curl), not the two joined into one URL', async () => {
    const srv = await serve(
      keepAlive((r, _b, c) => {
        if (r.target === '/dup') return c.write('HTTP/1.1 302 Found\r\nLocation: /target\r\nLocation: /target\r\nContent-Length: 0\r\n\r\n');
        if (r.target === '/two') return c.write('HTTP/1.1 302 Found\r\nLocation: /first\r\nLocation: /second\r\nContent-Length: 0\r\n\r\n');
        return c.respond(200, r.target);
      }),
    );
    try {
      for (const [path, to] of [['/dup', '/target'], ['/two', '/first']]) {
        const res = await request(`${srv.url}${path}`, { agent: agent(), maxRedirects: 5 });
        assert.equal(await res.text(), to);
        assert.equal(res.url, `${srv.url}${to}`);
      }
    } finally {
      await srv.close();
    }
  });

  test('a streamed body with reopenBody follows a 307/308 with the body made again; without it the hop is refused as before', async () => {
    const bodies: string[] = [];
    const srv = await serve(
      keepAlive((r, b, c) => {
        bodies.push(`${r.method} ${r.target} ${b.toString()}`);
        if (r.target === '/a') return c.write('HTTP/1.1 307 Temporary Redirect\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n');
        if (r.target === '/b') return c.write('HTTP/1.1 308 Permanent Redirect\r\nLocation: /c\r\nContent-Length: 0\r\n\r\n');
        return c.respond(200, 'done');
      }),
    );
    try {
      async function* file(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('part1,');
        yield Buffer.from('part2');
      }
      const res = await request(`${srv.url}/a`, { agent: agent(), method: 'PUT', body: file(), headers: { 'Content-Length': '11' }, reopenBody: file, maxRedirects: 5 });
      assert.equal(await res.text(), 'done');
      assert.deepEqual(bodies, ['PUT /a part1,part2', 'PUT /b part1,part2', 'PUT /c part1,part2']);
      await assert.rejects(request(`${srv.url}/a`, { agent: agent(), method: 'PUT', body: file(), maxRedirects: 5 }), (e: InputError) => e instanceof InputError && /sent a second time/.test(e.message));
    } finally {
      await srv.close();
    }
  });

  test('a body made again for a redirect is let go when that hop fails', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.write('HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:1/gone\r\nContent-Length: 0\r\n\r\n')));
    try {
      let returned = 0;
      const made = (): AsyncIterable<Uint8Array> => {
        const it = (async function* () {
          yield Buffer.from('x');
        })();
        const ret = it.return.bind(it);
        it.return = (v) => (returned++, ret(v));
        return it;
      };
      // The first body is the caller's (request() lets it go as before); only the one made for the failed hop is counted.
      await assert.rejects(request(`${srv.url}/a`, { agent: agent(), method: 'PUT', body: [Buffer.from('x')], headers: { 'Content-Length': '1' }, reopenBody: made, maxRedirects: 5 }), ConnectError);
      assert.equal(returned, 1);
    } finally {
      await srv.close();
    }
  });

  test('a 3xx whose Location is empty (or blank) is the answer, as curl -L has it, not a redirect loop', async () => {
    const srv = await serve(keepAlive((r, _b, c) => (r.target === '/blank' ? c.write('HTTP/1.1 302 Found\r\nLocation:   \r\nContent-Length: 4\r\n\r\nhere') : c.respond(302, 'here', { Location: '' }))));
    try {
      for (const path of ['/empty', '/blank']) {
        const res = await request(`${srv.url}${path}`, { agent: agent(), maxRedirects: 5 });
        assert.equal(res.status, 302);
        assert.equal(await res.text(), 'here');
        assert.deepEqual(res.redirects, []);
        assert.equal(res.url, `${srv.url}${path}`);
      }
    } finally {
      await srv.close();
    }
  });
});

describe('request(): Expect: 100-continue', () => {
  test('a 417 to the expectation is retried once without it, the body then sent (RFC 9110 §10.1.1, as curl does)', async () => {
    const seen: string[] = [];
    const srv = await serve(async (c) => {
      const req = await c.readHead();
      if (!req) return;
      if (req.header('expect')) {
        // At once, without reading a byte of the body: the expectation is refused.
        seen.push('417 to the expectation');
        await c.respond(417, '', { Connection: 'close' });
        return c.end();
      }
      const body = await c.readBody(req);
      seen.push(`no expectation, body ${body.toString()}`);
      await c.respond(200, `got ${body.toString()}`, { Connection: 'close' });
      c.end();
    });
    try {
      const res = await request(srv.url, { agent: agent(), method: 'PUT', body: 'payload', headers: { Expect: '100-continue' } });
      assert.equal(res.status, 200);
      assert.equal(await res.text(), 'got payload');
      assert.deepEqual(seen, ['417 to the expectation', 'no expectation, body payload']);
      assert.deepEqual(res.history.map((h) => h.status), [417]);
    } finally {
      await srv.close();
    }
  });

  test('a 417 again without the expectation, or to a streamed body (not replayable), is the answer', async () => {
    const srv = await serve(keepAlive((_req, _b, c) => c.respond(417, 'no', { Connection: 'close' })));
    try {
      const again = await request(srv.url, { agent: agent(), method: 'PUT', body: 'payload', headers: { Expect: '100-continue' } });
      assert.equal(again.status, 417);
      assert.equal(again.history.length, 1);
      await again.text();
      const streamed = await request(srv.url, { agent: agent(), method: 'PUT', body: [Buffer.from('payload')], headers: { Expect: '100-continue' } });
      assert.equal(streamed.status, 417);
      assert.equal(streamed.history.length, 0);
      await streamed.text();
    } finally {
      await srv.close();
    }
  });
});

describe('request(): continueTimeout (curl --expect100-timeout)', () => {
  /** A server that never says 100 Continue: it answers once the whole body has come, with what came. */
  const silent = () =>
    serve(async (c) => {
      const req = await c.readHead();
      if (!req) return;
      const body = await c.readBody(req);
      await c.respond(200, `got ${body.toString()}`, { Connection: 'close' });
      c.end();
    });

  test('0: the body goes at once, inside a timeout shorter than the default 1 s wait', async () => {
    const srv = await silent();
    try {
      const res = await request(srv.url, { agent: agent(), method: 'PUT', body: 'payload', headers: { Expect: '100-continue' }, continueTimeout: 0, timeout: 700 });
      assert.equal(await res.text(), 'got payload');
    } finally {
      await srv.close();
    }
  });

  test('longer than the default: the body still waits when the default would have sent it, so the whole request times out', async () => {
    const srv = await silent();
    try {
      await assert.rejects(
        request(srv.url, { agent: agent(), method: 'PUT', body: 'payload', headers: { Expect: '100-continue' }, continueTimeout: 60_000, timeout: 1500 }),
        TimeoutError,
      );
    } finally {
      await srv.close();
    }
  });
});

describe('request(): http09, ignoreContentLength and raw (curl --http0.9, --ignore-content-length, --raw)', () => {
  /** A server that writes `reply` to each request head, then closes. */
  const answering = (reply: string) =>
    serve(async (c) => {
      if (!(await c.readHead())) return;
      await c.write(reply);
      c.end();
    });

  test('an answer without a status line is refused by default, and read as an HTTP/0.9 body when allowed', async () => {
    const srv = await answering('hello 0.9\n');
    try {
      await assert.rejects(request(srv.url, { agent: agent() }), (e: unknown) => e instanceof DialError && e.code === 'DIAL_E_PROTOCOL' && e.phase === 'http09');
      const res = await request(srv.url, { agent: agent(), http09: true });
      assert.equal(res.status, 0);
      assert.equal(res.httpVersion, '0.9');
      assert.equal(res.headers.size, 0);
      assert.equal(await res.text(), 'hello 0.9\n');
    } finally {
      await srv.close();
    }
  });

  test('raw: a gzip transfer-coded chunked body comes as sent — chunk lines, gzip bytes — even with decompress', async () => {
    const gz = gzipSync('hello gzip\n');
    const framed = Buffer.concat([Buffer.from(`${gz.length.toString(16)}\r\n`), gz, Buffer.from('\r\n0\r\n\r\n')]);
    const srv = await serve(keepAlive((_r, _b, c) => c.write(Buffer.concat([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n'), framed]))));
    try {
      const a = agent();
      assert.deepEqual(Buffer.from(await (await request(srv.url, { agent: a, raw: true, decompress: true })).bytes()), framed);
      // Without it the chunks are joined and the gzip undone, and the connection was fit to reuse.
      assert.equal(await (await request(srv.url, { agent: a })).text(), 'hello gzip\n');
      assert.equal(srv.accepted, 1);
    } finally {
      await srv.close();
    }
  });

  test('ignoreContentLength reads past the Content-Length to the close', async () => {
    const srv = await answering('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcdefgh');
    try {
      assert.equal(await (await request(srv.url, { agent: agent() })).text(), 'abc');
      assert.equal(await (await request(srv.url, { agent: agent(), ignoreContentLength: true })).text(), 'abcdefgh');
    } finally {
      await srv.close();
    }
  });
});

describe('request(): refusals before any byte is sent', () => {
  const bad: Array<[string, Parameters<typeof request>[1]]> = [
    ['CRLF in a header value', { headers: { 'X-A': 'a\r\nInjected: 1' } }],
    ['LF in a header name', { headers: [['X-A\nB', 'v']] }],
    ['NUL in a header value', { headers: { 'X-A': 'a\0b' } }],
    ['space in the method', { method: 'GET /evil HTTP/1.1\r\nX:' }],
    ['CR in the method', { method: 'GE\rT' }],
  ];
  for (const [what, opts] of bad) {
    test(what, async () => {
      let accepted = 0;
      const srv = await serve((c) => {
        accepted++;
        c.end();
      });
      await assert.rejects(request(srv.url, { agent: agent(), ...opts }), (e: DialError) => e instanceof InputError && e.code === 'DIAL_E_INPUT');
      assert.equal(accepted, 0, 'no connection may be opened');
      await srv.close();
    });
  }

  test('non-http scheme and malformed URL', async () => {
    await assert.rejects(request('ftp://example.org/'), (e: DialError) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    await assert.rejects(request('not a url'), InputError);
  });

  test('body and json together', async () => {
    await assert.rejects(request('http://127.0.0.1:9/', { body: 'a', json: 1 }), InputError);
  });
});

describe('request(): errors name their phase', () => {
  test('connect refused: ConnectError, phase connect, every address tried listed', async () => {
    const port = await closedPort();
    await assert.rejects(request(`http://localhost:${port}/`, { agent: agent(), lookup: async () => [{ address: '127.0.0.1', family: 4 }, { address: '::1', family: 6 }] }), (e: DialError) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.phase, 'connect');
      assert.equal(e.attempts.length, 2);
      assert.match(e.message, /127\.0\.0\.1/);
      assert.match(e.message, /::1/);
      return true;
    });
  });

  test('a server that stops reading the upload: TimeoutError in phase send at headersTimeout, not a wait for ever', async () => {
    const srv = net.createServer((sock) => {
      sock.on('error', () => {});
      // The head, then nothing more is read: the client's writes back up.
      sock.once('data', () => sock.pause());
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as net.AddressInfo).port;
    try {
      const t0 = Date.now();
      await assert.rejects(
        request(`http://127.0.0.1:${port}/`, { agent: agent(), method: 'PUT', body: Buffer.alloc(64 * 1024 * 1024), headersTimeout: 300 }),
        (e: DialError) => e instanceof TimeoutError && e.phase === 'send' && /took nothing/.test(e.message),
      );
      assert.ok(Date.now() - t0 < 10_000);
    } finally {
      srv.close();
    }
  });

  test('a body source slower than headersTimeout is not a stalled upload: only the server leaving writes untaken counts', async () => {
    const srv = await serve(keepAlive((_req, body, c) => c.respond(200, `got ${body.length}`)));
    async function* slow(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('first,');
      await new Promise((r) => setTimeout(r, 250));
      yield Buffer.from('second');
    }
    try {
      const res = await request(srv.url, { agent: agent(), method: 'PUT', body: slow(), headersTimeout: 100 });
      assert.equal(await res.text(), 'got 12');
    } finally {
      await srv.close();
    }
  });

  test('connectTimeout against a black hole: TimeoutError in phase connect', async () => {
    const hole = await blackhole();
    try {
      const t0 = Date.now();
      await assert.rejects(request(`http://${hole.host}:${hole.port}/`, { agent: agent(), connectTimeout: 200 }), (e: DialError) => e instanceof TimeoutError && e.phase === 'connect');
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      hole.close();
    }
  });

  test('resolve failure: phase resolve', async () => {
    await assert.rejects(
      request('http://no-such-host.invalid/', { agent: agent(), lookup: async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' })) }),
      (e: DialError) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && e.phase === 'resolve',
    );
  });

  test('an HTTP proxy whose name does not resolve: phase proxy-resolve, naming the proxy (forwarded and CONNECT); SOCKS and direct keep resolve', async () => {
    const fail = async () => Promise.reject(Object.assign(new Error('nope'), { code: 'ENOTFOUND' }));
    for (const [url, proxy] of [
      ['http://target.test/', 'http://proxy.test:3128'],
      ['https://target.test/', 'http://proxy.test:3128'],
      ['http://target.test/', 'https://proxy.test:3128'],
    ]) {
      await assert.rejects(
        request(url!, { agent: agent(), proxy, lookup: fail }),
        (e: DialError) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && e.phase === 'proxy-resolve' && /could not resolve proxy proxy\.test/.test(e.message),
        `${url} via ${proxy}`,
      );
    }
    // curl, too, calls a SOCKS proxy's unresolvable name "host" (exit 6): its resolve error is left as it was.
    await assert.rejects(request('http://target.test/', { agent: agent(), proxy: 'socks5h://proxy.test:1080', lookup: fail }), (e: DialError) => e.code === 'DIAL_E_RESOLVE' && e.phase === 'resolve');
  });

  test('headersTimeout: TimeoutError in phase headers', async () => {
    const srv = await serve(async (c) => void (await c.readHead()));
    await assert.rejects(request(srv.url, { agent: agent(), headersTimeout: 100 }), (e: DialError) => e instanceof TimeoutError && e.phase === 'headers' && e.protocol === 'http');
    await srv.close();
  });

  test('bodyTimeout: TimeoutError in phase body', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const res = await request(srv.url, { agent: agent(), bodyTimeout: 100 });
    await assert.rejects(res.text(), (e: DialError) => e instanceof TimeoutError && e.phase === 'body');
    await srv.close();
  });

  test('total timeout covers the body too', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
    });
    const res = await request(srv.url, { agent: agent(), timeout: 150 });
    await assert.rejects(res.text(), (e: DialError) => e instanceof TimeoutError && e.phase === 'body');
    await srv.close();
  });

  test('total timeout while waiting for the head: phase headers', async () => {
    const srv = await serve(async (c) => void (await c.readHead()));
    const t0 = Date.now();
    await assert.rejects(request(srv.url, { agent: agent(), timeout: 150 }), (e: DialError) => e instanceof TimeoutError && e.phase === 'headers');
    assert.ok(Date.now() - t0 < 1000);
    await srv.close();
  });

  test('abort signal: AbortError; an already-aborted signal opens nothing', async () => {
    const srv = await serve(async (c) => void (await c.readHead()));
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    await assert.rejects(request(srv.url, { agent: agent(), signal: ctl.signal }), (e: DialError) => e instanceof AbortError && e.phase === 'headers');
    const before = srv.accepted;
    await assert.rejects(request(srv.url, { agent: agent(), signal: AbortSignal.abort() }), AbortError);
    assert.equal(srv.accepted, before);
    await srv.close();
  });

  test('a malformed response: ProtocolError in phase headers', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write('HTTP/1.1 2000 Nope\r\n\r\n');
    });
    await assert.rejects(request(srv.url, { agent: agent() }), (e: DialError) => e.code === 'DIAL_E_PROTOCOL' && e.phase === 'headers');
    await srv.close();
  });

  test('truncated body: ProtocolError in phase body', async () => {
    const srv = await serve(async (c) => {
      await c.readHead();
      await c.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc');
      c.end();
    });
    const res = await request(srv.url, { agent: agent() });
    await assert.rejects(res.text(), (e: DialError) => e.code === 'DIAL_E_PROTOCOL' && e.phase === 'body');
    await srv.close();
  });
});

async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

describe('request(): HTTP/1.0 (httpVersion: "1.0", curl -0)', () => {
  test('the request line says HTTP/1.0, and the connection is not used again even when the server would keep it', async () => {
    const versions: string[] = [];
    // The server answers 1.1 and keeps the connection open: only the client's side decides.
    const srv = await serve(keepAlive((req, _b, c) => (versions.push(req.version), c.respond(200, 'ok'))));
    try {
      const a = agent();
      const first = await request(srv.url, { agent: a, httpVersion: '1.0' });
      assert.equal(await first.text(), 'ok');
      const second = await request(srv.url, { agent: a });
      assert.equal(await second.text(), 'ok');
      assert.deepEqual(versions, ['HTTP/1.0', 'HTTP/1.1']);
      assert.equal(srv.accepted, 2);
    } finally {
      await srv.close();
    }
  });

  test('a body of unknown length cannot be sent chunked over HTTP/1.0: InputError before any connection', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'ok')));
    try {
      async function* parts(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('a');
      }
      await assert.rejects(request(srv.url, { agent: agent(), method: 'PUT', body: parts(), httpVersion: '1.0' }), (e: unknown) => e instanceof InputError && /HTTP\/1\.0/.test(e.message));
      // With its length given, the same body goes.
      const res = await request(srv.url, { agent: agent(), method: 'PUT', body: parts(), headers: { 'content-length': '1' }, httpVersion: '1.0' });
      assert.equal(await res.text(), 'ok');
      assert.equal(srv.accepted, 1);
    } finally {
      await srv.close();
    }
  });
});

describe('request(): a cookie jar (cookies: CookieJar)', () => {
  /** A response with any number of Set-Cookie lines (respond() takes one value per name). */
  function reply(c: ServerConn, status: number, cookies: string[], extra: string[] = [], body = ''): Promise<void> {
    const lines = [`HTTP/1.1 ${status} X`, ...cookies.map((v) => `Set-Cookie: ${v}`), ...extra, `Content-Length: ${Buffer.byteLength(body)}`];
    return c.write(lines.join('\r\n') + '\r\n\r\n' + body);
  }

  test('one request sends what the jar holds for its URL and stores every Set-Cookie of the answer', async () => {
    const seen: Array<string | undefined> = [];
    const srv = await serve(keepAlive((req, _b, c) => (seen.push(req.header('cookie')), reply(c, 200, ['a=1; Path=/', 'b=2; Max-Age=0', 'c=3; Path=/other']))));
    try {
      const jar = new CookieJar();
      jar.setCookie('old=x', `${srv.url}/`);
      jar.setCookie('b=9', `${srv.url}/`);
      const res = await request(`${srv.url}/`, { agent: agent(), cookies: jar });
      await res.text();
      assert.deepEqual(seen, ['old=x; b=9']);
      assert.equal(jar.cookieHeader(`${srv.url}/`), 'old=x; a=1');
      assert.equal(jar.cookieHeader(`${srv.url}/other/x`), 'c=3; old=x; a=1');
    } finally {
      await srv.close();
    }
  });

  test('a login redirect that sets a cookie: the next hop sends it', async () => {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive((req, _b, c) => {
        seen.push(`${req.target} ${req.header('cookie') ?? '-'}`);
        if (req.target === '/login') return reply(c, 302, ['sid=s3cr3t; Path=/; HttpOnly', 'lang=en'], ['Location: /app/home']);
        return reply(c, 200, [], [], 'welcome');
      }),
    );
    try {
      const jar = new CookieJar();
      const res = await request(`${srv.url}/login`, { agent: agent(), cookies: jar, maxRedirects: 3 });
      assert.equal(await res.text(), 'welcome');
      assert.deepEqual(seen, ['/login -', '/app/home sid=s3cr3t; lang=en']);
    } finally {
      await srv.close();
    }
  });

  test('a redirect back to an earlier URL after the jar took a cookie is followed, not called a loop (curl -L -b follows it)', async () => {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive((req, _b, c) => {
        seen.push(`${req.target} ${req.header('cookie') ?? '-'}`);
        if (req.target === '/login') return reply(c, 302, ['sid=1; Path=/'], ['Location: /page']);
        if (req.header('cookie') === 'sid=1') return reply(c, 200, [], [], 'welcome');
        return reply(c, 302, [], ['Location: /login']);
      }),
    );
    try {
      const res = await request(`${srv.url}/page`, { agent: agent(), cookies: new CookieJar(), maxRedirects: 5 });
      assert.equal(await res.text(), 'welcome');
      assert.deepEqual(seen, ['/page -', '/login -', '/page sid=1']);
      assert.deepEqual(res.redirects, [`${srv.url}/page`, `${srv.url}/login`]);
    } finally {
      await srv.close();
    }
  });

  test('a loop that sets no cookie is still a loop with a jar', async () => {
    const srv = await serve(keepAlive((req, _b, c) => reply(c, 302, [], [`Location: ${req.target === '/a' ? '/b' : '/a'}`])));
    try {
      await assert.rejects(request(`${srv.url}/a`, { agent: agent(), cookies: new CookieJar(), maxRedirects: 5 }), (e: LimitError) => e instanceof LimitError && /redirect loop/.test(e.message));
    } finally {
      await srv.close();
    }
  });

  test("the caller's Cookie comes first, and the jar's still follows a cross-origin redirect by its own rules", async () => {
    const seen: string[] = [];
    const b = await serve(keepAlive((req, _b, c) => (seen.push(`B ${req.header('cookie') ?? '-'}`), reply(c, 200, []))));
    const a = await serve(keepAlive((req, _b, c) => (seen.push(`A ${req.header('cookie') ?? '-'}`), reply(c, 302, ['j=1'], [`Location: ${b.url}/next`]))));
    try {
      const jar = new CookieJar();
      jar.setCookie('elsewhere=1', 'http://localhost/');
      const res = await request(`${a.url}/`, { agent: agent(), cookies: jar, maxRedirects: 2, headers: { Cookie: 'mine=1' } });
      await res.text();
      // Another port is another origin (mine= is dropped) but the same cookie host (RFC 6265 §8.5: ports are not isolated).
      assert.deepEqual(seen, ['A mine=1', 'B j=1']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('the Digest retry sends the cookie its 401 set', async () => {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive((req, _b, c) => {
        seen.push(`${req.header('authorization')?.split(' ')[0] ?? '-'} ${req.header('cookie') ?? '-'}`);
        if (!req.header('authorization')?.startsWith('Digest ')) return reply(c, 401, ['t=1'], ['WWW-Authenticate: Digest realm="r", nonce="abc", qop="auth"']);
        return reply(c, 200, [], [], 'in');
      }),
    );
    try {
      const res = await request(`${srv.url}/`, { agent: agent(), cookies: new CookieJar(), auth: { user: 'u', password: 'p' } });
      assert.equal(await res.text(), 'in');
      assert.deepEqual(seen, ['Basic -', 'Digest t=1']);
    } finally {
      await srv.close();
    }
  });

  test('without a jar nothing is stored or sent, as before', async () => {
    const seen: Array<string | undefined> = [];
    const srv = await serve(
      keepAlive((req, _b, c) => (seen.push(req.header('cookie')), req.target === '/' ? reply(c, 302, ['a=1'], ['Location: /b']) : reply(c, 200, []))),
    );
    try {
      const res = await request(`${srv.url}/`, { agent: agent(), maxRedirects: 1 });
      await res.text();
      assert.deepEqual(seen, [undefined, undefined]);
    } finally {
      await srv.close();
    }
  });
});

test('bounds longer than a timer holds (30 days) are kept, not fired at once', async () => {
  const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'ok')));
  try {
    const month = 30 * 24 * 3600 * 1000;
    const res = await request(srv.url, { agent: agent(), timeout: month, connectTimeout: month, headersTimeout: month, bodyTimeout: month });
    assert.equal(await res.text(), 'ok');
  } finally {
    await srv.close();
  }
});

describe('request(): curl -L variants (keepPostOn, trustRedirects, redirectProtocols)', () => {
  test('keepPostOn: the POST and its body go on after a 301, 302 or 303 listed; unlisted, it becomes a GET', async () => {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive((r, b, c) => {
        seen.push(`${r.method} ${r.target} ${b.toString()}`);
        const m = /^\/(30[123])$/.exec(r.target);
        if (m) return c.write(`HTTP/1.1 ${m[1]} Moved\r\nLocation: /end\r\nContent-Length: 0\r\n\r\n`);
        return c.respond(200, 'done');
      }),
    );
    try {
      for (const status of [301, 302, 303]) {
        seen.length = 0;
        await (await request(`${srv.url}/${status}`, { agent: agent(), body: 'd=1', maxRedirects: 2, keepPostOn: [status] })).text();
        assert.deepEqual(seen, [`POST /${status} d=1`, 'POST /end d=1']);
        seen.length = 0;
        await (await request(`${srv.url}/${status}`, { agent: agent(), body: 'd=1', maxRedirects: 2, keepPostOn: [301, 302, 303].filter((s) => s !== status) })).text();
        assert.deepEqual(seen, [`POST /${status} d=1`, 'GET /end ']);
      }
    } finally {
      await srv.close();
    }
  });

  test('trustRedirects: the credentials reach another origin, answering its challenge too; without it they stay behind', async () => {
    const seen: string[] = [];
    const other = await serve(
      keepAlive((r, _b, c) => {
        seen.push(r.header('authorization') ?? '-');
        if (!r.header('authorization')) return c.write('HTTP/1.1 401 No\r\nWWW-Authenticate: Basic realm="r"\r\nContent-Length: 0\r\n\r\n');
        return c.respond(200, 'in');
      }),
    );
    const first = await serve(keepAlive((_r, _b, c) => c.write(`HTTP/1.1 302 Found\r\nLocation: ${other.url}/x\r\nContent-Length: 0\r\n\r\n`)));
    try {
      const auth = { user: 'u', password: 'p' };
      const trusted = await request(`${first.url}/`, { agent: agent(), auth, maxRedirects: 2, trustRedirects: true });
      assert.equal(trusted.status, 200);
      await trusted.text();
      assert.deepEqual(seen, [`Basic ${Buffer.from('u:p').toString('base64')}`]);
      seen.length = 0;
      const kept = await request(`${first.url}/`, { agent: agent(), auth, maxRedirects: 2 });
      assert.equal(kept.status, 401);
      await kept.text();
      assert.deepEqual(seen, ['-']);
      seen.length = 0;
      await (await request(`${first.url}/`, { agent: agent(), headers: { Authorization: 'Bearer t' }, maxRedirects: 2, trustRedirects: true })).text();
      assert.deepEqual(seen, ['Bearer t']);
    } finally {
      await Promise.all([first.close(), other.close()]);
    }
  });

  test('redirectProtocols: a hop to a scheme outside it is refused as unsupported, before it is connected to', async () => {
    const target = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const srv = await serve(keepAlive((_r, _b, c) => c.write(`HTTP/1.1 302 Found\r\nLocation: ${target.url}/\r\nContent-Length: 0\r\n\r\n`)));
    try {
      await assert.rejects(request(`${srv.url}/`, { agent: agent(), maxRedirects: 2, redirectProtocols: ['https:'] }), (e: DialError) => e.code === 'DIAL_E_UNSUPPORTED' && e.phase === 'scheme');
      assert.equal(target.accepted, 0);
      assert.equal((await request(`${srv.url}/`, { agent: agent(), maxRedirects: 2, redirectProtocols: ['http:'] })).status, 200);
    } finally {
      await Promise.all([srv.close(), target.close()]);
    }
  });
});
