/**
 * Download.consume against the in-process fake server: the bytes whole (with
 * and without reuseBuffer, passive and active, ASCII, through a pool), the
 * progress and counts, a sink that pushes back; and every failure typed as
 * iterating types it — a short transfer, a 4xx/5xx after the data, an abort,
 * a silent data connection, the sink throwing, cancel() — with the control
 * connection back in step afterwards. Reading a download two ways is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FtpClient, FtpPool } from '../../../src/protocols/ftp/index.js';
import { AbortError, DialError, ProtocolError, ReplyError, TimeoutError } from '../../../src/errors.js';
import { FakeFtpServer, shortTransfer, silentTransfer, type FakeFtpOptions } from './fake-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const BIG = Buffer.alloc(5 * 1024 * 1024 + 123);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + (i >> 9)) & 0xff;

const servers: FakeFtpServer[] = [];
async function serve(opts: FakeFtpOptions): Promise<FakeFtpServer> {
  const s = await FakeFtpServer.start(opts);
  servers.push(s);
  return s;
}
let srv: FakeFtpServer;
before(async () => {
  srv = await serve({ files: { '/big.bin': BIG, '/text.txt': 'a\r\nb\r\nc', '/empty': Buffer.alloc(0) } });
});
after(async () => {
  for (const s of servers) await s.close();
});
const connect = (s = srv, extra: Partial<Parameters<typeof FtpClient.connect>[0]> = {}) => FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, ...extra });

/** Consumes into copies; resolves with the bytes and consume's count. */
async function consumeAll(dl: { consume(sink: (c: Buffer) => unknown): Promise<number> }): Promise<{ bytes: Buffer; count: number }> {
  const parts: Buffer[] = [];
  const count = await dl.consume((c) => void parts.push(Buffer.from(c)));
  return { bytes: Buffer.concat(parts), count };
}

describe('consume', () => {
  for (const reuseBuffer of [false, true]) {
    test(`the bytes arrive whole, with progress and the final reply${reuseBuffer ? ' (reuseBuffer)' : ''}`, async () => {
      const c = await connect();
      const seen: number[] = [];
      const dl = await c.retrieve('/big.bin', { reuseBuffer, onProgress: (p) => seen.push(p.transferred) });
      const { bytes, count } = await consumeAll(dl);
      assert.ok(bytes.equals(BIG));
      assert.equal(count, BIG.length);
      assert.equal(dl.finalReply?.code, 226);
      assert.equal(seen.at(-1), BIG.length);
      assert.ok(seen.every((v, i) => i === 0 || v > seen[i - 1]!), 'progress only grows');
      assert.equal((await c.noop()).code, 200);
      await c.quit();
    });
  }

  test('an empty file, and a file read after its bytes and end arrived', async () => {
    const c = await connect();
    assert.equal((await consumeAll(await c.retrieve('/empty'))).count, 0);
    const dl = await c.retrieve('/text.txt', { reuseBuffer: true });
    await sleep(150);
    assert.equal((await consumeAll(dl)).bytes.toString(), 'a\r\nb\r\nc');
    await c.quit();
  });

  test('ASCII: CRLF becomes LF, and consume counts the bytes it gave', async () => {
    const c = await connect();
    const { bytes, count } = await consumeAll(await c.retrieve('/text.txt', { ascii: true }));
    assert.equal(bytes.toString(), 'a\nb\nc');
    assert.equal(count, 5);
    await c.quit();
  });

  test('active mode: the bytes arrive whole', async () => {
    const c = await connect(srv, { activeMode: true });
    assert.ok((await consumeAll(await c.retrieve('/big.bin'))).bytes.equals(BIG));
    await c.quit();
  });

  test("a sink that returns promises is not called again before each settles; the bytes arrive whole", async () => {
    const c = await connect();
    let busy = false;
    let overlap = false;
    let n = 0;
    let ok = true;
    const count = await (await c.retrieve('/big.bin', { reuseBuffer: true })).consume((chunk) => {
      if (busy) overlap = true;
      busy = true;
      const at = n;
      n += chunk.length;
      return sleep(1).then(() => {
        if (!chunk.equals(BIG.subarray(at, at + chunk.length))) ok = false;
        busy = false;
      });
    });
    assert.equal(count, BIG.length);
    assert.ok(!overlap && ok);
    await c.quit();
  });

  test('through a pool: the session goes back once the consume is over', async () => {
    const pool = new FtpPool({ host: '127.0.0.1', port: srv.port, size: 1, timeout: 5000 });
    try {
      assert.ok((await consumeAll(await pool.retrieve('/big.bin'))).bytes.equals(BIG));
      assert.equal((await consumeAll(await pool.retrieve('/text.txt'))).bytes.toString(), 'a\r\nb\r\nc');
      const dl = await pool.retrieve('/text.txt');
      for await (const _ of dl);
      await assert.rejects(dl.consume(() => {}), ProtocolError);
    } finally {
      await pool.close();
    }
  });

  test('a download is read one way only: consume after iterating, iterating after consume, consume twice', async () => {
    const c = await connect();
    const a = await c.retrieve('/text.txt');
    for await (const _ of a);
    await assert.rejects(a.consume(() => {}), ProtocolError);
    const b = await c.retrieve('/text.txt');
    await consumeAll(b);
    assert.throws(() => b[Symbol.asyncIterator](), ProtocolError);
    await assert.rejects(b.consume(() => {}), ProtocolError);
    const d = await c.retrieve('/text.txt');
    await d.cancel();
    await assert.rejects(d.consume(() => {}), ProtocolError);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('what the sink throws rejects consume as it is; ABOR is sent and the connection stays usable', async () => {
    const c = await connect();
    const boom = new Error('disk full');
    const before = srv.commands.filter((x) => x === 'ABOR').length;
    await assert.rejects(
      (await c.retrieve('/big.bin', { reuseBuffer: true })).consume(() => {
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    assert.equal(srv.commands.filter((x) => x === 'ABOR').length, before + 1);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('the signal mid-transfer: AbortError, ABOR sent, connection usable', async () => {
    const c = await connect();
    const ac = new AbortController();
    const dl = await c.retrieve('/big.bin', { signal: ac.signal });
    await assert.rejects(
      dl.consume(() => ac.abort()),
      (e: unknown) => e instanceof AbortError,
    );
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('cancel() during a consume: the consume rejects with an AbortError, cancel resolves, the connection is usable', async () => {
    const c = await connect();
    const dl = await c.retrieve('/big.bin');
    let cancelling: Promise<void> | undefined;
    const reading = dl.consume(() => {
      cancelling ??= dl.cancel();
      return sleep(1);
    });
    await assert.rejects(reading, AbortError);
    await cancelling;
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });
});

describe('consume against a misbehaving server', () => {
  test('data closed early (150 announced 1000 bytes, 100 sent, then 226) → ProtocolError, not a short file', async () => {
    const s = await serve({
      hooks: {
        RETR: shortTransfer,
      },
    });
    const c = await connect(s);
    await assert.rejects((await c.retrieve('/f')).consume(() => {}), (e: unknown) => e instanceof ProtocolError && /100 of 1000/.test(e.message));
    assert.equal((await c.noop()).code, 200, 'control connection still in step');
    await c.quit();
  });

  for (const code of [426, 451, 550]) {
    test(`every byte, then a ${code} final reply → ReplyError ${code}, the connection in step`, async () => {
      const s = await serve({
        hooks: {
          RETR: async (_a, x) => {
            x.reply(150, 'Opening.');
            const d = await x.data();
            d.end(Buffer.alloc(5000, 1));
            await once(d, 'close');
            x.reply(code, 'Transfer failed.');
            return true;
          },
        },
      });
      const c = await connect(s);
      let n = 0;
      await assert.rejects(
        (await c.retrieve('/f')).consume((b) => void (n += b.length)),
        (e: unknown) => e instanceof ReplyError && e.reply?.code === code,
      );
      assert.equal(n, 5000);
      assert.ok(!s.commands.includes('ABOR'), 'the final reply was read: no ABOR needed');
      assert.equal((await c.noop()).code, 200);
      await c.quit();
    });
  }

  test('the data connection reset mid-transfer (then 426) → a typed error, the connection in step', async () => {
    const s = await serve({
      hooks: {
        RETR: async (_a, x) => {
          x.reply(150, 'Opening.');
          const d = await x.data();
          d.write(Buffer.alloc(10));
          await sleep(20);
          d.resetAndDestroy();
          x.reply(426, 'Connection closed; transfer aborted.');
          return true;
        },
      },
    });
    const c = await connect(s);
    await assert.rejects((await c.retrieve('/f')).consume(() => {}), DialError);
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('a data connection that goes silent → TimeoutError within dataTimeout, ABOR, the connection in step', async () => {
    const s = await serve({
      hooks: {
        RETR: silentTransfer,
        ABOR: (_a, x) => {
          x.reply(426, 'Transfer aborted.');
          x.reply(226, 'ABOR ok.');
          return true;
        },
      },
    });
    const c = await connect(s, { dataTimeout: 200 });
    const t0 = Date.now();
    await assert.rejects((await c.retrieve('/f')).consume(() => {}), TimeoutError);
    assert.ok(Date.now() - t0 < 3000);
    assert.ok(s.commands.includes('ABOR'));
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });
});

test('cancel() while an iterator waits on a silent data connection: the wait ends with an AbortError, not the idle timeout', async () => {
  const s = await serve({
    hooks: { RETR: silentTransfer },
  });
  for (const reuseBuffer of [false, true]) {
    const c = await connect(s, { dataTimeout: 30_000 });
    const dl = await c.retrieve('/f', { reuseBuffer });
    const it = dl[Symbol.asyncIterator]();
    assert.equal((await it.next()).value!.length, 10);
    const waiting = it.next();
    waiting.catch(() => {});
    await sleep(20);
    // Before the fix cancel() queued behind the pending read until dataTimeout (30 s here) ended it with a TimeoutError.
    const watchdog = new Promise((_, reject) => setTimeout(() => reject(new Error('cancel() waited for the data idle timeout')), 5_000).unref());
    await Promise.race([dl.cancel(), watchdog]);
    await assert.rejects(waiting, AbortError);
    assert.ok(s.commands.includes('ABOR'));
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  }
});

test('the signal aborts a download still waiting for its RETR reply: AbortError at once, and the session is not left out of step', async () => {
  const s = await serve({
    files: { '/f': 'late' },
    hooks: {
      RETR: async () => {
        await sleep(3_000);
        return false;
      },
    },
  });
  const c = await connect(s, { timeout: 20_000 });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  // Before the fix the abort was seen only once the 150 came (3 s here, up to the control timeout).
  const watchdog = new Promise((_, reject) => setTimeout(() => reject(new Error('the abort waited for the RETR reply')), 2_000).unref());
  await assert.rejects(Promise.race([c.retrieve('/f', { signal: ac.signal }), watchdog]), AbortError);
  // The 150 that comes later must not be read as the answer to the next command: the session is closed.
  assert.equal(c.usable, false);
  await c.close();
});
