import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LimitError, ProtocolError } from '../../../../src/errors.js';
import { CHUNKED_TRANSITIONS, ChunkedDecoder, parseChunkSize, type ChunkedState } from '../../../../src/protocols/http/core/chunked.js';

const LIMITS = { maxChunkLine: 64, maxTrailerBytes: 128, maxHeaders: 8 };

interface Decoded {
  body: string;
  trailers: string[] | undefined;
  /** Index just past the message in the concatenated input, or -1. */
  end: number;
  states: ChunkedState[];
}

/** Decodes `wire` fed in pieces cut at `cuts`. */
function decode(wire: string, cuts: number[] = [], limits = LIMITS): Decoded {
  const d = new ChunkedDecoder(limits);
  const buf = Buffer.from(wire, 'latin1');
  let body = '';
  let trailers: string[] | undefined;
  let end = -1;
  const states: ChunkedState[] = [d.state];
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    if (c < at || end !== -1) continue;
    const r = d.decode(buf.subarray(at, c), 0);
    for (const b of r.data) body += b.toString('latin1');
    if (states[states.length - 1] !== d.state) states.push(d.state);
    if (r.end !== -1) {
      end = at + r.end;
      trailers = r.trailers ? [...r.trailers.raw] : undefined;
    }
    at = c;
  }
  return { body, trailers, end, states };
}

const all = (s: string) => Array.from({ length: s.length }, (_, i) => i);

describe('ChunkedDecoder: (bytes → body) table', () => {
  const ok: [string, string, string, string[]][] = [
    ['one chunk', '3\r\nabc\r\n0\r\n\r\n', 'abc', []],
    ['several chunks', '1\r\na\r\n2\r\nbc\r\n3\r\ndef\r\n0\r\n\r\n', 'abcdef', []],
    ['empty body', '0\r\n\r\n', '', []],
    ['hex sizes, both cases', 'a\r\n0123456789\r\nB\r\n0123456789a\r\n0\r\n\r\n', '01234567890123456789a', []],
    ['leading zeros', '0003\r\nabc\r\n000\r\n\r\n', 'abc', []],
    ['extensions with values and quoted strings', '3;a=1;b="x;y"\r\nabc\r\n0;end\r\n\r\n', 'abc', []],
    ['BWS before an extension', '3 ;a\r\nabc\r\n0\t;b\r\n\r\n', 'abc', []],
    ['padding after the size', '3  \r\nabc\r\n0\r\n\r\n', 'abc', []],
    ['trailers', '1\r\nx\r\n0\r\nA: 1\r\nB:  two \r\n\r\n', 'x', ['A', '1', 'B', 'two']],
    ['folded trailer', '0\r\nA: 1\r\n 2\r\n\r\n', '', ['A', '1 2']],
    ['bare LF everywhere', '3\nabc\n0\nA: 1\n\n', 'abc', ['A', '1']],
    ['CRLF inside chunk data is data', '4\r\n\r\n\r\n\r\n0\r\n\r\n', '\r\n\r\n', []],
    ['binary data', '3\r\n\0\xff\n\r\n0\r\n\r\n', '\0\xff\n', []],
  ];
  for (const [name, wire, body, trailers] of ok) {
    test(name, () => {
      const whole = decode(wire);
      assert.equal(whole.body, body);
      assert.deepEqual(whole.trailers, trailers);
      assert.equal(whole.end, wire.length);
      const split = decode(wire, all(wire));
      assert.equal(split.body, body);
      assert.deepEqual(split.trailers, trailers);
      assert.equal(split.end, wire.length);
    });
  }

  const bad: [string, string, typeof ProtocolError | typeof LimitError][] = [
    ['empty size line', '\r\nabc\r\n0\r\n\r\n', ProtocolError],
    ['negative size', '-1\r\n', ProtocolError],
    ['0x prefix', '0x3\r\nabc\r\n', ProtocolError],
    ['leading space', ' 3\r\nabc\r\n', ProtocolError],
    ['junk after the size', '3 x\r\nabc\r\n', ProtocolError],
    ['16 hex digits', 'ffffffffffffffff\r\n', ProtocolError],
    ['16 digits, mostly zeros', '0000000000000001\r\nx\r\n', ProtocolError],
    ['15 digits past 2^53', 'fffffffffffffff\r\n', ProtocolError],
    ['data not followed by CRLF', '3\r\nabcX\r\n0\r\n\r\n', ProtocolError],
    ['CR not followed by LF after data', '3\r\nabc\rX0\r\n\r\n', ProtocolError],
    ['CR CR LF after data', '3\r\nabc\r\r\n0\r\n\r\n', ProtocolError],
    ['NUL in an extension', '3;a=\0\r\nabc\r\n0\r\n\r\n', ProtocolError],
    ['bare CR in an extension', '3;a\rb\r\nabc\r\n0\r\n\r\n', ProtocolError],
    ['malformed trailer', '0\r\nno colon\r\n\r\n', ProtocolError],
    ['NUL in a trailer', '0\r\nA: \0\r\n\r\n', ProtocolError],
    ['size line too long', `1;${'e'.repeat(100)}\r\nx\r\n`, LimitError],
    ['trailers too large', `0\r\nA: ${'v'.repeat(200)}\r\n\r\n`, LimitError],
    ['too many trailers', `0\r\n${'A: 1\r\n'.repeat(9)}\r\n`, LimitError],
  ];
  for (const [name, wire, Err] of bad) {
    test(`refuses: ${name}`, () => {
      assert.throws(() => decode(wire), Err);
      assert.throws(() => decode(wire, all(wire)), Err);
    });
  }
});

describe('ChunkedDecoder: states', () => {
  // One message per edge of the table, fed a byte at a time so every state is observed.
  const EDGE_WIRES: Record<string, string> = {
    'size→data': '1\r\nx\r\n0\r\n\r\n',
    'size→trailers': '0\r\n\r\n',
    'data→data-crlf': '1\r\nx\r\n0\r\n\r\n',
    'data-crlf→size': '1\r\nx\r\n0\r\n\r\n',
    'trailers→done': '0\r\nT: 1\r\n\r\n',
  };
  for (const [from, tos] of Object.entries(CHUNKED_TRANSITIONS) as [ChunkedState, readonly ChunkedState[]][]) {
    for (const to of tos) {
      test(`${from} → ${to}`, () => {
        const wire = EDGE_WIRES[`${from}→${to}`]!;
        const states = decode(wire, all(wire)).states;
        const i = states.indexOf(from);
        assert.ok(i !== -1 && states[i + 1] === to, states.join(' → '));
      });
    }
  }

  test('every observed move is in the table (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { maxLength: 5 }), fc.boolean(), (sizes, trailers) => {
        let wire = sizes.map((n) => `${n.toString(16)}\r\n${'z'.repeat(n)}\r\n`).join('');
        wire += trailers ? '0\r\nA: 1\r\n\r\n' : '0\r\n\r\n';
        const { states } = decode(wire, all(wire));
        for (let i = 1; i < states.length; i++) assert.ok((CHUNKED_TRANSITIONS[states[i - 1]!] as readonly string[]).includes(states[i]!));
        assert.equal(states.at(-1), 'done');
      }),
    );
  });

  test('walks size → data → data-crlf → size → trailers → done', () => {
    const r = decode('2\r\nab\r\n0\r\nA: 1\r\n\r\n', all('2\r\nab\r\n0\r\nA: 1\r\n\r\n'));
    assert.deepEqual(r.states, ['size', 'data', 'data-crlf', 'size', 'trailers', 'done']);
  });

  test('a size line may end right after its CR', () => {
    const d = new ChunkedDecoder(LIMITS);
    assert.equal(d.decode(Buffer.from('5\r'), 0).end, -1);
    assert.equal(d.state, 'size');
    d.decode(Buffer.from('\nhe'), 0);
    assert.equal(d.state, 'data');
    assert.equal(d.remaining, 3);
  });

  test('bytes after the message are left alone: end points at them', () => {
    const d = new ChunkedDecoder(LIMITS);
    const buf = Buffer.from('1\r\nx\r\n0\r\n\r\nHTTP/1.1 200 OK\r\n');
    const r = d.decode(buf, 0);
    assert.equal(r.end, 11);
    assert.equal(d.state, 'done');
    assert.deepEqual(d.decode(buf, r.end), { data: [], end: r.end, trailers: undefined });
  });

  test('decoding starts at the given offset', () => {
    const d = new ChunkedDecoder(LIMITS);
    const r = d.decode(Buffer.from('HEAD1\r\nx\r\n0\r\n\r\n'), 4);
    assert.equal(Buffer.concat(r.data).toString(), 'x');
    assert.equal(r.end, 15);
  });

  test('data comes out as views into the input', () => {
    const d = new ChunkedDecoder(LIMITS);
    const buf = Buffer.from('3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n');
    const r = d.decode(buf, 0);
    assert.equal(r.data.length, 2);
    for (const b of r.data) assert.equal(b.buffer, buf.buffer);
  });

  test('a huge chunk passes through without being held', () => {
    const d = new ChunkedDecoder(LIMITS);
    d.decode(Buffer.from('100000\r\n'), 0);
    let seen = 0;
    for (let i = 0; i < 16; i++) seen += d.decode(Buffer.alloc(65536), 0).data.reduce((n, b) => n + b.length, 0);
    assert.equal(seen, 0x100000);
    assert.equal(d.state, 'data-crlf');
  });
});

describe('parseChunkSize', () => {
  const ok: [string, number][] = [
    ['0', 0],
    ['1', 1],
    ['ff', 255],
    ['FF', 255],
    ['1a2B', 0x1a2b],
    ['1fffffffffffff', Number.MAX_SAFE_INTEGER],
    ['00000000000000f', 15],
    ['5;ext', 5],
    ['5 ; a = "b" ', 5],
  ];
  for (const [line, n] of ok) test(`${JSON.stringify(line)} → ${n}`, () => assert.equal(parseChunkSize(line), n));
  for (const line of ['', ';', 'g', '20000000000000', '1 2', '5\0', '+5', '5;\x7f'])
    test(`refuses ${JSON.stringify(line)}`, () => assert.throws(() => parseChunkSize(line), ProtocolError));

  test('any digit string: exact for values up to 2^53 − 1, refused above, never a float', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n }), fc.nat({ max: 3 }), (v, zeros) => {
        const line = '0'.repeat(zeros) + v.toString(16);
        if (line.length < 16 && v <= BigInt(Number.MAX_SAFE_INTEGER)) assert.equal(parseChunkSize(line), Number(v));
        else assert.throws(() => parseChunkSize(line), ProtocolError);
      }),
    );
  });
});

test('property: a body chunked any way and split any way decodes to itself', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.nat(), { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 10 }), (bytes, chunkCuts, feedCuts) => {
      const body = Buffer.from(bytes).toString('latin1');
      const cs = [...new Set(chunkCuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
      let wire = '';
      let at = 0;
      for (const c of [...cs, body.length]) {
        if (c <= at) continue;
        wire += `${(c - at).toString(16)}\r\n${body.slice(at, c)}\r\n`;
        at = c;
      }
      wire += '0\r\n\r\n';
      const fcs = [...new Set(feedCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
      const r = decode(wire, fcs);
      assert.equal(r.body, body);
      assert.equal(r.end, wire.length);
    }),
    { numRuns: 300 },
  );
});
