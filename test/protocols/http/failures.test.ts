import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abortError, cloneFor, isRetryable, isTransportFailure, retryable, withPhase } from '../../../src/protocols/http/failures.js';
import { AbortError, ConnectError, NetworkError, ProtocolError, TimeoutError } from '../../../src/errors.js';

test('withPhase fills phase and protocol only when missing', () => {
  const e = withPhase(new NetworkError('DIAL_E_RESET', 'x'), 'body');
  assert.equal(e.phase, 'body');
  assert.equal(e.protocol, 'http');
  const c = withPhase(new ConnectError('DIAL_E_RESOLVE', 'y'), 'connect');
  assert.equal(c.phase, 'resolve');
});

test('abortError: a TimeoutError reason stays a timeout, anything else is an AbortError', () => {
  const t = abortError(AbortSignal.abort(new TimeoutError('late', { timeout: 5 })), 'headers');
  assert.ok(t instanceof TimeoutError);
  assert.equal(t.phase, 'headers');
  const a = abortError(AbortSignal.abort('why'), 'body');
  assert.ok(a instanceof AbortError);
  assert.equal(a.cause, 'why');
});

test('transport failures and the retry mark', () => {
  assert.equal(isTransportFailure(new NetworkError('DIAL_E_RESET', 'r')), true);
  assert.equal(isTransportFailure(new ProtocolError('connection closed before the response began', { phase: 'empty' })), true);
  assert.equal(isTransportFailure(new ProtocolError('bad status line')), false);
  const e = cloneFor(new NetworkError('DIAL_E_RESET', 'r', { phase: 'headers' }));
  assert.equal(isRetryable(e), false);
  retryable.add(e);
  assert.equal(isRetryable(e), true);
  assert.equal(isRetryable('nope'), false);
  assert.equal(e.phase, 'headers');
});
