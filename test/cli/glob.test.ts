import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandGlob, substituteOutput } from '../../src/cli/glob.js';
import { CliExit } from '../../src/cli/exit-codes.js';

const urls = (p: string) => expandGlob(p).map((m) => m.url);

test('a URL without patterns is itself', () => {
  assert.deepEqual(expandGlob('http://h/a'), [{ url: 'http://h/a', values: [] }]);
});

test('{a,b} alternatives', () => {
  assert.deepEqual(urls('http://h/{one,two,three}.txt'), ['http://h/one.txt', 'http://h/two.txt', 'http://h/three.txt']);
});

test('numeric ranges, zero padding and steps', () => {
  assert.deepEqual(urls('h/[1-3]'), ['h/1', 'h/2', 'h/3']);
  assert.deepEqual(urls('h/[08-11]'), ['h/08', 'h/09', 'h/10', 'h/11']);
  assert.deepEqual(urls('h/[01-10:3]'), ['h/01', 'h/04', 'h/07', 'h/10']);
});

test('letter ranges', () => {
  assert.deepEqual(urls('h/[a-c]'), ['h/a', 'h/b', 'h/c']);
  assert.deepEqual(urls('h/[X-Z]'), ['h/X', 'h/Y', 'h/Z']);
});

test('several patterns: the rightmost varies fastest, values recorded in order', () => {
  const m = expandGlob('h/{a,b}/[1-2]');
  assert.deepEqual(m.map((x) => x.url), ['h/a/1', 'h/a/2', 'h/b/1', 'h/b/2']);
  assert.deepEqual(m[2]!.values, ['b', '1']);
});

test('IPv6 literals are hosts, not ranges; backslash escapes', () => {
  assert.deepEqual(urls('http://[::1]:8080/x'), ['http://[::1]:8080/x']);
  assert.deepEqual(urls('http://h/\\{x\\}'), ['http://h/{x}']);
});

test('malformed patterns are exit 3', () => {
  for (const p of ['h/{a,b', 'h/[1-', 'h/[3-1]', 'h/[1-x]', 'h/a}', 'h/[a-9]']) {
    assert.throws(() => expandGlob(p), (e: unknown) => e instanceof CliExit && e.exitCode === 3, p);
  }
});

test('huge expansions are refused before allocating', () => {
  assert.throws(() => expandGlob('h/[1-999999]/[1-999999]'), (e: unknown) => e instanceof CliExit && e.exitCode === 3);
});

test('#N in output names', () => {
  assert.equal(substituteOutput('out_#1_#2.txt', ['a', '7']), 'out_a_7.txt');
  assert.equal(substituteOutput('x#3', ['a']), 'x#3');
});

test('a URL with nothing to expand comes back as it is, values empty', () => {
  assert.deepEqual(expandGlob('http://h/a/b.txt?x=1#y'), [{ url: 'http://h/a/b.txt?x=1#y', values: [] }]);
  assert.deepEqual(expandGlob(''), [{ url: '', values: [] }]);
  assert.throws(() => expandGlob('http://h/}'), /unmatched/);
});

// Found by fuzzing expandGlob with huge numbers: past 2^53 a Number range could not step
// (i + 1 === i), so [9007199254740992-9007199254740994] looped until the heap ran out.
test('ranges past 2^53 count exactly and end', () => {
  assert.deepEqual(urls('http://h/[9007199254740992-9007199254740994]'), ['http://h/9007199254740992', 'http://h/9007199254740993', 'http://h/9007199254740994']);
  assert.deepEqual(urls('http://h/[99999999999999999999-99999999999999999999]'), ['http://h/99999999999999999999']);
  assert.deepEqual(urls('http://h/[18446744073709551610-18446744073709551620:5]'), ['http://h/18446744073709551610', 'http://h/18446744073709551615', 'http://h/18446744073709551620']);
  assert.throws(() => expandGlob('http://h/[1-99999999999999999999]'), CliExit);
});


test('inside {…} a backslash escapes the next character, as curl (curl sends a,b and c for {a\\,b,c})', () => {
  assert.deepEqual(urls('h/{a\\,b,c}'), ['h/a,b', 'h/c']);
  assert.deepEqual(urls('h/{a\\}b,c}'), ['h/a}b', 'h/c']);
  assert.deepEqual(urls('h/{a\\\\b,c}'), ['h/a\\b', 'h/c']);
  assert.deepEqual(urls('h/{a,}'), ['h/a', 'h/']);
  assert.deepEqual(urls('h/{,}'), ['h/', 'h/']);
});

test('{} and a bracket inside {…} are exit 3, as curl', () => {
  for (const p of ['h/{}', 'h/{a[b,c}', 'h/{a]b,c}', 'h/{a\\']) {
    assert.throws(() => expandGlob(p), (e: unknown) => e instanceof CliExit && e.exitCode === 3, p);
  }
});

test("an empty [] is text, as curl: 'ids[]=1&ids[]=2' queries are sent as typed, and still expand around it", () => {
  assert.deepEqual(urls('http://h/a?ids[]=1&ids[]=2'), ['http://h/a?ids[]=1&ids[]=2']);
  assert.deepEqual(urls('h/x[]y[1-2]'), ['h/x[]y1', 'h/x[]y2']);
});

// Found comparing with curl: '[1-3:5]' (a step longer than the range) expanded to the one URL
// '1' where curl exits 3 with 'bad range', and '[1- 3]' was refused where curl reads it.
test('a step longer than its range is exit 3, as curl; blanks may follow a number range\'s dash', () => {
  for (const p of ['h/[1-3:5]', 'h/[1-3:3]', 'h/[1-1:5]', 'h/[a-c:5]', 'h/[a-a:2]', 'h/[a- c]', 'h/[ 1-3]']) {
    assert.throws(() => expandGlob(p), (e: unknown) => e instanceof CliExit && e.exitCode === 3, p);
  }
  assert.deepEqual(urls('h/[1-4:3]'), ['h/1', 'h/4']);
  assert.deepEqual(urls('h/[1-3:2]'), ['h/1', 'h/3']);
  assert.deepEqual(urls('h/[1-1]'), ['h/1']);
  assert.deepEqual(urls('h/[a-a]'), ['h/a']);
  assert.deepEqual(urls('h/[1- \t3]'), ['h/1', 'h/2', 'h/3']);
  assert.deepEqual(urls('h/[a-c:2]'), ['h/a', 'h/c']);
});
