import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listingText, parseActiveLine, parseCapabilities, parseOverLine } from '../../../../src/protocols/nntp/core/listing.js';
import { ProtocolError } from '../../../../src/errors.js';

test('parseCapabilities: labels upper-cased, arguments kept', () => {
  const c = parseCapabilities(['VERSION 2', 'reader', 'LIST ACTIVE NEWSGROUPS', 'AUTHINFO USER', '']);
  assert.deepEqual(c.get('VERSION'), ['2']);
  assert.deepEqual(c.get('LIST'), ['ACTIVE', 'NEWSGROUPS']);
  assert.ok(c.has('READER'));
});

test('parseActiveLine: RFC 3977 §7.6.3 lines; malformed ones refused', () => {
  assert.deepEqual(parseActiveLine('misc.test 3002322 3000234 y'), { group: 'misc.test', high: 3002322, low: 3000234, status: 'y' });
  assert.deepEqual(parseActiveLine('alt.rfc-writers.recovery 4 1 =misc.test').status, '=misc.test');
  for (const l of ['', 'g 1 1', 'g x 1 y', 'g 1 1 y extra', 'g 99999999999999999 1 y']) assert.throws(() => parseActiveLine(l), ProtocolError, l);
});

test('parseOverLine: RFC 3977 §8.3.2 example; empty fields; extra fields; malformed refused', () => {
  const o = parseOverLine('3000234\tI am just a test article\t"Demo User" <nobody@example.com>\t6 Oct 1998 04:38:40 -0500\t<45223423@example.com>\t<45454@example.net>\t1234\t17\tXref: news.example.com misc.test:3000363');
  assert.equal(o.number, 3000234);
  assert.equal(o.from, '"Demo User" <nobody@example.com>');
  assert.equal(o.references, '<45454@example.net>');
  assert.equal(o.bytes, 1234);
  assert.equal(o.lines, 17);
  assert.deepEqual(o.extra, ['Xref: news.example.com misc.test:3000363']);
  assert.equal(parseOverLine('1\t\t\t\t\t\t\t').bytes, undefined);
  for (const l of ['', '1\ta\tb', 'x\ta\tb\tc\td\te\tf\tg']) assert.throws(() => parseOverLine(l), ProtocolError, l);
  assert.equal(parseOverLine('1\ts\tf\td\tm\tr\t1\t1' + '\tx'.repeat(500)).extra.length, 56);
});

test('property: any line is parsed or refused with a ProtocolError, numbers always safe integers', async () => {
  const fc = (await import('fast-check')).default;
  const { parseGroup, parseArticleRef } = await import('../../../../src/protocols/nntp/core/responses.js');
  const parsers: ((s: string) => unknown)[] = [parseActiveLine, parseOverLine, parseGroup, parseArticleRef];
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 80 }), fc.stringMatching(/^[0-9 \t<>@a-z.]{0,60}$/)), (line) => {
      for (const p of parsers) {
        try {
          const v = p(line) as Record<string, unknown>;
          for (const x of Object.values(v)) if (typeof x === 'number') assert.ok(Number.isSafeInteger(x) && x >= 0);
        } catch (e) {
          assert.ok(e instanceof ProtocolError, String(e));
        }
      }
    }),
    { numRuns: 2000 },
  );
});

test('listingText: UTF-8 as UTF-8; raw 8-bit (a Latin-1 Subject) read as ISO-8859-1, never replaced by U+FFFD', () => {
  assert.equal(listingText(Buffer.from('1\tcaf\u00e9', 'utf8')), '1\tcaf\u00e9');
  assert.equal(listingText(Buffer.from('1\tcaf\xe9 J\xfcrgen', 'latin1')), '1\tcaf\u00e9 J\u00fcrgen');
  assert.equal(listingText(Buffer.from('plain')), 'plain');
  // Every byte still there: the text maps back to the bytes the server sent.
  const raw = Buffer.from([0x31, 0x09, 0xff, 0xc3, 0x28, 0x80]);
  assert.ok(Buffer.from(listingText(raw), 'latin1').equals(raw));
});
