import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError, ProtocolError } from '../../../../src/errors.js';
import { FieldCollector, trimOws } from '../../../../src/protocols/http/core/fields.js';

const collect = (lines: string[], maxFields = 10, maxBytes = 1000) => {
  const f = new FieldCollector(maxFields, maxBytes, 'header');
  for (const l of lines) f.add(l);
  return f.take().raw;
};

test('name: value pairs keep order, case and duplicates', () => {
  assert.deepEqual(collect(['A: 1', 'b: 2', 'A: 3']), ['A', '1', 'b', '2', 'A', '3']);
});

test('values are trimmed of SP and HTAB only', () => {
  assert.deepEqual(collect(['A: \t x y \t', 'B:\xa0z\xa0', 'C:']), ['A', 'x y', 'B', '\xa0z\xa0', 'C', '']);
});

test('obs-fold joins with one SP; empty folds add nothing', () => {
  assert.deepEqual(collect(['A: 1', '   2', '\t3', '  ', 'B: x']), ['A', '1 2 3', 'B', 'x']);
  assert.deepEqual(collect(['A:', ' 2']), ['A', '2']);
});

test('a fold before any field is refused', () => {
  assert.throws(() => collect([' A: 1']), ProtocolError);
});

test('malformed lines are refused', () => {
  for (const l of ['no colon', ': empty name', 'A B: 1', 'A : 1', 'A\t: 1', 'A\0: 1', 'Ä: 1'])
    assert.throws(() => collect([l]), ProtocolError, JSON.stringify(l));
});

test('NUL or CR in a value, or a fold, is refused', () => {
  for (const lines of [['A: x\0y'], ['A: x\ry'], ['A: 1', ' x\0']]) assert.throws(() => collect(lines), ProtocolError);
});

test('other control bytes and obs-text are kept', () => {
  assert.deepEqual(collect(['A: \x01\x7f\xff']), ['A', '\x01\x7f\xff']);
});

test('field count bound: maxFields pass, one more is a LimitError', () => {
  assert.equal(collect(['A: 1', 'B: 2'], 2).length, 4);
  assert.throws(() => collect(['A: 1', 'B: 2', 'C: 3'], 2), (e) => e instanceof LimitError && e.limit === 2);
});

test('byte bound counts each line with its CRLF, folds included', () => {
  // 'A: 1' + CRLF = 6 bytes.
  assert.equal(collect(['A: 1', 'B: 2'], 10, 12).length, 4);
  assert.throws(() => collect(['A: 1', 'B: 23'], 10, 12), LimitError);
  assert.throws(() => collect(['A: 1', '  2'], 10, 10), LimitError);
});

test('remaining tracks the byte budget; take starts afresh', () => {
  const f = new FieldCollector(10, 100, 'header');
  f.add('A: 1');
  assert.equal(f.remaining, 94);
  assert.deepEqual(f.take().raw, ['A', '1']);
  assert.equal(f.remaining, 100);
  assert.equal(f.take().size, 0);
});

test('trimOws', () => {
  assert.equal(trimOws(''), '');
  assert.equal(trimOws(' \t '), '');
  assert.equal(trimOws('\tab c '), 'ab c');
  const s = 'same';
  assert.equal(trimOws(s), s);
});
