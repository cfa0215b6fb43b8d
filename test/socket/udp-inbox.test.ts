import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatagramInbox } from '../../src/socket/udp-inbox.js';
import { AbortError, ConnectError, NetworkError, TimeoutError } from '../../src/errors.js';
import type { Datagram } from '../../src/socket/udp-options.js';

function dg(text: string, port = 5000): Datagram {
  return { data: Buffer.from(text), address: '127.0.0.1', port, family: 'IPv4' };
}
const text = (d: Datagram) => d.data.toString();

test('datagrams that arrive with nobody waiting queue up and come back in order', async () => {
  const box = new DatagramInbox(8);
  box.deliver(dg('a'));
  box.deliver(dg('b'));
  assert.equal(box.queued, 2);
  assert.equal(text(await box.next({})), 'a');
  assert.equal(text(await box.next({})), 'b');
  assert.equal(box.queued, 0);
});

test('waiting callers get datagrams first, in call order', async () => {
  const box = new DatagramInbox(8);
  const first = box.next({ timeout: 2000 });
  const second = box.next({ timeout: 2000 });
  box.deliver(dg('1'));
  box.deliver(dg('2'));
  assert.equal(text(await first), '1');
  assert.equal(text(await second), '2');
  assert.equal(box.queued, 0);
});

test('past maxQueue a datagram is dropped and counted; drop() counts one the socket refused', () => {
  const box = new DatagramInbox(2);
  for (const t of ['a', 'b', 'c', 'd']) box.deliver(dg(t));
  assert.equal(box.queued, 2);
  assert.equal(box.dropped, 2);
  box.drop();
  assert.equal(box.dropped, 3);
  const none = new DatagramInbox(0);
  none.deliver(dg('x'));
  assert.equal(none.queued, 0);
  assert.equal(none.dropped, 1);
});

test('an error with nobody waiting is kept for the next receive, once; with a caller waiting it fails that caller', async () => {
  const box = new DatagramInbox(8);
  const refused = new ConnectError('DIAL_E_CONNECT', 'UDP receive: refused', { protocol: 'udp' });
  box.fail(refused);
  box.deliver(dg('after'));
  await assert.rejects(box.next({}), (e: unknown) => e === refused);
  assert.equal(text(await box.next({})), 'after', 'the error is thrown once, then datagrams flow again');
  const waiting = box.next({ timeout: 2000 });
  box.fail(refused);
  await assert.rejects(waiting, (e: unknown) => e === refused);
});

test('clearError forgets a kept error', async () => {
  const box = new DatagramInbox(8);
  box.fail(new ConnectError('DIAL_E_CONNECT', 'stale', { protocol: 'udp' }));
  box.clearError();
  box.deliver(dg('fresh'));
  assert.equal(text(await box.next({})), 'fresh');
});

test('filter keeps only the datagrams it approves, in order', async () => {
  const box = new DatagramInbox(8);
  box.deliver(dg('keep1', 1));
  box.deliver(dg('other', 2));
  box.deliver(dg('keep2', 1));
  box.filter((d) => d.port === 1);
  assert.equal(box.queued, 2);
  assert.equal(text(await box.next({})), 'keep1');
  assert.equal(text(await box.next({})), 'keep2');
});

test('a timed-out or aborted wait is withdrawn: the next datagram goes to a later caller', async () => {
  const box = new DatagramInbox(8);
  await assert.rejects(box.next({ timeout: 20 }), TimeoutError);
  const ac = new AbortController();
  const aborted = box.next({ signal: ac.signal });
  ac.abort();
  await assert.rejects(aborted, AbortError);
  box.deliver(dg('kept'));
  assert.equal(box.queued, 1, 'no withdrawn waiter took it');
  assert.equal(text(await box.next({})), 'kept');
});

test('a datagram handed to a waiter that is cancelled in the same tick goes back to the front of the queue', async () => {
  const box = new DatagramInbox(8);
  const ac = new AbortController();
  const p = box.next({ signal: ac.signal });
  box.deliver(dg('handed'));
  box.deliver(dg('next'));
  ac.abort(); // before the waiter's promise settled through the guard
  await assert.rejects(p, AbortError);
  assert.equal(text(await box.next({})), 'handed');
  assert.equal(text(await box.next({})), 'next');
});

test('close fails every waiting caller, empties the queue, and ignores later arrivals', async () => {
  const box = new DatagramInbox(8);
  box.deliver(dg('dropped by close'));
  const box2 = new DatagramInbox(8);
  const waiting = box2.next({ timeout: 2000 });
  const closed = new NetworkError('DIAL_E_CLOSED', 'UDP recv: the socket was closed', { protocol: 'udp' });
  box.close(closed);
  box2.close(closed);
  await assert.rejects(waiting, (e: unknown) => e === closed);
  assert.equal(box.queued, 0);
  box.deliver(dg('late'));
  box.fail(new ConnectError('DIAL_E_CONNECT', 'late', { protocol: 'udp' }));
  assert.equal(box.queued, 0);
  assert.equal(box.dropped, 0, 'a late arrival is not a drop: the socket is gone');
});
