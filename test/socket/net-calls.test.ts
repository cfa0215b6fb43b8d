import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { closeFlushed, endWrites, writeSettled } from '../../src/socket/net-calls.js';
import { DialError, NetworkError } from '../../src/errors.js';

/** A connected loopback pair: `client` from net.connect, `peer` as accepted. */
async function pair(): Promise<{ client: net.Socket; peer: net.Socket; done(): Promise<void> }> {
  const srv = net.createServer({ allowHalfOpen: true });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const accepted = once(srv, 'connection');
  const client = net.connect({ port: (srv.address() as net.AddressInfo).port, host: '127.0.0.1', allowHalfOpen: true });
  await once(client, 'connect');
  const [peer] = (await accepted) as [net.Socket];
  client.on('error', () => {});
  peer.on('error', () => {});
  return {
    client,
    peer,
    done: () => {
      client.destroy();
      peer.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

/** Everything `s` receives until its end. */
async function readAll(s: net.Socket): Promise<string> {
  const parts: Buffer[] = [];
  s.on('data', (b: Buffer) => parts.push(b));
  await once(s, 'end');
  return Buffer.concat(parts).toString();
}

test('writeSettled resolves once node took the bytes, and the peer reads them', async () => {
  const { client, peer, done } = await pair();
  try {
    const got = readAll(peer);
    await writeSettled(client, 'hello ', () => undefined, 'send to test');
    await writeSettled(client, Buffer.from('world'), () => undefined, 'send to test');
    client.end();
    assert.equal(await got, 'hello world');
  } finally {
    await done();
  }
});

test('a write on a destroyed socket rejects: with the error already recorded, else a mapped DialError naming the write', async () => {
  const { client, done } = await pair();
  try {
    client.destroy();
    const recorded = new NetworkError('DIAL_E_RESET', 'connection to test failed');
    await assert.rejects(writeSettled(client, 'x', () => recorded, 'send to test'), (e: unknown) => e === recorded);
    await assert.rejects(writeSettled(client, 'x', () => undefined, 'send to test'), (e: unknown) => e instanceof DialError && /send to test failed/.test(e.message));
  } finally {
    await done();
  }
});

test('endWrites sends FIN (the peer sees its end and can still answer); on a destroyed socket it resolves at once', async () => {
  const { client, peer, done } = await pair();
  try {
    const got = readAll(peer);
    client.write('last words');
    await endWrites(client);
    assert.equal(await got, 'last words');
    const answer = readAll(client);
    peer.end('reply');
    assert.equal(await answer, 'reply', 'the half-closed side still reads');
    client.destroy();
    await endWrites(client);
  } finally {
    await done();
  }
});

test('closeFlushed delivers what was written before closing', async () => {
  const { client, peer, done } = await pair();
  try {
    const got = readAll(peer);
    client.write('flushed first');
    await closeFlushed(client);
    assert.equal(await got, 'flushed first');
    assert.ok(client.destroyed);
  } finally {
    await done();
  }
});

test('a write cut short by our own destroy rejects DIAL_E_CLOSED: bytes the peer never got are not a success', async () => {
  const { client, peer, done } = await pair();
  try {
    peer.pause();
    // More than the kernel's buffers hold while the peer is paused: the write cannot finish.
    const w = writeSettled(client, Buffer.alloc(32 * 1024 * 1024), () => undefined, 'send to test');
    setTimeout(() => client.destroy(), 50);
    // Before: it resolved, as if the 32 MiB had been taken.
    await assert.rejects(w, (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED' && /send to test/.test(e.message));
  } finally {
    await done();
  }
});

test('closeFlushed destroys a socket whose peer never reads, after forceMs, instead of hanging', async () => {
  const { client, peer, done } = await pair();
  try {
    peer.pause();
    // Far more than the kernel's buffers hold, so the flush cannot finish while the peer is paused.
    const size = 64 * 1024 * 1024;
    client.write(Buffer.alloc(size));
    await closeFlushed(client, 50);
    assert.ok(client.destroyed);
    let received = 0;
    peer.on('data', (b: Buffer) => (received += b.length));
    const ended = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5000);
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      peer.once('end', stop);
      peer.once('close', stop);
    });
    peer.resume();
    await ended;
    assert.ok(received < size, `the peer got ${received} of ${size} bytes: the close was forced, not flushed`);
  } finally {
    await done();
  }
});
