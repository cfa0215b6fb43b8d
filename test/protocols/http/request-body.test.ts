import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { prepareBody, isReplayable, bodyLength, chunksOf, resendBody } from '../../../src/protocols/http/request-body.js';
import { InputError } from '../../../src/errors.js';

test('prepareBody: every body form', () => {
  assert.deepEqual(prepareBody(undefined, undefined, undefined), { body: { kind: 'none' }, contentType: undefined });
  const s = prepareBody('hé', undefined, undefined);
  assert.equal(s.body.kind, 'bytes');
  assert.equal(bodyLength(s.body), 3);
  const j = prepareBody(undefined, { a: 1 }, undefined);
  assert.equal(j.contentType, 'application/json');
  assert.equal(Buffer.from((j.body as { data: Uint8Array }).data).toString(), '{"a":1}');
  const f = prepareBody(new URLSearchParams({ q: 'a b' }), undefined, undefined);
  assert.match(f.contentType!, /x-www-form-urlencoded/);
  const ab = prepareBody(new Uint8Array([1, 2]).buffer, undefined, undefined);
  assert.equal(bodyLength(ab.body), 2);
  const st = prepareBody([Buffer.from('x')], undefined, 7);
  assert.deepEqual([st.body.kind, bodyLength(st.body), isReplayable(st.body)], ['stream', 7, false]);
  assert.equal(isReplayable(s.body), true);
});

test('resendBody: bytes and none as they are; a stream only through its reopen factory', () => {
  const bytes = { kind: 'bytes', data: Buffer.from('x') } as const;
  assert.equal(resendBody(bytes), bytes);
  assert.equal(resendBody({ kind: 'none' })?.kind, 'none');
  assert.equal(resendBody({ kind: 'stream', source: [Buffer.from('x')], length: 1 }), undefined);
  const again = resendBody({ kind: 'stream', source: [Buffer.from('x')], length: 1, reopen: () => [Buffer.from('y')] });
  assert.ok(again?.kind === 'stream' && again.length === 1);
  assert.deepEqual([...(again.source as Iterable<Uint8Array>)], [Buffer.from('y')]);
});

test('prepareBody: refusals', () => {
  assert.throws(() => prepareBody('a', 1, undefined), InputError);
  assert.throws(() => prepareBody(undefined, () => 1, undefined), InputError);
  assert.throws(() => prepareBody(42 as never, undefined, undefined), InputError);
});

test('chunksOf: strings become bytes, anything else is an InputError', async () => {
  const out: Uint8Array[] = [];
  for await (const c of chunksOf(['a', Buffer.from('b')] as never)) out.push(c);
  assert.equal(Buffer.concat(out).toString(), 'ab');
  await assert.rejects(async () => {
    for await (const _ of chunksOf([1] as never)) void _;
  }, InputError);
});

test('prepareBody: a file stream that fails before it is read (a missing path) does not take the process down; its error comes when it is read', async () => {
  const missing = createReadStream('/nonexistent/dialtone-request-body');
  const { body } = prepareBody(missing, undefined, undefined);
  // The open fails now, long before a connection would be ready; without a listener this was an uncaught 'error' event.
  // Polled, bounded: the open's failure comes from the thread pool, later than 50 ms on a loaded CI machine.
  for (let i = 0; i < 500 && !missing.destroyed; i++) await sleep(10);
  assert.equal(missing.destroyed, true);
  const source = (body as { source: AsyncIterable<Uint8Array> }).source;
  await assert.rejects(
    (async () => {
      for await (const _ of chunksOf(source));
    })(),
    (e: InputError) => e instanceof InputError && e.phase === 'send' && (e.cause as NodeJS.ErrnoException).code === 'ENOENT' && /reading the request body failed/.test(e.message),
  );
});

test("chunksOf: a source that throws is the caller's input failing (InputError with the cause), not a network error", async () => {
  const boom = new Error('disk on fire');
  async function* source(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('a');
    throw boom;
  }
  const got: string[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of chunksOf(source())) got.push(Buffer.from(c).toString());
    })(),
    (e: InputError) => e instanceof InputError && e.cause === boom && e.phase === 'send',
  );
  assert.deepEqual(got, ['a']);
});
