import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket, listen, rawSocket, type Server } from '../../src/socket/index.js';
import { LentReads } from '../../src/socket/lent-reads.js';
import { connectTcp, MAX_UNIX_PATH } from '../../src/socket/connect.js';
import { AbortError, ConnectError, DialError, InputError, NetworkError, ProtocolError, TimeoutError } from '../../src/errors.js';
import { blackhole } from '../helpers/blackhole.js';
import { within } from '../helpers/peers.js';

/** A node:net server whose per-connection behaviour the test chooses. */
async function rawServer(onConn: (c: net.Socket) => void): Promise<{ port: number; close(): Promise<void> }> {
  const conns = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => {});
    onConn(c);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => {
      for (const c of conns) c.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

async function closedPort(): Promise<number> {
  const s = net.createServer().listen(0, '127.0.0.1');
  await once(s, 'listening');
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

describe('Socket over TCP', () => {
  test('sends and receives through an echo server', async () => {
    const srv = await rawServer((c) => c.pipe(c));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await s.send('hello');
    assert.equal((await s.recvExactly(5)).toString(), 'hello');
    await s.close();
    await srv.close();
  });

  test('recv(max) returns at most max bytes and keeps the rest', async () => {
    const srv = await rawServer((c) => c.end('abcdefghij'));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    const first = await s.recv(3);
    assert.equal(first.toString(), 'abc');
    const rest = await s.recvExactly(7);
    assert.equal(rest.toString(), 'defghij');
    await s.close();
    await srv.close();
  });

  test('recv returns an empty buffer at end of stream, and again after', async () => {
    const srv = await rawServer((c) => c.end('x'));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.equal((await s.recv()).toString(), 'x');
    assert.equal((await s.recv()).length, 0);
    assert.equal((await s.recv()).length, 0);
    await s.close();
    await srv.close();
  });

  test('recv coalesces many small segments into one read', async () => {
    const srv = await rawServer(async (c) => {
      for (let i = 0; i < 20; i++) c.write(String(i % 10));
      c.end();
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    let all = '';
    for (let i = 0; i < 25; i++) {
      const b = await s.recv(1024);
      if (b.length === 0) break;
      all += b.toString();
    }
    assert.equal(all, '01234567890123456789');
    await s.close();
    await srv.close();
  });

  test('peek shows the next bytes without consuming them', async () => {
    const srv = await rawServer((c) => c.end('peekaboo'));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.equal((await s.peek(4)).toString(), 'peek');
    assert.equal((await s.peek(4)).toString(), 'peek');
    assert.equal((await s.recvExactly(8)).toString(), 'peekaboo');
    await s.close();
    await srv.close();
  });

  test('recvExactly that times out part-way loses nothing: the next recv gets every byte', async () => {
    const srv = await rawServer((c) => {
      c.write('HELLO');
      setTimeout(() => c.end('WORLD'), 150);
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    try {
      // Before: the 5 bytes read before the timeout were dropped, and recv saw only 'WORLD'.
      await assert.rejects(s.recvExactly(10, { timeout: 50 }), TimeoutError);
      assert.equal(s.bufferedLength >= 5, true);
      assert.equal((await s.recvExactly(10, { timeout: 2000 })).toString(), 'HELLOWORLD');
      assert.equal((await s.recv(10, { timeout: 2000 })).length, 0);
    } finally {
      s.destroy();
      await srv.close();
    }
  });

  test('recvExactly fails with ProtocolError when the stream ends short', async () => {
    const srv = await rawServer((c) => c.end('abc'));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await assert.rejects(s.recvExactly(10), (e: unknown) => e instanceof ProtocolError && /3 of 10/.test(e.message));
    await s.close();
    await srv.close();
  });

  test("shutdown('write') half-closes: the peer sees EOF and can still answer", async () => {
    const srv = await rawServer((c) => {
      const parts: Buffer[] = [];
      c.on('data', (d) => parts.push(d));
      c.on('end', () => c.end(`got ${Buffer.concat(parts).length} bytes`));
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await s.send(Buffer.alloc(1000, 1));
    await s.shutdown('write');
    await assert.rejects(s.send('more'), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    const reply = await s.recvExactly('got 1000 bytes'.length);
    assert.equal(reply.toString(), 'got 1000 bytes');
    assert.equal((await s.recv()).length, 0);
    await s.close();
    await srv.close();
  });

  test("shutdown('write') behind bytes a peer never reads is bounded: TimeoutError, not a hang", async () => {
    const srv = await rawServer((c) => c.pause());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    try {
      // A send given up on leaves its bytes queued; the FIN must wait behind them.
      await assert.rejects(s.send(Buffer.alloc(32 * 1024 * 1024), { timeout: 100 }), TimeoutError);
      // Before: this waited for ever.
      await within(assert.rejects(s.shutdown('write', { timeout: 100 }), TimeoutError), 5000, 'shutdown');
      // setTimeout's default bound applies too, as it does to send and recv.
      const t = await Socket.connect({ host: '127.0.0.1', port: srv.port });
      t.setTimeout(100);
      await assert.rejects(t.send(Buffer.alloc(32 * 1024 * 1024)), TimeoutError);
      await within(assert.rejects(t.shutdown('both'), TimeoutError), 5000, 'shutdown with the default bound');
      t.destroy();
    } finally {
      s.destroy();
      await srv.close();
    }
  });

  test("shutdown('read') discards later bytes and recv reports end of stream", async () => {
    const srv = await rawServer((c) => c.write('early'));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.equal((await s.recvExactly(5)).toString(), 'early');
    await s.shutdown('read');
    assert.equal((await s.recv()).length, 0);
    await s.send('still writable');
    await s.close();
    await srv.close();
  });

  test("shutdown('both') and an unknown mode", async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await assert.rejects(s.shutdown('sideways' as 'read'), InputError);
    await s.shutdown('both');
    assert.equal((await s.recv()).length, 0);
    await assert.rejects(s.send('x'), NetworkError);
    await s.close();
    await srv.close();
  });

  test('close is idempotent and later calls fail with DIAL_E_CLOSED', async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await s.close();
    await s.close();
    await assert.rejects(s.send('x'), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    await assert.rejects(s.recv(), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    await srv.close();
  });

  test('peek on a socket we closed is DIAL_E_CLOSED, as recv is, not an end of stream', async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    try {
      // A peek waiting when close() comes is woken with the same error.
      const waiting = assert.rejects(s.peek(10, { timeout: 2000 }), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
      await s.close();
      await waiting;
      // Before: an empty buffer, which the BSD convention reads as "the peer closed".
      await assert.rejects(s.peek(), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    } finally {
      s.destroy();
      await srv.close();
    }
  });

  test('a send still waiting when the socket is closed or destroyed rejects DIAL_E_CLOSED, never resolves', async () => {
    const srv = await rawServer((c) => c.pause());
    try {
      for (const end of ['destroy', 'close'] as const) {
        const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
        const sending = assert.rejects(s.send(Buffer.alloc(32 * 1024 * 1024), { timeout: 10_000 }), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED', end);
        await new Promise((r) => setTimeout(r, 50));
        // Before: the send resolved, reporting 32 MiB as sent that the peer never received.
        if (end === 'destroy') s.destroy();
        else await s.close();
        await sending;
      }
    } finally {
      await srv.close();
    }
  });

  test('send honours back-pressure: a large send completes once the peer reads', async () => {
    let received = 0;
    const srv = await rawServer((c) => {
      c.pause();
      setTimeout(() => {
        c.on('data', (d) => (received += d.length));
        c.resume();
      }, 100);
      c.on('end', () => c.end(String(received)));
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    const big = Buffer.alloc(16 * 1024 * 1024, 7);
    await s.send(big, { timeout: 10000 });
    await s.shutdown('write');
    const answer = (await s.recv(100, { timeout: 10000 })).toString();
    assert.equal(answer, String(big.length));
    await s.close();
    await srv.close();
  });

  test('a slow reader makes the socket stop reading (bounded buffer)', async () => {
    const chunk = Buffer.alloc(64 * 1024, 1);
    let written = 0;
    let stalled = false;
    const srv = await rawServer((c) => {
      const pump = () => {
        // Bounded: stop after 64 MiB even if back-pressure never appeared.
        while (written < 64 * 1024 * 1024) {
          written += chunk.length;
          if (!c.write(chunk)) {
            stalled = true;
            return;
          }
        }
      };
      pump();
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port, highWaterMark: 128 * 1024 });
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(stalled, 'the server should have met back-pressure');
    assert.ok(s.bufferedLength <= 128 * 1024 + 1024 * 1024, `buffered ${s.bufferedLength}`);
    assert.ok(written < 64 * 1024 * 1024);
    const got = await s.recv(1024);
    assert.equal(got.length, 1024);
    s.destroy();
    await srv.close();
  });

  test('recv honours a per-call timeout and the socket stays usable', async () => {
    const srv = await rawServer((c) => setTimeout(() => c.write('late'), 150));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await assert.rejects(s.recv(10, { timeout: 30 }), (e: unknown) => e instanceof TimeoutError && e.code === 'DIAL_E_TIMEOUT');
    assert.equal((await s.recv(10, { timeout: 2000 })).toString(), 'late');
    await s.close();
    await srv.close();
  });

  test('setTimeout gives every recv a default bound', async () => {
    const srv = await rawServer(() => {});
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    s.setTimeout(40);
    await assert.rejects(s.recv(), TimeoutError);
    s.setTimeout(0);
    await s.close();
    await srv.close();
  });

  test('recv is aborted by an AbortSignal', async () => {
    const srv = await rawServer(() => {});
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('user gave up')), 20);
    await assert.rejects(s.recv(10, { signal: ac.signal }), (e: unknown) => e instanceof AbortError && e.local);
    await s.close();
    await srv.close();
  });

  test('send with an already-aborted signal puts nothing on the wire', async () => {
    const got: Buffer[] = [];
    const srv = await rawServer((c) => {
      c.on('data', (d: Buffer) => got.push(d));
      c.on('end', () => c.end());
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    try {
      const ac = new AbortController();
      ac.abort();
      await assert.rejects(s.send('RSET\r\n', { signal: ac.signal }), (e: unknown) => e instanceof AbortError && e.code === 'DIAL_E_ABORT');
      // The socket is still usable: this send goes out, and is the only thing the peer sees.
      await s.send('NOOP\r\n');
      await s.shutdown('write');
      assert.equal((await s.recv(10, { timeout: 2000 })).length, 0);
      assert.equal(Buffer.concat(got).toString(), 'NOOP\r\n');
    } finally {
      s.destroy();
      await srv.close();
    }
  });

  test('two concurrent recvs on one socket are refused', async () => {
    const srv = await rawServer((c) => setTimeout(() => c.end('z'), 50));
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    const first = s.recv();
    await assert.rejects(s.recv(), InputError);
    assert.equal((await first).toString(), 'z');
    await s.close();
    await srv.close();
  });

  test('recv rejects a byte count that is not a positive integer', async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    await assert.rejects(s.recv(0), InputError);
    await assert.rejects(s.recv(1.5), InputError);
    await assert.rejects(s.recvExactly(-1), InputError);
    await s.close();
    await srv.close();
  });

  test('a peer reset mid-stream delivers the bytes before it, then a typed error', async () => {
    const srv = await rawServer((c) => {
      c.write('partial line without newl');
      setTimeout(() => c.resetAndDestroy(), 50);
    });
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.equal((await s.recv()).toString(), 'partial line without newl');
    await assert.rejects(s.recv(100, { timeout: 2000 }), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_RESET' && e.sysCode === 'ECONNRESET');
    await s.close();
    await srv.close();
  });

  test('reports local and remote addresses', async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.deepEqual(s.remoteAddress, { address: '127.0.0.1', port: srv.port, family: 'IPv4' });
    const local = s.localAddress;
    assert.ok('port' in local && local.port > 0 && local.address === '127.0.0.1');
    assert.equal(s.encrypted, false);
    await s.close();
    await srv.close();
  });

  test('connects over IPv6 loopback', async () => {
    const srv = net.createServer((c) => c.end('v6')).listen(0, '::1');
    await once(srv, 'listening');
    const port = (srv.address() as net.AddressInfo).port;
    const s = await Socket.connect({ host: '::1', port });
    assert.equal((await s.recv()).toString(), 'v6');
    assert.equal('family' in s.remoteAddress && s.remoteAddress.family, 'IPv6');
    await s.close();
    srv.close();
  });

  test('out-of-band data and raw sockets are refused with DIAL_E_UNSUPPORTED', async () => {
    const srv = await rawServer((c) => c.resume());
    const s = await Socket.connect({ host: '127.0.0.1', port: srv.port });
    assert.throws(() => s.sendOOB(), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    assert.throws(() => s.recvOOB(), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    assert.throws(() => rawSocket(), (e: unknown) => e instanceof InputError && /SOCK_RAW/.test(e.message));
    await s.close();
    await srv.close();
  });
});

describe('connecting', () => {
  test('a port or host node:net would reject is an InputError, not a bare RangeError or TypeError', async () => {
    const isInput = (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT';
    // Before: RangeError ERR_SOCKET_BAD_PORT, TypeError ERR_MISSING_ARGS (and protocol clients called them DIAL_E_RESET).
    for (const port of [70000, 0, -1, Number.NaN, 1.5, '70000', ' 25', undefined] as unknown[]) {
      await assert.rejects(Socket.connect({ host: '127.0.0.1', port: port as number, timeout: 1000 }), isInput, String(port));
      await assert.rejects(connectTcp({ host: '127.0.0.1', port: port as number, timeout: 1000 }), isInput, String(port));
    }
    for (const host of ['', 'exa\0mple.com', 'a\nb', undefined] as unknown[]) {
      await assert.rejects(Socket.connect({ host: host as string, port: 80, timeout: 1000 }), isInput, JSON.stringify(host));
    }
    // A decimal string, which node takes and untyped callers pass, still connects.
    const srv = await rawServer((c) => c.end('ok'));
    const s = await Socket.connect({ host: '127.0.0.1', port: String(srv.port) as unknown as number, timeout: 2000 });
    assert.equal((await s.recv(10, { timeout: 2000 })).toString(), 'ok');
    await s.close();
    await srv.close();
  });

  test('a closed port gives ConnectError with the system code and the address tried', async () => {
    const port = await closedPort();
    await assert.rejects(Socket.connect({ host: '127.0.0.1', port }), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.code, 'DIAL_E_CONNECT');
      assert.equal(e.sysCode, 'ECONNREFUSED');
      assert.deepEqual(e.attempts, [{ address: '127.0.0.1', port, error: 'ECONNREFUSED' }]);
      assert.match(e.message, /127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
      return true;
    });
  });

  test('every address is tried in turn and all are named when all fail', async () => {
    const port = await closedPort();
    const lookup = async () => [
      { address: '127.0.0.2', family: 4 as const },
      { address: '127.0.0.3', family: 4 as const },
    ];
    await assert.rejects(Socket.connect({ host: 'twohomes.test', port, lookup }), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.deepEqual(
        e.attempts.map((a) => a.address),
        ['127.0.0.2', '127.0.0.3'],
      );
      return true;
    });
  });

  test('an unresolvable name gives DIAL_E_RESOLVE', async () => {
    const lookup = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.invalid'), { code: 'ENOTFOUND' });
    };
    await assert.rejects(Socket.connect({ host: 'nowhere.invalid', port: 80, lookup }), (e: unknown) => {
      assert.ok(e instanceof ConnectError);
      assert.equal(e.code, 'DIAL_E_RESOLVE');
      assert.equal(e.phase, 'resolve');
      return true;
    });
  });

  test('a lookup that returns nothing is a resolve error too', async () => {
    await assert.rejects(Socket.connect({ host: 'empty.test', port: 80, lookup: async () => [] }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE');
  });

  test('a black-holed address times out within the bound', async () => {
    const bh = await blackhole();
    try {
      const t0 = Date.now();
      await assert.rejects(Socket.connect({ host: bh.host, port: bh.port, timeout: 300 }), TimeoutError);
      assert.ok(Date.now() - t0 < 2000);
    } finally {
      bh.close();
    }
  });

  test('a per-attempt timeout moves on from a black-holed address and names each attempt', async () => {
    const bh = await blackhole();
    try {
      const lookup = async () => [
        { address: '127.0.0.1', family: 4 as const },
        { address: '127.0.0.1', family: 4 as const },
      ];
      await assert.rejects(Socket.connect({ host: 'hole.test', port: bh.port, lookup, attemptTimeout: 100, attemptDelay: 1000 }), (e: unknown) => {
        assert.ok(e instanceof ConnectError);
        assert.equal(e.attempts.length, 2);
        assert.match(e.attempts[0]!.error, /timed out/);
        return true;
      });
    } finally {
      bh.close();
    }
  });

  test('a refused first address hands over to the next at once, without waiting the attempt delay', async () => {
    const srv = await rawServer((c) => c.end('second'));
    const lookup = async () => [
      { address: '127.0.0.2', family: 4 as const },
      { address: '127.0.0.1', family: 4 as const },
    ];
    // The server is bound to 127.0.0.1 only, so 127.0.0.2 refuses on the same port.
    const t0 = Date.now();
    const s = await Socket.connect({ host: 'two.test', port: srv.port, lookup, attemptDelay: 5000 });
    assert.equal((await s.recv()).toString(), 'second');
    assert.ok(Date.now() - t0 < 2000);
    await s.close();
    await srv.close();
  });

  test('Happy Eyeballs starts the next family after the attempt delay', async () => {
    const bh = await blackhole();
    const v6 = net.createServer((c) => c.end('from v6')).listen(bh.port, '::1');
    const ok = await new Promise<boolean>((r) => {
      v6.once('listening', () => r(true));
      v6.once('error', () => r(false));
    });
    try {
      assert.ok(ok, `could not also listen on [::1]:${bh.port}`);
      const lookup = async () => [
        { address: '127.0.0.1', family: 4 as const },
        { address: '::1', family: 6 as const },
      ];
      const t0 = Date.now();
      const s = await Socket.connect({ host: 'dual.test', port: bh.port, lookup, attemptDelay: 100, timeout: 3000 });
      const took = Date.now() - t0;
      assert.equal((await s.recv()).toString(), 'from v6');
      assert.ok(took >= 90 && took < 1500, `took ${took} ms`);
      await s.close();
    } finally {
      v6.close();
      bh.close();
    }
  });

  test('connect is aborted by an AbortSignal, before and during', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(Socket.connect({ host: '127.0.0.1', port: 1, signal: ac.signal }), AbortError);
    const bh = await blackhole();
    try {
      const ac2 = new AbortController();
      setTimeout(() => ac2.abort(), 50);
      await assert.rejects(Socket.connect({ host: bh.host, port: bh.port, signal: ac2.signal }), AbortError);
    } finally {
      bh.close();
    }
  });

  test("'localhost' resolves locally and connects", async () => {
    const srv = await rawServer((c) => c.end('local'));
    const s = await Socket.connect({ host: 'localhost', port: srv.port, family: 4 });
    assert.equal((await s.recv()).toString(), 'local');
    await s.close();
    await srv.close();
  });
});

describe('Unix-domain sockets and the server side', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-unix-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('listen on a path, accept, echo, and report the path', async () => {
    const path = join(dir, 'echo.sock');
    const srv: Server = await listen({ path });
    const served = (async () => {
      const conn = await srv.accept({ timeout: 2000 });
      const data = await conn.recv();
      await conn.send(data);
      await conn.shutdown('write');
      await conn.close();
    })();
    const s = await Socket.connect({ path });
    assert.deepEqual(s.remoteAddress, { path });
    await s.send('over unix');
    assert.equal((await s.recvExactly(9)).toString(), 'over unix');
    assert.equal((await s.recv()).length, 0);
    await s.close();
    await served;
    await srv.close();
  });

  test('a path the system would cut short, an empty one or one with NUL is an InputError; nothing is created', async () => {
    const long = join(dir, 'x'.repeat(200) + '.sock');
    const isBad = (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT';
    // Before: listen bound the path cut to 107 bytes, and connect went there (or gave a misleading ENOENT).
    await assert.rejects(listen({ path: long }), isBad);
    assert.deepEqual(readdirSync(dir).filter((n) => n.startsWith('xxxx')), []);
    await assert.rejects(Socket.connect({ path: long, timeout: 2000 }), (e: unknown) => isBad(e) && /at most 107|at most 103/.test((e as Error).message));
    // Before: an empty path dialled TCP to localhost, and a NUL cut the path there.
    await assert.rejects(Socket.connect({ path: '', timeout: 2000 }), isBad);
    await assert.rejects(Socket.connect({ path: join(dir, 'a\0b'), timeout: 2000 }), isBad);
    // The longest path that fits is used as given.
    const fits = join(dir, 'y'.repeat(MAX_UNIX_PATH - Buffer.byteLength(dir) - 1));
    assert.equal(Buffer.byteLength(fits), MAX_UNIX_PATH);
    const srv = await listen({ path: fits });
    try {
      const s = await Socket.connect({ path: fits, timeout: 2000 });
      await s.close();
    } finally {
      await srv.close();
    }
  });

  test('a missing socket path gives ConnectError with ENOENT', async () => {
    await assert.rejects(Socket.connect({ path: join(dir, 'absent.sock') }), (e: unknown) => e instanceof ConnectError && e.sysCode === 'ENOENT');
  });

  test('the server is an async iterator of connections and ends on close', async () => {
    const srv = await listen({ host: '127.0.0.1', port: 0 });
    assert.ok(srv.port > 0);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const conn of srv) {
        seen.push((await conn.recv()).toString());
        await conn.close();
        if (seen.length === 2) break;
      }
    })();
    for (const word of ['one', 'two']) {
      const c = await Socket.connect({ host: '127.0.0.1', port: srv.port });
      await c.send(word);
      assert.equal((await c.recv(10, { timeout: 2000 })).length, 0);
      await c.close();
    }
    await loop;
    assert.deepEqual(seen, ['one', 'two']);
    await srv.close();
  });

  test('close wakes a pending accept with DIAL_E_CLOSED', async () => {
    const srv = await listen();
    const pending = srv.accept();
    await srv.close();
    await assert.rejects(pending, (e: unknown) => e instanceof DialError && e.code === 'DIAL_E_CLOSED');
    await assert.rejects(srv.accept(), NetworkError);
  });

  test('accept honours its timeout', async () => {
    const srv = await listen();
    await assert.rejects(srv.accept({ timeout: 30 }), TimeoutError);
    await srv.close();
  });

  test('listening on a port in use gives a typed error', async () => {
    const a = await listen();
    await assert.rejects(listen({ port: a.port }), DialError);
    await a.close();
  });
});

describe('reads into a lent buffer (node:net onread)', () => {
  test('a Socket over a lent connection copies each read: recv keeps its bytes while the buffer is reused', async () => {
    const srv = await rawServer((c) => {
      c.write('first');
      setTimeout(() => c.end('second'), 20);
    });
    const lent = new LentReads(16);
    const raw = await connectTcp({ host: '127.0.0.1', port: srv.port, onread: lent.onread });
    const s = new Socket(raw, { lent });
    const a = await s.recv();
    const b = await s.recvExactly(6);
    assert.equal(a.toString(), 'first');
    assert.equal(b.toString(), 'second');
    assert.notEqual(a.buffer, lent.buffer.buffer);
    assert.equal((await s.recv()).length, 0);
    await s.close();
    await srv.close();
  });

  test('reads that arrive before the Socket wraps the connection are kept, in order', async () => {
    const srv = await rawServer((c) => c.write('early bytes'));
    const lent = new LentReads(4);
    const raw = await connectTcp({ host: '127.0.0.1', port: srv.port, onread: lent.onread });
    await until(() => lent.early.length > 0);
    const s = new Socket(raw, { lent });
    assert.equal((await s.recvExactly(11)).toString(), 'early bytes');
    await s.close();
    await srv.close();
  });

  test('detach hands the lent reads over: the new owner sets a sink and gets views into the one buffer', async () => {
    const srv = await rawServer((c) => setTimeout(() => c.end('0123456789'), 30));
    const lent = new LentReads(4);
    const raw = await connectTcp({ host: '127.0.0.1', port: srv.port, onread: lent.onread });
    const s = new Socket(raw, { lent });
    const out = s.detach();
    assert.equal(out.lent, lent);
    const seen: string[] = [];
    let views = 0;
    out.lent!.sink = (view) => {
      if (view.buffer === lent.buffer.buffer) views++;
      seen.push(view.toString());
      return true;
    };
    out.socket.on('error', () => {});
    const ended = once(out.socket, 'end');
    out.socket.resume();
    await ended;
    assert.equal(out.buffered.toString() + seen.join(''), '0123456789');
    assert.equal(views, seen.length);
    out.socket.destroy();
    await srv.close();
  });
});

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not met within 1 s');
}
