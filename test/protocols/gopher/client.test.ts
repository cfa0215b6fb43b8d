import { test } from 'node:test';
import * as net from 'node:net';
import assert from 'node:assert/strict';
import { gopherFetch, kindOf } from '../../../src/protocols/gopher/client.js';
import { buildMenu } from '../../../src/protocols/gopher/core/menu.js';
import { InputError, LimitError, ConnectError, AbortError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { gopherServer } from './server.js';

const MENU = buildMenu([
  { type: 'i', display: 'Welcome', selector: '', host: 'error.host', port: 1 },
  { type: '0', display: 'Readme', selector: '/readme.txt', host: '127.0.0.1', port: 7070 },
  { type: '1', display: 'Sub', selector: '/sub', host: '127.0.0.1', port: 7070 },
]);
const BINARY = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 7) % 256));

test('kindOf maps item types to how the reply is read', () => {
  assert.deepEqual(['1', '7', '0', '9', 'g', 'h', 'x'].map(kindOf), ['menu', 'menu', 'text', 'binary', 'binary', 'binary', 'binary']);
});

test('client: a menu, parsed on demand, and its raw bytes', async () => {
  const srv = await gopherServer({ '': MENU });
  try {
    const res = await gopherFetch(srv.url('/'));
    assert.equal(res.kind, 'menu');
    const items = await res.menu();
    assert.deepEqual(items.map((i) => [i.type, i.display, i.selector, i.port]), [
      ['i', 'Welcome', '', 1],
      ['0', 'Readme', '/readme.txt', 7070],
      ['1', 'Sub', '/sub', 7070],
    ]);
    const raw = await (await gopherFetch({ host: srv.host, port: srv.port })).bytes();
    assert.equal(raw.toString(), MENU);
    assert.deepEqual(srv.requests, ['', '']);
  } finally {
    await srv.close();
  }
});

test('client: a menu read raw ends at its . line, though the server keeps the connection open (as text and menu() do)', async () => {
  const srv = await gopherServer({ '/m': (sock) => sock.write(`${MENU}after the end\r\n`) });
  try {
    const res = await gopherFetch(srv.url('/1/m'), { timeout: 20_000 });
    assert.equal(await res.text(), MENU);
    const split = await gopherFetch(srv.url('/1/m'), { timeout: 20_000 });
    const chunks: Buffer[] = [];
    for await (const c of split.body) chunks.push(c);
    assert.equal(Buffer.concat(chunks).toString(), MENU);
  } finally {
    await srv.close();
  }
});

test('client: text is un-stuffed and stops at the lone dot', async () => {
  const srv = await gopherServer({ '/readme.txt': 'line one\r\n..dotted\r\n.\r\nignored\r\n' });
  try {
    const res = await gopherFetch(srv.url('/0/readme.txt'));
    assert.equal(await res.text(), 'line one\r\n.dotted\r\n');
    assert.equal(res.complete, true);
  } finally {
    await srv.close();
  }
});

test('client: binary items arrive raw to end of stream, in many chunks', async () => {
  const srv = await gopherServer({
    '/b.bin': (sock) => {
      // Slowly, in pieces: the client must not stop at a dot line or a short read.
      let pos = 0;
      const tick = () => {
        if (pos >= BINARY.length) return sock.end();
        sock.write(BINARY.subarray(pos, pos + 9000));
        pos += 9000;
        setTimeout(tick, 2);
      };
      tick();
    },
  });
  try {
    const res = await gopherFetch(srv.url('/9/b.bin'));
    assert.equal(res.kind, 'binary');
    assert.ok((await res.bytes()).equals(BINARY));
  } finally {
    await srv.close();
  }
});

test('client: a search sends selector TAB query', async () => {
  const srv = await gopherServer({ '/find\tcats and dogs': buildMenu([{ type: '0', display: 'Result', selector: '/r', host: 'h', port: 70 }]) });
  try {
    const items = await (await gopherFetch(srv.url('/7/find%09cats%20and%20dogs'))).menu();
    assert.equal(items[0]!.display, 'Result');
    const again = await (await gopherFetch({ host: srv.host, port: srv.port, type: '7', selector: '/find', query: 'cats and dogs' })).menu();
    assert.equal(again.length, 1);
    assert.deepEqual(srv.requests, ['/find\tcats and dogs', '/find\tcats and dogs']);
  } finally {
    await srv.close();
  }
});

test('client: traces connect, the request line and the byte count', async () => {
  const srv = await gopherServer({ '/t': 'x\r\n.\r\n' });
  const events: TraceEvent[] = [];
  try {
    await (await gopherFetch(srv.url('/0/t'), { trace: (e) => events.push(e) })).text();
    const lines = events.map((e) => `${e.kind} ${e.text}`);
    assert.match(lines[0]!, /^\* Connecting to 127\.0\.0\.1 port \d+$/);
    assert.ok(lines.includes('> /t'), lines.join('\n'));
    assert.ok(events.every((e) => e.protocol === 'gopher'));
  } finally {
    await srv.close();
  }
});

test('client: the connect is reported as HTTP\'s — resolved and connected events with their facts (dial -w time_connect, num_connects, remote_ip)', async () => {
  const srv = await gopherServer({ '/t': 'x\r\n.\r\n' });
  const events: TraceEvent[] = [];
  try {
    const lookup = async () => [{ address: '127.0.0.1', family: 4 as const }];
    await (await gopherFetch(srv.url('/0/t').replace('127.0.0.1', 'localhost'), { lookup, trace: (e) => events.push(e) })).text();
    const resolved = events.find((e) => e.event === 'resolved');
    assert.equal(resolved?.text, 'Host localhost was resolved: 127.0.0.1');
    assert.deepEqual(resolved?.data, { host: 'localhost', addresses: ['127.0.0.1'] });
    const connected = events.filter((e) => e.event === 'connected');
    assert.equal(connected.length, 1, events.map((e) => e.text).join('\n'));
    assert.equal(connected[0]!.text, `Connected to localhost (127.0.0.1) port ${srv.port}`);
    assert.equal(connected[0]!.data?.remoteAddress, '127.0.0.1');
    assert.equal(connected[0]!.data?.remotePort, srv.port);
    assert.equal(connected[0]!.data?.localAddress, '127.0.0.1');
    assert.equal(typeof connected[0]!.data?.localPort, 'number');
  } finally {
    await srv.close();
  }
});

test('client: caller input with CR, LF or tab is refused before connecting', async () => {
  const srv = await gopherServer({});
  try {
    await assert.rejects(gopherFetch({ host: srv.host, port: srv.port, selector: '/a\r\n/b' }), InputError);
    await assert.rejects(gopherFetch({ host: srv.host, port: srv.port, selector: '/a\tinjected' }), InputError);
    await assert.rejects(gopherFetch(srv.url('/0/a%0Ab')), InputError);
    assert.deepEqual(srv.requests, []);
  } finally {
    await srv.close();
  }
});

test('client: maxBytes bounds the reply; menu bounds bound menus', async () => {
  const srv = await gopherServer({ '/big': Buffer.alloc(200_000, 'a'), '': '0A\t/a\th\t70\r\n'.repeat(100) });
  try {
    await assert.rejects((await gopherFetch(srv.url('/9/big'), { maxBytes: 100_000 })).bytes(), LimitError);
    await assert.rejects((await gopherFetch(srv.url('/'), { menu: { maxItems: 50 } })).menu(), LimitError);
  } finally {
    await srv.close();
  }
});

test('client: connection refused is a ConnectError; abort is an AbortError', async () => {
  const srv = await gopherServer({});
  const port = srv.port;
  await srv.close();
  await assert.rejects(gopherFetch({ host: '127.0.0.1', port }), ConnectError);
  await assert.rejects(gopherFetch({ host: '127.0.0.1', port }, { signal: AbortSignal.abort() }), AbortError);
});

test('client: cancel before reading drops the connection', async () => {
  const srv = await gopherServer({ '/slow': () => {} });
  try {
    const res = await gopherFetch(srv.url('/9/slow'));
    await res.cancel();
    await res.cancel();
  } finally {
    await srv.close();
  }
});

test('client: cancel while a read is waiting on a silent server settles at once; the reader gets an AbortError', async () => {
  const srv = await gopherServer({ '/drip': (sock) => void sock.write('some bytes, then nothing') });
  try {
    const res = await gopherFetch(srv.url('/9/drip'));
    const it = res.body[Symbol.asyncIterator]();
    assert.equal((await it.next()).value!.toString(), 'some bytes, then nothing');
    const waiting = it.next();
    waiting.catch(() => {});
    // Before the fix cancel() queued behind the pending read and never settled: no bytes, no close, no timeout.
    const timer = new Promise((_, reject) => setTimeout(() => reject(new Error('cancel() hung behind a pending read')), 5_000).unref());
    await Promise.race([res.cancel(), timer]);
    await assert.rejects(waiting, AbortError);
  } finally {
    await srv.close();
  }
});

test('client: an abort mid-body is an AbortError and the connection is dropped', async () => {
  const srv = await gopherServer({ '/drip': (sock) => void sock.write('some bytes, then nothing') });
  try {
    const ac = new AbortController();
    const res = await gopherFetch(srv.url('/9/drip'), { signal: ac.signal });
    const it = res.body[Symbol.asyncIterator]();
    assert.equal((await it.next()).value!.toString(), 'some bytes, then nothing');
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(it.next(), AbortError);
  } finally {
    await srv.close();
  }
});

test('client: the body can be read once', async () => {
  const srv = await gopherServer({ '/t': 'x\r\n.\r\n' });
  try {
    const res = await gopherFetch(srv.url('/0/t'));
    assert.equal(await res.text(), 'x\r\n');
    assert.throws(() => res.body, InputError);
    await assert.rejects(res.menu(), InputError);
  } finally {
    await srv.close();
  }
});

test('client: following an item of a menu that is not UTF-8 sends its selector\'s own bytes back', async () => {
  const seen: string[] = [];
  const srv = await gopherServer({});
  const latin = net.createServer((sock) => {
    sock.on('error', () => {});
    sock.once('data', (d: Buffer) => {
      seen.push(d.toString('hex'));
      if (d.length === 2) return void sock.end(Buffer.from(`0Caf\xe9\t/caf\xe9.txt\t127.0.0.1\t${port}\r\n.\r\n`, 'latin1'));
      sock.end(d.equals(Buffer.from('/caf\xe9.txt\r\n', 'latin1')) ? 'the file\r\n.\r\n' : '3not found\t\terror.host\t1\r\n.\r\n');
    });
  });
  await new Promise<void>((r) => latin.listen(0, '127.0.0.1', r));
  const port = (latin.address() as net.AddressInfo).port;
  try {
    const [item] = await (await gopherFetch({ host: '127.0.0.1', port })).menu();
    assert.equal(item!.display, 'Caf\u00e9');
    // Before the fix the selector went back as UTF-8 (C3 A9) and the server had no such item.
    assert.equal(await (await gopherFetch(item!)).text(), 'the file\r\n');
    const sent: string[] = [];
    assert.equal(await (await gopherFetch(`gopher://127.0.0.1:${port}/0/caf%E9.txt`, { trace: (e) => e.kind === '>' && sent.push(e.text) })).text(), 'the file\r\n');
    // The -v line shows the selector as it was sent (E9 is \u00e9), not a U+FFFD for a byte that is not UTF-8.
    assert.deepEqual(sent, ['/caf\u00e9.txt']);
    assert.equal(seen.length, 3);
  } finally {
    latin.close();
    await srv.close();
  }
});
