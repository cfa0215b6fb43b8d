import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UrlHeaders } from '../../src/urlopen/headers.js';

test('reads like WHATWG Headers: case-insensitive, joined, sorted', () => {
  const init: Array<[string, string]> = [
    ['X-B', '2'],
    ['Content-Type', 'text/plain'],
    ['x-b', '3'],
    ['Set-Cookie', 'a=1'],
    ['Set-Cookie', 'b=2'],
  ];
  const ours = new UrlHeaders(init);
  const theirs = new Headers(init);
  assert.deepEqual([...ours], [...theirs]);
  assert.equal(ours.get('x-B'), theirs.get('x-B'));
  assert.equal(ours.get('missing'), null);
  assert.deepEqual(ours.getSetCookie(), theirs.getSetCookie());
});

test('set, append, delete, has and the record form', () => {
  const h = new UrlHeaders({ 'Content-Length': '5', Vary: ['a', 'b'], Skip: undefined });
  assert.equal(h.get('vary'), 'a, b');
  assert.equal(h.has('skip'), false);
  h.set('content-length', '6');
  h.append('Vary', 'c');
  h.delete('VARY');
  assert.deepEqual([...h.keys()], ['content-length']);
  assert.deepEqual([...h.values()], ['6']);
  const seen: string[] = [];
  h.forEach((v, k) => seen.push(`${k}=${v}`));
  assert.deepEqual(seen, ['content-length=6']);
});
