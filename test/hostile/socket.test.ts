/**
 * Hostile and broken peers against the socket layer, for the cases
 * test/socket/socket.test.ts does not already cover: waits that must end on
 * our own close, resolvers that hang, black holes given up by abort, resets
 * seen while writing, and stalled readers (TLS and the server side are in
 * socket-tls.test.ts). Loopback only; every wait is bounded.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { rawPeer as startPeer, sleep, within, type RawPeer } from '../helpers/peers.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AbortError, ConnectError, NetworkError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { Socket } from '../../src/socket/socket.js';
import { blackhole } from '../helpers/blackhole.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
const servers: RawPeer[] = [];
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(servers.map((s) => s.close()));
});

const rawPeer = (onConn: (c: net.Socket) => void) => startPeer(onConn, servers);

describe('waits that our own close must end', () => {
  test('a recv waiting when this end closes rejects with DIAL_E_CLOSED at once', async () => {
    const p = await rawPeer(() => {});
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const pending = assert.rejects(s.recv(100), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    await sleep(10);
    const t0 = Date.now();
    await s.close();
    await within(pending, 3000, 'recv');
    assert.ok(Date.now() - t0 < 2500);
    await p.close();
  });

  test('a recv waiting when this end is destroyed with an error rejects with that error', async () => {
    const p = await rawPeer(() => {});
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const pending = s.recv(100);
    const why = new ProtocolError('the caller gave up on this peer');
    s.destroy(why);
    await within(assert.rejects(pending, (e: unknown) => e === why), 2000, 'recv');
    await assert.rejects(s.send('x'), (e: unknown) => e === why);
    await p.close();
  });

  test('recvExactly waiting when this end closes rejects instead of hanging', async () => {
    const p = await rawPeer((c) => c.write('abc'));
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const pending = assert.rejects(s.recvExactly(10), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    await sleep(30);
    await s.close();
    await within(pending, 3000, 'recvExactly');
    await p.close();
  });
});

describe('resolvers that misbehave', () => {
  test('a lookup that never answers is bounded by the connect timeout', async () => {
    const lookup = () => new Promise<never>(() => {});
    const t0 = Date.now();
    await within(
      assert.rejects(Socket.connect({ host: 'hangs.test', port: 80, lookup, timeout: 150 }), (e: unknown) => e instanceof TimeoutError && e.code === 'DIAL_E_TIMEOUT'),
      3000,
      'connect',
    );
    assert.ok(Date.now() - t0 < 1500);
  });

  test('a lookup that never answers is given up by abort, and is handed the signal', async () => {
    const ac = new AbortController();
    let seen: AbortSignal | undefined;
    const lookup = (_h: string, o: { signal?: AbortSignal | undefined }) => {
      seen = o.signal;
      return new Promise<never>(() => {});
    };
    setTimeout(() => ac.abort(new Error('user cancelled')), 30);
    await within(assert.rejects(Socket.connect({ host: 'hangs.test', port: 80, lookup, signal: ac.signal }), AbortError), 3000, 'connect');
    assert.equal(seen, ac.signal);
  });

  test('a lookup that throws something odd is still a typed resolve error', async () => {
    const lookup = async () => {
      throw new TypeError('resolver bug');
    };
    await assert.rejects(Socket.connect({ host: 'odd.test', port: 80, lookup }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && e.cause instanceof TypeError);
  });

  test('a lookup that answers an address of the wrong family only is a resolve error', async () => {
    const lookup = async () => [{ address: '::1', family: 6 as const }];
    await assert.rejects(Socket.connect({ host: 'v6only.test', port: 80, lookup, family: 4 }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE');
  });
});

describe('black holes and dead ends', () => {
  test('a connect into a black hole is given up by abort at once', async () => {
    const bh = await blackhole();
    try {
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 100);
      const t0 = Date.now();
      await within(assert.rejects(Socket.connect({ host: bh.host, port: bh.port, signal: ac.signal }), (e: unknown) => e instanceof AbortError && e.local), 3000, 'connect');
      assert.ok(Date.now() - t0 < 1500);
    } finally {
      bh.close();
    }
  });

  test('a Unix path that is a plain file, not a socket, is a ConnectError', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-hostile-'));
    try {
      const path = join(dir, 'not-a-socket');
      writeFileSync(path, 'x');
      await within(assert.rejects(Socket.connect({ path, timeout: 1000 }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT'), 3000, 'connect');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a closed port on IPv6 loopback is refused with a typed error too', async () => {
    const srv = net.createServer().listen(0, '::1');
    await once(srv, 'listening');
    const port = (srv.address() as net.AddressInfo).port;
    await new Promise((r) => srv.close(r));
    await assert.rejects(Socket.connect({ host: '::1', port, timeout: 2000 }), (e: unknown) => e instanceof ConnectError && e.sysCode === 'ECONNREFUSED');
  });
});

describe('resets and stalls on a live connection', () => {
  test('a peer that resets before sending anything: the pending recv settles, typed, without hanging', async () => {
    const p = await rawPeer((c) => setTimeout(() => c.resetAndDestroy(), 30));
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    // Linux usually reports the RST, but a read racing it may see end of stream instead.
    const got = await within(
      s.recv(100, { timeout: 3000 }).then(
        (b) => ({ eof: b.length === 0 }),
        (e: unknown) => ({ err: e }),
      ),
      4000,
      'recv',
    );
    if ('err' in got) assert.ok(got.err instanceof NetworkError && got.err.code === 'DIAL_E_RESET', String(got.err));
    else assert.equal(got.eof, true);
    await s.close();
    await p.close();
  });

  test('writing to a peer that has reset ends in NetworkError DIAL_E_RESET', async () => {
    // Reset only once the client is surely connected: a reset racing the handshake is a ConnectError instead.
    const p = await rawPeer((c) => setTimeout(() => c.resetAndDestroy(), 20));
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    await sleep(60);
    let err: unknown;
    // Bounded: the first writes may be accepted before the stack learns of the reset.
    for (let i = 0; i < 200 && err === undefined; i++) {
      try {
        await s.send(Buffer.alloc(1024, 0x61), { timeout: 1000 });
        await sleep(5);
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof NetworkError, String(err));
    assert.equal(err.code, 'DIAL_E_RESET');
    assert.ok(['ECONNRESET', 'EPIPE'].includes(err.sysCode ?? ''), err.sysCode);
    await assert.rejects(s.send('more'), (e: unknown) => e === err, 'the error sticks');
    await s.close();
    await p.close();
  });

  test('a send that a peer never reads is bounded by its timeout', async () => {
    const p = await rawPeer((c) => c.pause());
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const big = Buffer.alloc(16 * 1024 * 1024, 0x62);
    const t0 = Date.now();
    await within(assert.rejects(s.send(big, { timeout: 200 }), (e: unknown) => e instanceof TimeoutError && e.code === 'DIAL_E_TIMEOUT'), 5000, 'send');
    assert.ok(Date.now() - t0 < 3000);
    s.destroy();
    await p.close();
  });

  test('a send that a peer never reads is ended by abort', async () => {
    const p = await rawPeer((c) => c.pause());
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 100);
    await within(assert.rejects(s.send(Buffer.alloc(16 * 1024 * 1024, 0x63), { signal: ac.signal }), AbortError), 5000, 'send');
    s.destroy();
    await p.close();
  });

  test('a send blocked on a peer that then resets rejects with a typed error', async () => {
    let conn: net.Socket | undefined;
    const p = await rawPeer((c) => {
      c.pause();
      conn = c;
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    const sending = s.send(Buffer.alloc(16 * 1024 * 1024, 0x64), { timeout: 5000 });
    await sleep(100);
    conn!.resetAndDestroy();
    await within(assert.rejects(sending, (e: unknown) => e instanceof NetworkError), 6000, 'send');
    await s.close();
    await p.close();
  });
});

test('no unhandled rejection escaped any hostile socket case', async () => {
  await sleep(50);
  assert.deepEqual(unhandled, []);
});
