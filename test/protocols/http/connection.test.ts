import { test, describe } from 'node:test';
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { memoryPair, type MemoryStream } from '../../../src/socket/memory.js';
import { HttpConnection, isRetryable, type Exchange } from '../../../src/protocols/http/connection.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { InputError, LimitError, NetworkError, ProtocolError, TimeoutError, type DialError } from '../../../src/errors.js';
import { until } from './server.js';

function ex(over: Partial<Exchange> = {}): Exchange {
  return { method: 'GET', target: '/', host: 'h', headers: new HeaderList(), body: { kind: 'none' }, ...over };
}

/** Reads from the server end until the request head (and `bodyBytes` more) arrived. */
async function readRequest(server: MemoryStream, bodyBytes = 0): Promise<string> {
  let got = Buffer.alloc(0);
  for (;;) {
    const i = got.indexOf('\r\n\r\n');
    if (i !== -1 && got.length >= i + 4 + bodyBytes) return got.toString('latin1');
    const chunk = await server.recv(65536, { timeout: 2000 });
    if (chunk.length === 0) return got.toString('latin1');
    got = Buffer.concat([got, chunk]);
  }
}

function pair(options: Parameters<typeof memoryPair>[0] = {}) {
  const [client, server] = memoryPair(options);
  const events: string[] = [];
  const conn = new HttpConnection(client, { label: 'mem', onFree: () => events.push('free'), onClose: () => events.push('close') });
  return { client, server, conn, events };
}

describe('HttpConnection', () => {
  test('one GET: the head on the wire, the response head and body delivered', async () => {
    const { server, conn, events } = pair();
    const p = conn.request(ex({ target: '/x?y', headers: new HeaderList().append('X-A', '1') }));
    assert.equal(await readRequest(server), 'GET /x?y HTTP/1.1\r\nHost: h\r\nX-A: 1\r\n\r\n');
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello');
    const res = await p;
    assert.equal(res.status, 200);
    assert.equal(res.reused, false);
    assert.equal(await res.body.text(), 'hello');
    assert.equal(conn.reusable, true);
    assert.equal(conn.completed, 1);
    assert.deepEqual(events, ['free']);
  });

  test('interim 1xx heads (103, 100) come with the response, in order; none: the field is undefined', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    const res = await p;
    assert.deepEqual(
      res.interim?.map((h) => [h.status, h.reason, [...h.headers]]),
      [
        [103, 'Early Hints', [['Link', '</a.css>']]],
        [100, 'Continue', []],
      ],
    );
    assert.equal(await res.body.text(), 'ok');
    const q = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 204 No Content\r\n\r\n');
    assert.equal((await q).interim, undefined);
  });

  test('a response split into 1-byte pieces parses the same', async () => {
    const { server, conn } = pair({ chunking: 1 });
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    assert.equal(await (await p).body.text(), 'abcde');
  });

  test('pipelining: three requests written back to back, responses matched in order', async () => {
    const { server, conn } = pair();
    const ps = ['/1', '/2', '/3'].map((t) => conn.request(ex({ target: t })));
    const wire = await readRequest(server);
    assert.equal((wire.match(/GET \/\d/g) ?? []).length >= 1, true);
    let all = wire;
    while ((all.match(/\r\n\r\n/g) ?? []).length < 3) all += (await server.recv()).toString('latin1');
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\naHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nbHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nc');
    const bodies = await Promise.all(ps.map(async (p) => (await p).body.text()));
    assert.deepEqual(bodies, ['a', 'b', 'c']);
    assert.equal(conn.pending, 0);
  });

  test('pipelining: aborting one request fails only it with AbortError; the others see their connection closed (retryable when queued behind)', async () => {
    const { server, conn } = pair();
    const ctl = new AbortController();
    const ps = ['/1', '/2', '/3'].map((t) => conn.request(ex({ target: t, signal: t === '/2' ? ctl.signal : undefined })));
    let all = '';
    while ((all.match(/\r\n\r\n/g) ?? []).length < 3) all += (await server.recv(65536, { timeout: 2000 })).toString('latin1');
    ctl.abort();
    const [one, two, three] = (await Promise.allSettled(ps)) as [PromiseSettledResult<unknown>, PromiseSettledResult<unknown>, PromiseSettledResult<unknown>];
    assert.equal(two.status, 'rejected');
    assert.equal(((two as PromiseRejectedResult).reason as DialError).code, 'DIAL_E_ABORT');
    for (const r of [one, three]) {
      assert.equal(r.status, 'rejected');
      const e = (r as PromiseRejectedResult).reason as DialError;
      assert.ok(e instanceof NetworkError, String(e));
      assert.match(e.message, /another request on it failed \(the request was aborted\)/);
    }
    // Nothing of /3's answer came and it was sent behind another: the pool may send it again.
    assert.equal(isRetryable((three as PromiseRejectedResult).reason), true);
    assert.equal(conn.closed, true);
  });

  test('pipelining: a body cancelled or over maxBodySize fails its own request only; the others see their connection closed', async () => {
    for (const how of ['cancel', 'limit'] as const) {
      const { server, conn } = pair();
      const ps = ['/1', '/2'].map((t) => conn.request(ex({ target: t, maxBodySize: how === 'limit' && t === '/1' ? 10 : undefined })));
      let all = '';
      while ((all.match(/\r\n\r\n/g) ?? []).length < 2) all += (await server.recv(65536, { timeout: 2000 })).toString('latin1');
      await server.send(`HTTP/1.1 200 OK\r\nContent-Length: 200000\r\n\r\n${'x'.repeat(1000)}`);
      const first = ps[0]!.then(async (r): Promise<unknown> => (how === 'cancel' ? r.body.cancel() : r.body.text()));
      if (how === 'cancel') await first;
      else await assert.rejects(first, LimitError);
      await assert.rejects(ps[1]!, (e: DialError) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED' && /another request on it failed/.test(e.message) && isRetryable(e));
    }
  });

  test('HEAD: the head only, even with a Content-Length', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex({ method: 'HEAD' }));
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    const res = await p;
    assert.equal(res.headers.get('content-length'), '100');
    assert.equal((await res.body.bytes()).length, 0);
    assert.equal(conn.reusable, true);
  });

  test('Connection: close: not reusable, closed after the body', async () => {
    const { server, conn, events } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok');
    await (await p).body.text();
    assert.equal(conn.reusable, false);
    assert.equal(conn.closed, true);
    assert.deepEqual(events, ['close']);
  });

  test('HTTP/1.0 without keep-alive is not reused; with it, it is', async () => {
    for (const [extra, reusable] of [['', false], ['Connection: keep-alive\r\n', true]] as const) {
      const { server, conn } = pair();
      const p = conn.request(ex());
      await readRequest(server);
      await server.send(`HTTP/1.0 200 OK\r\n${extra}Content-Length: 2\r\n\r\nok`);
      await (await p).body.text();
      assert.equal(conn.reusable, reusable);
    }
  });

  test('Keep-Alive: timeout=N sets the expiry N s minus the margin', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    const t0 = Date.now();
    await server.send('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=5, max=100\r\nContent-Length: 0\r\n\r\n');
    await (await p).body.text();
    assert.ok(Math.abs(conn.expiresAt - (t0 + 4000)) < 200, `expiresAt ${conn.expiresAt - t0}`);
    const q = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nKeep-Alive: timeout=1\r\nContent-Length: 0\r\n\r\n');
    await (await q).body.text();
    assert.equal(conn.reusable, false, 'a 1 s hint minus the 1 s margin leaves nothing');
  });

  test('the server closing an idle connection is noticed at once', async () => {
    const { server, conn, events } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await (await p).body.text();
    await server.close();
    await until(() => conn.closed);
    assert.deepEqual(events, ['free', 'close']);
  });

  test('unsolicited bytes on an idle connection close it', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await (await p).body.text();
    await server.send('HTTP/1.1 200 OK\r\n');
    await until(() => conn.closed);
  });

  test('reused connection closed before any response byte: the error is marked retryable', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await (await p).body.text();
    const q = conn.request(ex());
    await readRequest(server);
    await server.close();
    await assert.rejects(q, (e: DialError) => isRetryable(e) && e.phase === 'empty');
  });

  test('first request on a fresh connection closed before the response: not retryable', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.close();
    await assert.rejects(p, (e: DialError) => !isRetryable(e) && e.phase === 'empty');
  });

  test('a response cut in its head is never retryable', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    await (await p).body.text();
    const q = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 2');
    await server.close();
    await assert.rejects(q, (e: DialError) => !isRetryable(e) && e instanceof ProtocolError);
  });

  test('a request on a closed connection: NetworkError DIAL_E_CLOSED', async () => {
    const { conn } = pair();
    await conn.close();
    await assert.rejects(conn.request(ex()), (e: DialError) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
  });

  test('an unsafe header is an InputError and nothing is written', async () => {
    const { server, conn } = pair();
    const h = new HeaderList();
    h.raw.push('X-A', 'a\r\nB: c');
    assert.throws(() => conn.request(ex({ headers: h })), InputError);
    assert.throws(() => conn.request(ex({ target: '/a b' })), InputError);
    assert.equal(server.readableLength, 0);
    assert.equal(conn.reusable, true);
  });

  test('back-pressure: a body the consumer does not read pauses reading', async () => {
    const { server, conn } = pair({ highWaterMark: 1024 });
    const p = conn.request(ex({ highWaterMark: 16 }));
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n');
    const res = await p;
    const x = Buffer.alloc(1000, 1);
    let sent = 0;
    const writer = (async () => {
      for (let i = 0; i < 20; i++) {
        await server.send(x);
        sent++;
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    // highWaterMark 16 bytes on the body: the connection stops reading after the first chunks.
    assert.ok(sent < 20, `server could send everything (${sent}) though nothing was read`);
    const body = await res.body.bytes();
    await writer;
    assert.equal(body.length, 20000);
  });

  test('a cancelled body that is small is drained and the connection kept', async () => {
    const { server, conn, events } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n' + 'a'.repeat(100));
    const res = await p;
    res.body.cancel();
    await server.send('b'.repeat(900));
    await until(() => events.includes('free'));
    assert.equal(conn.reusable, true);
  });

  test('a cancelled body that is large (or read-until-close) drops the connection', async () => {
    for (const head of ['Content-Length: 10000000', 'Connection: close']) {
      const { server, conn } = pair();
      const p = conn.request(ex());
      await readRequest(server);
      await server.send(`HTTP/1.1 200 OK\r\n${head}\r\n\r\nabc`);
      (await p).body.cancel();
      assert.equal(conn.closed, true);
    }
  });

  test('headersTimeout and bodyTimeout fail with the phase', async () => {
    {
      const { server, conn } = pair();
      const p = conn.request(ex({ headersTimeout: 50 }));
      await readRequest(server);
      await assert.rejects(p, (e: DialError) => e instanceof TimeoutError && e.phase === 'headers');
    }
    {
      const { server, conn } = pair();
      const p = conn.request(ex({ bodyTimeout: 50 }));
      await readRequest(server);
      await server.send('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab');
      const res = await p;
      await assert.rejects(res.body.text(), (e: DialError) => e instanceof TimeoutError && e.phase === 'body');
    }
  });

  test('maxBodySize: over the limit is a LimitError', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex({ maxBodySize: 4 }));
    await readRequest(server);
    await server.send('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n3\r\ndef\r\n0\r\n\r\n');
    await assert.rejects((await p).body.text(), LimitError);
  });

  test('101 Switching Protocols is refused', async () => {
    const { server, conn } = pair();
    const p = conn.request(ex());
    await readRequest(server);
    await server.send('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n');
    await assert.rejects(p, ProtocolError);
  });

  test('an early final response while the body is still being sent: connection not reused', async () => {
    const { server, conn } = pair();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* body() {
      yield Buffer.from('part1');
      await gate;
      yield Buffer.from('part2');
    }
    const p = conn.request(ex({ method: 'POST', body: { kind: 'stream', source: body(), length: undefined } }));
    await readRequest(server);
    await server.send('HTTP/1.1 413 Content Too Large\r\nContent-Length: 0\r\n\r\n');
    const res = await p;
    assert.equal(res.status, 413);
    await res.body.text();
    release();
    assert.equal(conn.reusable, false);
  });

  test('Expect: 100-continue without an answer: the body goes after continueTimeout', async () => {
    const { server, conn } = pair();
    const t0 = Date.now();
    const p = conn.request(ex({ method: 'PUT', body: { kind: 'bytes', data: Buffer.from('data') }, expectContinue: true, continueTimeout: 100 }));
    const wire = await readRequest(server, 4);
    assert.ok(Date.now() - t0 >= 90);
    assert.ok(wire.endsWith('\r\n\r\ndata'));
    await server.send('HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    assert.equal((await p).status, 200);
  });

  test('an abort while waiting fails the request and the connection', async () => {
    const { server, conn } = pair();
    const ctl = new AbortController();
    const p = conn.request(ex({ signal: ctl.signal }));
    await readRequest(server);
    ctl.abort();
    await assert.rejects(p, (e: DialError) => e.code === 'DIAL_E_ABORT' && e.phase === 'headers');
    assert.equal(conn.closed, true);
  });
});

describe('HttpConnection: any split of the bytes gives the same responses (fast-check)', () => {
  test('three pipelined responses (length, chunked, HEAD) split at random boundaries', async () => {
    const wire =
      'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello' +
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=1\r\nabc\r\n1\r\nd\r\n0\r\nX-T: 1\r\n\r\n' +
      'HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n';
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }), async (sizes) => {
        const { server, conn } = pair({ chunking: sizes });
        const ps = ['GET', 'GET', 'GET'].map((m, i) => conn.request(ex({ method: m, target: `/${i}` })));
        let got = '';
        while ((got.match(/\r\n\r\n/g) ?? []).length < 3) got += (await server.recv()).toString('latin1');
        await server.send(wire);
        const bodies = await Promise.all(ps.map(async (p) => (await p).body.text()));
        assert.deepEqual(bodies, ['hello', 'abcd', '']);
        assert.equal((await ps[2])!.status, 204);
        assert.equal(conn.reusable, true);
      }),
      { numRuns: 60 },
    );
  });
});
