import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Socket } from '../../../src/socket/socket.js';
import { Pool } from '../../../src/protocols/http/pool.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import type { Exchange } from '../../../src/protocols/http/connection.js';
import { ConnectError, NetworkError, type DialError } from '../../../src/errors.js';
import { keepAlive, serve, until } from './server.js';

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
