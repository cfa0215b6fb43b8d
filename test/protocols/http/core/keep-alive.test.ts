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
  // Another parameter whose name ends in "timeout", or NBSP for space, is not the hint (found by generated values).
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'mytimeout=1, max=5'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'max=5, x-timeout=1'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout\xa0=1'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'mytimeout=1, timeout=3'])), 3000);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'max=5,\ttimeout =4'])), 4000);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=0x10'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=1e3, max=5'])), undefined);
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=' + '9'.repeat(100_000) + 'x'])), undefined);
  // At most nine digits are read (a bounded match); so long a hint only means no cap on reuse.
  assert.equal(keepAliveTimeout(new HeaderList(['Keep-Alive', 'timeout=1234567890123'])), 123456789000);
});
