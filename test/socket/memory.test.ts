import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, InputError, NetworkError, TimeoutError } from '../../src/errors.js';
import { memoryPair } from '../../src/socket/memory.js';

const text = (b: Buffer) => b.toString('latin1');

test('send on one end is recv on the other, both ways', async () => {
  const [a, b] = memoryPair();
  await a.send('hello');
  assert.equal(text(await b.recv()), 'hello');
  await b.send(new Uint8Array([1, 2, 3]));
  assert.deepEqual([...(await a.recv())], [1, 2, 3]);
});

test('recv(max) returns a partial read and keeps the rest', async () => {
  const [a, b] = memoryPair();
  await a.send('abcdef');
  assert.equal(text(await b.recv(2)), 'ab');
  assert.equal(b.readableLength, 4);
  assert.equal(text(await b.recv(10)), 'cdef');
  assert.equal(b.readableLength, 0);
});

test('a pending recv is woken by a later send', async () => {
  const [a, b] = memoryPair();
  const p = b.recv();
  await a.send('late');
  assert.equal(text(await p), 'late');
});

test('send copies its input, so the caller may reuse the buffer', async () => {
  const [a, b] = memoryPair();
  const buf = Buffer.from('abc');
  await a.send(buf);
  buf.fill(0x78);
  assert.equal(text(await b.recv()), 'abc');
});

test('an empty send queues nothing (it must not look like EOF)', async () => {
  const [a, b] = memoryPair();
  await a.send('');
  await a.send('x');
  assert.equal(text(await b.recv()), 'x');
});

test("recv returns an empty buffer at EOF after the peer's shutdown('write'), queued data first", async () => {
  const [a, b] = memoryPair();
  await a.send('tail');
  await a.shutdown('write');
  assert.equal(b.readableEnded, true);
  assert.equal(text(await b.recv()), 'tail');
  assert.equal((await b.recv()).length, 0);
  assert.equal((await b.recv()).length, 0);
  // The half-closed end can still read.
  await b.send('reply');
  assert.equal(text(await a.recv()), 'reply');
});

test("a pending recv resolves empty when the peer closes", async () => {
  const [a, b] = memoryPair();
  const p = b.recv();
  await a.close();
  assert.equal((await p).length, 0);
});

test('send after shutdown(write) or close rejects with DIAL_E_CLOSED', async () => {
  const [a, b] = memoryPair();
  await a.shutdown('write');
  await assert.rejects(a.send('x'), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
  await b.close();
  await assert.rejects(b.send('x'), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
  assert.equal(b.closed, true);
  assert.equal(b.writableEnded, true);
});

test("recv after this end's close rejects with DIAL_E_CLOSED, and a pending one too", async () => {
  const [a] = memoryPair();
  const pending = a.recv();
  await a.close();
  await assert.rejects(pending, (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
  await assert.rejects(a.recv(), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
  await a.close(); // twice is fine
});

test('bytes sent to a peer that closed are dropped silently', async () => {
  const [a, b] = memoryPair();
  await b.close();
  await a.send('into the void');
  assert.equal(b.readableLength, 0);
});

test("shutdown('read') drops queued and later data and makes recv return EOF", async () => {
  const [a, b] = memoryPair();
  await a.send('queued');
  await b.shutdown('read');
  assert.equal(b.readableLength, 0);
  await a.send('later');
  assert.equal((await b.recv()).length, 0);
});

test('recv times out with TimeoutError and consumes nothing', async () => {
  const [a, b] = memoryPair();
  await assert.rejects(b.recv(100, { timeout: 20 }), TimeoutError);
  await a.send('after');
  assert.equal(text(await b.recv()), 'after');
});

test('recv is aborted by a signal with AbortError, already-aborted too', async () => {
  const [a, b] = memoryPair();
  const ac = new AbortController();
  const p = b.recv(100, { signal: ac.signal });
  ac.abort(new Error('stop'));
  await assert.rejects(p, AbortError);
  await assert.rejects(b.recv(100, { signal: ac.signal }), AbortError);
  await a.send('kept');
  assert.equal(text(await b.recv()), 'kept');
});

test('reset breaks both ends with DIAL_E_RESET and loses queued data', async () => {
  const [a, b] = memoryPair();
  await a.send('lost');
  const pendingOnA = a.recv();
  b.reset();
  const isReset = (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_RESET';
  await assert.rejects(pendingOnA, isReset);
  await assert.rejects(a.recv(), isReset);
  await assert.rejects(a.send('x'), isReset);
  assert.equal(b.closed, true);
});

test('chunking as a number cuts every send into slices of at most that size', async () => {
  const [a, b] = memoryPair({ chunking: 2 });
  await a.send('abcde');
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push(text(await b.recv()));
  assert.deepEqual(got, ['ab', 'cd', 'e']);
});

test('chunking as an array cycles its sizes across sends', async () => {
  const [a, b] = memoryPair({ chunking: [1, 3] });
  await a.send('abcd');
  await a.send('efgh');
  const got: string[] = [];
  for (let i = 0; i < 5 && b.readableLength > 0; i++) got.push(text(await b.recv()));
  // 'abcd' → a|bcd, then 'efgh' continues the cycle → e|fgh
  assert.deepEqual(got, ['a', 'bcd', 'e', 'fgh']);
});

test('without chunking one recv never spans two sends', async () => {
  const [a, b] = memoryPair();
  await a.send('one');
  await a.send('two');
  assert.equal(text(await b.recv()), 'one');
  assert.equal(text(await b.recv()), 'two');
});

test('bad options and recv sizes are InputErrors', async () => {
  assert.throws(() => memoryPair({ chunking: 0 }), InputError);
  assert.throws(() => memoryPair({ chunking: [] }), InputError);
  assert.throws(() => memoryPair({ chunking: [2, -1] }), InputError);
  assert.throws(() => memoryPair({ highWaterMark: -1 }), InputError);
  const [a] = memoryPair();
  await assert.rejects(a.recv(0), InputError);
  await assert.rejects(a.recv(1.5), InputError);
});

test('highWaterMark makes send wait until the reader drains', async () => {
  const [a, b] = memoryPair({ highWaterMark: 4 });
  let sent = false;
  const p = a.send('0123456789').then(() => {
    sent = true;
  });
  await new Promise((r) => setImmediate(r));
  assert.equal(sent, false);
  await b.recv(3); // 7 left, still above the mark
  await new Promise((r) => setImmediate(r));
  assert.equal(sent, false);
  await b.recv(5); // 2 left
  await p;
  assert.equal(sent, true);
});

test('a send waiting on back-pressure honours its timeout; the bytes stay queued', async () => {
  const [a, b] = memoryPair({ highWaterMark: 1 });
  await assert.rejects(a.send('abc', { timeout: 20 }), TimeoutError);
  assert.equal(b.readableLength, 3);
});

test('peer links the two ends', () => {
  const [a, b] = memoryPair();
  assert.equal(a.peer, b);
  assert.equal(b.peer, a);
});
