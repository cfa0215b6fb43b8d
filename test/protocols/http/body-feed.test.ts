import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, LimitError, NetworkError, type DialError } from '../../../src/errors.js';
import { BodyFeed, type FeedHost } from '../../../src/protocols/http/body-feed.js';
import { BodyStream } from '../../../src/protocols/http/body-stream.js';
import type { ConnectionTimer } from '../../../src/protocols/http/connection-timer.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { newEntry, type ConnectionOptions, type Entry, type Exchange, type HttpProgress } from '../../../src/protocols/http/exchange.js';

/** An entry whose head has been handed over: its body is open, `total` bytes announced. */
function entry(over: Partial<Exchange> = {}, total?: number, highWaterMark = 1024): Entry {
  const x: Exchange = { method: 'GET', target: '/', host: 'h', headers: new HeaderList(), body: { kind: 'none' }, bodyTimeout: 500, ...over };
  const e = newEntry(x, Buffer.from('GET / HTTP/1.1\r\n\r\n'), false, false, () => {}, () => {});
  e.stage = 'body';
  e.total = total;
  e.body = new BodyStream(highWaterMark);
  return e;
}

/** A connection stand-in: records what the feed asked of the socket, the timer and the connection. */
function setup(opts: ConnectionOptions = {}, parserState: 'idle' | 'body' = 'body') {
  const log: string[] = [];
  const failed: DialError[] = [];
  const failedOne: Array<[Entry, DialError]> = [];
  const queue: Entry[] = [];
  const t = { pause: () => log.push('pause'), resume: () => log.push('resume'), setRef: (on: boolean) => log.push(on ? 'ref' : 'unref') };
  const timer = {
    touch: () => log.push('touch'),
    release: () => log.push('release'),
    unref: () => log.push('timer unref'),
    arm: (_e: Entry, ms: number | undefined, phase: string) => log.push(`arm ${phase} ${ms}`),
  } as unknown as ConnectionTimer;
  const host: FeedHost = { fail: (e) => failed.push(e), failOne: (en, e) => failedOne.push([en, e]) };
  const feed = new BodyFeed(t, timer, queue, { state: parserState }, host, opts);
  /** Queues `e` with its body fed by `feed`, as the connection does when the head arrives. */
  const join = (e: Entry): Entry => {
    e.body!.attach(feed);
    queue.push(e);
    return e;
  };
  return { feed, log, failed, failedOne, join };
}

test('bytes reach the body, are counted and reported; the idle bound is touched for each piece', async () => {
  const { feed, log } = setup();
  const progress: HttpProgress[] = [];
  const e = entry({ onDownloadProgress: (p) => progress.push(p) }, 6);
  feed.data(e, Buffer.from('abc'), false);
  feed.data(e, Buffer.from('def'), false);
  e.body!.end();
  assert.equal((await e.body!.bytes()).toString(), 'abcdef');
  assert.deepEqual(progress.map((p) => p.transferred), [3, 6]);
  assert.deepEqual(log, ['touch', 'touch']);
});

test('a reader behind pauses reading, lets the idle bound go and the process end; catching up resumes all, once', () => {
  const { feed, log, join } = setup();
  const e = join(entry({}, 100, 4));
  feed.data(e, Buffer.alloc(8), false);
  assert.deepEqual(log, ['touch', 'pause', 'release', 'unref', 'timer unref']);
  // Nor does the end of that read arm the bound while the reader is behind.
  feed.started(e);
  feed.readDone();
  assert.deepEqual(log.slice(5), []);
  feed.resume();
  feed.resume();
  assert.deepEqual(log.slice(5), ['resume', 'ref', 'arm body 500']);
});

test('the body bound is armed once the read that brought the head is handled, not for a body already done', () => {
  const { feed, log } = setup();
  const e = entry();
  feed.started(e);
  feed.readDone();
  feed.readDone();
  assert.deepEqual(log, ['arm body 500']);
  const done = entry();
  feed.started(done);
  done.stage = 'done';
  feed.readDone();
  assert.deepEqual(log, ['arm body 500']);
});

test('a body past maxBodySize fails its own request and is not handed the bytes', () => {
  const { feed, failedOne } = setup();
  const e = entry({ maxBodySize: 4 });
  feed.data(e, Buffer.alloc(5), false);
  assert.equal(failedOne.length, 1);
  assert.equal(failedOne[0]![0], e);
  assert.ok(failedOne[0]![1] instanceof LimitError);
  assert.equal(e.body!.received, 0);
});

test('a cancelled body with a short rest is drained under a 1 s bound; a drain past drainCap drops the connection', () => {
  const { feed, log, failed, failedOne, join } = setup({ drainCap: 10 });
  const e = join(entry({}, 8));
  e.body!.cancel();
  assert.equal(e.discarding, true);
  assert.deepEqual(failedOne, []);
  assert.deepEqual(log, ['arm body 1000']);
  feed.data(e, Buffer.alloc(8), false);
  assert.equal(failed.length, 0);
  feed.data(e, Buffer.alloc(3), false);
  assert.equal(failed.length, 1);
  assert.ok(failed[0] instanceof NetworkError);
  assert.match(failed[0].message, /too large to drain/);
});

test('a cancelled body of unknown or long rest, or once the parser is idle, fails its request; a body not queued is ignored', () => {
  for (const [total, state] of [[undefined, 'body'], [1_000_000, 'body'], [8, 'idle']] as const) {
    const { failedOne, join } = setup({}, state);
    const e = join(entry({}, total));
    e.body!.cancel();
    assert.equal(failedOne.length, 1, `total ${total}, parser ${state}`);
    assert.ok(failedOne[0]![1] instanceof AbortError);
  }
  const { feed, failedOne, failed, log } = setup();
  feed.cancel(new BodyStream());
  assert.deepEqual([failedOne, failed, log], [[], [], []]);
});

test('once stopped, a paused feed never resumes reading', () => {
  const { feed, log, join } = setup();
  const e = join(entry({}, 100, 4));
  feed.data(e, Buffer.alloc(8), false);
  feed.stop();
  assert.ok(!log.includes('resume'));
});
