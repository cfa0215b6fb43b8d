import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { attemptDeadline, sleep } from '../../src/cli/waits.js';
import { CliExit } from '../../src/cli/exit-codes.js';

test('sleep resolves after its wait', async () => {
  const ac = new AbortController();
  await sleep(5, ac.signal);
  assert.equal(ac.signal.aborted, false);
});

test('sleep rejects with the abort reason, at once', async () => {
  const ac = new AbortController();
  const waiting = sleep(60_000, ac.signal);
  const reason = new Error('stop');
  ac.abort(reason);
  await assert.rejects(waiting, (e: unknown) => e === reason);
});

test('attemptDeadline without -m is the run\'s own signal, with nothing to undo', () => {
  const run = new AbortController();
  const d = attemptDeadline(run.signal, undefined, () => 0);
  assert.equal(d.signal, run.signal);
  assert.equal(d.timedOut, undefined);
  d.dispose();
});

test('attemptDeadline with -m aborts the attempt with exit 28, naming the bytes received', async () => {
  const run = new AbortController();
  const d = attemptDeadline(run.signal, 0.01, () => 1234);
  try {
    assert.notEqual(d.signal, run.signal);
    await once(d.signal, 'abort');
    assert.ok(d.timedOut instanceof CliExit);
    assert.equal(d.timedOut.exitCode, 28);
    assert.match(d.timedOut.message, /^Operation timed out after \d+ milliseconds with 1234 bytes received$/);
    assert.equal(d.signal.reason, d.timedOut);
    assert.equal(run.signal.aborted, false, 'the run goes on to the next attempt');
  } finally {
    d.dispose();
  }
});

test('attemptDeadline follows the run\'s abort until disposed', () => {
  const run = new AbortController();
  const d = attemptDeadline(run.signal, 60, () => 0);
  run.abort('ctrl-c');
  assert.equal(d.signal.aborted, true);
  assert.equal(d.signal.reason, 'ctrl-c');
  assert.equal(d.timedOut, undefined);
  d.dispose();

  const run2 = new AbortController();
  const d2 = attemptDeadline(run2.signal, 60, () => 0);
  d2.dispose();
  run2.abort('later');
  assert.equal(d2.signal.aborted, false, 'a disposed deadline no longer follows the run');
});
