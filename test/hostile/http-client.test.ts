/**
 * request() against servers that misbehave on purpose. Each case: a typed
 * error within its bound, no hang, the same agent still serving the next
 * request, and no socket left open when the agent is closed.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { request, Agent } from '../../src/protocols/http/index.js';
import { DialError, InputError, LimitError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { serve, until, type ServerConn, type TestServer, type ReceivedRequest } from '../protocols/http/server.js';

type Mode = (c: ServerConn, req: ReceivedRequest) => Promise<'keep' | 'close'>;

const modes: Record<string, Mode> = {
  '/ok': async (c) => (await c.respond(200, 'fine'), 'keep'),
  '/close-before-status': async (c) => (c.destroy(), 'close'),
  '/fin-before-status': async (c) => (c.end(), 'close'),
  '/half-status': async (c) => (await c.write('HTTP/1.1 20'), c.end(), 'close'),
  '/drip-body': async (c) => {
    await c.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n');
    for (let i = 0; i < 100 && !c.ended; i++) {
      await c.write('x');
      await new Promise((r) => setTimeout(r, 1000));
    }
    return 'close';
  },
  '/drip-fast': async (c) => {
    await c.write('HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n');
    for (let i = 0; i < 1000 && !c.ended; i++) {
      await c.write('x');
      await new Promise((r) => setTimeout(r, 20));
    }
    return 'close';
  },
  '/drip-head': async (c) => {
    for (const ch of 'HTTP/1.1 200 OK\r\nX-Slow: yes\r\n') {
      if (c.ended) break;
      await c.write(ch);
      await new Promise((r) => setTimeout(r, 30));
    }
    return 'close';
  },
  '/huge-header': async (c) => (await c.write(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(100_000)}\r\n\r\n`), 'close'),
  '/endless-headers': async (c) => {
    await c.write('HTTP/1.1 200 OK\r\n');
    for (let i = 0; i < 5000 && !c.ended; i++) await c.write(`X-H${i}: v\r\n`);
    return 'close';
  },
  '/1xx-flood': async (c) => {
    for (let i = 0; i < 100 && !c.ended; i++) await c.write('HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n');
    return 'close';
  },
  '/cl-and-te': async (c) => (await c.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'), 'close'),
  '/negative-cl': async (c) => (await c.write('HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello'), 'close'),
  '/overflow-cl': async (c) => (await c.write('HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\nhello'), 'close'),
  '/two-cl': async (c) => (await c.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!'), 'close'),
  '/bad-chunk-line': async (c) => (await c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n'), 'close'),
  '/chunk-overflow': async (c) => (await c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffffff1\r\nabc'), 'close'),
  '/truncated-chunked': async (c) => (await c.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel'), c.end(), 'close'),
  '/nul-header': async (c) => (await c.write('HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n'), 'close'),
  '/splitting': async (c) => (await c.write('HTTP/1.1 200 OK\r\nX-A: a\rSet-Cookie: evil=1\r\nContent-Length: 0\r\n\r\n'), 'close'),
  '/bare-lf': async (c) => (await c.write('HTTP/1.1 200 OK\nContent-Length: 2\n\nok'), 'keep'),
  '/extra-response': async (c) => (await c.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale'), 'keep'),
  '/loop-a': async (c) => (await c.respond(302, '', { Location: '/loop-b' }), 'keep'),
  '/loop-b': async (c) => (await c.respond(302, '', { Location: '/loop-a' }), 'keep'),
  '/to-file': async (c) => (await c.respond(302, '', { Location: 'file:///etc/passwd' }), 'keep'),
  '/to-gopher': async (c) => (await c.respond(301, '', { Location: 'gopher://127.0.0.1/' }), 'keep'),
  '/chain': async (c, req) => {
    const n = Number(new URL(req.target, 'http://x').searchParams.get('n') ?? '0');
    await c.respond(302, '', { Location: `/chain?n=${n + 1}` });
    return 'keep';
  },
};

let srv: TestServer;
const agent = new Agent();

async function start(): Promise<TestServer> {
  srv ??= await serve(async (c) => {
    for (;;) {
      const req = await c.readHead();
      if (!req) return c.end();
      const mode = modes[new URL(req.target, 'http://x').pathname] ?? modes['/ok']!;
      if ((await mode(c, req)) === 'close') return;
    }
  });
  return srv;
}

after(async () => {
  await agent.close();
  await until(() => srv.open() === 0, 3000);
  await srv.close();
});

/** Every case ends with a good request on the same agent and origin. */
async function stillUsable(): Promise<void> {
  const res = await request(`${srv.url}/ok`, { agent, timeout: 3000 });
  assert.equal(await res.text(), 'fine');
}

async function expectFailure(path: string, check: (e: DialError) => boolean, opts: Parameters<typeof request>[1] = {}, readBody = false): Promise<void> {
  await start();
  const t0 = Date.now();
  await assert.rejects(
    (async () => {
      const res = await request(`${srv.url}${path}`, { agent, ...opts });
      if (readBody) await res.bytes();
      else await res.body.cancel();
    })(),
    (e: DialError) => {
      assert.ok(e instanceof DialError, `not a DialError: ${e}`);
      assert.ok(check(e), `unexpected ${e.name} ${e.code} phase=${e.phase}: ${e.message}`);
      return true;
    },
  );
  assert.ok(Date.now() - t0 < 5000, 'took too long');
  await stillUsable();
}

describe('hostile servers: framing and limits', () => {
  test('close before the status line (fresh connection: no retry)', () =>
    expectFailure('/close-before-status', (e) => (e.phase === 'empty' || e.phase === 'headers') && (e.code === 'DIAL_E_RESET' || e.code === 'DIAL_E_PROTOCOL'), { method: 'POST', body: 'x' }));
  test('FIN before the status line', () => expectFailure('/fin-before-status', (e) => e.phase === 'empty', { method: 'POST', body: 'x' }));
  test('FIN in the middle of the status line', () => expectFailure('/half-status', (e) => e instanceof ProtocolError && /middle of the response head/.test(e.message)));
  test('huge header → LimitError', () => expectFailure('/huge-header', (e) => e instanceof LimitError && e.phase === 'headers'));
  test('endless headers → LimitError', () => expectFailure('/endless-headers', (e) => e instanceof LimitError));
  test('1xx flood → LimitError', () => expectFailure('/1xx-flood', (e) => e instanceof LimitError));
  test('negative Content-Length → ProtocolError', () => expectFailure('/negative-cl', (e) => e instanceof ProtocolError && e.phase === 'headers'));
  test('overflowing Content-Length → ProtocolError', () => expectFailure('/overflow-cl', (e) => e instanceof ProtocolError));
  test('conflicting Content-Lengths → ProtocolError', () => expectFailure('/two-cl', (e) => e instanceof ProtocolError));
  test('chunk size overflow (18 hex digits) → ProtocolError in body', () => expectFailure('/chunk-overflow', (e) => e instanceof ProtocolError && e.phase === 'body', {}, true));
  test('a bad chunk line after a good chunk: the good bytes are read, then ProtocolError in body (curl prints them too)', async () => {
    await start();
    const res = await request(`${srv.url}/bad-chunk-line`, { agent, timeout: 3000 });
    assert.equal(res.status, 200);
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const chunk of res.body) got.push(chunk.toString());
      })(),
      (e: DialError) => e instanceof ProtocolError && e.phase === 'body',
    );
    assert.deepEqual(got, ['hello']);
    await stillUsable();
  });
  test('truncated chunked body → ProtocolError in body', () => expectFailure('/truncated-chunked', (e) => e instanceof ProtocolError && e.phase === 'body', {}, true));
  test('NUL in a header value → ProtocolError', () => expectFailure('/nul-header', (e) => e instanceof ProtocolError));
  test('response splitting with a bare CR → ProtocolError', () => expectFailure('/splitting', (e) => e instanceof ProtocolError));

  test('Content-Length with Transfer-Encoding: chunked wins, the connection is not reused', async () => {
    await start();
    const res = await request(`${srv.url}/cl-and-te`, { agent });
    assert.equal(await res.text(), 'hello');
    const before = srv.accepted;
    await stillUsable();
    assert.equal(srv.accepted, before + 1);
  });

  test('bare LF line endings are accepted', async () => {
    await start();
    assert.equal(await (await request(`${srv.url}/bare-lf`, { agent })).text(), 'ok');
  });

  test('bytes past the response (a second, unrequested response) poison the connection, never the next request', async () => {
    await start();
    const res = await request(`${srv.url}/extra-response`, { agent });
    assert.equal(await res.text(), 'ok');
    await stillUsable();
  });
});

describe('hostile servers: time', () => {
  test('slow drip (1 byte/s) vs bodyTimeout → TimeoutError in body', () =>
    expectFailure('/drip-body', (e) => e instanceof TimeoutError && e.phase === 'body', { bodyTimeout: 300 }, true));
  test('a drip fast enough for bodyTimeout still hits the total timeout', () =>
    expectFailure('/drip-fast', (e) => e instanceof TimeoutError && e.phase === 'body', { bodyTimeout: 500, timeout: 600 }, true));
  test('a head dripped a byte at a time vs headersTimeout', () => expectFailure('/drip-head', (e) => e instanceof TimeoutError && e.phase === 'headers', { headersTimeout: 300 }));
});

describe('hostile servers: redirects', () => {
  test('a redirect loop stops with the chain', () =>
    expectFailure('/loop-a', (e) => e instanceof LimitError && e.phase === 'redirect' && /redirect loop/.test(e.message) && e.message.includes('/loop-b'), { maxRedirects: 10 }));
  test('a redirect to file:// is refused', () => expectFailure('/to-file', (e) => e instanceof ProtocolError && /file:/.test(e.message), { maxRedirects: 5 }));
  test('a redirect to gopher:// is refused', () => expectFailure('/to-gopher', (e) => e instanceof ProtocolError && /gopher:/.test(e.message), { maxRedirects: 5 }));
  test('an endless chain stops at maxRedirects with a LimitError', () =>
    expectFailure('/chain?n=0', (e) => e instanceof LimitError && (e.message.match(/->/g) ?? []).length === 4, { maxRedirects: 3 }));
  test('with maxRedirects 0 (default) a 302 is returned as it is', async () => {
    await start();
    const res = await request(`${srv.url}/loop-a`, { agent });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/loop-b');
    await res.text();
  });

  test('credentials and secret headers are dropped on a cross-origin redirect', async () => {
    const seen: Array<ReceivedRequest> = [];
    const other = await serve(async (c) => {
      const req = await c.readHead();
      seen.push(req!);
      await c.respond(200, 'other');
      c.end();
    });
    const first = await serve(async (c) => {
      const req = await c.readHead();
      seen.push(req!);
      await c.respond(302, '', { Location: `${other.url}/landing`, Connection: 'close' });
      c.end();
    });
    const res = await request(`http://user:pw@127.0.0.1:${first.port}/start`, {
      agent,
      maxRedirects: 3,
      headers: { Cookie: 'session=1', 'X-Api-Key': 'k', 'X-Plain': 'p' },
      secretHeaders: ['x-api-key'],
    });
    assert.equal(await res.text(), 'other');
    assert.deepEqual(res.redirects, [`${first.url}/start`]);
    assert.equal(res.url, `${other.url}/landing`);
    assert.ok(seen[0]!.header('authorization'));
    assert.equal(seen[0]!.header('cookie'), 'session=1');
    assert.equal(seen[1]!.header('authorization'), undefined);
    assert.equal(seen[1]!.header('cookie'), undefined);
    assert.equal(seen[1]!.header('x-api-key'), undefined);
    assert.equal(seen[1]!.header('x-plain'), 'p');
    assert.equal(seen[1]!.header('host'), `127.0.0.1:${other.port}`);
    await other.close();
    await first.close();
  });

  test('303 after POST: GET on the new URL without the body', async () => {
    const seen: Array<[string, string]> = [];
    const s = await serve(async (c) => {
      for (;;) {
        const req = await c.readHead();
        if (!req) return c.end();
        const body = await c.readBody(req);
        seen.push([req.method, body.toString()]);
        if (req.target === '/form') await c.respond(303, '', { Location: '/done' });
        else await c.respond(200, 'done');
      }
    });
    const res = await request(`${s.url}/form`, { agent, body: 'a=1', maxRedirects: 2 });
    assert.equal(await res.text(), 'done');
    assert.deepEqual(seen, [['POST', 'a=1'], ['GET', '']]);
    await s.close();
  });

  test('307 keeps method and body', async () => {
    const seen: Array<[string, string]> = [];
    const s = await serve(async (c) => {
      for (;;) {
        const req = await c.readHead();
        if (!req) return c.end();
        const body = await c.readBody(req);
        seen.push([req.method, body.toString()]);
        if (req.target === '/a') await c.respond(307, '', { Location: '/b' });
        else await c.respond(200, 'b');
      }
    });
    await (await request(`${s.url}/a`, { agent, method: 'PUT', body: 'payload', maxRedirects: 2 })).text();
    assert.deepEqual(seen, [['PUT', 'payload'], ['PUT', 'payload']]);
    await s.close();
  });
});

describe('hostile servers: keep-alive races', () => {
  test('reused socket closed by the server before any response byte: one retry on a new connection', async () => {
    let conns = 0;
    const s = await serve(async (c) => {
      const n = conns++;
      const first = await c.readHead();
      if (!first) return;
      await c.respond(200, 'first');
      const second = await c.readHead();
      if (!second) return;
      if (n === 0) return c.destroy(); // the race: closed just as the request arrived
      await c.respond(200, 'second');
    });
    const a = new Agent();
    assert.equal(await (await request(s.url, { agent: a })).text(), 'first');
    assert.equal(await (await request(s.url, { agent: a })).text(), 'first', 'retried on a fresh connection');
    assert.equal(conns, 2);
    await a.close();
    await s.close();
  });

  test('a non-idempotent POST is not retried: the error says the connection was reset', async () => {
    let conns = 0;
    const s = await serve(async (c) => {
      conns++;
      await c.readHead();
      await c.respond(200, 'first');
      const second = await c.readHead();
      if (second) await c.readBody(second);
      c.destroy();
    });
    const a = new Agent();
    await (await request(s.url, { agent: a })).text();
    await assert.rejects(request(s.url, { agent: a, method: 'POST', body: 'x' }), (e: DialError) => (e.phase === 'empty' || e.phase === 'headers') && (e.code === 'DIAL_E_RESET' || e.code === 'DIAL_E_CLOSED'));
    assert.equal(conns, 1);
    await a.close();
    await s.close();
  });

  test('a retried request that fails again is not retried a second time', async () => {
    let conns = 0;
    const s = await serve(async (c) => {
      conns++;
      if (conns === 1) {
        await c.readHead();
        await c.respond(200, 'first');
      }
      await c.readHead();
      c.destroy();
    });
    const a = new Agent();
    await (await request(s.url, { agent: a })).text();
    await assert.rejects(request(s.url, { agent: a }), (e: DialError) => e.phase === 'empty' || e.phase === 'headers');
    assert.equal(conns, 2);
    await a.close();
    await s.close();
  });

  test('an idle connection closed by the server is noticed and not reused', async () => {
    const s = await serve(async (c) => {
      await c.readHead();
      await c.respond(200, 'x');
      c.end();
    });
    const a = new Agent();
    await (await request(s.url, { agent: a })).text();
    await until(() => [...a.pools.values()].every((p) => p.stats.connections === 0));
    await (await request(s.url, { agent: a })).text();
    assert.equal(s.accepted, 2);
    await a.close();
    await s.close();
  });
});

describe('hostile callers: injection refused before any byte', () => {
  for (const [what, opts] of [
    ['CRLF in a header value', { headers: { 'X-A': 'v\r\nHost: evil' } }],
    ['CRLF in a header name', { headers: [['X-A\r\nB', 'v']] as Array<[string, string]> }],
    ['LF in the method', { method: 'GET\n' }],
    ['NUL in a header value', { headers: { 'X-A': 'v\0' } }],
    ['a non-latin1 header value', { headers: { 'X-A': 'snowman ☃' } }],
  ] as const) {
    test(what, async () => {
      await start();
      const before = srv.accepted;
      // A fresh agent: a late check would have to open a connection, and the count would show it.
      const fresh = new Agent();
      await assert.rejects(request(`${srv.url}/ok`, { agent: fresh, ...opts }), InputError);
      assert.equal(srv.accepted, before);
      fresh.destroy();
    });
  }

  test('CR/LF in the URL path never reaches the wire raw (the URL parser percent-encodes or drops them)', async () => {
    await start();
    let target = '';
    const s = await serve(async (c) => {
      const req = await c.readHead();
      target = req!.target;
      await c.respond(200, '');
      c.end();
    });
    await (await request(`${s.url}/a%0d%0aX-Injected:%201`, { agent })).text();
    assert.ok(!/[\r\n]/.test(target));
    await s.close();
  });
});
