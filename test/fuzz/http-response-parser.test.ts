// Generated and mutated responses through the HTTP/1.x response parser, kept from the 300,000-run
// search that hunted bugs in it (fixed seeds, modest run counts, well under 5 s). Oracles: only
// ProtocolError or LimitError is ever thrown; the events do not depend on how the bytes are split;
// a response of thousands of parts is read in one pass (no stack growth per part).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ResponseParser } from '../../src/protocols/http/core/response-parser.js';
import { run, type Ev, type Outcome } from '../protocols/http/core/util.js';

const SEEDS = [
  'HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello',
  'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=y\r\nhello\r\n6\r\n world\r\n0\r\nT: 1\r\n\r\n',
  'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: </a>\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n',
  'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 3\r\n\r\nabcHTTP/1.1 304 NM\r\nContent-Length: 10\r\n\r\n',
  'HTTP/1.1 200 OK\nX-Fold: a\n b\n\tc\nTransfer-Encoding: gzip, chunked\n\n3\nabc\n0\n\n',
  '\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
  'HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nread until the end',
  'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x05hello',
];
const ATOMS = ['\r\n', '\n', '\r', '\0', ' ', '\t', ':', ',', ';', '0', 'f', 'ffffffffffffffff', '99999999999999999', 'chunked', 'Transfer-Encoding: chunked\r\n', 'Content-Length: 5\r\n', 'HTTP/1.1 100 Continue\r\n\r\n', '\r\n\r\n', '\xff', '\x7f', '\xa0'];

type Op = { kind: number; at: number; byte: number; atom: string; len: number };
const opArb: fc.Arbitrary<Op> = fc.record({ kind: fc.nat(6), at: fc.nat(), byte: fc.nat(255), atom: fc.constantFrom(...ATOMS), len: fc.integer({ min: 1, max: 30 }) });

function mutate(s: string, ops: Op[]): string {
  for (const o of ops) {
    const i = o.at % (s.length + 1);
    if (o.kind === 0) s = s.slice(0, i) + String.fromCharCode(o.byte) + s.slice(i + 1);
    else if (o.kind === 1) s = s.slice(0, i) + s.slice(i + 1 + (o.len % 4));
    else if (o.kind === 2) s = s.slice(0, i) + o.atom + s.slice(i);
    else if (o.kind === 3) s = s.slice(0, i) + s.slice(i, i + o.len) + s.slice(i);
    else if (o.kind === 4) s = s.slice(0, i);
    else if (o.kind === 5) s = s + SEEDS[o.byte % SEEDS.length]!;
    else s = s.slice(0, i) + String.fromCharCode(o.byte).repeat(o.len) + s.slice(i);
  }
  return s;
}

/** The events as one token string, data byte by byte, so runs whose data arrived in other pieces compare. */
function flat(o: Outcome): string {
  return o.events.map((e: Ev) => (e.type === 'data' ? [...e.text].map((c) => `.${c.charCodeAt(0)}`).join('') : e.type === 'upgrade' ? '|U' : `|${JSON.stringify(e)}`)).join('');
}

test('mutated responses: only typed errors, and the same outcome whole, byte by byte and split anywhere', () => {
  fc.assert(
    fc.property(
      fc.nat(SEEDS.length - 1),
      fc.array(opArb, { maxLength: 4 }),
      fc.array(fc.constantFrom('GET', 'GET', 'HEAD', 'CONNECT', 'POST'), { minLength: 1, maxLength: 3 }),
      fc.option(fc.record({ maxStatusLine: fc.nat(40), maxHeaderBytes: fc.nat(120), maxHeaders: fc.nat(5), maxChunkLine: fc.nat(20), maxTrailerBytes: fc.nat(40), maxInformational: fc.nat(3) }), { nil: undefined }),
      fc.boolean(),
      fc.array(fc.nat(), { maxLength: 6 }),
      (seed, ops, methods, limits, eof, rawCuts) => {
        const wire = mutate(SEEDS[seed]!, ops);
        const opts = { methods, eof, limits: limits ?? {} };
        const whole = run(wire, opts);
        const bytes = run(wire, { ...opts, cuts: Array.from({ length: wire.length }, (_, i) => i) });
        const cuts = rawCuts.map((c) => c % (wire.length + 1)).sort((a, b) => a - b);
        const split = run(wire, { ...opts, cuts });
        for (const o of [whole, bytes, split]) if (o.error) assert.ok(o.error === 'ProtocolError' || o.error === 'LimitError', `${o.error} for ${JSON.stringify(wire)}`);
        for (const o of [whole, split]) {
          assert.equal(o.error, bytes.error, JSON.stringify(wire));
          // Events completed in the call that failed are dropped with it, so after an error one run may hold fewer.
          if (o.error) assert.ok(flat(bytes).startsWith(flat(o)) || flat(o).startsWith(flat(bytes)), JSON.stringify(wire));
          else assert.equal(flat(o), flat(bytes), JSON.stringify(wire));
        }
      },
    ),
    { numRuns: 1500, seed: 20261125 },
  );
});

test('thousands of interim heads, pipelined responses and folded lines in one feed are read without stack growth', () => {
  const n = 20_000;
  const p = new ResponseParser({ maxInformational: n, maxHeaderBytes: 1 << 20 });
  p.expect('GET');
  const events = p.feed(Buffer.from(`${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(n)}HTTP/1.1 200 OK\r\nA: b\r\n${' c\r\n'.repeat(n)}Content-Length: 0\r\n\r\n`, 'latin1'));
  assert.equal(events.length, n + 2);
  const q = new ResponseParser();
  for (let i = 0; i < n; i++) q.expect('GET');
  assert.equal(q.feed(Buffer.from('HTTP/1.1 204 No Content\r\n\r\n'.repeat(n), 'latin1')).length, 2 * n);
});
