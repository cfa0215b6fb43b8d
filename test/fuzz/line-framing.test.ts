// The line layer's framing under generated input, kept from the 200k-run searches over it (fixed
// seeds, small inputs, ~2 s). Oracles: the same bytes give the same lines, rest or error class
// however they are cut (once, at random points, at every byte); next() and nextRun() agree;
// stuffing then unstuffing gives the body back with CRLF endings; wireSize predicts what the
// stuffer sends; the reply assembler matches a plain statement of RFC 959 §4.2; a line or run
// the splitter returned never changes as more bytes arrive (it keeps a store it appends to).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DialError } from '../../src/errors.js';
import { LineSplitter, type Eol } from '../../src/line/reader.js';
import { DotStuffer, stuffDotBlock, unstuffLine } from '../../src/line/dotblock.js';
import { ReplyAssembler } from '../../src/line/replies.js';
import { wireSize } from '../../src/protocols/smtp/core/body.js';

const bytesArb = fc.array(fc.constantFrom(13, 10, 46, 97, 0, 255, 32), { maxLength: 40 }).map((a) => Buffer.from(a));
const cutsArb = fc.array(fc.nat(), { maxLength: 8 });

function cut(data: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  // Copies: the splitter may keep what it is given.
  for (const p of [...at, data.length]) {
    out.push(Buffer.from(data.subarray(prev, p)));
    prev = p;
  }
  return out;
}
const everyByte = (data: Buffer): Buffer[] => [...data].map((b) => Buffer.from([b]));

/** Lines (and, with runs, nextRun's lines) then the rest, or the error's class name. */
function outcome(eol: Eol, maxLine: number, chunks: Buffer[], runs = false): string[] {
  const s = new LineSplitter({ eol, maxLine });
  const out: string[] = [];
  try {
    for (const c of chunks) {
      s.push(c);
      for (let i = 0; i < 1000; i++) {
        const r = runs ? s.nextRun(maxLine, 7) : undefined;
        if (r) {
          const parts = r.bytes.toString('latin1').split('\r\n');
          parts.pop();
          assert.equal(parts.length, r.lines);
          out.push(...parts);
          continue;
        }
        const l = s.next();
        if (l === undefined) break;
        out.push(l.toString('latin1'));
      }
    }
    out.push(`rest:${s.end().toString('latin1')}`);
  } catch (e) {
    assert.ok(e instanceof DialError, String(e));
    out.push(`error:${e.constructor.name}`);
  }
  return out;
}

test('LineSplitter: lines, rest and error class do not depend on how the bytes are cut', () => {
  fc.assert(
    fc.property(fc.constantFrom<Eol>('lf', 'crlf', 'any'), fc.integer({ min: 1, max: 12 }), bytesArb, cutsArb, (eol, max, data, cuts) => {
      const whole = outcome(eol, max, [Buffer.from(data)]);
      assert.deepEqual(outcome(eol, max, cut(data, cuts)), whole);
      assert.deepEqual(outcome(eol, max, everyByte(data)), whole);
      if (eol !== 'any') assert.deepEqual(outcome(eol, max, cut(data, cuts), true), whole);
    }),
    { numRuns: 3000, seed: 101 },
  );
});

const normalize = (b: Buffer): string => {
  let s = b.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  if (s.length > 0 && !s.endsWith('\r\n')) s += '\r\n';
  return s;
};

test('DotStuffer: any chunking stuffs alike, unstuffing gives the CRLF body back, wireSize predicts it', () => {
  fc.assert(
    fc.property(bytesArb, cutsArb, (body, cuts) => {
      const norm = normalize(body);
      const lines = norm.split('\r\n').slice(0, -1);
      const expected = lines.map((l) => (l.startsWith('.') ? `.${l}` : l) + '\r\n').join('') + '.\r\n';
      assert.equal(stuffDotBlock(body).toString('latin1'), expected);
      for (const chunks of [cut(body, cuts), everyByte(body)]) {
        const s = new DotStuffer();
        assert.equal(Buffer.concat([...chunks.map((c) => s.push(c)), s.end()]).toString('latin1'), expected);
      }
      const sp = new LineSplitter({ eol: 'crlf', maxLine: 1000 });
      sp.push(Buffer.from(expected, 'latin1'));
      const back: string[] = [];
      let ended = false;
      for (let l = sp.next(); l !== undefined; l = sp.next()) {
        const u = unstuffLine(l);
        if (u === null) {
          ended = true;
          break;
        }
        back.push(`${u.toString('latin1')}\r\n`);
      }
      assert.ok(ended);
      assert.equal(sp.end().length, 0);
      assert.equal(back.join(''), norm);
      assert.equal(wireSize(body), norm.length);
    }),
    { numRuns: 3000, seed: 102 },
  );
});

test('ReplyAssembler: replies as RFC 959 §4.2 states them, or a typed error', () => {
  const line = fc.oneof(fc.constantFrom('250-a', '250 b', '250', '250-', '251 c', '2500 x', '25 y', ' 250 z', '550 no', '550-x', '099 q', '600 r', 'x'), fc.string({ maxLength: 6 }));
  fc.assert(
    fc.property(fc.array(line, { maxLength: 12 }), fc.integer({ min: 1, max: 5 }), (lines, maxLines) => {
      const expected: string[] = [];
      let code = 0;
      let acc: string[] = [];
      for (const l of lines) {
        const m = /^([1-5]\d\d)(?:([ -])(.*))?$/s.exec(l);
        if (code === 0) {
          if (!m) {
            expected.push('error:ProtocolError');
            break;
          }
          if (m[2] !== '-') expected.push(JSON.stringify([Number(m[1]), [m[3] ?? '']]));
          else [code, acc] = [Number(m[1]), [m[3] ?? '']];
          continue;
        }
        if (acc.length >= maxLines) {
          expected.push('error:LimitError');
          break;
        }
        const own = m !== null && Number(m[1]) === code;
        acc.push(own ? (m[3] ?? '') : l);
        if (own && m[2] !== '-') {
          expected.push(JSON.stringify([code, acc]));
          code = 0;
        }
      }
      const got: string[] = [];
      const a = new ReplyAssembler({ maxLines });
      try {
        for (const l of lines) {
          const r = a.push(l);
          if (r) {
            assert.equal(r.text, r.lines.join('\n'));
            got.push(JSON.stringify([r.code, r.lines]));
          }
        }
      } catch (e) {
        assert.ok(e instanceof DialError, String(e));
        got.push(`error:${e.constructor.name}`);
      }
      assert.deepEqual(got, expected);
    }),
    { numRuns: 3000, seed: 103 },
  );
});

test('LineSplitter: a returned line, run or take never changes as more bytes arrive', () => {
  fc.assert(
    fc.property(fc.constantFrom<Eol>('lf', 'crlf', 'any'), fc.array(fc.constantFrom(13, 10, 46, 97, 98), { maxLength: 120 }), fc.array(fc.nat(), { maxLength: 30 }), fc.array(fc.constantFrom(0, 1, 2), { maxLength: 40 }), (eol, data, cuts, ops) => {
      const s = new LineSplitter({ eol, maxLine: 1000 });
      const held: Array<[Buffer, string]> = [];
      let k = 0;
      try {
        for (const c of cut(Buffer.from(data), cuts)) {
          s.push(c);
          for (let i = 0; i < 200; i++) {
            const op = ops.length > 0 ? ops[k++ % ops.length]! : 0;
            const b = op === 1 ? s.nextRun(1000, 9)?.bytes : op === 2 ? s.take(3) : undefined;
            const got = b !== undefined && b.length > 0 ? b : s.next();
            if (got === undefined) break;
            held.push([got, got.toString('latin1')]);
          }
        }
      } catch (e) {
        assert.ok(e instanceof DialError, String(e));
      }
      for (const [b, text] of held) assert.equal(b.toString('latin1'), text);
    }),
    { numRuns: 3000, seed: 104 },
  );
});
