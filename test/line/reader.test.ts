import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, LimitError, ProtocolError } from '../../src/errors.js';
import { LineSplitter, splitLines, type Eol } from '../../src/line/reader.js';
import { bytes, cutAt, drain, latin } from './helpers.js';

/** Pushes `chunks` one by one, pulling every line after each push; then the rest at end. */
function feed(s: LineSplitter, chunks: readonly Buffer[]): { lines: string[]; rest: string } {
  const lines: string[] = [];
  for (const c of chunks) {
    s.push(c);
    lines.push(...drain(s).map(latin));
  }
  return { lines, rest: latin(s.end()) };
}

const isLimit = (limit: number) => (e: unknown) => e instanceof LimitError && e.code === 'DIAL_E_LIMIT' && e.limit === limit && e.phase === 'line';

describe("eol 'lf' (the default): LF ends a line, a CR just before it is dropped", () => {
  test('CRLF and bare LF both end lines, the ending removed', () => {
    const s = new LineSplitter();
    assert.equal(s.eol, 'lf');
    assert.deepEqual(feed(s, [bytes('EHLO a\r\nQUIT\nx\r\n')]), { lines: ['EHLO a', 'QUIT', 'x'], rest: '' });
  });

  test('a CR that is not right before the LF stays in the line', () => {
    assert.deepEqual(feed(new LineSplitter(), [bytes('a\rb\n\rc\r\r\n')]).lines, ['a\rb', '\rc\r']);
  });

  test('empty lines are lines', () => {
    assert.deepEqual(feed(new LineSplitter(), [bytes('\r\n\n\r\n')]).lines, ['', '', '']);
  });

  test('a CR ending one chunk and its LF starting the next make one ending', () => {
    assert.deepEqual(feed(new LineSplitter(), [bytes('abc\r'), bytes('\ndef\n')]).lines, ['abc', 'def']);
  });

  test('next() returns undefined until the ending arrives, then the whole line', () => {
    const s = new LineSplitter();
    s.push(bytes('250 O'));
    assert.equal(s.next(), undefined);
    s.push(bytes('K'));
    assert.equal(s.next(), undefined);
    s.push(bytes('\r\n'));
    assert.equal(latin(s.next()!), '250 OK');
    assert.equal(s.next(), undefined);
  });
});

describe("eol 'crlf': only CRLF, anything else is a ProtocolError", () => {
  test('CRLF lines are split', () => {
    assert.deepEqual(feed(new LineSplitter({ eol: 'crlf' }), [bytes('a\r\nb\r\n\r\n')]).lines, ['a', 'b', '']);
  });

  test('a bare LF is refused', () => {
    const s = new LineSplitter({ eol: 'crlf', protocol: 'smtp' });
    s.push(bytes('250 ok\n'));
    assert.throws(() => s.next(), (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_PROTOCOL' && e.protocol === 'smtp' && /bare LF/.test(e.message));
  });

  test('an empty line ended by a bare LF is refused too', () => {
    const s = new LineSplitter({ eol: 'crlf' });
    s.push(bytes('\n'));
    assert.throws(() => s.next(), ProtocolError);
  });

  test('a bare CR inside a line is refused', () => {
    const s = new LineSplitter({ eol: 'crlf' });
    s.push(bytes('250 a\rb\r\n'));
    assert.throws(() => s.next(), (e: unknown) => e instanceof ProtocolError && /bare CR/.test(e.message));
  });

  test('CRLF split between chunks is still one ending', () => {
    assert.deepEqual(feed(new LineSplitter({ eol: 'crlf' }), [bytes('x\r'), bytes('\n'), bytes('y\r'), bytes('\nz')]), { lines: ['x', 'y'], rest: 'z' });
  });
});

describe("eol 'any': CRLF, LF or a bare CR each end a line", () => {
  test('all three endings, each counted once', () => {
    assert.deepEqual(feed(new LineSplitter({ eol: 'any' }), [bytes('a\r\nb\nc\rd\r\n')]).lines, ['a', 'b', 'c', 'd']);
  });

  test('runs of endings give one empty line each: CR, CRLF, LF, CRLF, CRLF, LF, CR', () => {
    assert.deepEqual(feed(new LineSplitter({ eol: 'any' }), [bytes('\r\r\n\n\r\n\r\n\n\r')]).lines, ['', '', '', '', '', '', '']);
  });

  test('a CR at the end of a chunk ends the line at once, and an LF starting the next chunk is not an extra line', () => {
    const s = new LineSplitter({ eol: 'any' });
    s.push(bytes('abc\r'));
    assert.equal(latin(s.next()!), 'abc');
    s.push(bytes('\ndef\r'));
    assert.equal(latin(s.next()!), 'def');
    assert.equal(s.next(), undefined);
    s.push(bytes('\n'));
    assert.equal(s.next(), undefined);
    assert.equal(s.bufferedLength, 0);
    s.push(bytes('\nghi\n'));
    assert.deepEqual(drain(s).map(latin), ['', 'ghi']);
  });

  test('a CR at the end of a chunk followed by a non-LF byte', () => {
    assert.deepEqual(feed(new LineSplitter({ eol: 'any' }), [bytes('a\r'), bytes('b\r'), bytes('c')]), { lines: ['a', 'b'], rest: 'c' });
  });
});

describe('maxLine', () => {
  test('the default is 8192 bytes', () => {
    assert.equal(new LineSplitter().maxLine, 8192);
  });

  for (const eol of ['lf', 'crlf', 'any'] as const) {
    test(`${eol}: a line of exactly maxLine bytes passes, one more byte is a LimitError`, () => {
      const ok = new LineSplitter({ eol, maxLine: 10 });
      ok.push(bytes('0123456789\r\n'));
      assert.equal(latin(ok.next()!), '0123456789');
      const bad = new LineSplitter({ eol, maxLine: 10 });
      bad.push(bytes('0123456789A\r\n'));
      assert.throws(() => bad.next(), isLimit(10));
    });

    test(`${eol}: an unterminated line is refused as soon as it outgrows maxLine, before any ending arrives`, () => {
      const s = new LineSplitter({ eol, maxLine: 16 });
      let threw: unknown;
      let fed = 0;
      // Bounded: 1000 one-byte pushes are far past the limit.
      for (let i = 0; i < 1000 && threw === undefined; i++) {
        s.push(bytes('x'));
        fed++;
        try {
          s.next();
        } catch (e) {
          threw = e;
        }
      }
      assert.ok(isLimit(16)(threw), String(threw));
      assert.ok(fed <= 18, `refused only after ${fed} bytes`);
    });
  }

  test("'lf': a maxLine-byte line whose CR has arrived but not its LF is not refused early", () => {
    const s = new LineSplitter({ maxLine: 4 });
    s.push(bytes('abcd\r'));
    assert.equal(s.next(), undefined);
    s.push(bytes('\n'));
    assert.equal(latin(s.next()!), 'abcd');
  });

  test('a 10 MB line pushed in 64 KiB chunks is refused within the first chunks past the limit', () => {
    const s = new LineSplitter({ maxLine: 8192 });
    const chunk = Buffer.alloc(65536, 0x61);
    let pushed = 0;
    let err: unknown;
    while (pushed < 10 * 1024 * 1024 && err === undefined) {
      s.push(chunk);
      pushed += chunk.length;
      try {
        s.next();
      } catch (e) {
        err = e;
      }
    }
    assert.ok(err instanceof LimitError);
    assert.equal(pushed, 65536);
  });

  test('end() refuses an unterminated rest longer than maxLine', () => {
    const s = new LineSplitter({ maxLine: 3 });
    s.push(bytes('abcd'));
    assert.throws(() => s.end(), isLimit(3));
  });

  test('next(limit) and end(limit) bound one pull with a limit of its own (dot-block body lines)', () => {
    const s = new LineSplitter({ maxLine: 3 });
    s.push(bytes('abcdef\nab\nabcdefgh'));
    assert.equal(latin(s.next(6)!), 'abcdef');
    assert.equal(latin(s.next()!), 'ab');
    assert.equal(s.next(8), undefined);
    assert.equal(latin(s.end(8)), 'abcdefgh');
    const t = new LineSplitter({ maxLine: 100 });
    t.push(bytes('abcdef'));
    // The unterminated part is refused by the pull's own bound, not the splitter's.
    assert.throws(() => t.next(4), isLimit(4));
  });

  test('the protocol is named in the LimitError', () => {
    const s = new LineSplitter({ maxLine: 1, protocol: 'pop3' });
    s.push(bytes('ab\n'));
    assert.throws(() => s.next(), (e: unknown) => e instanceof LimitError && e.protocol === 'pop3');
  });
});

describe('take, end, clear and bufferedLength', () => {
  test('take returns raw bytes between lines, line endings and all', () => {
    const s = new LineSplitter();
    s.push(bytes('150 here\r\n'));
    s.push(bytes('raw\r\nbytes'));
    assert.equal(latin(s.next()!), '150 here');
    assert.equal(latin(s.take(5)), 'raw\r\n');
    assert.equal(s.bufferedLength, 5);
    assert.equal(latin(s.take()), 'bytes');
    assert.equal(s.take().length, 0);
    assert.equal(s.bufferedLength, 0);
  });

  test('lines resume after a take in the middle of a line', () => {
    const s = new LineSplitter();
    s.push(bytes('abcdef\nxyz\n'));
    assert.equal(latin(s.take(3)), 'abc');
    assert.deepEqual(drain(s).map(latin), ['def', 'xyz']);
  });

  test('end returns the unterminated rest and empties the splitter', () => {
    const s = new LineSplitter();
    s.push(bytes('a\nb'));
    assert.equal(latin(s.next()!), 'a');
    assert.equal(latin(s.end()), 'b');
    assert.equal(s.bufferedLength, 0);
    assert.equal(s.end().length, 0);
  });

  test('end after data that finished on a line ending is empty', () => {
    const s = new LineSplitter();
    s.push(bytes('a\r\n'));
    s.next();
    assert.equal(s.end().length, 0);
  });

  test('clear drops everything held', () => {
    const s = new LineSplitter();
    s.push(bytes('abc'));
    s.push(bytes('def\n'));
    s.clear();
    assert.equal(s.bufferedLength, 0);
    assert.equal(s.next(), undefined);
  });

  test('bufferedLength counts pushed bytes not yet returned', () => {
    const s = new LineSplitter();
    s.push(bytes('ab\ncd'));
    assert.equal(s.bufferedLength, 5);
    s.next();
    assert.equal(s.bufferedLength, 2);
  });

  test('an empty push is ignored; a Uint8Array view is read from its own offset', () => {
    const s = new LineSplitter();
    s.push(new Uint8Array(0));
    assert.equal(s.bufferedLength, 0);
    const backing = new Uint8Array([0x78, 0x61, 0x0a, 0x79]);
    s.push(backing.subarray(1, 3));
    assert.equal(latin(s.next()!), 'a');
    assert.equal(s.bufferedLength, 0);
  });
});

describe('options are checked', () => {
  test('an unknown eol is an InputError', () => {
    assert.throws(() => new LineSplitter({ eol: 'cr' as Eol }), InputError);
  });
  for (const maxLine of [0, -1, 1.5, Number.NaN, Infinity]) {
    test(`maxLine ${maxLine} is an InputError`, () => {
      assert.throws(() => new LineSplitter({ maxLine }), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT');
    });
  }
});

describe('nextRun: whole CRLF lines that need no rewriting, taken at once', () => {
  const split = (text: string, eol: Eol = 'lf') => {
    const s = new LineSplitter({ eol });
    s.push(Buffer.from(text, 'latin1'));
    return s;
  };

  test('takes every plain CRLF line up to the first that is not one, endings included; next() goes on from there', () => {
    const s = split('one\r\ntwo\r\n\r\n.stuffed\r\nafter\r\n');
    const run = s.nextRun(100, 1 << 20)!;
    assert.equal(run.bytes.toString('latin1'), 'one\r\ntwo\r\n\r\n');
    assert.equal(run.lines, 3);
    assert.equal(s.nextRun(100, 1 << 20), undefined, 'a line starting with a dot is left to next()');
    assert.equal(latin(s.next()!), '.stuffed');
    assert.equal(s.nextRun(100, 1 << 20)!.bytes.toString('latin1'), 'after\r\n');
  });

  test('stops before an LF-only line, an over-long line and an unterminated one (next() handles or refuses them)', () => {
    const lf = split('a\r\nb\nc\r\n');
    assert.equal(lf.nextRun(100, 1 << 20)!.bytes.toString('latin1'), 'a\r\n');
    assert.equal(latin(lf.next()!), 'b');
    const long = split('ok\r\n' + 'x'.repeat(20) + '\r\n');
    assert.equal(long.nextRun(10, 1 << 20)!.lines, 1);
    assert.throws(() => long.next(10), LimitError);
    const open = split('ok\r\npartial');
    assert.equal(open.nextRun(100, 1 << 20)!.lines, 1);
    assert.equal(open.nextRun(100, 1 << 20), undefined);
    assert.equal(open.bufferedLength, 7);
  });

  test('about maxBytes at a time (whole lines); never in \'any\' mode; a bare CR in \'crlf\' mode is left for next() to refuse', () => {
    const s = split('aaaa\r\n'.repeat(10));
    assert.equal(s.nextRun(100, 12)!.lines, 2);
    assert.equal(split('a\r\n', 'any').nextRun(100, 1 << 20), undefined);
    const strict = split('ok\r\nb\rad\r\n', 'crlf');
    assert.equal(strict.nextRun(100, 1 << 20)!.lines, 1);
    assert.throws(() => strict.next(), ProtocolError);
  });

  test('property: nextRun interleaved with next() yields the same lines as next() alone', () => {
    const line = fc.oneof(fc.constantFrom('', '.', '..x', 'x\r', '\r'), fc.string({ maxLength: 12 }).map((t) => t.replace(/[\r\n]/g, '')));
    fc.assert(
      fc.property(fc.array(fc.tuple(line, fc.constantFrom('\r\n', '\n')), { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (ls, max) => {
        const text = ls.map(([l, e]) => l + e).join('');
        const alone = split(text);
        const want: string[] = [];
        for (let l = alone.next(64); l !== undefined; l = alone.next(64)) want.push(latin(l));
        const mixed = split(text);
        const got: string[] = [];
        for (let guard = 0; guard < 1000; guard++) {
          const run = mixed.nextRun(64, max);
          if (run) {
            const lines = run.bytes.toString('latin1').split('\r\n');
            lines.pop();
            assert.equal(lines.length, run.lines);
            got.push(...lines);
            continue;
          }
          const l = mixed.next(64);
          if (l === undefined) break;
          got.push(latin(l));
        }
        assert.deepEqual(got, want);
      }),
      { numRuns: 300 },
    );
  });
});

test('splitLines splits a whole buffer and returns the unterminated rest', () => {
  const { lines, rest } = splitLines(bytes('a\r\nb\nc'));
  assert.deepEqual(lines.map(latin), ['a', 'b']);
  assert.equal(latin(rest), 'c');
});

/** The line rules stated plainly, for comparison with the incremental splitter. */
function modelSplit(text: string, eol: Eol): { lines: string[]; rest: string } | 'error' {
  if (eol === 'any') {
    const parts = text.split(/\r\n|\r|\n/);
    const rest = parts.pop()!;
    return { lines: parts, rest };
  }
  const parts = text.split('\n');
  const rest = parts.pop()!;
  const lines: string[] = [];
  for (const p of parts) {
    const line = p.endsWith('\r') ? p.slice(0, -1) : p;
    if (eol === 'crlf' && (!p.endsWith('\r') || line.includes('\r'))) return 'error';
    lines.push(line);
  }
  return { lines, rest };
}

describe('property: however the bytes are cut, the lines are the same', () => {
  const text = fc.array(fc.constantFrom('a', 'b', '.', ' ', '\r', '\n', '\r\n', '250 ', '\r\n'), { maxLength: 60 }).map((a) => a.join(''));
  for (const eol of ['lf', 'crlf', 'any'] as const) {
    test(`eol '${eol}' agrees with the plain statement of the rules for every split`, () => {
      fc.assert(
        fc.property(text, fc.array(fc.nat(80), { maxLength: 8 }), (t, cuts) => {
          const expected = modelSplit(t, eol);
          const run = () => feed(new LineSplitter({ eol, maxLine: 1000 }), cutAt(bytes(t), cuts));
          if (expected === 'error') assert.throws(run, ProtocolError);
          else assert.deepEqual(run(), expected);
        }),
        { numRuns: 400 },
      );
    });
  }

  test('lines longer than maxLine are refused whatever the split, shorter ones pass', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(12), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(60), { maxLength: 6 }), (lens, cuts) => {
        const t = lens.map((n) => 'x'.repeat(n) + '\r\n').join('');
        const run = () => feed(new LineSplitter({ maxLine: 8 }), cutAt(bytes(t), cuts));
        if (lens.some((n) => n > 8)) assert.throws(run, LimitError);
        else assert.deepEqual(run().lines, lens.map((n) => 'x'.repeat(n)));
      }),
      { numRuns: 300 },
    );
  });
});

// Regressions from tonight's fuzzing (the properties live in test/fuzz/line-framing).
describe('found by fuzzing', () => {
  // 'crlf': a long line that also broke the CRLF rule was a ProtocolError whole, a LimitError split.
  test("'crlf': a too-long line ended by a bare LF is a LimitError, whole or split", () => {
    const t = bytes('abcdefg\n');
    assert.throws(() => feed(new LineSplitter({ eol: 'crlf', maxLine: 4 }), [t]), LimitError);
    assert.throws(() => feed(new LineSplitter({ eol: 'crlf', maxLine: 4 }), cutAt(t, [6])), LimitError);
    assert.throws(() => feed(new LineSplitter({ eol: 'crlf', maxLine: 8 }), [t]), ProtocolError);
  });
  // Each pull copied and searched the held part again: 256 KiB in 1-byte chunks took 6.8 s, so
  // these 2 MiB (about 430 s before) must now finish within the runner's timeout.
  test('a long line arriving a byte at a time is joined once, through next() and nextRun() alike', () => {
    const s = new LineSplitter({ maxLine: 4 * 1024 * 1024 });
    const one = Buffer.from('a');
    for (let i = 0; i < 2 * 1024 * 1024; i++) {
      s.push(one);
      assert.equal(s.nextRun(4 * 1024 * 1024, 65536), undefined);
      assert.equal(s.next(), undefined);
    }
    s.push(bytes('\r\nnext\r\n'));
    assert.equal(s.next()!.length, 2 * 1024 * 1024);
    assert.equal(latin(s.next()!), 'next');
  });
});
