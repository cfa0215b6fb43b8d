import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFtpTime, parseFtpTime } from '../../../../src/protocols/ftp/core/time.js';

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
