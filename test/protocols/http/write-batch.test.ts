import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { RawWriter } from '../../../src/protocols/http/write-batch.js';

/** A stand-in for node:net's socket that records each write. */
function fakeSocket(): { sock: net.Socket; writes: string[] } {
  const writes: string[] = [];
  const sock = { destroyed: false, write: (b: Buffer) => (writes.push(b.toString()), true) } as unknown as net.Socket;
  return { sock, writes };
}
const turn = () => new Promise((r) => setImmediate(r));

test('alone, a request is written at once', () => {
  const { sock, writes } = fakeSocket();
  const w = new RawWriter(sock, () => {});
  w.busy(true);
  w.write(Buffer.from('A'), false);
  assert.deepEqual(writes, ['A']);
  w.busy(false);
});

test('pipelined requests of one turn leave in one write, at the end of the turn', async () => {
  const { sock, writes } = fakeSocket();
  const w = new RawWriter(sock, () => {});
  w.busy(true);
  w.write(Buffer.from('A'), true);
  w.write(Buffer.from('B'), true);
  assert.deepEqual(writes, []);
  await turn();
  assert.deepEqual(writes, ['AB']);
  w.busy(false);
});

test('while several connections are busy, each holds its request until the turn ends; flushOutbox writes early', async () => {
  const one = fakeSocket();
  const two = fakeSocket();
  const a = new RawWriter(one.sock, () => {});
  const b = new RawWriter(two.sock, () => {});
  a.busy(true);
  b.busy(true);
  b.busy(true);
  a.write(Buffer.from('a1'), false);
  b.write(Buffer.from('b1'), false);
  assert.deepEqual([one.writes, two.writes], [[], []]);
  b.flushOutbox();
  assert.deepEqual(two.writes, ['b1']);
  await turn();
  assert.deepEqual([one.writes, two.writes], [['a1'], ['b1']]);
  a.busy(false);
  b.busy(false);
  // Back to one busy connection: at once again.
  a.busy(true);
  await turn();
  a.write(Buffer.from('a2'), false);
  assert.deepEqual(one.writes, ['a1', 'a2']);
  a.busy(false);
});

test('nothing is written to a destroyed socket', async () => {
  const { sock, writes } = fakeSocket();
  const w = new RawWriter(sock, () => {});
  w.write(Buffer.from('A'), true);
  (sock as { destroyed: boolean }).destroyed = true;
  await turn();
  assert.deepEqual(writes, []);
});
