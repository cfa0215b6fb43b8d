import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, NetworkError, ProtocolError, type DialError } from '../../../src/errors.js';
import { failExchanges, settle } from '../../../src/protocols/http/exchange-end.js';
import type { Entry } from '../../../src/protocols/http/exchange.js';
import { ExchangeTimer } from '../../../src/protocols/http/exchange-timer.js';
import { isRetryable } from '../../../src/protocols/http/failures.js';
import { BodyStream } from '../../../src/protocols/http/body-stream.js';

/** An exchange stand-in recording how it ended. */
function entry(over: Partial<Entry> = {}) {
  const ended: Array<['resolve' | 'reject', unknown]> = [];
  const e = {
    x: {},
    stage: 'waiting',
    reused: false,
    discarding: false,
    body: undefined,
    gate: undefined,
    onAbort: undefined,
    resolve: (r: unknown) => ended.push(['resolve', r]),
    reject: (err: unknown) => ended.push(['reject', err]),
    ...over,
  } as unknown as Entry;
  return { e, ended };
}

test('settle: done, released from the timer, the 100-continue gate let go, the abort listener removed', async () => {
  let fired = 0;
  const timer = new ExchangeTimer(() => fired++);
  const ac = new AbortController();
  let gated = 0;
  let aborted = 0;
  const onAbort = () => aborted++;
  ac.signal.addEventListener('abort', onAbort);
  const { e } = entry({ gate: () => gated++, onAbort, x: { signal: ac.signal } as Entry['x'] });
  timer.arm(e, 10, 'headers');
  settle(e, timer);
  ac.abort();
  await new Promise((r) => setTimeout(r, 30));
  timer.stop();
  assert.equal(e.stage, 'done');
  assert.deepEqual([fired, gated, aborted], [0, 1, 0]);
});

test('failExchanges: waiting requests are rejected; on a reused connection with nothing received, each with its own retryable copy', () => {
  const timer = new ExchangeTimer(() => {});
  const err: DialError = new NetworkError('DIAL_E_RESET', 'reset', { protocol: 'http', phase: 'headers' });
  const front = entry({ reused: true });
  const second = entry({ reused: true });
  const fresh = entry();
  const done = entry({ stage: 'done' });
  failExchanges([front.e, second.e, fresh.e, done.e], err, false, timer);
  const [a, b] = [front.ended[0]![1], second.ended[0]![1]];
  assert.ok(a instanceof NetworkError && b instanceof NetworkError);
  assert.notEqual(a, err);
  assert.notEqual(a, b);
  assert.ok(isRetryable(a) && isRetryable(b));
  assert.deepEqual(fresh.ended, [['reject', err]]);
  assert.equal(isRetryable(err), false);
  assert.deepEqual(done.ended, []);
  for (const x of [front, second, fresh, done]) assert.equal(x.e.stage, 'done');
});

test('failExchanges: a front whose response began, or a failure that is not the transport, is not retryable', () => {
  const timer = new ExchangeTimer(() => {});
  const reset = new NetworkError('DIAL_E_RESET', 'reset');
  const started = entry({ reused: true });
  failExchanges([started.e], reset, true, timer);
  assert.deepEqual(started.ended, [['reject', reset]]);
  const bad = new ProtocolError('garbage', { protocol: 'http', phase: 'headers' });
  const parsed = entry({ reused: true });
  failExchanges([parsed.e], bad, false, timer);
  assert.deepEqual(parsed.ended, [['reject', bad]]);
  assert.equal(isRetryable(reset) || isRetryable(bad), false);
});

test('failExchanges: the exchange the failure is about (an abort) gets its own error, never marked retryable; the others the connection\'s', () => {
  const timer = new ExchangeTimer(() => {});
  const closed: DialError = new NetworkError('DIAL_E_CLOSED', 'closed: another request was aborted', { protocol: 'http', phase: 'headers' });
  const abort: DialError = new AbortError('the request was aborted', { protocol: 'http', phase: 'headers' });
  const front = entry({ reused: true });
  const aborted = entry({ reused: true });
  const behind = entry({ reused: true });
  failExchanges([front.e, aborted.e, behind.e], closed, false, timer, { entry: aborted.e, err: abort });
  assert.deepEqual(aborted.ended, [['reject', abort]]);
  assert.equal(isRetryable(abort), false);
  for (const x of [front, behind]) {
    const e = x.ended[0]![1];
    assert.ok(e instanceof NetworkError && isRetryable(e));
  }
});

test('failExchanges: a body handed out fails with the error, unless it was being drained', async () => {
  const timer = new ExchangeTimer(() => {});
  const err = new NetworkError('DIAL_E_RESET', 'reset');
  const reading = entry({ stage: 'body', body: new BodyStream() });
  const draining = entry({ stage: 'body', body: new BodyStream(), discarding: true });
  failExchanges([reading.e, draining.e], err, true, timer);
  await assert.rejects(reading.e.body!.text(), (e: unknown) => e === err);
  assert.deepEqual([reading.ended, draining.ended], [[], []]);
});
