import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, NetworkError, type DialError } from '../../../src/errors.js';
import { RequestSender, type SenderHost } from '../../../src/protocols/http/connection-send.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { newEntry, type Entry, type Exchange } from '../../../src/protocols/http/exchange.js';
import type { Transport } from '../../../src/protocols/http/transport.js';
import type { PreparedBody } from '../../../src/protocols/http/request-body.js';

function entry(body: PreparedBody = { kind: 'none' }, over: Partial<Exchange> = {}): Entry {
  const x: Exchange = { method: 'POST', target: '/', host: 'h', headers: new HeaderList(), body, ...over };
  return newEntry(x, Buffer.from('POST / HTTP/1.1\r\n\r\n'), false, false, () => {}, () => {});
}

/** A connection stand-in that records what the sender asked of it. */
function host(front: () => Entry | undefined = () => undefined, started = false) {
  const log: string[] = [];
  const failures: DialError[] = [];
  const writes: string[] = [];
  let closed = false;
  const h: SenderHost = {
    front,
    responseStarted: () => started,
    closed: () => closed,
    sent: (e) => log.push(`sent ${e.head.length}`),
    noReuse: () => log.push('noReuse'),
    fail: (err) => {
      failures.push(err);
      closed = true;
    },
    closedError: () => new NetworkError('DIAL_E_CLOSED', 'closed'),
    writing: (e, waiting) => writes.push(`${waiting ? 'wait' : 'taken'} ${e.head.length}`),
  };
  return { h, log, failures, writes, close: () => (closed = true) };
}

/** A raw node:net socket stand-in: records each write; `fail` makes the next write's callback report an error. */
function rawSocket() {
  const writes: string[] = [];
  const s = {
    destroyed: false,
    fail: undefined as Error | undefined,
    write(data: Buffer, cb: (err?: Error | null) => void) {
      writes.push(data.toString('latin1'));
      const err = s.fail;
      process.nextTick(() => cb(err ?? null));
      return true;
    },
  };
  return { s, writes };
}

/** A Transport stand-in: raw when a raw socket is given, else every output is recorded and resolved. */
function transport(raw?: object) {
  const outputs: string[] = [];
  const t = { raw, output: async (data: Uint8Array) => void outputs.push(Buffer.from(data).toString('latin1')) } as unknown as Transport;
  return { t, outputs };
}

const tick = () => new Promise((r) => setImmediate(r));

test('over a raw socket a request with no body, or a small one, is written at once in one write', async () => {
  const { s, writes } = rawSocket();
  const { h, log } = host();
  const sender = new RequestSender(transport(s).t, h, 'srv');
  assert.ok(sender.writer);
  const a = entry();
  const progress: number[] = [];
  const b = entry({ kind: 'bytes', data: Buffer.from('hello') }, { onUploadProgress: (p) => progress.push(p.transferred) });
  sender.send(a, false);
  assert.deepEqual(writes, ['POST / HTTP/1.1\r\n\r\n']);
  assert.equal(a.sendDone, true);
  sender.send(b, false);
  assert.deepEqual(writes, ['POST / HTTP/1.1\r\n\r\n', 'POST / HTTP/1.1\r\n\r\nhello']);
  assert.deepEqual(progress, [5]);
  assert.deepEqual(log, ['sent 19', 'sent 19']);
});

test('a streamed body waits its turn on the chain; what is sent behind it goes after it', async () => {
  const { s, writes } = rawSocket();
  const { h, log } = host();
  const tr = transport(s);
  tr.t.output = async (data: Uint8Array) => void writes.push(Buffer.from(data).toString('latin1'));
  const sender = new RequestSender(tr.t, h, 'srv');
  const streamed = entry({ kind: 'stream', source: [Buffer.from('ab'), Buffer.from('c')], length: 3 });
  sender.send(streamed, false);
  sender.send(entry(), true);
  assert.deepEqual(writes, []);
  for (let i = 0; i < 10 && log.length < 2; i++) await tick();
  assert.deepEqual(writes, ['POST / HTTP/1.1\r\n\r\n', 'ab', 'c', 'POST / HTTP/1.1\r\n\r\n']);
  assert.deepEqual(log, ['sent 19', 'sent 19']);
  assert.equal(streamed.sendDone, true);
});

test('a raw write error fails the connection in phase send, unless the response has begun', async () => {
  const { s } = rawSocket();
  s.fail = new Error('EPIPE');
  const one = host();
  new RequestSender(transport(s).t, one.h, 'srv').send(entry(), false);
  for (let i = 0; i < 10 && one.failures.length === 0; i++) await tick();
  assert.equal(one.failures.length, 1);
  assert.equal(one.failures[0]!.phase, 'send');
  assert.match(one.failures[0]!.message, /srv/);

  const front = entry();
  const two = host(() => front, true);
  new RequestSender(transport(s).t, two.h, 'srv').send(front, false);
  for (let i = 0; i < 10 && !two.log.includes('noReuse'); i++) await tick();
  assert.deepEqual(two.failures, []);
  assert.deepEqual(two.log, ['sent 19', 'noReuse']);
});

test('a stream body longer than declared: the InputError itself fails the connection', async () => {
  const { h, failures, log } = host();
  const sender = new RequestSender(transport().t, h, 'srv');
  assert.equal(sender.writer, undefined);
  sender.send(entry({ kind: 'stream', source: [Buffer.from('toolong')], length: 3 }), false);
  for (let i = 0; i < 10 && failures.length === 0; i++) await tick();
  assert.ok(failures[0] instanceof InputError);
  assert.deepEqual(log, []);
});

test('stopped once the exchange is done or the connection closed; nothing is sent after a close', async () => {
  const { h, log, close } = host();
  const { t, outputs } = transport();
  const sender = new RequestSender(t, h, 'srv');
  const e = entry();
  assert.equal(sender.stopped(e), false);
  e.stage = 'done';
  assert.equal(sender.stopped(e), true);
  close();
  assert.equal(sender.stopped(entry()), true);
  sender.send(entry(), false);
  await tick();
  assert.deepEqual(outputs, []);
  assert.deepEqual(log, []);
});

test('each write of a request sent on the chain is reported as waiting, then taken (the stalled-upload bound)', async () => {
  const { h, writes } = host();
  const tr = transport();
  const sender = new RequestSender(tr.t, h, 'srv');
  const e = entry({ kind: 'stream', source: [Buffer.from('ab'), Buffer.from('cd')], length: 4 });
  sender.send(e, false);
  for (let i = 0; i < 20 && !e.sendDone; i++) await tick();
  assert.equal(e.sendDone, true);
  assert.deepEqual(tr.outputs, ['POST / HTTP/1.1\r\n\r\n', 'ab', 'cd']);
  assert.deepEqual(writes, ['wait 19', 'taken 19', 'wait 19', 'taken 19', 'wait 19', 'taken 19']);
});
