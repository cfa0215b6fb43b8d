import { test, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { DatagramSocket, MAX_DATAGRAM_V4, type DatagramBindOptions } from '../../src/socket/udp.js';
import { AbortError, ConnectError, InputError, NetworkError, TimeoutError, DialError } from '../../src/errors.js';

// Every socket a test opens is closed after it, pass or fail, so a failure never leaks a handle.
const open: DatagramSocket[] = [];
async function bind(options: DatagramBindOptions = { host: '127.0.0.1' }): Promise<DatagramSocket> {
  const u = await DatagramSocket.bind(options);
  open.push(u);
  return u;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((u) => u.close()));
});

/** Waits (bounded) until `cond` holds, polling; fails the test with `what` otherwise. */
async function until(cond: () => boolean, what: string, ms = 2000): Promise<void> {
  for (let waited = 0; waited < ms; waited += 10) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out after ${ms} ms waiting for ${what}`);
}

/** A port on 127.0.0.1 that nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const u = await DatagramSocket.bind({ host: '127.0.0.1' });
  const port = u.address.port;
  await u.close();
  return port;
}

test('bind with no options binds the IPv4 wildcard on a system-chosen port', async () => {
  const u = await bind({});
  assert.equal(u.family, 4);
  assert.equal(u.address.address, '0.0.0.0');
  assert.equal(u.address.family, 'IPv4');
  assert.ok(u.address.port > 0 && u.address.port <= 65535);
  assert.equal(u.remoteAddress, undefined);
});

test('bind/sendTo/recvFrom over IPv4 loopback reports the sender', async () => {
  const a = await bind();
  const b = await bind();
  await a.sendTo('hello', b.address.port, '127.0.0.1');
  const d = await b.recvFrom({ timeout: 2000 });
  assert.equal(d.data.toString(), 'hello');
  assert.ok(Buffer.isBuffer(d.data));
  assert.deepEqual({ address: d.address, port: d.port, family: d.family }, { address: '127.0.0.1', port: a.address.port, family: 'IPv4' });
});

test('bind/sendTo/recvFrom over IPv6 loopback (::1)', async () => {
  const has6 = Object.values(os.networkInterfaces()).some((list) => list?.some((i) => i.family === 'IPv6' && i.address === '::1'));
  if (!has6) assert.fail('::1 is not configured on this machine (see `ip -6 addr`); this IPv6 test needs the IPv6 loopback address');
  const a = await bind({ host: '::1' });
  const b = await bind({ host: '::1' });
  assert.equal(a.family, 6, 'family is inferred from an IPv6 host');
  assert.equal(a.address.address, '::1');
  await a.sendTo(Buffer.from([0, 1, 2, 255]), b.address.port, '::1');
  const d = await b.recvFrom({ timeout: 2000 });
  assert.deepEqual([...d.data], [0, 1, 2, 255]);
  assert.deepEqual({ address: d.address, port: d.port, family: d.family }, { address: '::1', port: a.address.port, family: 'IPv6' });
});

test('family 6 with no host binds the IPv6 wildcard', async () => {
  const u = await bind({ family: 6 });
  assert.equal(u.family, 6);
  assert.equal(u.address.address, '::');
});

test('message boundaries are preserved: three sends are three receives', async () => {
  const a = await bind();
  const b = await bind();
  const port = b.address.port;
  await a.sendTo('one', port, '127.0.0.1');
  await a.sendTo('two two', port, '127.0.0.1');
  await a.sendTo(new Uint8Array([51, 51, 51]), port, '127.0.0.1');
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await b.recv({ timeout: 2000 })).toString());
  assert.deepEqual(got, ['one', 'two two', '333']);
  await assert.rejects(b.recv({ timeout: 50 }), TimeoutError, 'nothing more was sent');
});

test('a Uint8Array view is sent from its own offset and length only', async () => {
  const a = await bind();
  const b = await bind();
  const whole = new Uint8Array([9, 9, 1, 2, 3, 9]);
  await a.sendTo(whole.subarray(2, 5), b.address.port, '127.0.0.1');
  assert.deepEqual([...(await b.recv({ timeout: 2000 }))], [1, 2, 3]);
});

test('empty datagram is delivered as an empty buffer', async () => {
  const a = await bind();
  const b = await bind();
  await a.sendTo(new Uint8Array(0), b.address.port, '127.0.0.1');
  const d = await b.recvFrom({ timeout: 2000 });
  assert.ok(Buffer.isBuffer(d.data));
  assert.equal(d.data.length, 0);
  assert.equal(d.port, a.address.port);
});

test('connected socket: send/recv use the peer; remoteAddress reports it', async () => {
  const server = await bind();
  const client = await bind();
  await client.connect('127.0.0.1', server.address.port);
  assert.deepEqual(client.remoteAddress, { address: '127.0.0.1', port: server.address.port, family: 'IPv4' });
  await client.send('ping');
  const q = await server.recvFrom({ timeout: 2000 });
  assert.equal(q.data.toString(), 'ping');
  await server.sendTo('pong', q.port, q.address);
  assert.equal((await client.recv({ timeout: 2000 })).toString(), 'pong');
});

test('connected socket drops datagrams from another peer and delivers the peer\'s', async () => {
  const peer = await bind();
  const stranger = await bind();
  const client = await bind();
  await client.connect('127.0.0.1', peer.address.port);
  // The stranger's datagram goes first, so if it were not filtered it would be received first.
  await stranger.sendTo('from stranger', client.address.port, '127.0.0.1');
  await peer.sendTo('from peer', client.address.port, '127.0.0.1');
  const d = await client.recvFrom({ timeout: 2000 });
  assert.equal(d.data.toString(), 'from peer');
  assert.equal(d.port, peer.address.port);
  await assert.rejects(client.recv({ timeout: 100 }), TimeoutError, 'the stranger\'s datagram must never arrive');
  assert.equal(client.queued, 0);
});

test('connect discards queued datagrams from other senders; disconnect accepts anyone again', async () => {
  const peer = await bind();
  const stranger = await bind();
  const client = await bind();
  await stranger.sendTo('early', client.address.port, '127.0.0.1');
  await until(() => client.queued === 1, 'the early datagram to be queued');
  await client.connect('127.0.0.1', peer.address.port);
  assert.equal(client.queued, 0, 'the stranger\'s queued datagram was discarded');
  client.disconnect();
  assert.equal(client.remoteAddress, undefined);
  client.disconnect(); // a no-op the second time
  // On Linux a disconnect forgets a kernel-chosen port; bind() pins it, so the old port still receives.
  await stranger.sendTo('late', client.address.port, '127.0.0.1');
  const d = await client.recvFrom({ timeout: 2000 });
  assert.equal(d.data.toString(), 'late');
  assert.equal(d.port, stranger.address.port);
});

test('connecting again replaces the peer', async () => {
  const first = await bind();
  const second = await bind();
  const client = await bind();
  await client.connect('127.0.0.1', first.address.port);
  await client.connect('127.0.0.1', second.address.port);
  assert.equal(client.remoteAddress?.port, second.address.port);
  await first.sendTo('old peer', client.address.port, '127.0.0.1');
  await second.sendTo('new peer', client.address.port, '127.0.0.1');
  assert.equal((await client.recv({ timeout: 2000 })).toString(), 'new peer');
  await client.send('hi');
  assert.equal((await second.recv({ timeout: 2000 })).toString(), 'hi');
  await assert.rejects(first.recv({ timeout: 50 }), TimeoutError);
});

test('concurrent receivers are served in call order; a withdrawn one is skipped', async () => {
  const a = await bind();
  const b = await bind();
  const ac = new AbortController();
  const r1 = b.recv({ timeout: 2000 });
  const r2 = b.recv({ signal: ac.signal });
  const r3 = b.recv({ timeout: 2000 });
  ac.abort();
  await assert.rejects(r2, AbortError);
  await a.sendTo('first', b.address.port, '127.0.0.1');
  await a.sendTo('second', b.address.port, '127.0.0.1');
  assert.deepEqual([(await r1).toString(), (await r3).toString()], ['first', 'second']);
});

test('send needs a connected socket, and sendTo refuses one', async () => {
  const other = await bind();
  const u = await bind();
  await assert.rejects(u.send('x'), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT' && /not connected/.test(e.message));
  await u.connect('127.0.0.1', other.address.port);
  await assert.rejects(u.sendTo('x', other.address.port, '127.0.0.1'), (e: unknown) => e instanceof InputError && /connected/.test(e.message));
  await assert.rejects(other.recv({ timeout: 50 }), TimeoutError, 'nothing reached the wire');
});

test('ICMP port unreachable on a connected socket surfaces as ConnectError ECONNREFUSED', async () => {
  const u = await bind();
  await u.connect('127.0.0.1', await deadPort());
  let err: unknown;
  // The kernel reports the ICMP error on the next receive (or, if it got there first, the next send).
  for (let i = 0; i < 3 && err === undefined; i++) {
    try {
      await u.send('anyone?');
      await u.recv({ timeout: 500 });
    } catch (e) {
      if (!(e instanceof TimeoutError)) err = e;
    }
  }
  assert.ok(err instanceof ConnectError, `expected a ConnectError, got ${String(err)}`);
  assert.equal(err.code, 'DIAL_E_CONNECT');
  assert.equal(err.sysCode, 'ECONNREFUSED');
  assert.equal(err.protocol, 'udp');
});

test('recv timeout rejects with TimeoutError, and a later datagram is not lost', async () => {
  const a = await bind();
  const b = await bind();
  const started = Date.now();
  await assert.rejects(b.recv({ timeout: 60 }), (e: unknown) => e instanceof TimeoutError && e.code === 'DIAL_E_TIMEOUT' && e.timeout === 60);
  assert.ok(Date.now() - started >= 50, 'the timeout was honoured');
  await a.sendTo('after timeout', b.address.port, '127.0.0.1');
  assert.equal((await b.recv({ timeout: 2000 })).toString(), 'after timeout');
});

test('abort rejects with AbortError, and the next datagram is still delivered', async () => {
  const a = await bind();
  const b = await bind();
  const ac = new AbortController();
  const pending = b.recv({ signal: ac.signal });
  ac.abort(new Error('user gave up'));
  await assert.rejects(pending, (e: unknown) => e instanceof AbortError && e.code === 'DIAL_E_ABORT' && e.local);
  await a.sendTo('after abort', b.address.port, '127.0.0.1');
  assert.equal((await b.recv({ timeout: 2000 })).toString(), 'after abort');
  // An already-aborted signal fails at once, and takes nothing from the queue.
  await a.sendTo('kept', b.address.port, '127.0.0.1');
  await until(() => b.queued === 1, 'the datagram to be queued');
  await assert.rejects(b.recv({ signal: AbortSignal.abort() }), AbortError);
  assert.equal((await b.recv({ timeout: 2000 })).toString(), 'kept');
});

test('abort and timeout also bound sendTo and connect', async () => {
  const a = await bind();
  await assert.rejects(a.sendTo('x', 9, '127.0.0.1', { signal: AbortSignal.abort() }), AbortError);
  await assert.rejects(a.connect('127.0.0.1', 9, { signal: AbortSignal.abort() }), AbortError);
  assert.equal(a.remoteAddress, undefined);
  await assert.rejects(DatagramSocket.bind({ host: '127.0.0.1', signal: AbortSignal.abort() }), AbortError);
});

test('unread datagrams are queued up to maxQueue; the rest are dropped and counted', async () => {
  const a = await bind();
  const b = await bind({ host: '127.0.0.1', maxQueue: 3 });
  for (let i = 0; i < 5; i++) await a.sendTo(`m${i}`, b.address.port, '127.0.0.1');
  await until(() => b.queued + b.dropped === 5, 'all five datagrams to arrive');
  assert.equal(b.queued, 3);
  assert.equal(b.dropped, 2);
  const got: string[] = [];
  for (let i = 0; i < 3; i++) got.push((await b.recv({ timeout: 2000 })).toString());
  assert.deepEqual(got, ['m0', 'm1', 'm2'], 'the oldest are kept, the newest dropped');
  await assert.rejects(b.recv({ timeout: 50 }), TimeoutError);
  // Room again: the next one is queued, not dropped.
  await a.sendTo('m5', b.address.port, '127.0.0.1');
  assert.equal((await b.recv({ timeout: 2000 })).toString(), 'm5');
  assert.equal(b.dropped, 2);
});

test('oversize datagram is refused with an InputError and nothing is sent; the maximum fits', async () => {
  const a = await bind();
  const b = await bind();
  await assert.rejects(a.sendTo(Buffer.alloc(MAX_DATAGRAM_V4 + 1), b.address.port, '127.0.0.1'), (e: unknown) =>
    e instanceof InputError && e.code === 'DIAL_E_INPUT' && /65508 bytes/.test(e.message));
  await assert.rejects(b.recv({ timeout: 100 }), TimeoutError, 'nothing reached the wire');
  const max = Buffer.alloc(MAX_DATAGRAM_V4, 0x61);
  await a.sendTo(max, b.address.port, '127.0.0.1');
  const got = await b.recv({ timeout: 2000 });
  assert.equal(got.length, MAX_DATAGRAM_V4);
  assert.ok(got.equals(max));
});

test('a datagram the kernel finds too large for the route (EMSGSIZE) is an InputError', async () => {
  // From an IPv6 socket to an IPv4-mapped address the IPv6 ceiling passes our check but not IPv4's.
  const v4 = await bind();
  const v6 = await bind({ family: 6 });
  await assert.rejects(v6.sendTo(Buffer.alloc(MAX_DATAGRAM_V4 + 10), v4.address.port, '::ffff:127.0.0.1'), (e: unknown) =>
    e instanceof InputError && e.code === 'DIAL_E_INPUT' && e.sysCode === 'EMSGSIZE');
  await assert.rejects(v4.recv({ timeout: 50 }), TimeoutError, 'nothing reached the wire');
});

test('maxDatagram bounds both directions: a larger send is refused, a larger arrival dropped', async () => {
  const a = await bind({ host: '127.0.0.1', maxDatagram: 4 });
  const b = await bind({ host: '127.0.0.1', maxDatagram: 4 });
  await assert.rejects(a.sendTo('12345', b.address.port, '127.0.0.1'), InputError);
  const big = await bind();
  await big.sendTo('too long', b.address.port, '127.0.0.1');
  await a.sendTo('1234', b.address.port, '127.0.0.1');
  assert.equal((await b.recv({ timeout: 2000 })).toString(), '1234');
  await until(() => b.dropped === 1, 'the long datagram to be counted as dropped');
  await assert.rejects(DatagramSocket.bind({ maxDatagram: MAX_DATAGRAM_V4 + 1 }), InputError);
});

test('close is idempotent; every use after close is NetworkError DIAL_E_CLOSED', async () => {
  const u = await bind();
  const local = u.address;
  const pending = u.recv();
  const first = u.close();
  const second = u.close();
  await Promise.all([first, second, u.close()]);
  assert.equal(u.closed, true);
  const closed = (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED';
  await assert.rejects(pending, closed, 'a pending receive is released by close');
  await assert.rejects(u.recv(), closed);
  await assert.rejects(u.recvFrom({ timeout: 10 }), closed);
  await assert.rejects(u.sendTo('x', 9, '127.0.0.1'), closed);
  await assert.rejects(u.send('x'), closed);
  await assert.rejects(u.connect('127.0.0.1', 9), closed);
  assert.throws(() => u.disconnect(), closed);
  assert.deepEqual(u.address, local, 'the local address stays readable');
});

test('bad arguments are InputErrors and nothing is sent', async () => {
  const u = await bind();
  const isInput = (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT';
  await assert.rejects(u.sendTo('x', 0, '127.0.0.1'), isInput);
  await assert.rejects(u.sendTo('x', 65536, '127.0.0.1'), isInput);
  await assert.rejects(u.sendTo('x', 1.5, '127.0.0.1'), isInput);
  await assert.rejects(u.sendTo('x', 9, ''), isInput);
  await assert.rejects(u.sendTo('x', 9, 'host\0name'), isInput);
  await assert.rejects(u.sendTo(42 as unknown as string, 9, '127.0.0.1'), isInput);
  await assert.rejects(u.connect('127.0.0.1', -1), isInput);
  await assert.rejects(DatagramSocket.bind({ port: 70000 }), isInput);
  await assert.rejects(DatagramSocket.bind({ family: 5 as 4 }), isInput);
  await assert.rejects(DatagramSocket.bind({ maxQueue: -1 }), isInput);
});

test('binding a port in use is a ConnectError with sysCode EADDRINUSE; reuseAddr shares it', async () => {
  const a = await bind();
  await assert.rejects(DatagramSocket.bind({ host: '127.0.0.1', port: a.address.port }), (e: unknown) =>
    e instanceof ConnectError && e.code === 'DIAL_E_CONNECT' && e.sysCode === 'EADDRINUSE' && e.phase === 'bind');
  const r1 = await bind({ host: '127.0.0.1', reuseAddr: true });
  const r2 = await bind({ host: '127.0.0.1', port: r1.address.port, reuseAddr: true });
  assert.equal(r2.address.port, r1.address.port);
});

test('binding an address this host does not have is a ConnectError (EADDRNOTAVAIL)', async () => {
  // 192.0.2.1 is TEST-NET-1: never assigned to a local interface; nothing is sent.
  await assert.rejects(DatagramSocket.bind({ host: '192.0.2.1' }), (e: unknown) =>
    e instanceof DialError && e instanceof ConnectError && e.sysCode === 'EADDRNOTAVAIL');
});
