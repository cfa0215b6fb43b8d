import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import { DotStuffer, DotUnstuffer, stuffDotBlock, unstuffLine } from '../../src/line/dotblock.js';
import { splitLines } from '../../src/line/reader.js';
import { bytes, cutAt, latin } from './helpers.js';

const stuff = (s: string) => latin(stuffDotBlock(bytes(s)));

/** Stuffs `chunks` through one DotStuffer, terminator included. */
function stuffChunks(chunks: readonly Buffer[]): string {
  const st = new DotStuffer();
  const out = chunks.map((c) => st.push(c));
  out.push(st.end());
  return latin(Buffer.concat(out));
}

/** What a receiver rebuilds from a stuffed block: the unstuffed lines up to the lone dot, strictly CRLF-framed. */
function receive(wire: string): { lines: string[]; after: string } {
  const { lines, rest } = splitLines(bytes(wire), { eol: 'crlf', maxLine: 1 << 20 });
  const u = new DotUnstuffer();
  const out: string[] = [];
  let i = 0;
  for (; i < lines.length && !u.done; i++) {
    const l = u.push(lines[i]!);
    if (l !== null) out.push(latin(l));
  }
  assert.ok(u.done, 'the block was never terminated');
  return { lines: out, after: lines.slice(i).map((l) => latin(l) + '\r\n').join('') + latin(rest) };
}

describe('unstuffLine (RFC 5321 §4.5.2, RFC 1939 §3)', () => {
  const cases: Array<[string, string | null]> = [
    ['', ''],
    ['hello', 'hello'],
    ['.', null],
    ['..', '.'],
    ['...', '..'],
    ['.hidden', 'hidden'],
    ['..signature', '.signature'],
    [' .', ' .'],
    ['a.', 'a.'],
  ];
  for (const [line, want] of cases) {
    test(`${JSON.stringify(line)} → ${JSON.stringify(want)}`, () => {
      const out = unstuffLine(bytes(line));
      assert.equal(out === null ? null : latin(out), want);
    });
  }
});

describe('DotUnstuffer', () => {
  test('yields body lines, then null from the terminator on, and reports done', () => {
    const u = new DotUnstuffer();
    assert.equal(u.done, false);
    assert.equal(latin(u.push(bytes('..x'))!), '.x');
    assert.equal(u.push(bytes('.')), null);
    assert.equal(u.done, true);
    assert.equal(u.push(bytes('after')), null, 'nothing after the terminator is body');
  });
});

describe('stuffDotBlock and DotStuffer (RFC 5321 §4.5.2)', () => {
  const cases: Array<[string, string, string]> = [
    ['an empty body is just the terminator', '', '.\r\n'],
    ['a CRLF-terminated body gets the terminator', 'a\r\nb\r\n', 'a\r\nb\r\n.\r\n'],
    ['a final CRLF is added when missing', 'abc', 'abc\r\n.\r\n'],
    ['a leading dot is doubled', '.a\r\n', '..a\r\n.\r\n'],
    ['a dot starting a later line is doubled', 'a\r\n.b\r\n', 'a\r\n..b\r\n.\r\n'],
    ['a lone dot line in the body cannot end it early', 'a\r\n.\r\nb', 'a\r\n..\r\nb\r\n.\r\n'],
    ['a dot inside a line is left alone', 'a.b .c\r\n', 'a.b .c\r\n.\r\n'],
    ['bare LF becomes CRLF', 'a\nb\n', 'a\r\nb\r\n.\r\n'],
    ['bare CR becomes CRLF', 'a\rb\r', 'a\r\nb\r\n.\r\n'],
    ['a mix of endings, each one CRLF', 'a\r\nb\nc\rd', 'a\r\nb\r\nc\r\nd\r\n.\r\n'],
    ['LF CR is two endings', 'a\n\rb', 'a\r\n\r\nb\r\n.\r\n'],
    ['smuggling: LF . LF is stuffed and framed', 'x\n.\ny', 'x\r\n..\r\ny\r\n.\r\n'],
    ['smuggling: LF . CRLF is stuffed and framed', 'x\n.\r\nMAIL FROM:<a>\r\n', 'x\r\n..\r\nMAIL FROM:<a>\r\n.\r\n'],
    ['smuggling: CR . CR is stuffed and framed', 'x\r.\ry', 'x\r\n..\r\ny\r\n.\r\n'],
    ['empty lines survive', '\r\n\r\n', '\r\n\r\n.\r\n'],
    ['a body that is just a dot', '.', '..\r\n.\r\n'],
  ];
  for (const [name, body, wire] of cases) {
    test(name, () => assert.equal(stuff(body), wire));
  }

  test('a CR ending one chunk and the LF starting the next are one ending', () => {
    assert.equal(stuffChunks([bytes('a\r'), bytes('\nb')]), 'a\r\nb\r\n.\r\n');
  });

  test('a dot at the start of a chunk that starts a line is doubled', () => {
    assert.equal(stuffChunks([bytes('a\r\n'), bytes('.b\r\n')]), 'a\r\n..b\r\n.\r\n');
    assert.equal(stuffChunks([bytes('a\r'), bytes('.b')]), 'a\r\n..b\r\n.\r\n');
    assert.equal(stuffChunks([bytes('a\r'), bytes('\n.b')]), 'a\r\n..b\r\n.\r\n');
  });

  test('a dot at the start of a chunk in the middle of a line is not', () => {
    assert.equal(stuffChunks([bytes('a'), bytes('.b')]), 'a.b\r\n.\r\n');
  });

  test('empty chunks change nothing, even between a CR and its LF', () => {
    assert.equal(stuffChunks([bytes('a\r'), Buffer.alloc(0), bytes('\n'), Buffer.alloc(0), bytes('.')]), 'a\r\n..\r\n.\r\n');
  });

  test('a Uint8Array view is read from its own offset', () => {
    const backing = bytes('XX.a\nYY');
    const st = new DotStuffer();
    assert.equal(latin(st.push(new Uint8Array(backing.buffer, backing.byteOffset + 2, 3))), '..a\r\n');
  });

  test('push after end is an InputError', () => {
    const st = new DotStuffer();
    st.end();
    assert.throws(() => st.push(bytes('x')), InputError);
  });
});

/** A body with every ending made CRLF and a final CRLF ensured: what the receiver must get back. */
function normalise(body: string): string {
  const n = body.replace(/\r\n|\r|\n/g, '\r\n');
  return n === '' || n.endsWith('\r\n') ? n : n + '\r\n';
}

describe('property: stuffing', () => {
  const body = fc.array(fc.constantFrom('a', '.', '..', ' ', '\r', '\n', '\r\n', '.\r\n', 'x.y'), { maxLength: 40 }).map((a) => a.join(''));

  test('stuff then unstuff gives back the body (endings normalised to CRLF), and nothing after it', () => {
    fc.assert(
      fc.property(body, (b) => {
        const { lines, after } = receive(stuff(b));
        assert.equal(lines.map((l) => l + '\r\n').join(''), normalise(b));
        assert.equal(after, '');
      }),
      { numRuns: 500 },
    );
  });

  test('a body already in CRLF form with a final CRLF round-trips exactly', () => {
    const crlfBody = fc.array(fc.constantFrom('', '.', '..', 'a', '.a', 'a.', ' .'), { maxLength: 20 }).map((ls) => ls.map((l) => l + '\r\n').join(''));
    fc.assert(
      fc.property(crlfBody, (b) => {
        assert.equal(receive(stuff(b)).lines.map((l) => l + '\r\n').join(''), b);
      }),
      { numRuns: 300 },
    );
  });

  test('the output has no bare CR or LF and no lone-dot line except the terminator', () => {
    fc.assert(
      fc.property(body, (b) => {
        const wire = stuff(b);
        assert.ok(wire.endsWith('.\r\n'));
        assert.ok(!/\r(?!\n)|(?<!\r)\n/.test(wire), JSON.stringify(wire));
        const lines = wire.split('\r\n').slice(0, -1);
        assert.equal(lines.indexOf('.'), lines.length - 1);
      }),
      { numRuns: 300 },
    );
  });

  test('however the body is cut into chunks, the stuffed bytes are the same', () => {
    fc.assert(
      fc.property(body, fc.array(fc.nat(50), { maxLength: 8 }), (b, cuts) => {
        assert.equal(stuffChunks(cutAt(bytes(b), cuts)), stuff(b));
      }),
      { numRuns: 500 },
    );
  });
});
