/**
 * DataConnection against in-process loopback servers: a passive connection
 * made with TLS from the start (its handshake observed even when it ends
 * before secure() asks, its reads in one reused buffer when lent, its
 * failures and silences typed and bounded), the plain one, and the active
 * listener's rule that only the control peer may connect.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { TimeoutError, TLSError, type DialError } from '../../../src/errors.js';
import { ActiveListener, DataConnection } from '../../../src/protocols/ftp/data-channel.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const WAIT = { timeout: 3000 };
let pki: TestPKI;
const servers: net.Server[] = [];
before(() => {
  pki = makeTestPKI();
});
after(() => {
  for (const s of servers) s.close();
  pki?.cleanup();
});

async function listen(srv: net.Server): Promise<number> {
  servers.push(srv);
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return (srv.address() as net.AddressInfo).port;
}

/** A TLS server that sends `body` once the handshake is done, then closes. */
function tlsServer(body: Buffer): Promise<number> {
  const srv = tls.createServer({ cert: pki.server.cert, key: pki.server.key }, (s) => {
    s.on('error', () => {});
    s.end(body);
  });
  return listen(srv);
}

const tlsHow = () => ({ tls: { name: '127.0.0.1', options: { ca: pki.ca.cert } } });

async function drain(conn: DataConnection): Promise<{ bytes: Buffer; buffers: Set<ArrayBufferLike>; chunks: number }> {
  const parts: Buffer[] = [];
  const buffers = new Set<ArrayBufferLike>();
  for await (const c of conn.read(undefined)) {
    buffers.add(c.buffer);
    parts.push(Buffer.from(c));
  }
  return { bytes: Buffer.concat(parts), buffers, chunks: parts.length };
}

test('TLS from the start: a handshake that finished before secure() asked is seen, the bytes arrive whole', async () => {
  const body = Buffer.alloc(700_000, 5);
  const port = await tlsServer(body);
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, tlsHow());
  // The server handshakes at once: let it finish before anyone awaits it.
  await sleep(100);
  await conn.secure('127.0.0.1', { ca: pki.ca.cert }, WAIT);
  assert.ok(conn.socket instanceof tls.TLSSocket);
  const { bytes } = await drain(conn);
  assert.ok(bytes.equals(body));
});

for (const late of [false, true]) {
  test(`TLS from the start with lent buffers${late ? ', read late' : ''}: the bytes arrive whole in a few reused buffers`, async () => {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 1000) body[i] = (i / 1000) & 0xff;
    const port = await tlsServer(body);
    const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, { ...tlsHow(), lend: true });
    await conn.secure('127.0.0.1', { ca: pki.ca.cert }, WAIT);
    // Read late, node:tls decrypts several records from one TCP read and hands them over in turn,
    // without waiting for the consumer: none may land on a chunk not yet taken.
    if (late) await sleep(200);
    const { bytes, buffers, chunks } = await drain(conn);
    assert.ok(bytes.equals(body));
    assert.ok(buffers.size <= 12, `${buffers.size} buffers for ${chunks} chunks`);
  });
}

test('TLS from the start, fresh chunks: an empty transfer ends at once', async () => {
  const port = await tlsServer(Buffer.alloc(0));
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 1000, tlsHow());
  await sleep(100);
  await conn.secure('127.0.0.1', { ca: pki.ca.cert }, WAIT);
  assert.equal((await drain(conn)).bytes.length, 0);
});

test('TLS from the start: an untrusted certificate is a TLSError from secure(), and the socket is closed', async () => {
  const port = await tlsServer(Buffer.from('x'));
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, { tls: { name: '127.0.0.1', options: { ca: pki.untrustedCA.cert } } });
  await assert.rejects(conn.secure('127.0.0.1', { ca: pki.untrustedCA.cert }, WAIT), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT');
  assert.ok(conn.socket.destroyed);
});

test('TLS from the start: a server that never answers the handshake is a TimeoutError within the bound', async () => {
  const held: net.Socket[] = [];
  const port = await listen(net.createServer((s) => void held.push(s.on('error', () => {}))));
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, tlsHow());
  await assert.rejects(conn.secure('127.0.0.1', { ca: pki.ca.cert }, { timeout: 150 }), TimeoutError);
  assert.ok(conn.socket.destroyed);
  for (const s of held) s.destroy();
});

test('plain, lent: the bytes arrive whole in one reused buffer', async () => {
  const body = Buffer.alloc(2 * 1024 * 1024, 3);
  const port = await listen(net.createServer((s) => void s.on('error', () => {}).end(body)));
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, { lend: true });
  const { bytes, buffers } = await drain(conn);
  assert.ok(bytes.equals(body));
  assert.equal(buffers.size, 1);
});

for (const lend of [false, true]) {
  test(`TLS from the start, drained into a sink${lend ? ' (lent buffers)' : ''}: a chunk held by the sink's promise is not overwritten by the pieces node:tls decrypts meanwhile`, async () => {
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i++) body[i] = (i * 13 + (i >> 10)) & 0xff;
    const port = await tlsServer(body);
    const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, { ...tlsHow(), lend });
    await conn.secure('127.0.0.1', { ca: pki.ca.cert }, WAIT);
    let n = 0;
    let calls = 0;
    let intact = true;
    await conn.drain(undefined, (c) => {
      const at = n;
      n += c.length;
      // Every other chunk is written "asynchronously": checked only when its promise settles.
      if (calls++ % 2 === 0) return void (c.equals(body.subarray(at, n)) || (intact = false));
      return sleep(1).then(() => void (c.equals(body.subarray(at, at + c.length)) || (intact = false)));
    });
    assert.equal(n, body.length);
    assert.ok(intact, 'every chunk held its bytes until its promise settled');
  });
}

test('plain, drained into a sink: the bytes arrive whole as views of one buffer; an idle server is a TimeoutError', async () => {
  const body = Buffer.alloc(2 * 1024 * 1024, 4);
  const port = await listen(net.createServer((s) => void s.on('error', () => {}).end(body)));
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 5000, { lend: true });
  let n = 0;
  await conn.drain(undefined, (c) => void (n += c.length));
  assert.equal(n, body.length);
  const silent = await listen(net.createServer((s) => void s.on('error', () => {}).write('x')));
  const idle = await DataConnection.connect('127.0.0.1', silent, WAIT, 150);
  await assert.rejects(idle.drain(undefined, () => {}), TimeoutError);
});

test('active: a connection from an address other than the control peer is refused', async () => {
  const l = await ActiveListener.open('127.0.0.1', '127.0.0.2');
  const { port } = l.address;
  const s = net.connect({ host: '127.0.0.1', port });
  s.on('error', () => {});
  await once(s, 'close');
  await assert.rejects(l.accept({ timeout: 100 }), TimeoutError);
});

test('write: a source slower than the idle bound is not a stall; a server that stops reading still is', async () => {
  let received: Buffer | undefined;
  const port = await listen(
    net.createServer({ allowHalfOpen: true }, (s) => {
      s.on('error', () => {});
      const parts: Buffer[] = [];
      s.on('data', (b: Buffer) => parts.push(b));
      s.on('end', () => {
        received = Buffer.concat(parts);
        s.end();
      });
    }),
  );
  const conn = await DataConnection.connect('127.0.0.1', port, WAIT, 150);
  async function* slow() {
    yield Buffer.from('first,');
    // The wait is for our own source: before the fix it read as the server stalling (TimeoutError).
    await sleep(450);
    yield Buffer.from('second');
  }
  await conn.write(slow(), undefined);
  for (let i = 0; i < 100 && received === undefined; i++) await sleep(10);
  assert.equal(received?.toString(), 'first,second');

  // A server that reads nothing: the bytes stop flowing while we wait on it, a stall.
  const deaf = await listen(net.createServer((s) => void s.on('error', () => {}).pause()));
  const stuck = await DataConnection.connect('127.0.0.1', deaf, WAIT, 150);
  await assert.rejects(stuck.write([Buffer.alloc(64 * 1024 * 1024)], undefined), TimeoutError);
});

test('ActiveListener: a port range is walked past busy ports; a range all busy, or an address not of this host, is an error of phase data-listen', async () => {
  const busy = net.createServer();
  await new Promise<void>((r) => busy.listen({ host: '127.0.0.2', port: 0 }, r));
  const taken = (busy.address() as net.AddressInfo).port;
  try {
    const l = await ActiveListener.open('127.0.0.2', '127.0.0.1', [taken, taken + 1]);
    assert.deepEqual(l.address, { address: '127.0.0.2', port: taken + 1 });
    l.close();
    await assert.rejects(ActiveListener.open('127.0.0.2', '127.0.0.1', [taken, taken]), (e: DialError) => e.phase === 'data-listen' && /ports \d+-\d+/.test(e.message));
    await assert.rejects(ActiveListener.open('192.0.2.1', '127.0.0.1'), (e: DialError) => e.phase === 'data-listen' && /192\.0\.2\.1/.test(e.message));
  } finally {
    busy.close();
  }
});
