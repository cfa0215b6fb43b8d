import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BodyStream } from '../../../src/protocols/http/body-stream.js';
import { InputError, LimitError, ProtocolError } from '../../../src/errors.js';

test('push then read, end, onFinish', async () => {
  const b = new BodyStream();
  let finished = 0;
  b.onFinish(() => finished++);
  b.push(Buffer.from('a'));
  b.push(Buffer.from('b'));
  b.end();
  assert.equal(finished, 1);
  assert.equal(await b.text(), 'ab');
  b.onFinish(() => finished++);
  assert.equal(finished, 2);
});

test('back-pressure: push returns false past the high-water mark; resume once drained', async () => {
  let resumed = 0;
  const b = new BodyStream(4);
  b.attach({ resume: () => resumed++, cancel: () => {} });
  assert.equal(b.push(Buffer.from('12')), true);
  assert.equal(b.push(Buffer.from('345')), false);
  await b.next();
  await b.next();
  assert.equal(resumed, 1);
});

test('cancel tells the source once; reads end', async () => {
  let cancelled = 0;
  const b = new BodyStream();
  b.attach({ resume: () => {}, cancel: () => cancelled++ });
  b.push(Buffer.from('x'));
  b.cancel();
  b.cancel();
  assert.equal(cancelled, 1);
  assert.deepEqual(await b.next(), { value: undefined, done: true });
});

test('fail delivers queued bytes first, then the error', async () => {
  const b = new BodyStream();
  b.push(Buffer.from('x'));
  b.fail(new ProtocolError('broken'));
  assert.equal((await b.next()).value?.toString(), 'x');
  await assert.rejects(b.next(), ProtocolError);
});

test('bytes(max), json, and reading twice', async () => {
  const b = new BodyStream();
  b.push(Buffer.from('12345'));
  b.end();
  await assert.rejects(b.bytes(3), LimitError);
  const j = new BodyStream();
  j.push(Buffer.from('{"a":'));
  j.end();
  await assert.rejects(j.json(), ProtocolError);
  const t = new BodyStream();
  t.end();
  await t.text();
  await assert.rejects(t.text(), InputError);
});

test('consume: queued chunks first, then each push straight to the sink; resolves with the byte count', async () => {
  const b = new BodyStream();
  b.push(Buffer.from('ab'));
  const seen: string[] = [];
  const done = b.consume((chunk) => seen.push(chunk.toString()));
  b.push(Buffer.from('cd'), true);
  assert.deepEqual(seen, ['ab', 'cd']);
  b.end();
  assert.equal(await done, 4);
  assert.equal(b.bodyUsed, true);
});

test('a lent chunk is copied for an async reader, handed as it is to a consume() sink', async () => {
  const lent = Buffer.from('xyz');
  const b = new BodyStream();
  b.push(lent, true);
  lent.fill(0);
  b.end();
  assert.equal(await b.text(), 'xyz');
  const c = new BodyStream();
  let got: Buffer | undefined;
  const done = c.consume((chunk) => (got = chunk));
  c.push(lent, true);
  assert.equal(got, lent);
  c.end();
  assert.equal(await done, 3);
});

test('consume: a sink that throws cancels the body and rejects with its error', async () => {
  let cancelled = 0;
  const b = new BodyStream();
  b.attach({ resume: () => {}, cancel: () => cancelled++ });
  const boom = new Error('disk full');
  const done = b.consume(() => {
    throw boom;
  });
  assert.equal(b.push(Buffer.from('a')), true);
  await assert.rejects(done, (e) => e === boom);
  assert.equal(cancelled, 1);
});

test('consume: the body failing rejects; cancelling rejects with AbortError; a body being read is refused', async () => {
  const b = new BodyStream();
  const done = b.consume(() => {});
  b.fail(new ProtocolError('cut short'));
  await assert.rejects(done, ProtocolError);
  const c = new BodyStream();
  const p = c.consume(() => {});
  c.cancel();
  await assert.rejects(p, (e: Error & { code?: string }) => e.code === 'DIAL_E_ABORT');
  const d = new BodyStream();
  void d.next();
  await assert.rejects(d.consume(() => {}), InputError);
  const e = new BodyStream();
  void e.consume(() => {});
  await assert.rejects(e.next(), InputError);
});

test('consume: a body paused past its high-water mark is resumed once the queue went to the sink', async () => {
  let resumed = 0;
  const b = new BodyStream(2);
  b.attach({ resume: () => resumed++, cancel: () => {} });
  assert.equal(b.push(Buffer.from('abc')), false);
  let n = 0;
  const done = b.consume((chunk) => (n += chunk.length));
  assert.equal(resumed, 1);
  assert.equal(n, 3);
  b.end();
  assert.equal(await done, 3);
});

test('consume: a sink returning a promise pauses reading; what arrives meanwhile is held (copied) and delivered in order before the body ends', async () => {
  let resumed = 0;
  const b = new BodyStream();
  b.attach({ resume: () => resumed++, cancel: () => {} });
  const seen: string[] = [];
  let release: () => void = () => {};
  const done = b.consume((chunk) => {
    seen.push(chunk.toString());
    if (seen.length === 1) return new Promise<void>((r) => (release = r));
    return 7; // a plain value (writeSync's count) does not pause
  });
  assert.equal(b.push(Buffer.from('a')), false);
  const lent = Buffer.from('b');
  assert.equal(b.push(lent, true), false);
  lent.fill(0x2a);
  assert.equal(b.push(Buffer.from('c')), false);
  b.end();
  assert.deepEqual(seen, ['a']);
  release();
  assert.equal(await done, 3);
  assert.deepEqual(seen, ['a', 'b', 'c']);
  // Resumed though the body had ended: the paused connection must go on to the next response.
  assert.equal(resumed, 1);
});

test('consume: once the sink\'s promise settles, reading resumes; a rejected promise cancels the body', async () => {
  let resumed = 0;
  let cancelled = 0;
  const b = new BodyStream();
  b.attach({ resume: () => resumed++, cancel: () => cancelled++ });
  let n = 0;
  const done = b.consume((chunk) => {
    n += chunk.length;
    return n === 1 ? Promise.resolve() : undefined;
  });
  assert.equal(b.push(Buffer.from('x')), false);
  await new Promise((r) => setImmediate(r));
  assert.equal(resumed, 1);
  assert.equal(b.push(Buffer.from('yz')), true);
  b.end();
  assert.equal(await done, 3);

  const c = new BodyStream();
  c.attach({ resume: () => {}, cancel: () => cancelled++ });
  const refused = new Error('pipe closed');
  const p = c.consume(() => Promise.reject(refused));
  c.push(Buffer.from('q'));
  await assert.rejects(p, (e) => e === refused);
  assert.equal(cancelled, 1);
});

test('cancelling a body that has all arrived resumes a producer paused for it: the connection goes on to the next response', async () => {
  let resumed = 0;
  let cancelled = 0;
  const source = { resume: () => resumed++, cancel: () => cancelled++ };
  // Iterated: the queue filled (paused), the body ended, the reader gave up.
  const a = new BodyStream(4);
  a.attach(source);
  assert.equal(a.push(Buffer.from('12345')), false);
  a.end();
  a.cancel();
  assert.equal(resumed, 1);
  // Consumed: the sink's promise rejects after the body ended.
  const b = new BodyStream();
  b.attach(source);
  const done = b.consume(() => Promise.reject(new Error('pipe closed')));
  assert.equal(b.push(Buffer.from('x')), false);
  b.end();
  await assert.rejects(done, /pipe closed/);
  assert.equal(resumed, 2);
  // Consumed from a full queue of a finished body, by a sink that throws at once.
  const c = new BodyStream(2);
  c.attach(source);
  c.push(Buffer.from('abc'));
  c.end();
  await assert.rejects(c.consume(() => {
    throw new Error('no room');
  }), /no room/);
  assert.equal(resumed, 3);
  // None of them had anything left to cancel at the source.
  assert.equal(cancelled, 0);
  // A producer that was never paused is not resumed.
  const d = new BodyStream();
  d.attach(source);
  d.push(Buffer.from('ok'));
  d.end();
  assert.equal((await d.text()), 'ok');
  d.cancel();
  assert.equal(resumed, 3);
});
