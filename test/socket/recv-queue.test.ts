import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecvQueue } from '../../src/socket/recv-queue.js';

function queueOf(...chunks: string[]): RecvQueue {
  const q = new RecvQueue();
  for (const c of chunks) q.push(Buffer.from(c));
  return q;
}

test('take cuts the first chunk when it holds at least max bytes, and keeps the rest in order', () => {
  const q = queueOf('abcdef', 'gh');
  assert.equal(q.length, 8);
  assert.equal(q.take(4).toString(), 'abcd');
  assert.equal(q.length, 4);
  assert.equal(q.take(2).toString(), 'ef', 'exactly the rest of the first chunk');
  assert.equal(q.take(10).toString(), 'gh');
  assert.equal(q.length, 0);
});

test('take joins whole small chunks up to max, never splitting one to fill the read', () => {
  const q = queueOf('ab', 'cd', 'efgh', 'i');
  assert.equal(q.take(7).toString(), 'abcd', "'efgh' would pass 7 bytes: it stays whole for the next read");
  assert.equal(q.take(100).toString(), 'efghi');
  assert.equal(q.length, 0);
});

test('a read of one whole chunk hands out that chunk itself, not a copy', () => {
  const chunk = Buffer.from('xyz');
  const q = new RecvQueue();
  q.push(chunk);
  q.push(Buffer.from('more than the read'));
  assert.equal(q.take(5), chunk);
});

test('peek returns what take would, and leaves it queued', () => {
  const q = queueOf('ab', 'cd', 'ef');
  assert.equal(q.peek(4).toString(), 'abcd');
  assert.equal(q.peek(1).toString(), 'a');
  assert.equal(q.length, 6);
  assert.equal(q.take(4).toString(), 'abcd');
  assert.equal(q.peek(64).toString(), 'ef');
  assert.equal(q.length, 2);
});

test('takeAll empties the queue into one buffer; an empty queue gives an empty buffer', () => {
  const q = queueOf('one', '-', 'two');
  assert.equal(q.takeAll().toString(), 'one-two');
  assert.equal(q.length, 0);
  assert.equal(q.takeAll().length, 0);
  const single = Buffer.from('solo');
  q.push(single);
  assert.equal(q.takeAll(), single, 'a lone chunk is handed over as it is');
});

test('clear drops everything; the queue is usable afterwards', () => {
  const q = queueOf('stale', 'bytes');
  q.clear();
  assert.equal(q.length, 0);
  q.push(Buffer.from('fresh'));
  assert.equal(q.take(64).toString(), 'fresh');
});

test('unshift puts taken bytes back at the front, in order, ahead of what is still queued', () => {
  const q = new RecvQueue();
  q.push(Buffer.from('abc'));
  q.push(Buffer.from('def'));
  const taken = [q.take(2), q.take(2)];
  q.unshift(taken);
  q.unshift([Buffer.alloc(0)]);
  assert.equal(q.length, 6);
  assert.equal(q.takeAll().toString(), 'abcdef');
});

test('a long run of one-byte chunks reads back in order across many takes (bounded loop)', () => {
  const q = new RecvQueue();
  const text = 'the quick brown fox jumps over the lazy dog';
  for (const ch of text) q.push(Buffer.from(ch));
  const out: string[] = [];
  for (let i = 0; i < text.length && q.length > 0; i++) out.push(q.take(5).toString());
  assert.equal(out.join(''), text);
  assert.ok(out.every((s) => s.length <= 5));
});
