// The FTP core's parsers under generated and mutated server text, kept from the 200k-run searches
// over them (fixed seeds, ~2 s). Oracles: a parser answers or throws a DialError, nothing else;
// long hostile listing lines are read in one pass (they once backtracked for minutes: the test
// runner's timeout is the bound, no timer here); MFMT's text parses back to the same moment for
// any year 0-9999; TYPE A conversion does not depend on how the bytes are cut.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  AsciiDecoder,
  AsciiEncoder,
  asciiToLocal,
  asciiToWire,
  formatFtpTime,
  parseDosLine,
  parseEpsv,
  parseFeatures,
  parseFtpTime,
  parseListing,
  parseMlsdLine,
  parsePasv,
  parsePwd,
  parseSizeReply,
  parseTransferSize,
  parseUnixLine,
} from '../../src/protocols/ftp/core/index.js';
import { assertOnlyDialErrors, serverText } from './server-text.js';

const NOW = new Date(Date.UTC(2024, 2, 15, 12, 0));
const SEEDS = [
  '-rw-r--r--   1 owner group  1234 Jan  5 12:00 file.txt',
  'lrwxrwxrwx 1 u g 7 2020-01-02 03:04 a -> b',
  'crw-rw-rw-    1 root     root       1,   3 Jan 01  2020 null',
  '01-15-20  10:30AM  <DIR>  name',
  '2020-01-15  22:30  1234 name',
  'type=file;size=12;modify=20200101120000.123; a b',
  'Type=OS.unix=slink:/x;perm=r; l',
  'Entering Passive Mode (127,0,0,1,4,1)',
  'Entering Extended Passive Mode (|||6446|)',
  '"/a ""q"" d" created',
  '20200229235960',
  'total 12',
];
const INSERTS = ['\r', '\n', '\0', '\t', ' ', '\ufeff', '\u2028', '\ud800', '9'.repeat(20), 'é', ' '.repeat(40), '-', ';', '=', '"', '(', ')', '|', ','];
const text = serverText(SEEDS, INSERTS, true);

test('every FTP reply and listing parser answers or throws a DialError', () => {
  const parsers: Array<(s: string) => unknown> = [
    parsePasv, parseEpsv, parseTransferSize, (s) => parseUnixLine(s, NOW), parseDosLine, parseMlsdLine, (s) => parseListing(s, { now: NOW }),
    parseFtpTime, parsePwd, parseSizeReply, (s) => parseFeatures(s.split('\n')),
  ];
  assertOnlyDialErrors(parsers, text, { numRuns: 3000, seed: 201 });
});

test('long hostile listing lines are read in one pass', () => {
  const sp = ' '.repeat(200_000);
  assert.equal(parseDosLine(`01-01-20 10:30${sp}1${sp}a\u2028`)!.name, 'a\u2028');
  assert.equal(parseDosLine(`01-01-20 10:30${sp}${'1'.repeat(100_000)}x`), undefined);
  assert.equal(parseUnixLine(`-rw-r--r--${sp}1${sp}u${sp}1${sp}\u2028`, NOW), undefined);
  assert.equal(parseUnixLine(`crw-r--r-- 1 u g 1,${'|| 1 Jan 1 2020'.repeat(20_000)}`, NOW), undefined);
  assert.equal(parseMlsdLine(`${'a=b;'.repeat(100_000)}\u2028`), undefined);
  assert.equal(parseListing(`-rw-r--r-- 1 ${'1 '.repeat(100_000)}x\n`.repeat(3), { now: NOW }).length, 3);
});

test('formatFtpTime then parseFtpTime gives the same moment for any year 0-9999', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }), (d) => {
      const whole = new Date(Math.floor(d.getTime() / 1000) * 1000);
      assert.deepEqual(parseFtpTime(formatFtpTime(whole)), whole);
    }),
    { numRuns: 2000, seed: 202 },
  );
});

test('TYPE A conversion does not depend on how the bytes are cut', () => {
  const data = fc.array(fc.constantFrom(13, 10, 97, 0), { maxLength: 30 }).map((a) => Buffer.from(a));
  fc.assert(
    fc.property(data, fc.array(fc.nat(), { maxLength: 6 }), (d, cuts) => {
      const at = [...new Set(cuts.map((c) => c % (d.length + 1)))].sort((a, b) => a - b);
      const chunks = [...at, d.length].map((p, i, all) => d.subarray(i === 0 ? 0 : all[i - 1]!, p));
      const dec = new AsciiDecoder();
      assert.deepEqual(Buffer.concat([...chunks.map((c) => dec.push(c)), dec.end()]), asciiToLocal(d));
      const enc = new AsciiEncoder();
      assert.deepEqual(Buffer.concat(chunks.map((c) => enc.push(c))), asciiToWire(d));
      assert.equal(asciiToLocal(d).toString('latin1'), d.toString('latin1').replace(/\r\n/g, '\n'));
    }),
    { numRuns: 2000, seed: 203 },
  );
});
