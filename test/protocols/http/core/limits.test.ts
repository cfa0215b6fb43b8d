import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_LIMITS } from '../../../../src/protocols/http/core/limits.js';

test('DEFAULT_LIMITS: the documented bounds, frozen', () => {
  assert.deepEqual({ ...DEFAULT_LIMITS }, { maxStatusLine: 8192, maxHeaderBytes: 65536, maxHeaders: 256, maxChunkLine: 4096, maxTrailerBytes: 16384, maxInformational: 32 });
  assert.ok(Object.isFrozen(DEFAULT_LIMITS));
});
