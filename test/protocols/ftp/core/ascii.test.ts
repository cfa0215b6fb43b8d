import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AsciiDecoder, AsciiEncoder, asciiToLocal, asciiToWire, lfToCrlf } from '../../../../src/protocols/ftp/core/ascii.js';

const b = (s: string) => Buffer.from(s, 'latin1');

function splitAt(data: Buffer, cuts: number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((x, y) => x - y);
  const out: Buffer[] = [];
  let last = 0;
  for (const p of points) {
    out.push(data.subarray(last, p));
    last = p;
  }
  out.push(data.subarray(last));
  return out;
}

describe('TYPE A conversion', () => {
  test('wire → local: CRLF → LF, lone CR kept', () => assert.equal(asciiToLocal(b('a\r\nb\rc\r\n\r\n')).toString('latin1'), 'a\nb\rc\n\n'));
  test('local → wire: LF → CRLF, existing CRLF untouched', () => assert.equal(asciiToWire(b('a\nb\r\nc\r')).toString('latin1'), 'a\r\nb\r\nc\r'));
  test('a CRLF split across chunks', () => {
    const d = new AsciiDecoder();
    assert.equal(Buffer.concat([d.push(b('line\r')), d.push(b('\nnext\r')), d.push(b('x')), d.end()]).toString('latin1'), 'line\nnext\rx');
  });
  test('a trailing CR is flushed at end', () => {
    const d = new AsciiDecoder();
    assert.equal(Buffer.concat([d.push(b('x\r')), d.end()]).toString('latin1'), 'x\r');
  });
  test('encoder: CR at the end of one chunk, LF at the start of the next', () => {
    const e = new AsciiEncoder();
    assert.equal(Buffer.concat([e.push(b('a\r')), e.push(b('\nb\n'))]).toString('latin1'), 'a\r\nb\r\n');
  });
  test('empty chunks are harmless', () => {
    const d = new AsciiDecoder();
    assert.equal(Buffer.concat([d.push(b('\r')), d.push(b('')), d.push(b('\n')), d.end()]).toString('latin1'), '\n');
  });
});

describe('properties', () => {
  const text = fc.array(fc.constantFrom('a', 'b', '\r', '\n', '\r\n', 'é'), { maxLength: 60 }).map((p) => Buffer.from(p.join(''), 'latin1'));
  test('decoding in chunks equals decoding at once, whatever the split', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const d = new AsciiDecoder();
        const out = Buffer.concat([...splitAt(data, cuts).map((c) => d.push(c)), d.end()]);
        assert.deepEqual(out, asciiToLocal(data));
      }),
    );
  });
  test('encoding in chunks equals encoding at once', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        const e = new AsciiEncoder();
        assert.deepEqual(Buffer.concat(splitAt(data, cuts).map((c) => e.push(c))), asciiToWire(data));
      }),
    );
  });
  test('text without CR survives local → wire → local', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }).map((s) => Buffer.from(s.replace(/\r/g, ''), 'utf8')), (data) => {
        assert.deepEqual(asciiToLocal(asciiToWire(data)), data);
      }),
    );
  });
  test('the wire form never holds a bare LF', () => {
    fc.assert(fc.property(text, (data) => assert.ok(!/(^|[^\r])\n/.test(asciiToWire(data).toString('latin1')))));
  });
});

describe('lfToCrlf (curl --crlf)', () => {
  test('every LF becomes CRLF, one after a CR too; other bytes pass', () => {
    assert.deepEqual(lfToCrlf(b('a\nb\r\nc\rd\n\n')), b('a\r\nb\r\r\nc\rd\r\n\r\n'));
    assert.deepEqual(lfToCrlf(b('')), b(''));
    assert.deepEqual(lfToCrlf(b('no line end')), b('no line end'));
  });
  test('chunk by chunk equals all at once: it keeps no state', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)), fc.array(fc.nat(), { maxLength: 8 }), (data, cuts) => {
        assert.deepEqual(Buffer.concat(splitAt(data, cuts).map((c) => lfToCrlf(c))), lfToCrlf(data));
      }),
    );
  });
});
