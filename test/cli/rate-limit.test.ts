import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pace, paced } from '../../src/cli/rate-limit.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { BIG, dial, sha, startServer, tempDir } from './helpers.js';

test('Pace: the wait that keeps the average at the rate, by a clock', () => {
  let now = 1000;
  const pace = new Pace(1000, () => now);
  assert.equal(pace.after(500), 500, 'half a second’s bytes at once: wait the half second');
  now += 500;
  assert.equal(pace.after(250), 250);
  now += 2000;
  assert.equal(pace.after(100), 0, 'behind schedule: no wait');
  assert.equal(pace.rate, 1000);
});

test('paced: an upload cut into pieces of about an eighth of a second, bytes unchanged, strings and iterables alike', async () => {
  const data = Buffer.from(Array.from({ length: 5000 }, (_, i) => i & 255));
  const pieces: number[] = [];
  const out: Buffer[] = [];
  // A rate high enough that no piece waits: what is checked is the cutting.
  for await (const p of paced([data.subarray(0, 3000), data.subarray(3000)], new Pace(16 * 1024 * 1024), undefined)) {
    pieces.push(p.length);
    out.push(Buffer.from(p));
  }
  assert.deepEqual(Buffer.concat(out), data);
  const small: number[] = [];
  for await (const p of paced(data, new Pace(8192), undefined)) small.push(p.length);
  assert.deepEqual(small, [1024, 1024, 1024, 1024, 904], 'rate/8 is 1 KiB');
  assert.ok(pieces.every((n) => n <= 64 * 1024));
});

test('paced: an abort ends the wait at once', async () => {
  const ac = new AbortController();
  const it = paced(Buffer.alloc(4096), new Pace(1024), ac.signal)[Symbol.asyncIterator]();
  await it.next();
  const pending = it.next();
  ac.abort(new Error('stop'));
  await assert.rejects(pending);
});

test('--limit-rate takes curl’s suffixes; 0 is no limit', () => {
  assert.equal(parseCliArgs(['--limit-rate', '100K', 'http://h/']).limitRate, 102_400);
  assert.equal(parseCliArgs(['--limit-rate', '2m', 'http://h/']).limitRate, 2 * 1024 * 1024);
  assert.equal(parseCliArgs(['--limit-rate', '0', 'http://h/']).limitRate, undefined);
  assert.equal(parseCliArgs(['http://h/']).limitRate, undefined);
});

// A lower bound only: a slow machine makes these longer, never shorter.
test('dial --limit-rate holds a download and an upload to the rate, bytes intact', async () => {
  const srv = await startServer();
  try {
    let t0 = performance.now();
    const down = await dial(['-sS', '--limit-rate', '150K', srv.url('/big')]);
    const took = performance.now() - t0;
    assert.equal(down.code, 0, down.stderr);
    assert.equal(sha(down.stdout), sha(BIG));
    assert.ok(took >= 1800, `300,000 bytes at 150 KiB/s took ${took.toFixed(0)} ms`);
    const file = join(tempDir(), 'up.bin');
    writeFileSync(file, BIG.subarray(0, 64 * 1024));
    t0 = performance.now();
    const up = await dial(['-sS', '--limit-rate', '32K', '-T', file, srv.url('/echo')]);
    const upTook = performance.now() - t0;
    assert.equal(up.code, 0, up.stderr);
    assert.equal((JSON.parse(up.out) as { body: string }).body.length, 64 * 1024);
    assert.ok(upTook >= 1800, `64 KiB at 32 KiB/s took ${upTook.toFixed(0)} ms`);
  } finally {
    await srv.close();
  }
});
