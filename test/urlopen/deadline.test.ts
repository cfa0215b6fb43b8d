import { test } from 'node:test';
import assert from 'node:assert/strict';
import { operationDeadline } from '../../src/urlopen/deadline.js';
import { AbortError, TimeoutError } from '../../src/errors.js';

test('no timeout, no signal: nothing to wait on, errors pass unchanged', () => {
  const d = operationDeadline({}, 'ftp');
  assert.equal(d.signal, undefined);
  const e = new AbortError('x');
  assert.equal(d.translate(e), e);
});

test('the caller\'s signal alone is passed as it is', () => {
  const ac = new AbortController();
  assert.equal(operationDeadline({ signal: ac.signal }, 'pop3').signal, ac.signal);
});

test('when the deadline fires, the abort it caused is a TimeoutError naming the protocol and the bound', async () => {
  const ac = new AbortController();
  const d = operationDeadline({ timeout: 20, signal: ac.signal }, 'nntp');
  // AbortSignal.timeout's timer does not hold the event loop: a ref'd one does, while we wait (bounded).
  const hold = setTimeout(() => {}, 5000);
  await new Promise((r) => d.signal!.addEventListener('abort', r, { once: true }));
  clearTimeout(hold);
  const t = d.translate(new AbortError('aborted'));
  assert.ok(t instanceof TimeoutError);
  assert.equal(t.protocol, 'nntp');
  assert.match(t.message, /the nntp operation ran past 20 ms/);
  const other = new Error('boom');
  assert.equal(d.translate(other), other, 'other errors pass unchanged');
});

test('an abort by the caller stays an abort even with a timeout set', () => {
  const ac = new AbortController();
  const d = operationDeadline({ timeout: 60_000, signal: ac.signal }, 'smtp');
  ac.abort();
  assert.equal(d.signal!.aborted, true);
  const e = new AbortError('stop');
  assert.equal(d.translate(e), e);
});

test('a deadline longer than a timer holds (30 days) does not fire at once', async () => {
  const d = operationDeadline({ timeout: 30 * 24 * 3600 * 1000 }, 'ftp');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(d.signal!.aborted, false);
});
