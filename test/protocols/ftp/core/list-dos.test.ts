import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDosLine } from '../../../../src/protocols/ftp/core/list-dos.js';

describe('parseDosLine', () => {
  test('a directory, two-digit year, AM', () => {
    assert.deepEqual(parseDosLine('01-15-20  10:30AM       <DIR>          folder'), {
      name: 'folder', type: 'dir', raw: '01-15-20  10:30AM       <DIR>          folder', modified: new Date(Date.UTC(2020, 0, 15, 10, 30)),
    });
  });
  test('a file, PM, name with spaces', () => {
    const e = parseDosLine('12-31-99  11:59PM             1234 my file.txt')!;
    assert.equal(e.type, 'file');
    assert.equal(e.size, 1234);
    assert.equal(e.name, 'my file.txt');
    assert.deepEqual(e.modified, new Date(Date.UTC(1999, 11, 31, 23, 59)));
  });
  test('12 AM is midnight, 12 PM is noon', () => {
    assert.equal(parseDosLine('01-01-21  12:05AM 1 a')!.modified!.getUTCHours(), 0);
    assert.equal(parseDosLine('01-01-21  12:05PM 1 a')!.modified!.getUTCHours(), 12);
  });
  test('four-digit years and 24-hour clock', () => {
    const e = parseDosLine('2021-07-04  18:00    5000000000 huge.bin')!;
    assert.equal(e.size, 5_000_000_000);
    assert.deepEqual(e.modified, new Date(Date.UTC(2021, 6, 4, 18, 0)));
    assert.equal(parseDosLine('07-04-2021  18:00  <DIR>  d')!.type, 'dir');
  });
  test('not DOS', () => {
    for (const l of ['-rw-r--r-- 1 a b 5 Jan 02 2020 f', 'random', '01-15-20 13:30PM 5 x']) assert.equal(parseDosLine(l), undefined, l);
  });
  test('a name may hold U+2028 or a lone CR', () => {
    assert.equal(parseDosLine('01-15-20  10:30AM  5 a\u2028b\rc')!.name, 'a\u2028b\rc');
  });
  // Found by fuzzing: an optional space run before a required one, and a name that could not reach
  // the end, made backtracking cubic (8 KB took 53 s). A 256 KB hostile line must finish at once.
  test('a long hostile line is read in one pass', () => {
    const sp = ' '.repeat(128 * 1024);
    assert.equal(parseDosLine(`01-01-20 10:30${sp}1${sp}`)!.name, ' ');
    assert.equal(parseDosLine(`01-01-20 10:30${sp}${'1'.repeat(1000)}x`), undefined);
    assert.equal(parseDosLine(`2020-01-01 10:30${sp}AM${sp}1x`), undefined);
  });
});
test('a four-digit year below 100 is not read as 19xx', () => {
  assert.equal(parseDosLine('01-02-0050  10:00 5 a')!.modified!.toISOString(), '0050-01-02T10:00:00.000Z');
  assert.equal(parseDosLine('0050-01-02  10:00 5 a')!.modified!.toISOString(), '0050-01-02T10:00:00.000Z');
});
