// data: URLs under generated input, kept from the 20k-run comparison with Node's fetch (the
// WHATWG data: URL processor), fixed seed, ~2 s. Oracles: parseDataUrl answers or throws an
// InputError/LimitError; what it accepts decodes to fetch's bytes, with fetch's media type
// except where this module chose otherwise (%20 read as a space in the type).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError, LimitError } from '../../src/errors.js';
import { parseDataUrl } from '../../src/urlopen/schemes/data.js';

const meta = fc
  .array(fc.constantFrom('text/plain', 'TEXT/HTML', ';', 'charset=utf-8', 'base64', ' ', ';base64', '; base64', 'base64 ', 'a=b', '"', '/', 'x', ',', 'image/png', '\t'), { maxLength: 6 })
  .map((a) => a.join(''));
const data = fc.oneof(
  fc.array(fc.constantFrom('A', 'QQ', '==', '=', ' ', '%41', '%3D', '%', '%zz', '+', '/', 'é', 'a', '#', '?', '%0A', '%FF', '%00'), { maxLength: 10 }).map((a) => a.join('')),
  fc.base64String({ maxLength: 20 }),
);

test('parseDataUrl decodes what fetch decodes, to the same bytes and media type', async () => {
  await fc.assert(
    fc.asyncProperty(meta, data, async (m, d) => {
      const href = `data:${m},${d}`;
      if (!URL.canParse(href)) return;
      let ours: { body: string; mime: string } | undefined;
      try {
        const p = parseDataUrl(new URL(href).href, 1_000_000);
        ours = { body: p.body.toString('hex'), mime: p.mimeType };
      } catch (e) {
        assert.ok(e instanceof InputError || e instanceof LimitError, String(e));
      }
      let theirs: { body: string; mime: string } | undefined;
      try {
        const r = await fetch(href);
        theirs = { body: Buffer.from(await r.arrayBuffer()).toString('hex'), mime: (r.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase() };
      } catch {
        theirs = undefined;
      }
      assert.equal(ours === undefined, theirs === undefined, href);
      if (ours && theirs) {
        assert.equal(ours.body, theirs.body, href);
        assert.equal(ours.mime, theirs.mime, href);
      }
    }),
    { numRuns: 1500, seed: 401 },
  );
});
