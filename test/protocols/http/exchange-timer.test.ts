import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExchangeTimer, type TimedPhase } from '../../../src/protocols/http/exchange-timer.js';
import type { Entry } from '../../../src/protocols/http/exchange.js';

const entry = (stage: Entry['stage'] = 'waiting'): Entry => ({ stage }) as Entry;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('fires once for the armed exchange with its phase and bound', async () => {
  const fired: Array<[Entry, TimedPhase, number]> = [];
  const t = new ExchangeTimer((e, phase, ms) => fired.push([e, phase, ms]));
  const e = entry();
  t.arm(e, 20, 'headers');
  await wait(60);
  assert.deepEqual(fired, [[e, 'headers', 20]]);
  t.stop();
});

test('touch restarts the bound; release and a finished exchange never fire; 0 arms nothing', async () => {
  let fired = 0;
  const t = new ExchangeTimer(() => fired++);
  const e = entry('body');
  // Touches 40 ms apart against a 400 ms bound: a loaded CI machine stretched 20 ms waits past a 40 ms one.
  t.arm(e, 400, 'body');
  for (let i = 0; i < 4; i++) {
    await wait(40);
    t.touch(e);
  }
  assert.equal(fired, 0, 'touched within the bound');
  t.release(e);
  await wait(450);
  assert.equal(fired, 0, 'released');
  const done = entry('done');
  t.arm(done, 10, 'body');
  await wait(30);
  t.arm(entry(), 0, 'headers');
  await wait(20);
  assert.equal(fired, 0);
  t.stop();
});

test('re-arming for the next exchange replaces the previous one; stop cancels', async () => {
  const seen: Entry[] = [];
  const t = new ExchangeTimer((e) => seen.push(e));
  const a = entry();
  const b = entry();
  t.arm(a, 30, 'headers');
  t.arm(b, 30, 'headers');
  await wait(60);
  assert.deepEqual(seen, [b]);
  t.arm(a, 20, 'headers');
  t.stop();
  await wait(40);
  assert.deepEqual(seen, [b]);
});
