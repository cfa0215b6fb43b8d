import { test, describe } from 'node:test';
import * as net from 'node:net';
import assert from 'node:assert/strict';
import { Socket } from '../../../src/socket/socket.js';
import { Pool } from '../../../src/protocols/http/pool.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import type { Exchange } from '../../../src/protocols/http/connection.js';
import { ConnectError, NetworkError, type DialError } from '../../../src/errors.js';
import { keepAlive, serve, until } from './server.js';
import type { TraceEvent } from '../../../src/trace.js';

function ex(over: Partial<Exchange> = {}): Exchange {
  return { method: 'GET', target: '/', host: 'h', headers: new HeaderList(), body: { kind: 'none' }, ...over };
}

function poolFor(port: number, options: Partial<ConstructorParameters<typeof Pool>[0]> = {}): { pool: Pool; connects: () => number } {
  let n = 0;
  const pool = new Pool({
    connect: async (o) => {
      n++;
      return Socket.connect({ host: '127.0.0.1', port, timeout: o.timeout, signal: o.signal });
    },
    label: `127.0.0.1:${port}`,
    ...options,
  });
  return { pool, connects: () => n };
}

describe('Pool', () => {
  test('reuses one idle connection for sequential requests', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const { pool, connects } = poolFor(srv.port);
    for (let i = 0; i < 4; i++) await (await pool.request(ex())).body.text();
    assert.equal(connects(), 1);
    assert.deepEqual(pool.stats, { connections: 1, idle: 1, busy: 0, connecting: 0, queued: 0 });
    await pool.close();
    await srv.close();
  });

  test('opens up to `connections` and queues the rest', async () => {
    const srv = await serve(keepAlive(async (_r, _b, c) => {
      await new Promise((r) => setTimeout(r, 30));
      await c.respond(200, 'x');
    }));
    const { pool, connects } = poolFor(srv.port, { connections: 2 });
    const ps = Array.from({ length: 6 }, () => pool.request(ex()).then((r) => r.body.text()));
    await until(() => pool.stats.queued > 0);
    assert.deepEqual(await Promise.all(ps), Array(6).fill('x'));
    assert.equal(connects(), 2);
    await pool.close();
    await srv.close();
  });

  test('idle connections close after idleTimeout', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const { pool } = poolFor(srv.port, { idleTimeout: 50 });
    await (await pool.request(ex())).body.text();
    assert.equal(pool.stats.connections, 1);
    await until(() => pool.stats.connections === 0, 1000);
    await until(() => srv.open() === 0);
    await pool.close();
    await srv.close();
  });

  test("the server's Keep-Alive hint shortens the idle time", async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x', { 'Keep-Alive': 'timeout=1' })));
    const { pool, connects } = poolFor(srv.port, { idleTimeout: 60_000, keepAliveMargin: 900 });
    await (await pool.request(ex())).body.text();
    await until(() => pool.stats.connections === 0, 1000);
    await (await pool.request(ex())).body.text();
    assert.equal(connects(), 2);
    await pool.close();
    await srv.close();
  });

  test('retries an idempotent request once when the reused socket closed first; not a POST', async () => {
    let conns = 0;
    const srv = await serve(async (c) => {
      const n = conns++;
      for (let i = 0; ; i++) {
        const req = await c.readHead();
        if (!req) return;
        await c.readBody(req);
        if (i === 1 && n === 0) return c.destroy();
        await c.respond(200, `c${n}r${i}`);
      }
    });
    const { pool } = poolFor(srv.port);
    assert.equal(await (await pool.request(ex())).body.text(), 'c0r0');
    assert.equal(await (await pool.request(ex({ method: 'PUT', body: { kind: 'bytes', data: Buffer.from('x') } }))).body.text(), 'c1r0');
    assert.equal(await (await pool.request(ex())).body.text(), 'c1r1');
    await pool.close();
    await srv.close();
  });

  test('a streamed body is never retried', async () => {
    let conns = 0;
    const srv = await serve(async (c) => {
      conns++;
      await c.readHead();
      await c.respond(200, 'x');
      const req = await c.readHead();
      if (req) await c.readBody(req);
      c.destroy();
    });
    const { pool } = poolFor(srv.port);
    await (await pool.request(ex())).body.text();
    await assert.rejects(pool.request(ex({ method: 'PUT', body: { kind: 'stream', source: [Buffer.from('x')], length: undefined } })), NetworkError);
    assert.equal(conns, 1);
    await pool.close();
    await srv.close();
  });

  test('a connect failure reaches the caller; the pool stays usable', async () => {
    let fail = true;
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const pool = new Pool({
      connect: async () => {
        if (fail) throw new ConnectError('DIAL_E_CONNECT', 'nope');
        return Socket.connect({ host: '127.0.0.1', port: srv.port });
      },
    });
    await assert.rejects(pool.request(ex()), (e: DialError) => e instanceof ConnectError && e.phase === 'connect');
    fail = false;
    assert.equal(await (await pool.request(ex())).body.text(), 'x');
    await pool.close();
    await srv.close();
  });

  test('a waiter that aborts leaves the queue', async () => {
    const srv = await serve(keepAlive(async (_r, _b, c) => {
      await new Promise((r) => setTimeout(r, 100));
      await c.respond(200, 'x');
    }));
    const { pool } = poolFor(srv.port, { connections: 1 });
    const first = pool.request(ex());
    const ctl = new AbortController();
    const second = pool.request(ex({ signal: ctl.signal }));
    await until(() => pool.stats.queued === 1);
    ctl.abort();
    await assert.rejects(second, (e: DialError) => e.code === 'DIAL_E_ABORT' && e.phase === 'connect');
    assert.equal(pool.stats.queued, 0);
    await (await first).body.text();
    await pool.close();
    await srv.close();
  });

  test('close(): waits for in-flight responses, then closes everything; later requests fail', async () => {
    const srv = await serve(keepAlive(async (_r, _b, c) => {
      await new Promise((r) => setTimeout(r, 50));
      await c.respond(200, 'late');
    }));
    const { pool } = poolFor(srv.port);
    const inflight = pool.request(ex());
    await until(() => pool.stats.connections === 1);
    const closing = pool.close();
    assert.equal(await (await inflight).body.text(), 'late');
    await closing;
    assert.equal(pool.stats.connections, 0);
    await assert.rejects(pool.request(ex()), (e: DialError) => e.code === 'DIAL_E_CLOSED');
    await until(() => srv.open() === 0);
    await srv.close();
  });

  test('destroy(): in-flight requests fail at once', async () => {
    const srv = await serve(async (c) => void (await c.readHead()));
    const { pool } = poolFor(srv.port);
    const p = pool.request(ex());
    await until(() => pool.stats.connections === 1);
    pool.destroy();
    await assert.rejects(p, NetworkError);
    await until(() => srv.open() === 0);
    await srv.close();
  });

  test('concurrent requests get their own connections; later ones reuse them', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, String(c.index))));
    const { pool, connects } = poolFor(srv.port);
    const [a, b] = await Promise.all([pool.request(ex()), pool.request(ex())]);
    assert.notEqual(await a.body.text(), await b.body.text());
    assert.match(await (await pool.request(ex())).body.text(), /^[01]$/);
    assert.equal(connects(), 2);
    await pool.close();
    await srv.close();
  });

  test('pipelining depth: requests share a connection that has answered once', async () => {
    const srv = await serve(keepAlive((req, _b, c) => c.respond(200, req.target)));
    const { pool, connects } = poolFor(srv.port, { connections: 1, pipelining: 4 });
    await (await pool.request(ex())).body.text();
    const res = await Promise.all(['/a', '/b', '/c'].map((t) => pool.request(ex({ target: t })).then((r) => r.body.text())));
    assert.deepEqual(res, ['/a', '/b', '/c']);
    assert.equal(connects(), 1);
    await pool.close();
    await srv.close();
  });
});

/**
 * A server that answers the first request of each read and drops whatever
 * came with it: what a server that ignores pipelined requests does.
 */
async function onePerRead(): Promise<{ port: number; dropped: () => number; connections: () => number; close: () => Promise<void> }> {
  let dropped = 0;
  let connections = 0;
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    connections++;
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    s.on('data', (d: Buffer) => {
      const text = d.toString('latin1');
      const heads = text.split('\r\n\r\n').filter((h) => h.length > 0);
      dropped += heads.length - 1;
      const target = heads[0]!.split(' ')[1]!;
      s.write(`HTTP/1.1 200 OK\r\nContent-Length: ${target.length}\r\n\r\n${target}`);
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    dropped: () => dropped,
    connections: () => connections,
    close: () => {
      for (const s of socks) s.destroy();
      return new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

describe('Pool: a server that ignores pipelined requests', () => {
  test('the requests it left unanswered are resent on new connections, and the pool stops pipelining', async () => {
    const srv = await onePerRead();
    const { pool } = poolFor(srv.port, { connections: 1, pipelining: 4, pipelineStall: 150 });
    const events: TraceEvent[] = [];
    const trace = (e: TraceEvent) => void events.push(e);
    assert.equal(await (await pool.request(ex({ target: '/0', trace }))).body.text(), '/0');
    const first = await Promise.all(['/a', '/b', '/c'].map((t) => pool.request(ex({ target: t, trace })).then((r) => r.body.text())));
    assert.deepEqual(first, ['/a', '/b', '/c']);
    assert.ok(srv.dropped() >= 1, 'the requests went out together');
    assert.ok(events.some((e) => /left a pipelined request unanswered; pipelining off/.test(e.text)), events.map((e) => e.text).join('\n'));
    // From now on one request per connection at a time: nothing more is dropped.
    const dropped = srv.dropped();
    const again = await Promise.all(['/d', '/e', '/f'].map((t) => pool.request(ex({ target: t })).then((r) => r.body.text())));
    assert.deepEqual(again, ['/d', '/e', '/f']);
    assert.equal(srv.dropped(), dropped);
    await pool.close();
    await srv.close();
  });

  test('a pipelined response that has begun is only slow: it is waited for, not sent again', async () => {
    const seen: string[] = [];
    const srv = await serve(
      keepAlive(async (req, _b, c) => {
        seen.push(req.target);
        if (req.target !== '/slow') return c.respond(200, req.target);
        await c.write('HTTP/1.1 200 OK\r\n');
        await new Promise((r) => setTimeout(r, 300));
        await c.write('Content-Length: 5\r\n\r\n/slow');
      }),
    );
    const { pool, connects } = poolFor(srv.port, { connections: 1, pipelining: 4, pipelineStall: 100 });
    await (await pool.request(ex({ target: '/0' }))).body.text();
    const res = await Promise.all(['/a', '/slow', '/b'].map((t) => pool.request(ex({ target: t })).then((r) => r.body.text())));
    assert.deepEqual(res, ['/a', '/slow', '/b']);
    assert.deepEqual(seen, ['/0', '/a', '/slow', '/b']);
    assert.equal(connects(), 1);
    await pool.close();
    await srv.close();
  });
});
