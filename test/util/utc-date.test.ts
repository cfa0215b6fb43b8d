import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utcDate } from '../../src/util/utc-date.js';

test('utcDate builds a UTC date from its fields', () => {
  assert.deepEqual(utcDate(2020, 1, 29, 23, 59, 58, 500), new Date(Date.UTC(2020, 1, 29, 23, 59, 58, 500)));
  assert.deepEqual(utcDate(2020, 0, 2), new Date(Date.UTC(2020, 0, 2)));
});
test('utcDate keeps years 0-99 as they are (Date.UTC would read 50 as 1950)', () => {
  assert.equal(utcDate(50, 0, 1)!.toISOString(), '0050-01-01T00:00:00.000Z');
  assert.equal(utcDate(0, 11, 31, 12)!.toISOString(), '0000-12-31T12:00:00.000Z');
});
test('utcDate refuses fields that would roll over into another date', () => {
  for (const f of [[2021, 1, 29], [2020, 12, 1], [2020, 0, 0], [2020, 0, 32], [2020, 0, 1, 24], [2020, 0, 1, 0, 60], [2020, 0, 1, 0, 0, 60], [2020, -1, 1], [NaN, 0, 1], [2020, 0.5, 1]] as const) {
    assert.equal(utcDate(...(f as unknown as [number, number, number])), undefined, String(f));
  }
});
