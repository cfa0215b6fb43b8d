import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError } from '../../../../src/errors.js';
import { LineScanner } from '../../../../src/protocols/http/core/lines.js';

/** Every line `scan` finds in `pieces`, in order. */
function lines(s: LineScanner, pieces: string[]): string[] {
  const out: string[] = [];
  for (const p of pieces) {
    const buf = Buffer.from(p, 'latin1');
    let pos = 0;
    for (;;) {
      const next = s.scan(buf, pos);
      if (next === -1) break;
      out.push(s.line);
      pos = next;
    }
  }
  return out;
}

test('CRLF and bare LF both end a line; only the CR right before LF is dropped', () => {
  assert.deepEqual(lines(new LineScanner(100, 'x'), ['a\r\nb\nc\r\r\n\r\n']), ['a', 'b', 'c\r', '']);
});

test('a bare CR does not end a line', () => {
  assert.deepEqual(lines(new LineScanner(100, 'x'), ['a\rb\r\n']), ['a\rb']);
});

test('lines split anywhere, including between CR and LF', () => {
  assert.deepEqual(lines(new LineScanner(100, 'x'), ['he', 'llo\r', '\nwor', 'ld\r', '\n']), ['hello', 'world']);
  assert.deepEqual(lines(new LineScanner(100, 'x'), 'abc\r\n'.split('')), ['abc']);
});

test('pending counts the bytes of an unfinished line; reset drops them', () => {
  const s = new LineScanner(100, 'x');
  assert.equal(s.scan(Buffer.from('abc'), 0), -1);
  assert.equal(s.pending, 3);
  s.reset();
  assert.equal(s.pending, 0);
  assert.deepEqual(lines(s, ['d\n']), ['d']);
});

test('scan returns the index just past the LF, from the given start', () => {
  const s = new LineScanner(100, 'x');
  assert.equal(s.scan(Buffer.from('xxab\r\ncd'), 2), 6);
  assert.equal(s.line, 'ab');
});

test('bytes are read as latin1, one char per octet', () => {
  const s = new LineScanner(100, 'x');
  s.scan(Buffer.from([0xe9, 0xff, 0x0a]), 0);
  assert.equal(s.line, '\xe9\xff');
});

test('a line of exactly max passes with CRLF, LF, or split', () => {
  for (const pieces of [['aaaa\r\n'], ['aaaa\n'], ['aaaa\r', '\n'], ['aa', 'aa', '\r', '\n']])
    assert.deepEqual(lines(new LineScanner(4, 'x'), pieces), ['aaaa'], JSON.stringify(pieces));
});

test('one byte more is a LimitError, whether the LF came or not', () => {
  for (const pieces of [['aaaaa\r\n'], ['aaaaa\n'], ['aaa', 'aa\n'], ['aaaaaa'], ['aaa', 'aaa']])
    assert.throws(() => lines(new LineScanner(4, 'status line'), pieces), (e) => e instanceof LimitError && e.limit === 4 && /status line/.test(e.message));
});

test('setLimit changes the bound and the limit the error quotes', () => {
  const s = new LineScanner(100, 'x');
  s.setLimit(3, 'response header', 65536);
  assert.throws(() => lines(s, ['abcd\n']), (e) => e instanceof LimitError && e.limit === 65536 && /response header larger than 65536/.test(e.message));
});
