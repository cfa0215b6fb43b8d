import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliExit } from '../../src/cli/exit-codes.js';
import { isTransient, MAX_RETRY_WAIT_MS, parseRetryAfter, RetryAbandoned, RetryPolicy, RetryStatus } from '../../src/cli/retry.js';
import { ConnectError, NetworkError, ReplyError, TimeoutError } from '../../src/errors.js';

const base = { retry: 3, retryDelay: undefined, retryMaxTime: undefined, retryConnrefused: false };

test('parseRetryAfter: seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('5'), 5000);
  assert.equal(parseRetryAfter(null), undefined);
  assert.equal(parseRetryAfter('soon'), undefined);
  const now = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
  assert.equal(parseRetryAfter('Wed, 25 Nov 2026 10:00:03 GMT', now), 3000);
  assert.equal(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now), 0);
});

// Found by fuzzing parseRetryAfter with huge values: 'Retry-After: 99999999999' became a wait
// past what setTimeout holds, which node fires after 1 ms, so dial retried at once while
// saying it would wait 3,000 years. The wait is capped at the longest a timer holds.
test('parseRetryAfter: a wait longer than a timer can hold is capped, never wrapped to 1 ms', () => {
  assert.equal(parseRetryAfter('99999999999'), MAX_RETRY_WAIT_MS);
  assert.equal(parseRetryAfter('9'.repeat(400)), MAX_RETRY_WAIT_MS);
  assert.equal(parseRetryAfter('Fri, 31 Dec 9999 23:59:59 GMT', 0), MAX_RETRY_WAIT_MS);
  assert.equal(parseRetryAfter('2147483'), 2_147_483_000);
  // --retry-delay is the caller's, and capped the same way.
  assert.equal(new RetryPolicy({ ...base, retryDelay: 99_999_999 }).next(new RetryStatus(503, undefined), 1, 0), MAX_RETRY_WAIT_MS);
});

test('transient: timeouts, transient statuses, broken bodies; not refusals, 404s or abandoned ranges', () => {
  assert.equal(isTransient(new TimeoutError('t'), base), true);
  assert.equal(isTransient(new RetryStatus(503, undefined), base), true);
  assert.equal(isTransient(new NetworkError('DIAL_E_RESET', 'r', { phase: 'body' }), base), true);
  assert.equal(isTransient(new ConnectError('DIAL_E_CONNECT', 'c'), base), false);
  assert.equal(isTransient(new ConnectError('DIAL_E_CONNECT', 'c'), { ...base, retryConnrefused: true }), true);
  assert.equal(isTransient(new ReplyError('x', { protocol: 'ftp', reply: { code: 550, text: 'no' } }), base), false);
  assert.equal(isTransient(new RetryAbandoned(33, 'no ranges'), base), false);
  assert.equal(isTransient(new CliExit(23, 'write'), base), false);
});

test('--retry-all-errors: every failure is transient, an -f HTTP error and a refusal included', () => {
  const all = { ...base, retryAllErrors: true };
  for (const err of [new ReplyError('x', { protocol: 'ftp', reply: { code: 550, text: 'no' } }), new RetryAbandoned(22, 'The requested URL returned error: 404'), new ConnectError('DIAL_E_CONNECT', 'c'), new CliExit(23, 'write')])
    assert.equal(isTransient(err, all), true, String(err));
  assert.equal(new RetryPolicy({ ...all, retry: 1 }).next(new RetryAbandoned(22, '404'), 1, 0), 1000);
});

test('back-off doubles from one second; Retry-After wins; --retry-delay fixes it', () => {
  const p = new RetryPolicy(base);
  const t = new TimeoutError('t');
  assert.deepEqual([p.next(t, 1, 0), p.next(t, 2, 0), p.next(t, 3, 0)], [1000, 2000, 4000]);
  assert.equal(p.next(t, 4, 0), undefined, 'out of retries');
  assert.equal(new RetryPolicy(base).next(new RetryStatus(429, 7000), 1, 0), 7000);
  const fixed = new RetryPolicy({ ...base, retryDelay: 0.5 });
  assert.deepEqual([fixed.next(t, 1, 0), fixed.next(t, 2, 0)], [500, 500]);
});

test('--retry-max-time stops retrying once the time is spent', () => {
  const p = new RetryPolicy({ ...base, retryMaxTime: 10 });
  assert.equal(p.next(new TimeoutError('t'), 1, 9), 1000);
  assert.equal(p.next(new TimeoutError('t'), 2, 10), undefined);
});

test('--retry-max-time: a Retry-After that would end past it gives up now, as curl, instead of waiting it out', () => {
  const p = new RetryPolicy({ ...base, retryMaxTime: 5 });
  assert.equal(p.next(new RetryStatus(503, 3_600_000), 1, 0), undefined);
  assert.equal(p.next(new RetryStatus(503, 3000), 1, 1), 3000);
  assert.equal(p.next(new RetryStatus(503, 3000), 1, 3), undefined);
});

test('asked twice about the same failure of the same attempt, the policy answers the same and backs off once', () => {
  const p = new RetryPolicy(base);
  const t = new TimeoutError('t');
  assert.equal(p.next(t, 1, 0), 1000);
  assert.equal(p.next(t, 1, 0), 1000);
  assert.equal(p.next(t, 2, 0), 2000);
});

test('the warning reads as curl\'s', () => {
  const p = new RetryPolicy(base);
  assert.equal(p.warning(new TimeoutError('timed out'), 2000, 1), 'Warning: Problem : timed out. Will retry in 2 seconds. 3 retries left.');
  assert.equal(p.warning(new TimeoutError('timed out'), 1000, 3), 'Warning: Problem : timed out. Will retry in 1 second. 1 retry left.');
});

// Found comparing with curl: after '503' with 'Retry-After: 0' dial retried at once ('Will retry
// in 0 seconds'), curl waits its back-off (1 s, then 2 s...), so a server that always answers
// 'Retry-After: 0' is not hit back to back.
test('Retry-After: 0 (or a past date) leaves the back-off in charge, as curl', () => {
  const p = new RetryPolicy({ ...base, retry: 3 });
  assert.equal(p.next(new RetryStatus(503, 0), 1, 0), 1000);
  assert.equal(p.next(new RetryStatus(503, parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT')), 2, 1), 2000);
  assert.equal(p.next(new RetryStatus(503, 3000), 3, 3), 3000);
  assert.equal(new RetryPolicy({ ...base, retryDelay: 0.25 }).next(new RetryStatus(503, 0), 1, 0), 250);
});
