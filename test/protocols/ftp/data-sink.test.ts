/**
 * sinkAll, the synchronous reader under Download.consume, over each feed
 * ('data' events, reads copied out of a read buffer, lent buffers) against an
 * in-process loopback server: the bytes arrive whole and in order (what was
 * queued before first), a sink's promise holds reading back and its chunk
 * intact, and every way a read ends (close, empty, idle, abort, reset, the
 * sink throwing or rejecting) is typed and leaves no listener behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dial, FEED_KINDS, feedOf, listeners, serve } from './data-peer.js';
import { AbortError, DialError, TimeoutError } from '../../../src/errors.js';
import { LentFeed, QueueFeed } from '../../../src/protocols/ftp/data-read.js';
import { sinkAll } from '../../../src/protocols/ftp/data-sink.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + (i >> 12)) & 0xff;
  return b;
}

for (const kind of FEED_KINDS) {
  const feed = () => feedOf(kind);

  test(`${kind}: every byte reaches the sink in order, the read ends at the server's close and leaves its listeners off`, async () => {
    const body = pattern(3 * 1024 * 1024 + 17);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    const before = listeners(s);
    const parts: Buffer[] = [];
    await sinkAll(s, f, 5000, undefined, (c) => void parts.push(Buffer.from(c)));
    assert.ok(Buffer.concat(parts).equals(body));
    assert.ok(s.destroyed, 'the half-open socket is closed at the end');
    assert.deepEqual(listeners(s), before);
  });

  test(`${kind}: what arrived before the read began goes first, then the rest`, async () => {
    const head = pattern(1000);
    const tail = pattern(300_000).reverse();
    let more!: () => void;
    const later = new Promise<void>((r) => (more = r));
    const port = await serve(async (s) => {
      s.write(head);
      await later;
      s.end(tail);
    });
    const f = feed();
    const s = await dial(port, f);
    await sleep(100);
    const parts: Buffer[] = [];
    const done = sinkAll(s, f, 5000, undefined, (c) => void parts.push(Buffer.from(c)));
    more();
    await done;
    assert.ok(Buffer.concat(parts).equals(Buffer.concat([head, tail])));
  });

  test(`${kind}: an empty transfer ends the read; so does one that ended before it began`, async () => {
    for (const wait of [0, 100]) {
      const port = await serve((s) => void s.end());
      const f = feed();
      const s = await dial(port, f);
      await sleep(wait);
      let n = 0;
      await sinkAll(s, f, 2000, undefined, (c) => void (n += c.length));
      assert.equal(n, 0);
    }
  });

  test(`${kind}: a connection idle past the bound is a TimeoutError`, async () => {
    const port = await serve((s) => void s.write('x'));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    await assert.rejects(sinkAll(s, f, 150, undefined, (c) => void (got += c.length)), TimeoutError);
    assert.equal(got, 1);
    assert.ok(s.destroyed);
  });

  test(`${kind}: a sink whose promise takes longer than the idle bound is not a timeout; the bound counts only waits for the server`, async () => {
    const body = pattern(2 * 1024 * 1024);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    const parts: Buffer[] = [];
    // Before the fix the hold (ours) read as the server's silence: TimeoutError after the first chunk.
    // The bound is wide enough that a loaded machine's pause between two server writes never reaches it; the hold is wider still.
    await sinkAll(s, f, 1000, undefined, (c) => {
      parts.push(Buffer.from(c));
      return parts.length === 1 ? sleep(2500) : undefined;
    });
    assert.ok(Buffer.concat(parts).equals(body));
  });

  test(`${kind}: after a long hold by the sink, a server silent for the bound is still a TimeoutError`, async () => {
    const port = await serve((s) => void s.write('x'));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    await assert.rejects(
      sinkAll(s, f, 150, undefined, (c) => {
        got += c.length;
        return sleep(400);
      }),
      TimeoutError,
    );
    assert.equal(got, 1);
    assert.ok(s.destroyed);
  });

  test(`${kind}: a signal aborted before the read begins is an AbortError, not the whole transfer`, async () => {
    const port = await serve((s) => void s.end(pattern(1024 * 1024)));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    // Before the fix the listener added to an already-aborted signal never fired: every byte was read.
    await assert.rejects(sinkAll(s, f, 5000, AbortSignal.abort(), (c) => void (got += c.length)), AbortError);
    assert.ok(got < 1024 * 1024, `read ${got} bytes`);
    assert.ok(s.destroyed);
  });

  test(`${kind}: the signal aborts a read in progress (AbortError) and destroys the socket`, async () => {
    const port = await serve((s) => void s.write('hello'));
    const f = feed();
    const s = await dial(port, f);
    const ac = new AbortController();
    const before = listeners(s);
    await assert.rejects(sinkAll(s, f, 5000, ac.signal, () => ac.abort()), AbortError);
    assert.ok(s.destroyed);
    assert.deepEqual(listeners(s), before);
  });

  test(`${kind}: a reset mid-transfer is a DialError, not a short file`, async () => {
    const port = await serve(async (s) => {
      s.write(pattern(1000));
      await sleep(30);
      s.resetAndDestroy();
    });
    const f = feed();
    const s = await dial(port, f);
    await assert.rejects(sinkAll(s, f, 5000, undefined, () => {}), (e: unknown) => e instanceof DialError && /data connection broke/.test(e.message));
  });

  test(`${kind}: what the sink throws rejects the read as it is, and the socket is destroyed`, async () => {
    const port = await serve((s) => void s.write(pattern(200_000)));
    const f = feed();
    const s = await dial(port, f);
    const before = listeners(s);
    const boom = new Error('disk full');
    let calls = 0;
    await assert.rejects(
      sinkAll(s, f, 5000, undefined, () => {
        calls++;
        throw boom;
      }),
      (e: unknown) => e === boom,
    );
    assert.equal(calls, 1, 'the sink is not called after it threw');
    assert.ok(s.destroyed);
    assert.deepEqual(listeners(s), before);
  });

  test(`${kind}: a sink's rejected promise rejects the read as it is`, async () => {
    const port = await serve((s) => void s.write(pattern(200_000)));
    const f = feed();
    const s = await dial(port, f);
    const boom = new Error('write failed');
    await assert.rejects(
      sinkAll(s, f, 5000, undefined, () => sleep(10).then(() => Promise.reject(boom))),
      (e: unknown) => e === boom,
    );
    assert.ok(s.destroyed);
  });

  test(`${kind}: a sink's promise holds reading back, its chunk stays intact until it settles, and the bytes arrive whole`, async () => {
    const body = pattern(4 * 1024 * 1024);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    let n = 0;
    let intact = true;
    let maxAhead = 0;
    let pending = 0;
    await sinkAll(s, f, 5000, undefined, (c) => {
      // Every few chunks: an asynchronous write that checks the chunk's bytes when it completes.
      const at = n;
      n += c.length;
      if (pending++ % 4 !== 0) {
        if (!c.equals(body.subarray(at, n))) intact = false;
        return undefined;
      }
      return sleep(2).then(() => {
        if (!c.equals(body.subarray(at, at + c.length))) intact = false;
        maxAhead = Math.max(maxAhead, s.bytesRead - n);
      });
    });
    assert.equal(n, body.length);
    assert.ok(intact, 'no chunk changed while its promise was pending');
    assert.ok(maxAhead < body.length, `read ${maxAhead} bytes ahead of the sink`);
  });

  test(`${kind}: nothing more is read while the sink's promise is pending`, async () => {
    const body = pattern(16 * 1024 * 1024);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    let n = 0;
    let first = true;
    let ahead = -1;
    await sinkAll(s, f, 5000, undefined, (c) => {
      n += c.length;
      if (!first) return undefined;
      first = false;
      return sleep(300).then(() => void (ahead = s.bytesRead - n));
    });
    assert.equal(n, body.length);
    // Without the hold the whole 16 MiB would have been read in 300 ms on loopback.
    assert.ok(ahead >= 0 && ahead < 2 * 1024 * 1024, `read ${ahead} bytes ahead of the sink while it was busy`);
  });
}

test('lent: over TCP every chunk is a view of one buffer, and a consume allocates none per read', async () => {
  const body = pattern(2 * 1024 * 1024);
  // Sent once the read has begun, so no read is queued (and copied) before the sink is set.
  const port = await serve(async (s) => {
    await sleep(100);
    s.end(body);
  });
  const f = new LentFeed();
  const s = await dial(port, f);
  const buffers = new Set<ArrayBufferLike>();
  let n = 0;
  let ok = true;
  await sinkAll(s, f, 5000, undefined, (c) => {
    buffers.add(c.buffer);
    if (!c.equals(body.subarray(n, n + c.length))) ok = false;
    n += c.length;
  });
  assert.equal(n, body.length);
  assert.ok(ok);
  assert.equal(buffers.size, 1);
});

test('copy: with a synchronous sink the reads are views of the read buffer, not copies', async () => {
  const body = pattern(2 * 1024 * 1024);
  // Sent once the read has begun, so no read is queued (and copied) before the sink is set.
  const port = await serve(async (s) => {
    await sleep(100);
    s.end(body);
  });
  const f = new QueueFeed(undefined, true);
  const s = await dial(port, f);
  let chunks = 0;
  const buffers = new Set<ArrayBufferLike>();
  await sinkAll(s, f, 5000, undefined, (c) => {
    chunks++;
    buffers.add(c.buffer);
  });
  assert.ok(chunks > 2);
  assert.equal(buffers.size, 1, `${buffers.size} buffers for ${chunks} chunks`);
});
