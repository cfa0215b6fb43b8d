import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { guard, MAX_TIMER_MS, timerMs } from '../../src/util/guard.js';
import { AbortError, TimeoutError } from '../../src/errors.js';

test('guard: the timeout rejects with a TimeoutError, the signal with an AbortError', async () => {
  await assert.rejects(guard(new Promise(() => {}), { timeout: 5 }, 'wait'), TimeoutError);
  const ctl = new AbortController();
  const p = guard(new Promise(() => {}), { signal: ctl.signal }, 'wait');
  ctl.abort();
  await assert.rejects(p, AbortError);
  assert.equal(await guard(Promise.resolve(1), { timeout: 1000 }, 'wait'), 1);
});

// Found by fuzzing the wait bounds with large values: node fires a setTimeout longer than
// 2^31-1 ms after 1 ms, so a 35-day bound (dial --max-time 3000000) timed out at once.
test('guard: a bound longer than one timer holds is kept, not fired at once', async () => {
  assert.equal(await guard(new Promise((r) => setTimeout(r, 30, 'done')), { timeout: 3e9 }, 'wait'), 'done');
  mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  try {
    let settled: unknown;
    guard(new Promise(() => {}), { timeout: 3e9 }, 'wait').catch((e: unknown) => (settled = e));
    mock.timers.tick(2 ** 31);
    await Promise.resolve();
    assert.equal(settled, undefined);
    mock.timers.tick(3e9 - 2 ** 31);
    await new Promise((r) => setImmediate(r));
    assert.ok((settled as unknown) instanceof TimeoutError);
  } finally {
    mock.timers.reset();
  }
});

test('timerMs: a bound a timer cannot hold is held at 2^31-1 ms; shorter ones are kept', () => {
  assert.equal(timerMs(1500), 1500);
  assert.equal(timerMs(MAX_TIMER_MS), MAX_TIMER_MS);
  assert.equal(timerMs(3_000_000_000), MAX_TIMER_MS);
  assert.equal(timerMs(Infinity), MAX_TIMER_MS);
});
