import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectBody } from '../../src/util/collect.js';
import { LimitError } from '../../src/errors.js';

async function* chunks(parts: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield p;
}

test('collect: the chunks are joined in order', async () => {
  const out = await collectBody(chunks([Buffer.from('ab'), new Uint8Array([0x63]), Buffer.from('')]), 10, () => assert.fail('not stopped'));
  assert.equal(out.toString(), 'abc');
});

test('collect: one Buffer chunk is returned as it is, not copied', async () => {
  const only = Buffer.from('only');
  assert.equal(await collectBody(chunks([only]), 10, () => undefined), only);
});

test('collect: an empty source is an empty Buffer', async () => {
  const out = await collectBody(chunks([]), 0, () => undefined);
  assert.ok(Buffer.isBuffer(out));
  assert.equal(out.length, 0);
});

test('collect: exactly maxBytes is allowed; one byte more stops the source and is a LimitError', async () => {
  assert.equal((await collectBody(chunks([Buffer.alloc(3), Buffer.alloc(2)]), 5, () => assert.fail('not stopped'))).length, 5);
  let stopped = 0;
  await assert.rejects(
    collectBody(chunks([Buffer.alloc(3), Buffer.alloc(3), Buffer.alloc(3)]), 5, async () => void stopped++, 'pop3'),
    (e: unknown) => e instanceof LimitError && e.limit === 5 && e.phase === 'body' && e.protocol === 'pop3' && /exceeded 5 bytes/.test(e.message),
  );
  assert.equal(stopped, 1);
});
