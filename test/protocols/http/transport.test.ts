import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { memoryPair } from '../../../src/socket/memory.js';
import { LentReads } from '../../../src/socket/lent-reads.js';
import { Socket } from '../../../src/socket/socket.js';
import { connectTcp } from '../../../src/socket/connect.js';
import { Transport, type TransportSink } from '../../../src/protocols/http/transport.js';

function recorder(): TransportSink & { got: string[]; lent: boolean[]; eofs: number; errors: unknown[] } {
  const r = {
    got: [] as string[],
    lent: [] as boolean[],
    eofs: 0,
    errors: [] as unknown[],
    bytes: (b: Buffer, lent: boolean) => void (r.got.push(b.toString()), r.lent.push(lent)),
    eof: () => void r.eofs++,
    error: (e: unknown) => void r.errors.push(e),
  };
  return r;
}
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond(), 'condition not met within 1 s');
};

test('any ByteStream is read by a recv loop, paused and resumed on request', async () => {
  const [a, b] = memoryPair();
  const r = recorder();
  const t = new Transport(a, r, true);
  assert.equal(t.raw, undefined);
  await b.send('one');
  await until(() => r.got.length === 1);
  t.pause();
  // A recv already waiting completes; none is made after it until resume().
  await b.send('two');
  await until(() => r.got.length === 2);
  await b.send('three');
  await new Promise((res) => setTimeout(res, 30));
  assert.deepEqual(r.got, ['one', 'two']);
  t.resume();
  await until(() => r.got.length === 3);
  await b.shutdown('write');
  await until(() => r.eofs === 1);
  assert.deepEqual(r.lent, [false, false, false]);
  await t.close();
});

test('a Socket connected with lent reads is taken over: views of the one buffer, then end of stream', async () => {
  const srv = net.createServer((c) => c.end('hello'));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  const lent = new LentReads(4);
  const raw = await connectTcp({ host: '127.0.0.1', port, onread: lent.onread });
  const r = recorder();
  const t = new Transport(new Socket(raw, { lent }), r, true);
  assert.ok(t.raw);
  await until(() => r.eofs > 0);
  assert.equal(r.got.join(''), 'hello');
  assert.ok(r.lent.every((l) => l));
  t.destroy();
  await new Promise((res) => srv.close(res));
});
