/**
 * The scripted line server the POP3, NNTP and SMTP client tests stand on:
 * what it records, how it cuts lines and dot blocks out of any chunking, and
 * what it does on cue (close, reset, TLS upgrade), under a bounded buffer.
 * Driven with plain node:net/node:tls clients, so it does not lean on the
 * line layer it helps to test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { dotStuff, flood, lineServers, startLineServer, type LineConn, type LineReply } from './fake-line-server.js';
import { within } from './peers.js';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';

const server = lineServers((reply: (line: string, conn: LineConn) => LineReply, extra: { greeting?: string; encoding?: BufferEncoding; maxBuffered?: number } = {}) => ({
  greeting: '+OK hi\r\n',
  reply,
  ...extra,
}));

let pki: TestPKI;
before(() => {
  pki = makeTestPKI();
});
after(() => pki?.cleanup());

/** A client socket and everything it has read so far. */
interface Peer {
  sock: net.Socket;
  /** Resolves with all that was read once `want` is in it; fails after 5 s. */
  until(want: string): Promise<string>;
  /** Resolves with how the connection ended: 'end' (FIN) or the error code. */
  ended: Promise<string>;
}

function peer(sock: net.Socket): Peer {
  let got = '';
  sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
  const ended = new Promise<string>((resolve) => {
    sock.on('end', () => resolve('end'));
    sock.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
  const until = (want: string) =>
    within(
      (async () => {
        // Bounded by `within`; each round waits for more bytes or the end.
        while (!got.includes(want)) {
          const more = await Promise.race([once(sock, 'data').then(() => true), ended.then(() => false)]);
          if (!more && !got.includes(want)) throw new Error(`the connection ended before ${JSON.stringify(want)}; got ${JSON.stringify(got)}`);
        }
        return got;
      })(),
      5000,
      `waiting for ${JSON.stringify(want)}`,
    );
  return { sock, until, ended };
}

async function dialPlain(port: number): Promise<Peer> {
  const sock = net.connect({ host: '127.0.0.1', port });
  await within(once(sock, 'connect'), 5000, 'connect');
  return peer(sock);
}

test('greets, records each CRLF line however the bytes are cut, and answers in order', async () => {
  const s = await server((line) => `+OK ${line.length}\r\n`);
  const c = await dialPlain(s.port);
  await c.until('+OK hi\r\n');
  for (const piece of ['ST', 'AT\r', '\nLIST 1\r\nNO', 'OP\r\n']) c.sock.write(piece);
  const got = await c.until('+OK 4\r\n+OK 6\r\n+OK 4\r\n');
  assert.equal(got, '+OK hi\r\n+OK 4\r\n+OK 6\r\n+OK 4\r\n');
  assert.deepEqual(s.received, ['STAT', 'LIST 1', 'NOOP']);
  c.sock.destroy();
});

test('lines decode as latin1 by default (every byte kept), as utf8 when asked', async () => {
  const bytes = Buffer.from('caf\u00e9 \u00fc\r\n', 'utf8');
  const latin = await server(() => '+OK\r\n');
  const utf8 = await server(() => '+OK\r\n', { encoding: 'utf8' });
  for (const s of [latin, utf8]) {
    const c = await dialPlain(s.port);
    c.sock.write(bytes);
    await c.until('+OK hi\r\n+OK\r\n');
    c.sock.destroy();
  }
  assert.ok(Buffer.from(latin.received[0]!, 'latin1').equals(bytes.subarray(0, -2)));
  assert.equal(utf8.received[0], 'caf\u00e9 \u00fc');
});

test('readDotBlock: the raw block (stuffed, CRLF before the dot kept) across any cut, an empty block, then lines again', async () => {
  const blocks: string[] = [];
  const s = await server((line, conn) => {
    if (line !== 'DATA') return `250 ${line}\r\n`;
    conn.readDotBlock((raw) => {
      blocks.push(raw.toString('latin1'));
      return `250 block ${blocks.length}\r\n`;
    });
    return '354 go\r\n';
  });
  const c = await dialPlain(s.port);
  c.sock.write('DATA\r\n');
  await c.until('354 go\r\n');
  for (const piece of ['..one\r\n', 'two\r', '\n.', '\r', '\nNOOP\r\n']) c.sock.write(piece);
  await c.until('250 NOOP\r\n');
  c.sock.write('DATA\r\n.\r\nRSET\r\n');
  await c.until('250 RSET\r\n');
  assert.deepEqual(blocks, ['..one\r\ntwo\r\n', '']);
  assert.deepEqual(s.received, ['DATA', 'NOOP', 'DATA', 'RSET'], 'block bytes are not lines');
  c.sock.destroy();
});

test('end on cue: the reply goes out, then a FIN, and nothing after it is read; reset on cue: ECONNRESET', async () => {
  const s = await server((line, conn) => {
    if (line === 'QUIT') return void conn.end('+OK bye\r\n');
    if (line === 'KILL') return void conn.reset();
    return '+OK\r\n';
  });
  const c = await dialPlain(s.port);
  c.sock.write('NOOP\r\nQUIT\r\nNOOP\r\n');
  assert.equal(await c.ended, 'end');
  assert.equal(await c.until('+OK bye\r\n'), '+OK hi\r\n+OK\r\n+OK bye\r\n');
  assert.deepEqual(s.received, ['NOOP', 'QUIT']);
  const d = await dialPlain(s.port);
  d.sock.write('KILL\r\n');
  assert.equal(await within(d.ended, 5000, 'reset'), 'ECONNRESET');
});

test('startTLS: the go-ahead in the clear, bytes sent along with the command dropped, then lines over TLS', async () => {
  const s = await server((line, conn) => {
    if (line === 'STARTTLS') return void conn.startTLS({ cert: pki.server.cert, key: pki.server.key }, '220 go ahead\r\n');
    return `250 ${conn.tls ? 'tls' : 'plain'} ${line}\r\n`;
  });
  const c = await dialPlain(s.port);
  c.sock.write('STARTTLS\r\nINJECTED\r\n');
  await c.until('220 go ahead\r\n');
  const t = tls.connect({ socket: c.sock, ca: pki.ca.cert, servername: 'localhost' });
  await within(once(t, 'secureConnect'), 5000, 'handshake');
  const p = peer(t);
  t.write('NOOP\r\n');
  assert.equal(await p.until('250 tls NOOP\r\n'), '250 tls NOOP\r\n');
  assert.deepEqual(s.received, ['STARTTLS', 'NOOP']);
  t.destroy();
});

test('implicit TLS: the greeting comes over TLS', async () => {
  const s = await startLineServer({ greeting: '+OK tls\r\n', reply: () => undefined, tls: { cert: pki.server.cert, key: pki.server.key } });
  try {
    const t = tls.connect({ host: '127.0.0.1', port: s.port, ca: pki.ca.cert, servername: 'localhost' });
    const p = peer(t);
    assert.equal(await p.until('+OK tls\r\n'), '+OK tls\r\n');
    t.destroy();
  } finally {
    await s.close();
  }
});

test('a partial line beyond maxBuffered resets the connection; close() ends open connections and may be called twice', async () => {
  const s = await server(() => undefined, { maxBuffered: 1024 });
  const c = await dialPlain(s.port);
  c.sock.write('x'.repeat(4096));
  assert.equal(await within(c.ended, 5000, 'reset'), 'ECONNRESET');
  const t = await startLineServer({ reply: () => undefined });
  const d = await dialPlain(t.port);
  await within(Promise.all([t.close(), t.close()]), 5000, 'close');
  assert.equal(await within(d.ended, 5000, 'closed'), 'end');
});

test('flood writes prefix, chunks up to the total, then suffix; dotStuff doubles leading dots and ends the block', async () => {
  const counter = { sent: 0 };
  const s = await server((line, conn) => flood(conn.socket, 'abcd', 10, counter, '+OK\r\n', '\r\n.\r\n'));
  const c = await dialPlain(s.port);
  c.sock.write('GO\r\n');
  assert.equal(await c.until('\r\n.\r\n'), '+OK hi\r\n+OK\r\nabcdabcdabcd\r\n.\r\n');
  assert.equal(counter.sent, 12);
  assert.equal(dotStuff('.a\r\nb\r\n..c\r\n'), '..a\r\nb\r\n...c\r\n.\r\n');
  c.sock.destroy();
});
