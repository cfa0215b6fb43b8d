import { test } from 'node:test';
import assert from 'node:assert/strict';
import { announcedSize, parseListLine, parseNumber, parseStat, parseUidlLine } from '../../../../src/protocols/pop3/core/listing.js';
import { ProtocolError } from '../../../../src/errors.js';

test('parseNumber: plain digits up to 15 of them; nothing else', () => {
  assert.equal(parseNumber('0'), 0);
  assert.equal(parseNumber('999999999999999'), 999_999_999_999_999);
  for (const s of ['', '-1', '+1', '1e3', ' 1', '0x10', '1.5', '9999999999999999', '1'.repeat(400)]) assert.equal(parseNumber(s), undefined, s);
});

test('parseStat: count and size; extra fields allowed; huge or malformed numbers are ProtocolErrors', () => {
  assert.deepEqual(parseStat('2 320'), { count: 2, size: 320 });
  assert.deepEqual(parseStat('0 0'), { count: 0, size: 0 });
  assert.deepEqual(parseStat('2 320 extra words'), { count: 2, size: 320 });
  for (const t of ['', '2', '2 ', 'two 320', '2 -1', '18446744073709551616 1', '1 ' + '9'.repeat(100), '2 3e5']) {
    assert.throws(() => parseStat(t), ProtocolError, t);
  }
});

test('parseListLine and parseUidlLine: RFC 1939 §7 examples, bounds on numbers and ids', () => {
  assert.deepEqual(parseListLine('1 120'), { n: 1, size: 120 });
  assert.deepEqual(parseUidlLine('1 whqtswO00WBw418f9t5JxYwZ'), { n: 1, uid: 'whqtswO00WBw418f9t5JxYwZ' });
  assert.throws(() => parseListLine('0 120'), ProtocolError);
  assert.throws(() => parseListLine('1'), ProtocolError);
  assert.throws(() => parseUidlLine('1'), ProtocolError);
  assert.throws(() => parseUidlLine('1 ' + 'u'.repeat(71)), ProtocolError);
  assert.throws(() => parseUidlLine('1 caf\u00e9'), ProtocolError);
  assert.deepEqual(parseUidlLine('1 ' + 'u'.repeat(70)).uid.length, 70);
});

test('announcedSize: the leading number of RETR +OK text, if any', () => {
  assert.equal(announcedSize('120 octets'), 120);
  assert.equal(announcedSize('message follows'), undefined);
  assert.equal(announcedSize(''), undefined);
});

test('property: any line parses to safe integers or is a ProtocolError — never another error, never a rounded number', async () => {
  const fc = (await import('fast-check')).default;
  const parsers = [parseStat, parseListLine, parseUidlLine];
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.stringMatching(/^[0-9 ]{0,40}$/)), (line) => {
      for (const p of parsers) {
        try {
          const v = p(line) as unknown as Record<string, unknown>;
          for (const x of Object.values(v)) if (typeof x === 'number') assert.ok(Number.isSafeInteger(x) && x >= 0);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
        }
      }
    }),
    { numRuns: 2000 },
  );
});
