import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DEFAULT_DIALECTS, parseListing, parseListingLine } from '../../../../src/protocols/ftp/core/listing.js';
import type { ListingDialect } from '../../../../src/protocols/ftp/core/entry.js';

const NOW = new Date(Date.UTC(2024, 2, 15));

const UNIX = [
  'total 12',
  'drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2020 pub',
  '-rw-r--r--    1 ftp      ftp            12 Jan 02  2020 a.txt',
  'lrwxrwxrwx    1 ftp      ftp             5 Jan 02  2020 l -> a.txt',
].join('\r\n');

describe('parseListing', () => {
  test('Unix listing: the total line is a header, entries typed', () => {
    const e = parseListing(UNIX, { now: NOW });
    assert.deepEqual(e.map((x) => [x.name, x.type]), [['pub', 'dir'], ['a.txt', 'file'], ['l', 'link']]);
  });
  test('DOS listing', () => {
    const e = parseListing('01-15-20  10:30AM       <DIR>          folder\r\n01-15-20  10:31AM                5 f.txt\r\n');
    assert.deepEqual(e.map((x) => [x.name, x.type, x.size]), [['folder', 'dir', undefined], ['f.txt', 'file', 5]]);
  });
  test('MLSD listing', () => {
    const e = parseListing('type=dir;modify=20200102030405; d\r\ntype=file;size=3; f\r\n');
    assert.deepEqual(e.map((x) => [x.name, x.type]), [['d', 'dir'], ['f', 'file']]);
  });
  test('lines of no dialect are kept raw, never dropped', () => {
    const e = parseListing('-rw-r--r-- 1 a b 5 Jan 02  2020 ok\nsomething strange\n+i8388621.29609,m824255902,/,\tdeliberately odd\n');
    assert.equal(e.length, 3);
    assert.deepEqual(e.slice(1).map((x) => [x.type, x.raw]), [['unknown', 'something strange'], ['unknown', '+i8388621.29609,m824255902,/,\tdeliberately odd']]);
    assert.equal(e[1]!.name, 'something strange');
  });
  test('mixed dialects in one listing each parse', () => {
    const e = parseListing('01-15-20  10:30AM  <DIR>  d\n-rw-r--r-- 1 a b 5 Jan 02  2020 u\ntype=file;size=1; m\n');
    assert.deepEqual(e.map((x) => x.type), ['dir', 'file', 'file']);
  });
  test('empty lines and LF-only endings', () => {
    assert.deepEqual(parseListing('\n\r\n'), []);
    assert.equal(parseListing('-rw-r--r-- 1 a b 5 Jan 02  2020 x\n\n').length, 1);
  });
  test('custom dialect list is tried in order', () => {
    const mine: ListingDialect = { name: 'star', test: (l) => l.startsWith('*'), parse: (l) => ({ name: l.slice(1), type: 'file', raw: l }) };
    assert.equal(parseListingLine('*x', { dialects: [mine, ...DEFAULT_DIALECTS] }).name, 'x');
    assert.equal(parseListingLine('*x').type, 'unknown');
  });
  test('a dialect whose test matches but parse refuses falls through', () => {
    const liar: ListingDialect = { name: 'liar', test: () => true, parse: () => undefined };
    assert.equal(parseListingLine('type=file; f', { dialects: [liar, ...DEFAULT_DIALECTS] }).type, 'file');
  });
});

describe('properties', () => {
  const line = fc.oneof(
    fc.constantFrom(
      '-rw-r--r--    1 ftp      ftp            12 Jan 02  2020 a.txt',
      'drwxr-xr-x    2 ftp      ftp          4096 Mar 01 10:00 dir',
      '01-15-20  10:30AM       <DIR>          folder',
      'type=file;size=3; f',
    ),
    fc.string({ minLength: 1, maxLength: 40 }).filter((s) => !/[\r\n]/.test(s) && s.trim() !== '' && !/^total\s+\d+\s*$/i.test(s)),
  );
  test('every non-empty line becomes exactly one entry, in order, raw kept', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 30 }), fc.boolean(), (lines, crlf) => {
        const e = parseListing(lines.join(crlf ? '\r\n' : '\n'), { now: NOW });
        assert.equal(e.length, lines.length);
        e.forEach((x, i) => assert.equal(x.raw, lines[i]));
      }),
    );
  });
  test('parsing a listing equals parsing its lines one by one', () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), (lines) => {
        assert.deepEqual(parseListing(lines.join('\r\n'), { now: NOW }), lines.map((l) => parseListingLine(l, { now: NOW })));
      }),
    );
  });
});
