import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHighOctets, percentDecode } from '../../src/util/percent.js';

test('percentDecode: bytes, not text; stray % kept', () => {
  assert.deepEqual([...percentDecode('%00%ff%FFa')], [0, 255, 255, 97]);
  assert.equal(percentDecode('100%').toString(), '100%');
  assert.equal(percentDecode('%zz%4').toString(), '%zz%4');
  assert.equal(percentDecode('café%20x').toString(), 'café x');
  assert.equal(percentDecode('%4').toString(), '%4');
  assert.equal(percentDecode('').length, 0);
});

test('escapeHighOctets: each octet past 0x7F becomes one %XX; ASCII and text past U+00FF are left alone', () => {
  assert.equal(escapeHighOctets('/plain?q=1'), '/plain?q=1');
  assert.equal(escapeHighOctets('/\xc3\xbc'), '/%C3%BC');
  assert.equal(escapeHighOctets('/caf\xe9 x'), '/caf%E9 x');
  // Not octets at all (a caller's own string): the URL parser encodes it as UTF-8, once.
  assert.equal(escapeHighOctets('/€\xe9'), '/€\xe9');
});
