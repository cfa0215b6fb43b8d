import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.js';
import { HeaderList, checkHeader, isToken, listTokens, trimOws } from '../../../../src/protocols/http/core/headers.js';

test('isToken: tchar only, at least one', () => {
  for (const t of ['GET', 'x-custom', "!#$%&'*+-.^_`|~09azAZ"]) assert.ok(isToken(t), t);
  for (const t of ['', 'a b', 'a:b', 'a\r\nb', 'é', 'a"', '(x)', 'a/b', 'a\0']) assert.ok(!isToken(t), JSON.stringify(t));
});

test('isToken refuses a long hostile token (the test timeout bounds the time)', () => {
  const s = `${'a'.repeat(200000)}!@`;
  assert.equal(isToken(s), false);
});

test('checkHeader refuses bad names and CR, LF, NUL in values', () => {
  checkHeader('X-Ok', 'any visible \t text \xff');
  for (const [n, v] of [
    ['Bad Name', 'x'],
    ['', 'x'],
    ['X', 'a\r\nInjected: 1'],
    ['X', 'a\nb'],
    ['X', 'a\rb'],
    ['X', 'a\0b'],
  ])
    assert.throws(() => checkHeader(n!, v!), InputError);
});

test('HeaderList.from: object, arrays of values, numbers, undefined skipped', () => {
  const h = HeaderList.from({ A: '1', B: ['2', '3'], C: 4, D: undefined });
  assert.deepEqual(h.raw, ['A', '1', 'B', '2', 'B', '3', 'C', '4']);
});

test('HeaderList.from: pairs, a WHATWG Headers, another HeaderList (copied)', () => {
  assert.deepEqual(HeaderList.from([['a', '1'], ['a', '2']]).raw, ['a', '1', 'a', '2']);
  assert.deepEqual(HeaderList.from(new Headers({ 'X-Y': 'z' })).raw, ['x-y', 'z']);
  const src = HeaderList.from({ A: '1' });
  const copy = HeaderList.from(src);
  copy.append('B', '2');
  assert.equal(src.size, 1);
  assert.equal(HeaderList.from(undefined).size, 0);
});

test('HeaderList.from copies a list of 200,000 fields (found by generated sizes: spreading it into push() threw RangeError)', () => {
  const raw: string[] = [];
  for (let i = 0; i < 200_000; i++) raw.push('a', String(i));
  const copy = HeaderList.from(new HeaderList(raw));
  assert.equal(copy.size, 200_000);
  assert.notEqual(copy.raw, raw);
});

test('delete keeps the order of the rest, and removes 100,000 of 200,000 fields in one pass', () => {
  const h = new HeaderList(['A', '1', 'b', '2', 'a', '3', 'C', '4', 'A', '5']);
  h.delete('a');
  assert.deepEqual(h.raw, ['b', '2', 'C', '4']);
  // A splice per match took minutes here (found by generated list sizes); bounded by the test runner's timeout, not timed.
  const raw: string[] = [];
  for (let i = 0; i < 200_000; i++) raw.push(i % 2 ? 'Keep' : 'Drop', String(i));
  const big = new HeaderList(raw);
  big.delete('drop');
  assert.equal(big.size, 100_000);
  assert.equal(big.raw[1], '1');
  assert.equal(big.get('drop'), null);
});

test('HeaderList.from checks every field', () => {
  assert.throws(() => HeaderList.from({ 'X\r\nY': '1' }), InputError);
  assert.throws(() => HeaderList.from([['X', 'a\nb']]), InputError);
});

test('get joins repeats with ", "; getAll does not; both ignore case', () => {
  const h = new HeaderList(['Accept', 'a', 'accept', 'b', 'Set-Cookie', 'x=1, y', 'SET-COOKIE', 'z=2']);
  assert.equal(h.get('ACCEPT'), 'a, b');
  assert.deepEqual(h.getAll('accept'), ['a', 'b']);
  assert.deepEqual(h.getSetCookie(), ['x=1, y', 'z=2']);
  assert.equal(h.get('missing'), null);
  assert.deepEqual(h.getAll('missing'), []);
  assert.ok(h.has('set-cookie'));
  assert.ok(!h.has('cookie'));
});

test('append, set and delete keep the index fresh', () => {
  const h = new HeaderList();
  assert.equal(h.get('a'), null);
  h.append('A', '1').append('a', '2');
  assert.equal(h.get('a'), '1, 2');
  h.set('A', '3');
  assert.deepEqual(h.raw, ['A', '3']);
  h.delete('a');
  assert.equal(h.size, 0);
  assert.equal(h.get('a'), null);
  assert.throws(() => h.set('A', 'x\r\n'), InputError);
});

test('iteration yields pairs in order; toJSON joins, keeps Set-Cookie as an array', () => {
  const h = new HeaderList(['A', '1', 'Set-Cookie', 'x', 'a', '2', 'set-cookie', 'y']);
  assert.deepEqual([...h], [['A', '1'], ['Set-Cookie', 'x'], ['a', '2'], ['set-cookie', 'y']]);
  assert.deepEqual(h.toJSON(), { a: '1, 2', 'set-cookie': ['x', 'y'] });
});

test('listTokens: split, trim OWS, lower-case, skip empties', () => {
  assert.deepEqual(listTokens('gzip, Chunked'), ['gzip', 'chunked']);
  assert.deepEqual(listTokens(' ,a,, \tB ,'), ['a', 'b']);
  assert.deepEqual(listTokens(''), []);
  assert.deepEqual(listTokens(null), []);
  assert.deepEqual(listTokens('\xa0close'), ['\xa0close']);
});

test('trimOws leaves NBSP alone', () => {
  assert.equal(trimOws(' \xa0x\xa0 '), '\xa0x\xa0');
});
