import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MenuEnd, MenuParser, parseMenu, parseMenuLine, buildMenu, type MenuItem } from '../../../../src/protocols/gopher/core/menu.js';
import { LimitError } from '../../../../src/errors.js';
import { splitAt } from './split.js';

const item = (type: string, display: string, selector: string, host: string, port: number, extra: string[] = []) => ({ type, display, selector, host, port, extra });
const strip = (items: MenuItem[]) => items.map(({ raw: _raw, ...rest }) => rest);

const CASES: Array<[name: string, menu: string, expected: ReturnType<typeof item>[]]> = [
  ['RFC 1436 example', '0About internet Gopher\tStuff:About us\trawBits.micro.umn.edu\t70\r\n1Around University of Minnesota\tZ,5692,AUM\tunderdog.micro.umn.edu\t70\r\n.\r\n', [
    item('0', 'About internet Gopher', 'Stuff:About us', 'rawBits.micro.umn.edu', 70),
    item('1', 'Around University of Minnesota', 'Z,5692,AUM', 'underdog.micro.umn.edu', 70),
  ]],
  ['LF-only lines, no terminator', '1Dir\t/d\th\t7070\n9Bin\t/b.bin\th\t70\n', [item('1', 'Dir', '/d', 'h', 7070), item('9', 'Bin', '/b.bin', 'h', 70)]],
  ['last line unterminated', '0A\t/a\th\t70', [item('0', 'A', '/a', 'h', 70)]],
  ['info and error lines', 'iWelcome!\tfake\t(NULL)\t0\r\n3Not found\terror.host\t1\r\n.\r\n', [item('i', 'Welcome!', 'fake', '(NULL)', 0), item('3', 'Not found', 'error.host', '1', 0)]],
  ['info line without tabs', 'ijust text\r\n', [item('i', 'just text', '', '', 0)]],
  ['unknown type kept', 'ZZed\t/z\th\t70\r\n', [item('Z', 'Zed', '/z', 'h', 70)]],
  ['Gopher+ fifth field', '1Plus\t/p\th\t70\t+\r\n', [item('1', 'Plus', '/p', 'h', 70, ['+'])]],
  ['bad port is 0', '1X\t/x\th\tseventy\r\n1Y\t/y\th\t70000\r\n', [item('1', 'X', '/x', 'h', 0), item('1', 'Y', '/y', 'h', 0)]],
  ['blank lines skipped', '\r\n0A\t/a\th\t70\r\n\r\n.\r\n', [item('0', 'A', '/a', 'h', 70)]],
  ['bytes after the terminator ignored', '0A\t/a\th\t70\r\n.\r\n0B\t/b\th\t70\r\n', [item('0', 'A', '/a', 'h', 70)]],
  ['UTF-8 display', '0Café ☕\t/c\th\t70\r\n', [item('0', 'Café ☕', '/c', 'h', 70)]],
  ['a byte-order mark opening the menu is dropped; one opening a later line is text', '\ufeff0A\t/a\th\t70\r\n\ufeffB\t/b\th\t70\r\n', [item('0', 'A', '/a', 'h', 70), item('\ufeff', 'B', '/b', 'h', 70)]],
  ['a line of just ".." is an item, not the end', '..\r\n0A\t/a\th\t70\r\n', [item('.', '.', '', '', 0), item('0', 'A', '/a', 'h', 70)]],
];

for (const [name, menu, expected] of CASES) {
  test(`menu: ${name}`, () => {
    assert.deepEqual(strip(parseMenu(menu)), expected);
  });
}

test('menu: Latin-1 lines are read as Latin-1, raw keeps the line', () => {
  const items = parseMenu(Buffer.from('0caf\xe9\t/caf\xe9\th\t70\r\n', 'latin1'));
  assert.equal(items[0]!.display, 'café');
  assert.equal(items[0]!.raw, '0café\t/café\th\t70');
  // Marked, so that following the item sends the selector's own bytes back, not their UTF-8.
  assert.equal(items[0]!.encoding, 'latin1');
  assert.equal(parseMenu('0caf\u00e9\t/caf\u00e9\th\t70\r\n')[0]!.encoding, undefined);
});

test('menu: done after the terminator; end() without one also finishes', () => {
  const p = new MenuParser();
  assert.equal(p.push(Buffer.from('0A\t/a\th\t70\r\n')).length, 1);
  assert.equal(p.done, false);
  assert.deepEqual(p.push(Buffer.from('.\r\n')), []);
  assert.equal(p.done, true);
  const q = new MenuParser();
  q.push(Buffer.from('0A\t/a\th\t70'));
  assert.equal(q.end().length, 1);
  assert.equal(q.done, true);
});

test('menu: item, byte and line bounds are LimitErrors', () => {
  const many = '0A\t/a\th\t70\r\n'.repeat(11);
  assert.throws(() => parseMenu(many, { maxItems: 10 }), (e: LimitError) => e instanceof LimitError && e.limit === 10);
  assert.equal(parseMenu(many, { maxItems: 11 }).length, 11);
  assert.throws(() => parseMenu(many, { maxBytes: 100 }), (e: LimitError) => e instanceof LimitError && e.limit === 100);
  assert.throws(() => parseMenu(`0${'x'.repeat(200)}`, { maxLine: 100 }), LimitError);
  // A line past the bound fails before its end arrives: nothing waits for a newline forever.
  const p = new MenuParser({ maxLine: 100 });
  assert.throws(() => p.push(Buffer.alloc(500, 'x')), LimitError);
});

// Found by the split-invariance property with a small maxBytes: bytes after the '.' line counted
// toward the bound when they came in the same chunk, so the same menu passed or failed by cut.
test('menu: maxBytes counts the menu through its terminator, whatever follows in the chunk', () => {
  const wire = Buffer.from('0a\tb\th\t70\r\n.\r\njunk after the menu');
  for (const chunks of [[wire], [wire.subarray(0, 14), wire.subarray(14)]]) {
    const p = new MenuParser({ maxBytes: 14 });
    assert.deepEqual([...chunks.flatMap((c) => p.push(c)), ...p.end()].map((i) => i.display), ['a']);
  }
  assert.throws(() => new MenuParser({ maxBytes: 13 }).push(wire), LimitError);
  assert.throws(() => new MenuParser({ maxBytes: 13 }).push(wire.subarray(0, 14)), LimitError);
});

test('menu: parseMenuLine and buildMenu round-trip', () => {
  const items = [item('1', 'Dir', '/d', 'host', 70), item('0', 'F', '/f.txt', 'host', 7070, ['+'])];
  assert.deepEqual(strip(parseMenu(buildMenu(items))), items);
  assert.equal(parseMenuLine(''), undefined);
});

test('menu: any split of the bytes gives the same items (property)', () => {
  const line = fc
    .record({
      type: fc.constantFrom('0', '1', '7', '9', 'i', '3', 'g', 'h'),
      display: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\t\r\n]/g, ' ')),
      selector: fc.string({ maxLength: 20 }).map((s) => s.replace(/[\t\r\n]/g, '_')),
      port: fc.integer({ min: 1, max: 65535 }),
    })
    .map((r) => item(r.type, r.display, r.selector, 'example.org', r.port));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 8 }), fc.boolean(), fc.boolean(), (items, cuts, lfOnly, terminated) => {
      let text = buildMenu(items);
      if (!terminated) text = text.slice(0, -3);
      if (lfOnly) text = text.replace(/\r\n/g, '\n');
      const p = new MenuParser();
      const got: MenuItem[] = [];
      for (const c of splitAt(Buffer.from(text, 'utf8'), cuts)) got.push(...p.push(c));
      got.push(...p.end());
      assert.deepEqual(strip(got), items);
    }),
    { numRuns: 300 },
  );
});

/** Reference for MenuEnd: the length through the first line that is '.' (one CR before its LF dropped), or undefined. */
function menuEndAt(bytes: Buffer): number | undefined {
  for (let start = 0; start < bytes.length; ) {
    const lf = bytes.indexOf(10, start);
    if (lf < 0) return undefined;
    const line = bytes.subarray(start, lf > start && bytes[lf - 1] === 13 ? lf - 1 : lf);
    if (line.length === 1 && line[0] === 0x2e) return lf + 1;
    start = lf + 1;
  }
  return undefined;
}

test('menu end: finds the . line in raw bytes as the parser does, at any split, keeping nothing after it', () => {
  const end = new MenuEnd();
  assert.equal(end.scan(Buffer.from('0a\t/a\th\t70\r\n.\r\nafter')), 15);
  assert.equal(end.done, true);
  assert.equal(end.scan(Buffer.from('more')), 0);
  const byte = fc.constantFrom(0x2e, 0x0d, 0x0a, 0x61, 0x09);
  fc.assert(
    fc.property(fc.array(byte, { maxLength: 40 }), fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 8 }), (arr, cuts) => {
      const bytes = Buffer.from(arr);
      const scanner = new MenuEnd();
      const parser = new MenuParser();
      let kept = 0;
      for (const c of splitAt(bytes, cuts)) {
        kept += scanner.scan(c);
        parser.push(c);
      }
      const at = menuEndAt(bytes);
      assert.equal(scanner.done, at !== undefined);
      assert.equal(scanner.done, parser.done);
      assert.equal(kept, at ?? bytes.length);
    }),
    { numRuns: 500 },
  );
});
