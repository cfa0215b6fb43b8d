import { test } from 'node:test';
import assert from 'node:assert/strict';
import { strictUtf8 } from '../../src/util/utf8.js';

test('strictUtf8: valid UTF-8 is its text, a leading U+FEFF included', () => {
  assert.equal(strictUtf8(Buffer.from('café', 'utf8')), 'café');
  assert.equal(strictUtf8(Buffer.from('\uFEFFname', 'utf8')), '\uFEFFname');
  assert.equal(strictUtf8(new Uint8Array(0)), '');
});

test('strictUtf8: bytes that are not UTF-8 are undefined, not patched with U+FFFD', () => {
  assert.equal(strictUtf8(Buffer.from([0x63, 0x61, 0x66, 0xe9])), undefined);
  assert.equal(strictUtf8(Buffer.from([0xc3])), undefined);
  // The decoder keeps no state between calls: a good input after a bad one is read whole.
  assert.equal(strictUtf8(Buffer.from('ok', 'utf8')), 'ok');
});
