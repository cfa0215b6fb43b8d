import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { TextUnstuffer } from '../../../../src/protocols/gopher/core/text.js';
import { DotUnstuffer, splitLines } from '../../../../src/line/index.js';
import { splitAt } from './split.js';

function run(input: string | Buffer, cuts: number[] = []): { out: string; done: boolean } {
  const t = new TextUnstuffer();
  const parts: Buffer[] = [];
  for (const c of splitAt(Buffer.isBuffer(input) ? input : Buffer.from(input, 'latin1'), cuts)) parts.push(t.push(c));
  parts.push(t.end());
  return { out: Buffer.concat(parts).toString('latin1'), done: t.done };
}

const CASES: Array<[input: string, out: string, done: boolean]> = [
  ['hello\r\nworld\r\n.\r\n', 'hello\r\nworld\r\n', true],
  ['hello\nworld\n.\n', 'hello\nworld\n', true],
  ['no terminator\r\n', 'no terminator\r\n', false],
  ['..stuffed\r\n.\r\n', '.stuffed\r\n', true],
  ['..\r\n.\r\n', '.\r\n', true],
  ['.unstuffed server\r\n', '.unstuffed server\r\n', false],
  ['a\r\n.', 'a\r\n', true],
  ['a\r\n.\r', 'a\r\n', true],
  ['.\r\n', '', true],
  ['a\r\n.\r\nafter the end\r\n', 'a\r\n', true],
  ['in.line . dots\r\n', 'in.line . dots\r\n', false],
  ['.\rx\r\n', '.\rx\r\n', false],
  ['', '', false],
];

for (const [input, out, done] of CASES) {
  test(`text: ${JSON.stringify(input)}`, () => {
    assert.deepEqual(run(input), { out, done });
    // Byte by byte gives the same.
    assert.deepEqual(run(input, [1]), { out, done });
  });
}

test('text: a huge line streams through without being held', () => {
  const t = new TextUnstuffer();
  let n = 0;
  for (let i = 0; i < 100; i++) n += t.push(Buffer.alloc(65536, 'x')).length;
  assert.equal(n, 100 * 65536);
});

test('text: agrees with the line layer DotUnstuffer on stuffed CRLF text, for any split (property)', () => {
  const lineArb = fc.string({ maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
  fc.assert(
    fc.property(fc.array(lineArb, { maxLength: 15 }), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 6 }), (lines, cuts) => {
      const wire = lines.map((l) => (l.startsWith('.') ? `.${l}` : l) + '\r\n').join('') + '.\r\n';
      const expected = lines.map((l) => `${l}\r\n`).join('');
      // The line layer's reading of the same bytes.
      const d = new DotUnstuffer();
      const viaLines: string[] = [];
      for (const l of splitLines(Buffer.from(wire, 'latin1')).lines) {
        const b = d.push(l);
        if (b === null) break;
        viaLines.push(`${b.toString('latin1')}\r\n`);
      }
      assert.equal(viaLines.join(''), expected);
      assert.deepEqual(run(Buffer.from(wire, 'latin1'), cuts), { out: expected, done: true });
    }),
    { numRuns: 300 },
  );
});
