import { test } from 'node:test';
import assert from 'node:assert/strict';
import { percentDecode } from '../../src/util/percent.js';

test('percentDecode: bytes, not text; stray % kept', () => {
  assert.deepEqual([...percentDecode('%00%ff%FFa')], [0, 255, 255, 97]);
  assert.equal(percentDecode('100%').toString(), '100%');
  assert.equal(percentDecode('%zz%4').toString(), '%zz%4');
  assert.equal(percentDecode('café%20x').toString(), 'café x');
  assert.equal(percentDecode('%4').toString(), '%4');
  assert.equal(percentDecode('').length, 0);
});
