/**
 * What the fuzz files of the line-protocol cores share: server text made by
 * editing real replies (and plain random strings beside it), and the oracle
 * that a parser of server text answers or throws a DialError, nothing else.
 */
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { DialError } from '../../src/errors.js';

/**
 * Up to six edits of one of `seeds`: delete a char, insert any UTF-16 unit,
 * insert one of `inserts`, cut the rest, and (with `repeatSlices`) repeat a
 * slice of up to 19 chars; or a random string of up to 60 units.
 */
export function serverText(seeds: readonly string[], inserts: readonly string[], repeatSlices = false): fc.Arbitrary<string> {
  const edit = fc.tuple(fc.integer({ min: 0, max: repeatSlices ? 4 : 3 }), fc.nat(), fc.nat({ max: 0xffff }));
  const mutated = fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { maxLength: 6 })).map(([s, edits]) => {
    let t = s;
    for (const [op, a, b] of edits) {
      const i = a % (t.length + 1);
      if (op === 0) t = t.slice(0, i) + t.slice(i + 1);
      else if (op === 1) t = t.slice(0, i) + String.fromCharCode(b) + t.slice(i);
      else if (op === 2) t = t.slice(0, i) + inserts[b % inserts.length]! + t.slice(i);
      else if (op === 3) t = t.slice(0, i);
      else t = t.slice(0, i) + t.slice(i, i + (b % 20)) + t.slice(i);
    }
    return t;
  });
  return fc.oneof(mutated, fc.string({ unit: 'binary', maxLength: 60 }));
}

/** Feeds every generated text to every parser: each answers or throws a DialError. */
export function assertOnlyDialErrors(parsers: ReadonlyArray<(s: string) => unknown>, text: fc.Arbitrary<string>, params: fc.Parameters<[string]>): void {
  fc.assert(
    fc.property(text, (s) => {
      for (const parse of parsers) {
        try {
          parse(s);
        } catch (e) {
          assert.ok(e instanceof DialError, `${String(e)} for ${JSON.stringify(s)}`);
        }
      }
    }),
    params,
  );
}
