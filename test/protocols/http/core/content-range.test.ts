import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseContentRange, rangeHeader } from '../../../../src/protocols/http/core/content-range.js';
import { InputError } from '../../../../src/errors.js';

test('parseContentRange: the forms of RFC 9110 §14.4', () => {
  const ok: Array<[string, { first: number | undefined; last: number | undefined; complete: number | undefined }]> = [
    ['bytes 0-499/1234', { first: 0, last: 499, complete: 1234 }],
    ['bytes 500-999/*', { first: 500, last: 999, complete: undefined }],
    ['bytes */1234', { first: undefined, last: undefined, complete: 1234 }],
    ['BYTES 7-7/8', { first: 7, last: 7, complete: 8 }],
    ['  bytes 1-2/3  ', { first: 1, last: 2, complete: 3 }],
    ['bytes 0-999999999999998/999999999999999', { first: 0, last: 999999999999998, complete: 999999999999999 }],
  ];
  for (const [value, want] of ok) assert.deepEqual(parseContentRange(value), want, value);
});

test('parseContentRange: anything malformed is undefined, never a guess', () => {
  const bad = [
    null, undefined, '', 'bytes', 'bytes */*', 'items 0-1/2', 'bytes=0-1/2', 'bytes 0-1', 'bytes 1-0/5',
    'bytes 0-5/5', 'bytes -1-2/3', 'bytes +1-2/3', 'bytes 1 -2/3', 'bytes 1-2 /3', 'bytes 1-2/3x', 'bytes 1-2/3/4',
    'bytes 0-1/1234567890123456', 'bytes 1234567890123456-1234567890123457/*', 'bytes 0x10-20/30', 'bytes 1-2/-3',
    // Padding other than SP/HTAB is trailing bytes (found by generated values: String#trim let these pass).
    'bytes 0-1/2\xa0', 'bytes 0-1/2\v', 'bytes 0-1/*\f', '\ufeffbytes 0-1/2', '\xa0bytes */5',
  ];
  for (const value of bad) assert.equal(parseContentRange(value), undefined, String(value));
});

test('parseContentRange: a long hostile value is refused in one linear pass', () => {
  assert.equal(parseContentRange('bytes ' + '1'.repeat(100_000) + '-2/3'), undefined);
  assert.equal(parseContentRange('bytes 1-2/' + '9'.repeat(100_000)), undefined);
});

test('rangeHeader: bytes=start-end, an open end, and a bad range refused before anything is sent', () => {
  assert.equal(rangeHeader({ start: 0, end: 99 }), 'bytes=0-99');
  assert.equal(rangeHeader({ start: 100 }), 'bytes=100-');
  assert.equal(rangeHeader({ start: 5, end: 5 }), 'bytes=5-5');
  for (const bad of [{ start: -1 }, { start: 1.5 }, { start: 10, end: 9 }, { start: 0, end: Number.NaN }, { start: 2 ** 53 }])
    assert.throws(() => rangeHeader(bad), (e: InputError) => e instanceof InputError && e.phase === 'send', JSON.stringify(bad));
});
