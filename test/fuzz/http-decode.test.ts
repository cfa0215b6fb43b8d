// Corrupted, truncated and padded compressed bodies through decodeBody, kept from the 5,500-run
// search over it (fixed seed, small bodies, ~2 s). Oracles: the decoding ends (each run is raced
// against a 5 s timer); only a DialError is thrown; what is accepted equals node:zlib's one-shot
// decoding of the same bytes; no stage yields more than maxDecodedSize.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { DialError } from '../../src/errors.js';
import { decodeBody } from '../../src/protocols/http/decode.js';

type Coding = 'gzip' | 'deflate' | 'deflate-raw' | 'br' | 'identity';
const ENCODE: Record<Coding, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  'deflate-raw': (b) => zlib.deflateRawSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  identity: (b) => b,
};
/** The one-shot reference; deflate is zlib-wrapped or raw, as decodeBody detects. */
function reference(body: Buffer, codings: string[]): Buffer {
  let out = body;
  for (const c of [...codings].reverse()) {
    if (c === 'gzip') out = zlib.gunzipSync(out);
    else if (c === 'br') out = zlib.brotliDecompressSync(out);
    else if (c === 'deflate') {
      const b = out;
      try {
        out = zlib.inflateSync(b);
      } catch {
        out = zlib.inflateRawSync(b);
      }
    }
  }
  return out;
}

async function* pieces(body: Buffer, cuts: number[]): AsyncGenerator<Buffer> {
  let at = 0;
  for (const c of [...cuts.map((x) => x % (body.length + 1)).sort((a, b) => a - b), body.length]) {
    await new Promise((r) => setImmediate(r));
    yield body.subarray(at, c);
    at = Math.max(at, c);
  }
}

test('mutated compressed bodies: typed errors only, the one-shot result when accepted, bounds kept, always ends', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 3000 }),
      fc.array(fc.constantFrom<Coding>('gzip', 'deflate', 'deflate-raw', 'br', 'identity'), { minLength: 1, maxLength: 3 }),
      fc.record({ kind: fc.nat(4), at: fc.nat(), bit: fc.nat(7), extra: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
      fc.array(fc.nat(), { maxLength: 6 }),
      fc.option(fc.record({ maxDecodedSize: fc.nat(4000), ratioGrace: fc.nat(2000), maxRatio: fc.integer({ min: 1, max: 20 }) }), { nil: undefined }),
      async (plain, codings, m, cuts, limits) => {
        let body: Buffer = Buffer.from(plain);
        for (const c of codings) body = ENCODE[c](body);
        body = Buffer.from(body);
        const i = body.length ? m.at % body.length : 0;
        if (m.kind === 1 && body.length) body[i] = body[i]! ^ (1 << m.bit);
        else if (m.kind === 2) body = body.subarray(0, i);
        else if (m.kind === 3) body = Buffer.concat([body, m.extra]);
        else if (m.kind === 4) body = Buffer.concat([body, body]);
        const names = codings.map((c) => (c === 'deflate-raw' ? 'deflate' : c));
        const out: Buffer[] = [];
        let timer: NodeJS.Timeout | undefined;
        const run = (async () => {
          for await (const chunk of decodeBody(pieces(body, cuts), names, limits)) out.push(Buffer.from(chunk));
        })().then(
          () => undefined,
          (err: unknown) => err,
        );
        const err = await Promise.race([run, new Promise((r) => (timer = setTimeout(() => r('hang'), 5000)))]);
        clearTimeout(timer);
        assert.notEqual(err, 'hang', `decoding never ended: ${names.join(', ')}, ${body.length} bytes`);
        const got = Buffer.concat(out);
        if (limits && names.some((c) => c !== 'identity')) assert.ok(got.length <= limits.maxDecodedSize, `${got.length} > ${limits.maxDecodedSize}`);
        if (err !== undefined) return assert.ok(err instanceof DialError, String(err));
        if (m.kind === 0) return assert.deepEqual(got, Buffer.from(plain));
        // An empty body decodes to an empty body whatever the codings (documented); the rest must match zlib.
        if (body.length > 0) assert.deepEqual(got, reference(body, names));
      },
    ),
    { numRuns: 400, seed: 20261125 },
  );
});
