/**
 * Hostile peers against LineClient over real loopback TCP: each must end in
 * its typed error within its bound, with no hang, no unhandled rejection, and
 * (for fatal errors) the connection closed, which the peer observes.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { LimitError, NetworkError, ProtocolError, TimeoutError, type DialError } from '../../src/errors.js';
import { LineClient } from '../../src/line/client.js';
import { Socket } from '../../src/socket/socket.js';
import type { ByteStream } from '../../src/socket/types.js';
import type { WaitOptions } from '../../src/util/guard.js';
import { makeTestPKI } from '../interop/ca.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
/** Every peer started, so a failed test cannot leave one listening and keep the process alive. */
const peers: Peer[] = [];
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(peers.map((p) => p.close()));
});

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Peer {
  port: number;
  /** Resolves when the first connection's client side has gone (FIN, RST or close). */
  clientGone: Promise<void>;
  close(): Promise<void>;
}

/** A loopback server whose behaviour per connection the test scripts with raw node:net. */
async function peer(onConn: (c: net.Socket) => void): Promise<Peer> {
  const conns = new Set<net.Socket>();
  let gone!: () => void;
  const clientGone = new Promise<void>((r) => (gone = r));
  const srv = net.createServer({ allowHalfOpen: true }, (c) => {
    conns.add(c);
    c.on('error', () => gone());
    c.on('end', () => gone());
    c.on('close', () => {
      conns.delete(c);
      gone();
    });
    // The peer reads (and drops) what the client sends, so 'end' is seen.
    c.on('data', () => {});
    onConn(c);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  let closing: Promise<void> | undefined;
  const p: Peer = {
    port: (srv.address() as net.AddressInfo).port,
    clientGone,
    close: () => {
      for (const c of conns) c.destroy();
      closing ??= new Promise((r) => srv.close(() => r()));
      return closing;
    },
  };
  peers.push(p);
  return p;
}

/** Rejects if `p` does not settle within `ms`: the test's own guard against a hang. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t!: NodeJS.Timeout;
  const limit = new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(t));
}

/** Counts what the client takes from the socket, to show memory stays bounded. */
class Counting implements ByteStream {
  total = 0;
  largestAsk = 0;
  constructor(readonly inner: Socket) {}
  async recv(max?: number, options?: WaitOptions): Promise<Buffer> {
    this.largestAsk = Math.max(this.largestAsk, max ?? 65536);
    const b = await this.inner.recv(max, options);
    this.total += b.length;
    return b;
  }
  send(d: Uint8Array | string, o?: WaitOptions) {
    return this.inner.send(d, o);
  }
  shutdown(how: 'read' | 'write' | 'both') {
    return this.inner.shutdown(how);
  }
  close() {
    return this.inner.close();
  }
}

async function connect(p: Peer, options: ConstructorParameters<typeof LineClient>[1] = {}): Promise<{ client: LineClient; sock: Socket }> {
  const sock = await Socket.connect({ host: '127.0.0.1', port: p.port, timeout: 2000 });
  return { client: new LineClient(sock, { timeout: 3000, ...options }), sock };
}

/**
 * What a reset peer looks like to a reader. Linux usually reports the RST
 * (ECONNRESET), but a read racing it can return end of stream instead (seen
 * under load with both Node and Python peers), and the line layer then reports
 * the line or block cut short. Either way the error is typed and fatal.
 */
const isResetOrCut = (e: unknown): boolean =>
  (e instanceof NetworkError && e.code === 'DIAL_E_RESET' && e.sysCode === 'ECONNRESET') ||
  (e instanceof ProtocolError && /closed (in the middle of a line|before the end of a dot block)/.test(e.message));

/** The fatal error sticks: every later call throws it, and the socket is closed. */
async function assertDead(client: LineClient, sock: Socket, p: Peer, err: unknown): Promise<void> {
  assert.equal(client.error, err);
  await assert.rejects(client.readLine(), (e: unknown) => e === err);
  await assert.rejects(client.writeLine('QUIT'), (e: unknown) => e === err);
  await assert.rejects(sock.send('x'), NetworkError, 'the socket itself is closed');
  await within(p.clientGone, 3000, 'the peer seeing the close');
}

describe('hostile line peers over loopback TCP', () => {
  test('peer resets in the middle of a line: NetworkError DIAL_E_RESET (or the line cut short), fatal', async () => {
    const p = await peer((c) => {
      c.write('220 half a gree');
      setTimeout(() => c.resetAndDestroy(), 50);
    });
    const { client, sock } = await connect(p);
    let err: unknown;
    await within(
      assert.rejects(client.readReply(), (e: unknown) => {
        err = e;
        return isResetOrCut(e);
      }),
      5000,
      'readReply',
    );
    assert.equal(client.error, err);
    await assert.rejects(client.readLine(), (e: unknown) => e === err);
    await assert.rejects(sock.send('x'), NetworkError);
    await p.close();
  });

  test('a 10 MB line with no newline: LimitError, having taken only a bounded amount from the socket', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 0x41);
    const p = await peer((c) => {
      c.write(big);
    });
    const sock = await Socket.connect({ host: '127.0.0.1', port: p.port, timeout: 2000 });
    const counting = new Counting(sock);
    const client = new LineClient(counting, { maxLine: 8192, timeout: 5000 });
    let err: unknown;
    await within(
      assert.rejects(client.readLine(), (e: unknown) => {
        err = e;
        return e instanceof LimitError && e.limit === 8192;
      }),
      8000,
      'readLine',
    );
    assert.ok(counting.total <= 8192 + 2 + 4096 + 65536, `the client took ${counting.total} bytes`);
    assert.ok(counting.largestAsk <= 65536);
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('a reply with a bad code: ProtocolError, fatal, socket closed', async () => {
    const p = await peer((c) => c.write('2x0 hello\r\n'));
    const { client, sock } = await connect(p);
    let err: unknown;
    await within(
      assert.rejects(client.readReply(), (e: unknown) => {
        err = e;
        return e instanceof ProtocolError && e.code === 'DIAL_E_PROTOCOL';
      }),
      5000,
      'readReply',
    );
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('binary garbage instead of a greeting: ProtocolError', async () => {
    const p = await peer((c) => c.write(Buffer.from([0x16, 0x03, 0x01, 0x00, 0x0a, 0x0d, 0x0a])));
    const { client, sock } = await connect(p);
    let err: unknown;
    await within(assert.rejects(client.readReply(), (e: unknown) => ((err = e), e instanceof ProtocolError)), 5000, 'readReply');
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('a multi-line reply that never ends, sent fast: LimitError at maxReplyLines', async () => {
    let stop = false;
    const p = await peer((c) => {
      c.write('250-start\r\n');
      let n = 0;
      const pump = () => {
        // Bounded: at most 20000 lines, in batches so the client (same process) gets to run.
        for (let batch = 0; batch < 200 && !stop && !c.destroyed && n < 20000; batch++) {
          n++;
          if (!c.write(`250-line ${n}\r\n`)) return void c.once('drain', pump);
        }
        if (!stop && !c.destroyed && n < 20000) setImmediate(pump);
      };
      c.on('error', () => (stop = true));
      pump();
    });
    const { client, sock } = await connect(p, { maxReplyLines: 100 });
    let err: unknown;
    await within(
      assert.rejects(client.readReply(), (e: unknown) => ((err = e), e instanceof LimitError && e.limit === 100)),
      5000,
      'readReply',
    );
    await assertDead(client, sock, p, err);
    stop = true;
    await p.close();
  });

  test('a multi-line reply that never ends, dripped slowly: TimeoutError within the bound', async () => {
    let stop = false;
    const p = await peer(async (c) => {
      c.write('250-start\r\n');
      for (let i = 0; i < 200 && !stop && !c.destroyed; i++) {
        await sleep(20);
        c.write(`250-more ${i}\r\n`);
      }
    });
    const { client } = await connect(p);
    const t0 = Date.now();
    await within(assert.rejects(client.readReply({ timeout: 300 }), (e: unknown) => e instanceof TimeoutError && e.timeout === 300), 3000, 'readReply');
    const took = Date.now() - t0;
    assert.ok(took >= 250 && took < 1500, `took ${took} ms`);
    // A read timeout is not fatal (the caller may wait longer); the caller ends it.
    assert.equal(client.error, undefined);
    stop = true;
    await client.close();
    await within(p.clientGone, 3000, 'the peer seeing the close');
    await p.close();
  });

  test('slowloris: a line dripped a byte at a time cannot hold a read past its timeout', async () => {
    let stop = false;
    const p = await peer(async (c) => {
      for (let i = 0; i < 300 && !stop && !c.destroyed; i++) {
        c.write('x');
        await sleep(10);
      }
    });
    const { client } = await connect(p);
    const t0 = Date.now();
    await within(assert.rejects(client.readLine({ timeout: 200 }), TimeoutError), 3000, 'readLine');
    assert.ok(Date.now() - t0 < 1200);
    stop = true;
    await client.close();
    await p.close();
  });

  test('a dot block that ends without the dot line: ProtocolError, fatal', async () => {
    const p = await peer((c) => c.end('+OK message follows\r\nSubject: x\r\n\r\nbody\r\n'));
    const { client, sock } = await connect(p);
    assert.equal(await client.readLine(), '+OK message follows');
    const got: string[] = [];
    let err: unknown;
    await within(
      assert.rejects(
        (async () => {
          for await (const l of client.readDotBlock()) got.push(l);
        })(),
        (e: unknown) => ((err = e), e instanceof ProtocolError),
      ),
      5000,
      'readDotBlock',
    );
    assert.deepEqual(got, ['Subject: x', '', 'body']);
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('a peer reset in the middle of a dot block: DIAL_E_RESET (or the block cut short), fatal', async () => {
    const p = await peer((c) => {
      c.write('line 1\r\nline 2\r\n');
      setTimeout(() => c.resetAndDestroy(), 50);
    });
    const { client, sock } = await connect(p);
    let err: unknown;
    await within(
      assert.rejects(
        (async () => {
          for await (const l of client.readDotBlock()) void l;
        })(),
        (e: unknown) => ((err = e), isResetOrCut(e)),
      ),
      5000,
      'readDotBlock',
    );
    assert.equal(client.error, err);
    await assert.rejects(sock.send('x'), NetworkError);
    await p.close();
  });

  test('the peer closes at once: ProtocolError "before a reply"', async () => {
    const p = await peer((c) => c.end());
    const { client, sock } = await connect(p);
    let err: unknown;
    await within(assert.rejects(client.readReply(), (e: unknown) => ((err = e), e instanceof ProtocolError && /before a reply/.test(e.message))), 5000, 'readReply');
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('the peer half-closes in the middle of a multi-line reply: ProtocolError "in the middle of a reply"', async () => {
    const p = await peer((c) => c.end('250-one\r\n250-two\r\n'));
    const { client } = await connect(p);
    await within(assert.rejects(client.readReply(), (e: unknown) => e instanceof ProtocolError && /middle of a reply/.test(e.message)), 5000, 'readReply');
    await p.close();
  });

  test("a bare LF where a strict ('crlf') client needs CRLF: ProtocolError", async () => {
    const p = await peer((c) => c.write('250 ok\n.\n'));
    const { client } = await connect(p, { eol: 'crlf' });
    await within(assert.rejects(client.readReply(), ProtocolError), 5000, 'readReply');
    await p.close();
  });

  test('a silent peer: TimeoutError, not fatal, and a late greeting is still read', async () => {
    const p = await peer((c) => setTimeout(() => !c.destroyed && c.write('220 sorry I am late\r\n'), 200));
    const { client } = await connect(p);
    await within(assert.rejects(client.readReply({ timeout: 50 }), TimeoutError), 3000, 'readReply');
    assert.equal((await within(client.readReply({ timeout: 3000 }), 4000, 'second readReply')).text, 'sorry I am late');
    await client.close();
    await p.close();
  });

  test("the socket's own default timeout (setTimeout) does not wedge the client", async () => {
    const p = await peer((c) => setTimeout(() => !c.destroyed && c.write('220 late\r\n'), 150));
    const { client, sock } = await connect(p);
    sock.setTimeout(40);
    await within(assert.rejects(client.readReply(), TimeoutError), 3000, 'readReply');
    sock.setTimeout(0);
    assert.equal((await within(client.readReply(), 4000, 'second readReply')).code, 220);
    await client.close();
    await p.close();
  });

  test('STARTTLS control case: a clean go-ahead upgrades over loopback and the conversation goes on encrypted', async () => {
    const pki = makeTestPKI();
    try {
      const p = await peer((c) => {
        c.write('220 ESMTP ready\r\n');
        c.removeAllListeners('data');
        c.once('data', (d) => {
          assert.equal(d.toString(), 'STARTTLS\r\n');
          c.write('220 Go ahead\r\n', () => {
            const t = new tls.TLSSocket(c, { isServer: true, key: pki.server.key, cert: pki.server.cert });
            t.on('error', () => {});
            t.once('data', (q) => t.end(`221 over TLS you said ${q.toString().trim()}\r\n`));
          });
        });
      });
      const { client, sock } = await connect(p);
      assert.equal((await client.readReply({ expect: 220 })).text, 'ESMTP ready');
      await client.command('STARTTLS', { expect: 220 });
      await within(client.startTLS({ ca: pki.ca.cert, servername: 'localhost' }, { timeout: 10000 }), 15000, 'startTLS');
      assert.equal(sock.encrypted, true);
      assert.equal((await client.command('QUIT', { expect: 221 })).text, 'over TLS you said QUIT');
      await client.close();
      await p.close();
    } finally {
      pki.cleanup();
    }
  });

  test('STARTTLS: plaintext injected in the same segment as the go-ahead is refused (DIAL_E_INJECTION)', async () => {
    const p = await peer((c) => {
      c.once('data', () => c.write('220 Go ahead\r\n250 injected-before-tls\r\n'));
    });
    const { client, sock } = await connect(p);
    const r = await within(client.command('STARTTLS', { expect: 220 }), 5000, 'command');
    assert.equal(r.code, 220);
    let err: unknown;
    await assert.rejects(client.startTLS({}), (e: unknown) => ((err = e), e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION'));
    await assertDead(client, sock, p, err);
    await p.close();
  });

  test('STARTTLS: plaintext injected in a later segment, still unread in the socket, is refused too', async () => {
    const p = await peer((c) => {
      c.once('data', () => {
        c.write('220 Go ahead\r\n');
        setTimeout(() => !c.destroyed && c.write('250 injected\r\n'), 30);
      });
    });
    const { client, sock } = await connect(p);
    await within(client.command('STARTTLS', { expect: 220 }), 5000, 'command');
    // Let the second segment reach the socket's own queue, beyond the line layer's buffer.
    for (let i = 0; i < 100 && sock.bufferedLength === 0; i++) await sleep(10);
    assert.equal(client.bufferedLength, 0);
    assert.ok(sock.bufferedLength > 0);
    await assert.rejects(client.startTLS({}), (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION');
    assert.ok(client.error);
    await within(p.clientGone, 3000, 'the peer seeing the close');
    await p.close();
  });

  test('a peer that stops reading while a large dot block is written: TimeoutError, fatal, socket closed', async () => {
    const p = await peer((c) => {
      c.removeAllListeners('data');
      c.pause();
    });
    const { client, sock } = await connect(p);
    // 64 KiB chunks fill the loopback buffers (a few MiB) in a few dozen sends, even on a loaded machine.
    const chunk = ('x'.repeat(1023) + '\n').repeat(64);
    function* body() {
      // Bounded: 256 MiB is far past what loopback buffers hold.
      for (let i = 0; i < 4096; i++) yield chunk;
    }
    let err: unknown;
    await within(assert.rejects(client.writeDotBlock(body(), { timeout: 300 }), (e: unknown) => ((err = e), e instanceof TimeoutError)), 15000, 'writeDotBlock');
    assert.equal(client.error, err);
    await assert.rejects(sock.send('x'), NetworkError);
    await p.close();
  });

  test('a peer that resets while a dot block is written: DIAL_E_RESET, fatal', async () => {
    const p = await peer((c) => {
      c.once('data', () => c.resetAndDestroy());
    });
    const { client } = await connect(p);
    async function* body() {
      // Bounded: gives the reset time to arrive, then keeps writing until the send fails.
      for (let i = 0; i < 2000; i++) {
        yield 'data line\r\n';
        await sleep(2);
      }
    }
    await within(assert.rejects(client.writeDotBlock(body()), (e: unknown) => (e as DialError).code === 'DIAL_E_RESET'), 8000, 'writeDotBlock');
    assert.ok(client.error);
    await p.close();
  });
});

test('no unhandled rejection escaped any hostile case', async () => {
  await sleep(50);
  assert.deepEqual(unhandled, []);
});
