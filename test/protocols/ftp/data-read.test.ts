/**
 * The data connection's read loop over each feed ('data' events, reads
 * copied out of a read buffer, lent buffers), against an in-process loopback
 * server: the bytes arrive whole, the queue pushes back, the lent buffers are
 * reused, and every way a read ends (close, empty, idle, abort, reset, early
 * break) leaves no listener behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dial, FEED_KINDS, feedOf, listeners, serve } from './data-peer.js';
import { AbortError, DialError, TimeoutError } from '../../../src/errors.js';
import { LentFeed, QueueFeed, readAll } from '../../../src/protocols/ftp/data-read.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7) & 0xff;
  return b;
}

for (const kind of FEED_KINDS) {
  const feed = () => feedOf(kind);

  test(`${kind}: every byte arrives in order, the loop ends at the server's close and leaves its listeners off`, async () => {
    const body = pattern(3 * 1024 * 1024 + 17);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    const before = listeners(s);
    const parts: Buffer[] = [];
    for await (const chunk of readAll(s, f, 5000, undefined)) parts.push(Buffer.from(chunk));
    assert.ok(Buffer.concat(parts).equals(body));
    assert.ok(s.destroyed, 'the half-open socket is closed at the end');
    assert.deepEqual(listeners(s), before);
  });

  test(`${kind}: an empty transfer (the server closes at once) ends the loop`, async () => {
    const port = await serve((s) => void s.end());
    const f = feed();
    const s = await dial(port, f);
    let n = 0;
    for await (const c of readAll(s, f, 2000, undefined)) n += c.length;
    assert.equal(n, 0);
  });

  test(`${kind}: a connection idle past the bound is a TimeoutError`, async () => {
    const port = await serve((s) => void s.write('x'));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    await assert.rejects(async () => {
      for await (const c of readAll(s, f, 150, undefined)) got += c.length;
    }, TimeoutError);
    assert.equal(got, 1);
  });

  test(`${kind}: a consumer that holds a chunk longer than the idle bound is not a timeout; the bound counts only waits for the server`, async () => {
    const body = pattern(2 * 1024 * 1024);
    const port = await serve((s) => void s.end(body));
    const f = feed();
    const s = await dial(port, f);
    const parts: Buffer[] = [];
    // Before the fix the pause (ours) read as the server's silence: TimeoutError after the first chunk.
    for await (const chunk of readAll(s, f, 150, undefined)) {
      parts.push(Buffer.from(chunk));
      if (parts.length === 1) await sleep(450);
    }
    assert.ok(Buffer.concat(parts).equals(body));
  });

  test(`${kind}: after a long hold, a server silent for the bound is still a TimeoutError`, async () => {
    const port = await serve((s) => void s.write('x'));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    await assert.rejects(async () => {
      for await (const c of readAll(s, f, 150, undefined)) {
        got += c.length;
        await sleep(400);
      }
    }, TimeoutError);
    assert.equal(got, 1);
  });

  test(`${kind}: a signal aborted before the read begins is an AbortError, not the whole transfer`, async () => {
    const port = await serve((s) => void s.end(pattern(1024 * 1024)));
    const f = feed();
    const s = await dial(port, f);
    let got = 0;
    // Before the fix the listener added to an already-aborted signal never fired: every byte was read.
    await assert.rejects(async () => {
      for await (const c of readAll(s, f, 5000, AbortSignal.abort())) got += c.length;
    }, AbortError);
    assert.ok(got < 1024 * 1024, `read ${got} bytes`);
    assert.ok(s.destroyed);
  });

  test(`${kind}: the signal aborts a read in progress (AbortError) and destroys the socket`, async () => {
    const port = await serve((s) => void s.write('hello'));
    const f = feed();
    const s = await dial(port, f);
    const ac = new AbortController();
    await assert.rejects(async () => {
      for await (const _ of readAll(s, f, 5000, ac.signal)) ac.abort();
    }, AbortError);
    assert.ok(s.destroyed);
  });

  test(`${kind}: a reset mid-transfer is a DialError, not a short file`, async () => {
    const port = await serve(async (s) => {
      s.write(pattern(1000));
      await sleep(30);
      s.resetAndDestroy();
    });
    const f = feed();
    const s = await dial(port, f);
    await assert.rejects(async () => {
      for await (const _ of readAll(s, f, 5000, undefined));
    }, (e: unknown) => e instanceof DialError && /data connection broke/.test(e.message));
  });

  test(`${kind}: breaking out early removes the listeners`, async () => {
    const port = await serve((s) => void s.write(pattern(200_000)));
    const f = feed();
    const s = await dial(port, f);
    const before = listeners(s);
    for await (const _ of readAll(s, f, 5000, undefined)) break;
    assert.deepEqual(listeners(s), before);
    s.destroy();
  });
}

for (const copy of [false, true]) {
  test(`queue${copy ? ' (copyReads)' : ''}: past highWater queued bytes reading stops, and resumes as the consumer catches up`, async () => {
    const body = pattern(4 * 1024 * 1024);
    const port = await serve((s) => void s.end(body));
    const f = new QueueFeed(64 * 1024, copy);
    const s = await dial(port, f);
    const it = readAll(s, f, 5000, undefined);
    let n = (await it.next()).value!.length;
    // Hold still until reading has stopped (bounded): what was read stays near the mark.
    let last = -1;
    for (let i = 0; i < 50 && s.bytesRead !== last; i++) {
      last = s.bytesRead;
      await sleep(20);
    }
    assert.ok(s.bytesRead < 1024 * 1024, `held back at ${s.bytesRead} bytes read`);
    for (;;) {
      const r = await it.next();
      if (r.done) break;
      n += r.value.length;
    }
    assert.equal(n, body.length);
  });
}

test('lent: over TCP every chunk is a view of one buffer', async () => {
  const body = pattern(2 * 1024 * 1024);
  const port = await serve((s) => void s.end(body));
  const f = new LentFeed();
  const s = await dial(port, f);
  const buffers = new Set<ArrayBufferLike>();
  let n = 0;
  let chunks = 0;
  let ok = true;
  for await (const chunk of readAll(s, f, 5000, undefined)) {
    buffers.add(chunk.buffer);
    // Checked before the next read overwrites it.
    if (!chunk.equals(body.subarray(n, n + chunk.length))) ok = false;
    n += chunk.length;
    chunks++;
  }
  assert.equal(n, body.length);
  assert.ok(ok, 'each chunk held the right bytes when it was yielded');
  assert.equal(buffers.size, 1, `${buffers.size} buffers for ${chunks} chunks`);
});

test('queue with copyReads: fresh chunks copied out of one read buffer, the bytes whole', async () => {
  const body = pattern(3 * 1024 * 1024);
  const port = await serve((s) => void s.end(body));
  const f = new QueueFeed(undefined, true);
  const s = await dial(port, f);
  const parts: Buffer[] = [];
  for await (const chunk of readAll(s, f, 5000, undefined)) parts.push(chunk);
  assert.ok(Buffer.concat(parts).equals(body), 'kept chunks are still right at the end: none was overwritten');
  assert.equal(new Set(parts.map((p) => p.buffer)).size, parts.length);
});
