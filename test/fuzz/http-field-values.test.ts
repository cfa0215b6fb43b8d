// Generated field values checked against reference grammars written from the RFCs, kept from the
// 200,000-run search over the HTTP core's value parsers (fixed seeds, modest run counts, ~1 s).
// The references are regular expressions on short generated strings, fine in a test; the code
// under test has none that can backtrack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DialError } from '../../src/errors.js';
import { parseContentRange } from '../../src/protocols/http/core/content-range.js';
import { keepAliveTimeout } from '../../src/protocols/http/core/keep-alive.js';
import { parseChunkSize } from '../../src/protocols/http/core/chunked.js';
import { connectionKeepsAlive, parseContentLength } from '../../src/protocols/http/core/framing.js';
import { HeaderList } from '../../src/protocols/http/core/headers.js';

const RUNS = { numRuns: 2000, seed: 20261125 };
const byte = fc.nat(255).map((c) => String.fromCharCode(c));
const str = (unit: fc.Arbitrary<string>, maxLength = 24) => fc.array(unit, { maxLength }).map((a) => a.join(''));
const num = fc.oneof(fc.nat(1e6).map(String), fc.constantFrom('0', '00', '9007199254740991', '999999999999999', '1000000000000000', '-1', '+1', '1e3', '0x10', ' 1', ''));
const pad = fc.constantFrom('', ' ', '\t', '\xa0', '\v', '\f', '\ufeff', ',', 'x');

/** The outcome of a parser: its value, or the error's class name (anything but a DialError fails the test). */
function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (err) {
    assert.ok(err instanceof DialError, String(err));
    return err.constructor.name;
  }
}

test('Content-Range: accepted exactly when RFC 9110 §14.4 says so, and consistent when accepted', () => {
  const grammar = /^[ \t]*bytes +(?:(\d+)-(\d+)\/(\d+|\*)|\*\/(\d+))[ \t]*$/i;
  const value = fc.oneof(
    fc.tuple(fc.constantFrom('bytes ', 'BYTES ', 'bytes  ', 'bytes\t', 'items '), num, num, fc.oneof(num, fc.constant('*')), pad, pad).map(([u, a, b, c, p, q]) => `${p}${u}${a}-${b}/${c}${q}`),
    fc.tuple(num, pad).map(([c, q]) => `bytes */${c}${q}`),
    str(byte),
  );
  fc.assert(
    fc.property(value, (s) => {
      const r = parseContentRange(s);
      const m = grammar.exec(s);
      if (!m) return assert.equal(r, undefined, s);
      const nums = [m[1], m[2], m[3], m[4]].filter((x) => x !== undefined && x !== '*').map(Number);
      // At most 15 digits, leading zeros counted (the parser's bound keeps every position exact).
      const sane = nums.every((n) => Number.isSafeInteger(n)) && [m[1], m[2], m[3], m[4]].every((x) => x === undefined || x === '*' || x.length <= 15);
      if (!sane) return assert.equal(r, undefined, s);
      if (m[4] !== undefined) return assert.deepEqual(r, { first: undefined, last: undefined, complete: Number(m[4]) }, s);
      const [first, last] = [Number(m[1]), Number(m[2])];
      const complete = m[3] === '*' ? undefined : Number(m[3]);
      if (last < first || (complete !== undefined && last >= complete)) return assert.equal(r, undefined, s);
      assert.deepEqual(r, { first, last, complete }, s);
    }),
    RUNS,
  );
});

test('Keep-Alive timeout: only a parameter named timeout with an all-digit value', () => {
  const param = fc.tuple(fc.constantFrom('timeout', 'Timeout', 'mytimeout', 'timeouts', 'max'), fc.constantFrom('=', ' = ', '\xa0=', '=\t'), num).map((a) => a.join(''));
  const field = fc.array(fc.oneof(param, str(byte, 10)), { maxLength: 3 }).map((a) => a.join(','));
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.constantFrom('Keep-Alive', 'keep-alive', 'X'), field), { maxLength: 3 }), (fields) => {
      const want = (() => {
        for (const [name, v] of fields) {
          if (name.toLowerCase() !== 'keep-alive') continue;
          for (const p of v.split(',')) {
            const m = /^[ \t]*timeout[ \t]*=[ \t]*(\d+)[ \t]*$/i.exec(p);
            if (m) return Number(m[1]!.slice(0, 9)) * 1000;
          }
        }
        return undefined;
      })();
      assert.equal(keepAliveTimeout(new HeaderList(fields.flat())), want, JSON.stringify(fields));
    }),
    RUNS,
  );
});

test('chunk size: hex digits below 2^53, OWS, then only an extension without control bytes', () => {
  const line = fc.oneof(str(fc.constantFrom(...'0123456789abcdefABCDEFx ;\t=\r\0-+'.split(''))), str(byte));
  fc.assert(
    fc.property(line, (s) => {
      const m = /^([0-9a-fA-F]+)[ \t]*(;[^\0-\x08\x0a-\x1f\x7f]*)?$/.exec(s);
      const n = m && m[1]!.length <= 15 ? BigInt(`0x${m[1]}`) : undefined;
      const want = n !== undefined && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : 'ProtocolError';
      assert.equal(outcome(() => parseChunkSize(s)), want, JSON.stringify(s));
    }),
    RUNS,
  );
});

test('Content-Length: digits only, every member of every field the same number', () => {
  const value = fc.oneof(str(fc.constantFrom(...'0123456789 ,\t+-'.split('')), 16), str(byte, 8));
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 3 }), (values) => {
      const members = values.flatMap((v) => v.split(',').map((x) => x.replace(/^[ \t]+|[ \t]+$/g, '')));
      const ok = members.every((x) => /^\d+$/.test(x) && x.replace(/^0+/, '').length <= 15) && new Set(members.map(Number)).size === 1;
      assert.equal(outcome(() => parseContentLength(values)), ok ? Number(members[0]) : 'ProtocolError', JSON.stringify(values));
    }),
    RUNS,
  );
});

test('Connection: close wins; HTTP/1.0 needs keep-alive', () => {
  const value = fc.oneof(str(byte, 12), str(fc.constantFrom('close', 'keep-alive', 'Close', 'KEEP-ALIVE', ',', ' ', '\t', 'upgrade', 'closed'), 5));
  fc.assert(
    fc.property(value, fc.constantFrom('1.0' as const, '1.1' as const), (v, version) => {
      const tokens = v.split(',').map((t) => t.replace(/^[ \t]+|[ \t]+$/g, '').toLowerCase());
      assert.equal(connectionKeepsAlive(v, version), !tokens.includes('close') && (version === '1.1' || tokens.includes('keep-alive')), JSON.stringify(v));
    }),
    RUNS,
  );
});
