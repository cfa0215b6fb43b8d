// The gopher core under generated input, kept from the 200k-run searches over it (fixed seeds,
// ~2 s). Oracles: any target checkTarget accepts builds a URL that parses back to it (dot
// segments, escapes, U+FEFF and any one-character type included); menus and text items read
// the same however the bytes are cut; a built menu parses back to its items.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DialError, InputError } from '../../src/errors.js';
import { buildGopherUrl, checkTarget, parseGopherUrl, type GopherTarget } from '../../src/protocols/gopher/core/url.js';
import { buildMenu, MenuParser, parseMenu } from '../../src/protocols/gopher/core/menu.js';
import { TextUnstuffer } from '../../src/protocols/gopher/core/text.js';

const field = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.array(fc.constantFrom('/', '.', '..', 'a', '%2e', '%', '?', '#', '\\', '\ufeff', 'é'), { maxLength: 8 }).map((a) => a.join('')),
);

test('build → parse gives back any target checkTarget accepts', () => {
  const target = fc.record({
    host: fc.constantFrom('h', 'example.org', '::1', '127.0.0.1'),
    port: fc.integer({ min: 1, max: 65535 }),
    type: fc.oneof(fc.constantFrom('0', '1', '7', '.', '%', ' '), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })),
    selector: field,
    query: fc.option(field, { nil: undefined }),
  });
  fc.assert(
    fc.property(target, (t0) => {
      const t: GopherTarget = { host: t0.host, port: t0.port, type: t0.type, selector: t0.selector };
      if (t0.query !== undefined) t.query = t0.query;
      try {
        checkTarget(t);
      } catch (e) {
        assert.ok(e instanceof InputError);
        return;
      }
      if (t.type === '.' && (t.selector === '' || t.selector === '.') && t.query === undefined) {
        assert.throws(() => buildGopherUrl(t), InputError);
        return;
      }
      assert.deepEqual(parseGopherUrl(buildGopherUrl(t)), t);
    }),
    { numRuns: 3000, seed: 301 },
  );
});

const bytesArb = fc.array(fc.constantFrom(13, 10, 46, 9, 97, 0xef, 0xbb, 0xbf, 0xff, 32), { maxLength: 40 }).map((a) => Buffer.from(a));
function chunked(data: Buffer, cuts: readonly number[]): Buffer[] {
  const at = [...new Set(cuts.map((c) => c % (data.length + 1)))].sort((a, b) => a - b);
  return [...at, data.length].map((p, i, all) => data.subarray(i === 0 ? 0 : all[i - 1]!, p));
}

test('menus and text items read the same however the bytes are cut', () => {
  fc.assert(
    fc.property(bytesArb, fc.array(fc.nat(), { maxLength: 6 }), (data, cuts) => {
      const menu = (chunks: Buffer[]): string => {
        try {
          const p = new MenuParser({ maxLine: 20, maxItems: 5, maxBytes: 30 });
          return JSON.stringify([...chunks.flatMap((c) => p.push(c)), ...p.end()]);
        } catch (e) {
          assert.ok(e instanceof DialError, String(e));
          return e.constructor.name;
        }
      };
      const text = (chunks: Buffer[]): string => {
        const t = new TextUnstuffer();
        return JSON.stringify([Buffer.concat([...chunks.map((c) => t.push(c)), t.end()]).toString('latin1'), t.done]);
      };
      const bytes = [...data].map((b) => Buffer.from([b]));
      assert.equal(menu(chunked(data, cuts)), menu([data]));
      assert.equal(menu(bytes), menu([data]));
      assert.equal(text(chunked(data, cuts)), text([data]));
      assert.equal(text(bytes), text([data]));
    }),
    { numRuns: 3000, seed: 302 },
  );
});

test('a built menu parses back to its items', () => {
  const plain = fc.string({ maxLength: 8 }).map((s) => s.replace(/[\t\r\n]/g, ''));
  const item = fc.record({ type: fc.constantFrom('0', '1', 'i', '7', 'h', '+', 'é'), display: plain, selector: plain, host: fc.constantFrom('h', 'example.org', ''), port: fc.integer({ min: 0, max: 65535 }) });
  fc.assert(
    fc.property(fc.array(item, { maxLength: 5 }), (items) => {
      const back = parseMenu(buildMenu(items)).map(({ type, display, selector, host, port }) => ({ type, display, selector, host, port }));
      assert.deepEqual(back, items.map((i) => ({ ...i })));
    }),
    { numRuns: 1000, seed: 303 },
  );
});
