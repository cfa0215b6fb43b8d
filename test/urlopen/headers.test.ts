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

test('opening a URL and reading its headers never loads Node\'s bundled undici (a start-up cost dial avoids)', async () => {
  const { spawnSync } = await import('node:child_process');
  const index = new URL('../../src/urlopen/index.js', import.meta.url).href;
  const script = `const { urlopen } = await import(${JSON.stringify(index)});
    const r = await urlopen('data:text/plain,hi');
    const seen = [r.info().get('content-type'), [...r.info()].length, await r.text()];
    console.log(JSON.stringify({ seen, undici: process.moduleLoadList.some((m) => m.includes('undici')) }));`;
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(out.status, 0, out.stderr);
  const r = JSON.parse(out.stdout) as { seen: unknown[]; undici: boolean };
  assert.deepEqual(r.seen, ['text/plain', 2, 'hi']);
  assert.equal(r.undici, false);
});
