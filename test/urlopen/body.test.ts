import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { sliceBody, limitBody, shapeBody, checkRange, onceBody, requestChunks, sessionBody } from '../../src/urlopen/body.js';
import { typeForName } from '../../src/urlopen/mime.js';
import { InputError, LimitError } from '../../src/errors.js';
import type { Progress } from '../../src/urlopen/types.js';

async function* chunksOf(bytes: Buffer, sizes: number[]) {
  let pos = 0;
  let i = 0;
  while (pos < bytes.length) {
    const n = Math.max(1, sizes.length ? sizes[i++ % sizes.length]! : bytes.length);
    yield bytes.subarray(pos, pos + n);
    pos += n;
  }
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts);
}

test('sliceBody cuts the same range as subarray, for any chunking (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 6 }),
      fc.nat(220),
      fc.option(fc.nat(220), { nil: undefined }),
      async (data, sizes, start, len) => {
        const bytes = Buffer.from(data);
        const end = len === undefined ? undefined : start + len;
        const got = await collect(sliceBody(chunksOf(bytes, sizes), { start, end }));
        assert.deepEqual(got, bytes.subarray(start, end === undefined ? undefined : end + 1));
      },
    ),
    { numRuns: 300 },
  );
});

test('sliceBody stops reading once past the end of the range', async () => {
  let pulled = 0;
  async function* endless() {
    for (;;) {
      pulled++;
      yield Buffer.alloc(10, 1);
    }
  }
  assert.equal((await collect(sliceBody(endless(), { start: 5, end: 24 }))).length, 20);
  assert.equal(pulled, 3);
});

test('limitBody and shapeBody: bound, then progress', async () => {
  await assert.rejects(collect(limitBody(onceBody(Buffer.alloc(11)), 10, 'x')), (e: LimitError) => e instanceof LimitError && e.limit === 10);
  assert.equal((await collect(limitBody(onceBody(Buffer.alloc(10)), 10, 'x'))).length, 10);
  const seen: Progress[] = [];
  const out = await collect(shapeBody(chunksOf(Buffer.from('0123456789'), [3]), { range: { start: 2 }, onProgress: (p) => seen.push(p) }, 'x', 8));
  assert.equal(out.toString(), '23456789');
  assert.deepEqual(seen.at(-1), { direction: 'download', transferred: 8, total: 8 });
});

test('requestChunks: text as UTF-8, bytes as one chunk, streams as they come', async () => {
  assert.equal((await collect(requestChunks('café'))).toString(), 'café');
  const bytes = Buffer.from([1, 2, 3]);
  const chunks: Uint8Array[] = [];
  for await (const c of requestChunks(bytes)) chunks.push(c);
  assert.deepEqual(chunks, [bytes]);
  assert.equal((await collect(requestChunks(chunksOf(Buffer.from('abcdef'), [2])))).toString(), 'abcdef');
  assert.equal((await collect(requestChunks([Buffer.from('x'), Buffer.from('y')]))).toString(), 'xy');
});

function fakeSession() {
  const calls: string[] = [];
  return { calls, quit: async () => void calls.push('quit'), close: async () => void calls.push('close') };
}

test('sessionBody: read to its end, the session quits (a failing QUIT is ignored)', async () => {
  const s = fakeSession();
  assert.equal((await collect(sessionBody(chunksOf(Buffer.from('abc'), [1]), s, (e) => e))).toString(), 'abc');
  assert.deepEqual(s.calls, ['quit']);
  const failing = { quit: async () => { throw new Error('gone'); }, close: async () => {} };
  assert.equal((await collect(sessionBody(onceBody(Buffer.from('x')), failing, (e) => e))).toString(), 'x');
});

test('sessionBody: failed or left early, the session is closed; errors are translated', async () => {
  const s = fakeSession();
  async function* broken() {
    yield Buffer.from('a');
    throw new Error('reset');
  }
  const translated = new Error('translated');
  await assert.rejects(collect(sessionBody(broken(), s, () => translated)), (e: unknown) => e === translated);
  assert.deepEqual(s.calls, ['close']);

  const early = fakeSession();
  for await (const _ of sessionBody(chunksOf(Buffer.from('abcdef'), [1]), early, (e) => e)) break;
  assert.deepEqual(early.calls, ['close']);
});

test('checkRange accepts sane ranges only', () => {
  const make = (m: string) => new InputError(m);
  assert.equal(checkRange(undefined, make), undefined);
  assert.deepEqual(checkRange({ start: 0, end: 0 }, make), { start: 0, end: 0 });
  for (const bad of [{ start: -1 }, { start: 1.5 }, { start: 5, end: 4 }, { start: Number.NaN }]) assert.throws(() => checkRange(bad, make), InputError);
});

test('typeForName by extension', () => {
  assert.equal(typeForName('/a/b/index.HTML'), 'text/html');
  assert.equal(typeForName('/a/b.tar.gz'), 'application/gzip');
  assert.equal(typeForName('/a.dir/noext'), 'application/octet-stream');
  assert.equal(typeForName('/a/.hidden'), 'application/octet-stream');
});
