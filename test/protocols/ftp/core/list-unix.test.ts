import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseUnixLine, resolveUnixDate } from '../../../../src/protocols/ftp/core/list-unix.js';

const NOW = new Date(Date.UTC(2024, 2, 15, 12, 0)); // 15 Mar 2024

describe('parseUnixLine', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['-rw-r--r--    1 0        0         1000000 Nov 25 14:09 data.bin', { name: 'data.bin', type: 'file', size: 1000000, owner: '0', group: '0' }],
    ['drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2020 pub', { name: 'pub', type: 'dir', size: 4096, modified: new Date(Date.UTC(2020, 0, 2)) }],
    ['lrwxrwxrwx    1 root     root            7 Mar 01 10:00 latest -> v1.2.3', { name: 'latest', type: 'link', target: 'v1.2.3' }],
    ['crw-rw-rw-    1 root     root       1,   3 Jan 01  2020 null', { name: 'null', type: 'unknown', unixType: 'c', device: { major: 1, minor: 3 }, size: undefined }],
    ['brw-rw----    1 root     disk       8,   0 Jan 01  2020 sda', { unixType: 'b', device: { major: 8, minor: 0 } }],
    ['-rw-r--r--    1 user     group    6442450944 Feb 10  2023 big.iso', { size: 6442450944 }],
    ['-rw-r--r--    1 1000     1000           12 Jan 02  2020 name with  spaces.txt', { name: 'name with  spaces.txt', owner: '1000', group: '1000', size: 12 }],
    ['-rw-r--r--   1 owner   12 Jan 02  2020 nogroup', { name: 'nogroup', owner: 'owner', size: 12 }],
    ['-rw-r--r-- 1 a b 5 2023-04-05 06:07 iso.txt', { name: 'iso.txt', modified: new Date(Date.UTC(2023, 3, 5, 6, 7)) }],
    ['-rw-r--r--+   1 a b 5 Jan 02  2020 acl', { name: 'acl', permissions: 'rw-r--r--' }],
    ['drwxrwsr-t    1 a b 5 Jan 02  2020 sticky', { type: 'dir', permissions: 'rwxrwsr-t' }],
    ['prw-r--r--    1 a b 0 Jan 02  2020 fifo', { unixType: 'p', type: 'unknown', size: 0 }],
  ];
  for (const [line, want] of cases) {
    test(line, () => {
      const e = parseUnixLine(line, NOW);
      assert.ok(e, 'parsed');
      for (const [k, v] of Object.entries(want)) assert.deepEqual((e as unknown as Record<string, unknown>)[k], v, k);
      assert.equal(e.raw, line);
    });
  }
  test('not an ls line', () => {
    for (const l of ['total 12', 'hello world', '01-15-20  10:30AM <DIR> x', 'type=file; x', '-rw-r--r-- 1 a b x Jan 02 2020 f']) assert.equal(parseUnixLine(l, NOW), undefined, l);
  });
});

describe('resolveUnixDate', () => {
  test('a year is used as given', () => assert.deepEqual(resolveUnixDate(0, 2, '2020', NOW), new Date(Date.UTC(2020, 0, 2))));
  test('no year, in the past: this year', () => assert.deepEqual(resolveUnixDate(1, 1, '10:00', NOW), new Date(Date.UTC(2024, 1, 1, 10, 0))));
  test('no year, months ahead: last year', () => assert.deepEqual(resolveUnixDate(10, 25, '14:09', NOW), new Date(Date.UTC(2023, 10, 25, 14, 9))));
  test('no year, tomorrow: still this year (clock skew)', () => assert.deepEqual(resolveUnixDate(2, 16, '11:00', NOW), new Date(Date.UTC(2024, 2, 16, 11, 0))));
  test('29 Feb without a year resolves to a leap year or nothing', () => {
    const d = resolveUnixDate(1, 29, '10:00', new Date(Date.UTC(2025, 5, 1)));
    assert.equal(d, undefined); // 2025 has no 29 February
  });
  test('impossible dates are undefined', () => {
    assert.equal(resolveUnixDate(1, 31, '2020', NOW), undefined);
    assert.equal(resolveUnixDate(0, 1, '25:00', NOW), undefined);
  });
});

describe('parseUnixLine on hostile lines', () => {
  test('a name may hold U+2028 or a lone CR', () => {
    assert.equal(parseUnixLine('-rw-r--r-- 1 u g 5 Jan 02  2020 a\u2028b\rc', NOW)!.name, 'a\u2028b\rc');
  });
  // Found by fuzzing: the lazy owner could end inside a run of spaces, so each run was retried
  // from every position in it (quadratic), and a name that could not reach the end (U+2028)
  // retried every date-like stretch. A 256 KB hostile line must finish at once.
  test('a long hostile line is read in one pass', () => {
    assert.equal(parseUnixLine(`-rw-r--r--${' '.repeat(256 * 1024)}1 x`, NOW), undefined);
    const e = parseUnixLine(`-rw-r--r-- 1 ${'1 1 Jan 1 2020 '.repeat(20_000)}\u2028`, NOW)!;
    assert.equal(e.size, 1);
    assert.ok(e.name.endsWith('1 Jan 1 2020 \u2028'));
    assert.equal(parseUnixLine(`-rw-r--r-- 1 ${'a '.repeat(128 * 1024)}x`, NOW), undefined);
  });
});
test('a listing year below 100 is not read as 19xx', () => {
  assert.equal(parseUnixLine('-rw-r--r-- 1 u g 5 Jan 02  0050 a', NOW)!.modified!.toISOString(), '0050-01-02T00:00:00.000Z');
  assert.equal(parseUnixLine('-rw-r--r-- 1 u g 5 0050-01-02 10:00 a', NOW)!.modified!.toISOString(), '0050-01-02T10:00:00.000Z');
});
