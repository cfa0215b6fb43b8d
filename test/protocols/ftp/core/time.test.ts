import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFtpTime, parseFtpTime } from '../../../../src/protocols/ftp/core/time.js';
import { InputError } from '../../../../src/errors.js';

test('parseFtpTime reads RFC 3659 times as UTC, with fractions', () => {
  assert.deepEqual(parseFtpTime('20200102030405'), new Date(Date.UTC(2020, 0, 2, 3, 4, 5)));
  assert.deepEqual(parseFtpTime(' 20200102030405.5 '), new Date(Date.UTC(2020, 0, 2, 3, 4, 5, 500)));
});
test('parseFtpTime refuses impossible or malformed times', () => {
  for (const s of ['20200231000000', '20201301000000', '20200101250000', '2020010203040', 'abc', '']) assert.equal(parseFtpTime(s), undefined, s);
});
test('formatFtpTime round-trips', () => {
  const d = new Date(Date.UTC(1999, 11, 31, 23, 59, 58));
  assert.equal(formatFtpTime(d), '19991231235958');
  assert.deepEqual(parseFtpTime(formatFtpTime(d)), d);
});
// Found by a build→parse property: Date.UTC reads years 0-99 as 1900-1999.
test('years below 100 stay as sent, both ways', () => {
  assert.equal(parseFtpTime('00500101000000')!.toISOString(), '0050-01-01T00:00:00.000Z');
  const d = new Date(Date.UTC(2000, 5, 6, 7, 8, 9));
  d.setUTCFullYear(50);
  assert.deepEqual(parseFtpTime(formatFtpTime(d)), d);
});
// Found by fuzzing formatFtpTime: an invalid Date went out as MFMT NaNNaNNaN…, a year past 9999
// or before 0 as a string of the wrong length, a non-Date as a TypeError.
test('formatFtpTime refuses what the format cannot hold', () => {
  const far = new Date(Date.UTC(2000, 0, 1));
  far.setUTCFullYear(10000);
  const before = new Date(Date.UTC(2000, 0, 1));
  before.setUTCFullYear(-1);
  for (const d of [new Date(NaN), far, before, '2020-01-01' as unknown as Date, undefined as unknown as Date]) assert.throws(() => formatFtpTime(d), InputError, String(d));
  const last = new Date(Date.UTC(2000, 0, 1));
  last.setUTCFullYear(9999, 11, 31);
  assert.equal(formatFtpTime(last), '99991231000000');
});
