import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeaderList } from '../../../../src/protocols/http/core/headers.js';
import { keepAliveTimeout } from '../../../../src/protocols/http/core/keep-alive.js';

test('keepAliveTimeout: the timeout of the Keep-Alive field, in ms, whatever the case and spacing', () => {
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=5, max=100'])), 5000);
  assert.equal(keepAliveTimeout(new HeaderList(['keep-alive', 'max=100, Timeout = 2'])), 2000);
  assert.equal(keepAliveTimeout(new HeaderList(['Connection', 'keep-alive', 'KEEP-ALIVE', 'timeout=0'])), 0);
});

test('keepAliveTimeout: none without the field, or without a timeout in it; a later field can carry it', () => {
  assert.equal(keepAliveTimeout(new HeaderList(['Connection', 'keep-alive'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'max=100'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=abc'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'max=5', 'Keep-Alive', 'timeout=7'])), 7000);
  // At most nine digits are read (a bounded match); so long a hint only means no cap on reuse.
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=1234567890123'])), 123456789000);
});
