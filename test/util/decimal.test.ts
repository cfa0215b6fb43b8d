import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DECIMAL_DIGITS, parseDecimal } from '../../src/util/decimal.js';

test('parseDecimal: plain digits, up to 15 of them, leading zeros allowed', () => {
  assert.equal(parseDecimal('0'), 0);
  assert.equal(parseDecimal('007'), 7);
  assert.equal(parseDecimal('9'.repeat(MAX_DECIMAL_DIGITS)), 999_999_999_999_999);
  assert.ok(Number.isSafeInteger(parseDecimal('9'.repeat(MAX_DECIMAL_DIGITS))!));
});

test('parseDecimal: anything else is undefined, never a guess', () => {
  for (const s of [undefined, '', '-1', '+1', '1e3', ' 1', '1 ', '0x10', '1.5', '١', '9'.repeat(MAX_DECIMAL_DIGITS + 1), '1'.repeat(400)]) {
    assert.equal(parseDecimal(s), undefined, String(s));
  }
});
