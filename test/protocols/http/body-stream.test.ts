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
