import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AbortError, InputError, LimitError, NetworkError, ProtocolError, ReplyError, TimeoutError, type DialError } from '../../src/errors.js';
import { LineClient } from '../../src/line/client.js';
import type { LineClientOptions } from '../../src/line/conn.js';
import { memoryPair, type MemoryPairOptions, type MemoryStream } from '../../src/socket/memory.js';
import { ScriptedStream, bytes, latin, sleep } from './helpers.js';

/** A client over one end of an in-memory pair; the test plays the server on the other. */
function pair(options: LineClientOptions = {}, pairOptions: MemoryPairOptions = {}): { client: LineClient; server: MemoryStream; sock: MemoryStream } {
  const [sock, server] = memoryPair(pairOptions);
  return { client: new LineClient(sock, { timeout: 5000, ...options }), server, sock };
}

/** Everything the server end has received so far, without waiting for more. */
async function sentSoFar(server: MemoryStream): Promise<string> {
  let out = '';
  // Bounded: each recv takes at least one queued byte.
  for (let i = 0; i < 10000 && server.readableLength > 0; i++) out += latin(await server.recv());
  return out;
}

/** Fails the test instead of hanging when `p` does not settle within `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let t!: NodeJS.Timeout;
  const limit = new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`did not settle within ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(t));
}

const code = (c: string) => (e: unknown) => (e as DialError).code === c;

describe('writeLine', () => {
  test('sends the line plus CRLF in one write', async () => {
    const { client, server } = pair();
    await client.writeLine('EHLO client.example');
    assert.equal(latin(await server.recv()), 'EHLO client.example\r\n', 'one recv gets it all: it went out as one send');
  });

  test('bytes go out as they are', async () => {
    const { client, server } = pair();
    await client.writeLine(new Uint8Array([0x41, 0xe9]));
    assert.deepEqual([...(await server.recv())], [0x41, 0xe9, 13, 10]);
  });

  for (const bad of ['RCPT TO:<a>\r\nDATA', 'USER x\nPASS y', 'a\rb', 'nul\0', 'QUIT\r\n']) {
    test(`refuses ${JSON.stringify(bad)} with InputError, sends nothing, and stays usable`, async () => {
      const { client, server } = pair();
      await assert.rejects(client.writeLine(bad), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT');
      assert.equal(server.readableLength, 0);
      assert.equal(client.error, undefined);
      await client.writeLine('NOOP');
      assert.equal(await sentSoFar(server), 'NOOP\r\n');
    });
  }

  test('latin1 clients refuse characters latin1 cannot hold', async () => {
    const { client, server } = pair({ encoding: 'latin1' });
    await assert.rejects(client.writeLine('RETR \u010a'), InputError);
    await client.writeLine('RETR caf\u00e9');
    assert.deepEqual([...(await server.recv())].slice(-3), [0xe9, 13, 10]);
  });

  test('a send that outlives its timeout is fatal: the stream is closed', async () => {
    const { client, sock } = pair({}, { highWaterMark: 4 });
    await assert.rejects(client.writeLine('x'.repeat(100), { timeout: 30 }), TimeoutError);
    assert.ok(client.error instanceof TimeoutError);
    assert.equal(sock.closed, true);
    await assert.rejects(client.writeLine('NOOP'), (e: unknown) => e === client.error);
  });

  test('an already-aborted signal sends nothing', async () => {
    const { client, server } = pair();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(client.writeLine('QUIT', { signal: ac.signal }), AbortError);
    assert.equal(server.readableLength, 0);
  });
});

describe('readLine', () => {
  test('strips CRLF and LF (default eol)', async () => {
    const { client, server } = pair();
    await server.send('one\r\ntwo\nthree\r\n');
    assert.equal(await client.readLine(), 'one');
    assert.equal(await client.readLine(), 'two');
    assert.equal(await client.readLine(), 'three');
  });

  test("eol 'any' also ends lines at a bare CR", async () => {
    const { client, server } = pair({ eol: 'any' });
    await server.send('a\rb\r\nc\n');
    assert.deepEqual([await client.readLine(), await client.readLine(), await client.readLine()], ['a', 'b', 'c']);
  });

  test("eol 'crlf' refuses a bare LF: ProtocolError, fatal, stream closed", async () => {
    const { client, server, sock } = pair({ eol: 'crlf' });
    await server.send('ok\r\nbad\n');
    assert.equal(await client.readLine(), 'ok');
    await assert.rejects(client.readLine(), ProtocolError);
    assert.equal(sock.closed, true);
  });

  test('a line arriving a byte at a time is assembled', async () => {
    const { client, server } = pair({}, { chunking: 1 });
    await server.send('220 hello there\r\n');
    assert.equal(await client.readLine(), '220 hello there');
  });

  test('null at a clean end of stream, and again after', async () => {
    const { client, server } = pair();
    await server.send('last\r\n');
    await server.shutdown('write');
    assert.equal(await client.readLine(), 'last');
    assert.equal(await client.readLine(), null);
    assert.equal(await client.readLine(), null);
  });

  test('a line cut by EOF is a ProtocolError', async () => {
    const { client, server } = pair();
    await server.send('no ending');
    await server.shutdown('write');
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof ProtocolError && /middle of a line/.test(e.message));
  });

  test('allowUnterminated returns the cut line, per client or per call', async () => {
    const a = pair({ allowUnterminated: true });
    await a.server.send('gopher text');
    await a.server.shutdown('write');
    assert.equal(await a.client.readLine(), 'gopher text');
    assert.equal(await a.client.readLine(), null);
    const b = pair();
    await b.server.send('tail');
    await b.server.shutdown('write');
    assert.equal(await b.client.readLine({ allowUnterminated: true }), 'tail');
  });

  test('maxLine: a longer line is a LimitError, fatal, and later calls throw the same error', async () => {
    const { client, server, sock } = pair({ maxLine: 10 });
    await server.send('0123456789\r\n0123456789X\r\n');
    assert.equal(await client.readLine(), '0123456789');
    let err: unknown;
    await assert.rejects(client.readLine(), (e: unknown) => {
      err = e;
      return e instanceof LimitError && e.limit === 10;
    });
    assert.equal(sock.closed, true);
    await assert.rejects(client.readLine(), (e: unknown) => e === err);
    await assert.rejects(client.writeLine('QUIT'), (e: unknown) => e === err);
  });

  test('a 10 MB line with no ending is refused having taken only maxLine plus a few KiB from the stream', async () => {
    const s = new ScriptedStream();
    const client = new LineClient(s, { maxLine: 1000 });
    s.feed(Buffer.alloc(10 * 1024 * 1024, 0x61));
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof LimitError && e.limit === 1000);
    assert.ok(s.received <= 1000 + 2 + 4096, `took ${s.received} bytes`);
    assert.ok(s.recvSizes.every((n) => n <= 1000 + 2 + 4096));
    assert.equal(s.closed, true);
  });

  test('readLineBytes returns the raw bytes; latin1 decodes byte for byte', async () => {
    const a = pair();
    await a.server.send(Buffer.from([0x41, 0xff, 0x0d, 0x0a]));
    assert.deepEqual([...(await a.client.readLineBytes())!], [0x41, 0xff]);
    const b = pair({ encoding: 'latin1' });
    await b.server.send(Buffer.from([0x63, 0xe9, 0x0a]));
    assert.equal(await b.client.readLine(), 'c\u00e9');
  });

  test('a timeout is not fatal: the next call resumes, the part line kept', async () => {
    const { client, server } = pair();
    await server.send('250 hal');
    await assert.rejects(client.readLine({ timeout: 30 }), (e: unknown) => e instanceof TimeoutError && e.timeout === 30);
    assert.equal(client.error, undefined);
    await server.send('f a line\r\n');
    assert.equal(await client.readLine(), '250 half a line');
  });

  test('the client timeout applies when the call gives none', async () => {
    const { client } = pair({ timeout: 30 });
    const t0 = Date.now();
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof TimeoutError && e.timeout === 30);
    assert.ok(Date.now() - t0 < 1000);
  });

  test('the timeout bounds the whole line, not each chunk: a slow drip cannot hold the read open', async () => {
    const { client, server } = pair();
    let stop = false;
    const drip = (async () => {
      for (let i = 0; i < 100 && !stop; i++) {
        await server.send('x').catch(() => {});
        await sleep(10);
      }
    })();
    const t0 = Date.now();
    await assert.rejects(client.readLine({ timeout: 150 }), TimeoutError);
    assert.ok(Date.now() - t0 < 600, `took ${Date.now() - t0} ms`);
    stop = true;
    await drip;
  });

  test('an abort is not fatal either, and an already-aborted signal fails even with a line buffered', async () => {
    const { client, server } = pair();
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(client.readLine({ signal: ac.signal }), (e: unknown) => e instanceof AbortError && e.local);
    await server.send('ready\r\n');
    await assert.rejects(client.readLine({ signal: ac.signal }), AbortError);
    assert.equal(await client.readLine(), 'ready');
  });

  test('two reads at once: the second is an InputError (busy), the first still completes', async () => {
    const { client, server } = pair();
    const first = client.readLine();
    await assert.rejects(client.readReply(), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    await server.send('first\r\n');
    assert.equal(await first, 'first');
  });

  test('a peer reset is a NetworkError DIAL_E_RESET and fatal', async () => {
    const { client, server } = pair();
    const p = client.readLine();
    server.reset();
    await assert.rejects(p, code('DIAL_E_RESET'));
    assert.ok(client.error instanceof NetworkError);
  });
});

describe('read(n), readAll, readUntilClose', () => {
  test('read(n) returns exactly n bytes, buffered bytes first', async () => {
    const { client, server } = pair({}, { chunking: 3 });
    await server.send('150 ok\r\nRAWDATA1234');
    assert.equal(await client.readLine(), '150 ok');
    assert.equal(latin(await client.read(7)), 'RAWDATA');
    assert.equal(latin(await client.read(4)), '1234');
  });

  test('read(n) returns fewer bytes only at EOF, then empty', async () => {
    const { client, server } = pair();
    await server.send('abc');
    await server.shutdown('write');
    assert.equal(latin(await client.read(10)), 'abc');
    assert.equal((await client.read(10)).length, 0);
  });

  test('read(0) is empty; a negative or fractional size is an InputError', async () => {
    const { client } = pair();
    assert.equal((await client.read(0)).length, 0);
    await assert.rejects(client.read(-1), InputError);
    await assert.rejects(client.read(1.5), InputError);
  });

  test('lines and raw reads interleave without losing a byte', async () => {
    const { client, server } = pair({}, { chunking: [5, 2, 7] });
    await server.send('+OK 5\r\nhello+OK 3\r\nabc');
    assert.equal(await client.readLine(), '+OK 5');
    assert.equal(latin(await client.read(5)), 'hello');
    assert.equal(await client.readLine(), '+OK 3');
    assert.equal(latin(await client.read(3)), 'abc');
  });

  test('read(n) times out, then resumes with no byte lost', async () => {
    const { client, server } = pair();
    await server.send('12');
    await assert.rejects(client.read(4, { timeout: 30 }), TimeoutError);
    await server.send('34');
    assert.equal(latin(await client.read(4)), '1234');
  });

  test('readAll reads to EOF, buffered bytes included', async () => {
    const { client, server } = pair({}, { chunking: 1000 });
    await server.send('226 ok\r\n' + 'z'.repeat(5000));
    await server.shutdown('write');
    assert.equal(await client.readLine(), '226 ok');
    assert.equal(latin(await client.readAll()), 'z'.repeat(5000));
  });

  test('readAll takes exactly maxBytes; one byte more is a LimitError that held at most maxBytes + 1', async () => {
    const a = pair();
    await a.server.send('x'.repeat(100));
    await a.server.shutdown('write');
    assert.equal((await a.client.readAll({ maxBytes: 100 })).length, 100);

    const s = new ScriptedStream();
    const client = new LineClient(s, { maxBytes: 100 });
    s.feed('x'.repeat(5000));
    s.end();
    await assert.rejects(client.readAll(), (e: unknown) => e instanceof LimitError && e.limit === 100);
    assert.ok(s.received <= 101, `read ${s.received} bytes`);
    assert.equal(s.closed, true);
  });

  test('readAll: a bad maxBytes is an InputError', async () => {
    const { client } = pair();
    await assert.rejects(client.readAll({ maxBytes: 0 }), InputError);
  });

  test('readAll: the timeout bounds the whole read', async () => {
    const { client, server } = pair();
    await server.send('part');
    await assert.rejects(client.readAll({ timeout: 40 }), TimeoutError);
  });

  test('readUntilClose yields every byte in order, buffered first, and ends at EOF', async () => {
    const { client, server } = pair({}, { chunking: 4 });
    await server.send('HEAD\r\nbody-bytes-here');
    await server.shutdown('write');
    assert.equal(await client.readLine(), 'HEAD');
    const parts: string[] = [];
    for await (const chunk of client.readUntilClose()) parts.push(latin(chunk));
    assert.equal(parts.join(''), 'body-bytes-here');
    assert.ok(parts.length > 1, 'it streamed');
  });

  test('readUntilClose: a timeout between chunks is not fatal and a new call continues', async () => {
    const { client, server } = pair();
    await server.send('a');
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const c of client.readUntilClose({ timeout: 30 })) got.push(latin(c));
      })(),
      TimeoutError,
    );
    await server.send('b');
    await server.shutdown('write');
    for await (const c of client.readUntilClose()) got.push(latin(c));
    assert.equal(got.join(''), 'ab');
  });

  test('readUntilClose: breaking out releases the read lock', async () => {
    const { client, server } = pair();
    await server.send('chunk');
    for await (const c of client.readUntilClose()) {
      assert.equal(latin(c), 'chunk');
      break;
    }
    await server.send('line\r\n');
    assert.equal(await client.readLine(), 'line');
  });
});

describe('readReply', () => {
  test('a single-line reply', async () => {
    const { client, server } = pair();
    await server.send('220 mail.example ESMTP ready\r\n');
    assert.deepEqual(await client.readReply(), { code: 220, lines: ['mail.example ESMTP ready'], text: 'mail.example ESMTP ready' });
  });

  test('an RFC 5321 multi-line EHLO reply', async () => {
    const { client, server } = pair();
    await server.send('250-mail.example\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n');
    const r = await client.readReply();
    assert.equal(r.code, 250);
    assert.deepEqual(r.lines, ['mail.example', 'PIPELINING', 'SIZE 10240000', 'STARTTLS']);
  });

  test('an RFC 959 multi-line reply with free middle lines', async () => {
    const { client, server } = pair();
    await server.send('123-First line\r\nSecond line\r\n  234 A line beginning with numbers\r\n123 The last line\r\n');
    assert.deepEqual((await client.readReply()).lines, ['First line', 'Second line', '  234 A line beginning with numbers', 'The last line']);
  });

  test('replies back to back (pipelining) are read one at a time', async () => {
    const { client, server } = pair();
    await server.send('250 a\r\n250-b\r\n250 c\r\n354 go\r\n');
    assert.equal((await client.readReply()).text, 'a');
    assert.equal((await client.readReply()).text, 'b\nc');
    assert.equal((await client.readReply()).code, 354);
  });

  test('a bad code is a ProtocolError, fatal, stream closed', async () => {
    const { client, server, sock } = pair({ protocol: 'smtp' });
    await server.send('HTTP/1.1 400 Bad Request\r\n');
    await assert.rejects(client.readReply(), (e: unknown) => e instanceof ProtocolError && e.protocol === 'smtp');
    assert.equal(sock.closed, true);
    await assert.rejects(client.readReply(), ProtocolError);
  });

  test('expect met: the reply is returned', async () => {
    const { client, server } = pair();
    await server.send('334 VXNlcm5hbWU6\r\n');
    assert.equal((await client.readReply({ expect: 334 })).text, 'VXNlcm5hbWU6');
  });

  test('expect not met: ReplyError with code and text, not fatal', async () => {
    const { client, server } = pair();
    await server.send('550-No such user\r\n550 here\r\n250 next\r\n');
    await assert.rejects(client.readReply({ expect: 2 }), (e: unknown) => {
      assert.ok(e instanceof ReplyError);
      assert.deepEqual(e.reply, { code: 550, text: 'No such user\nhere' });
      return true;
    });
    assert.equal(client.error, undefined);
    assert.equal((await client.readReply({ expect: 2 })).code, 250);
  });

  test('maxReplyLines: a longer reply is a LimitError, fatal', async () => {
    const { client, server, sock } = pair({ maxReplyLines: 3 });
    await server.send('250-a\r\n250-b\r\n250-c\r\n250 d\r\n');
    await assert.rejects(client.readReply(), (e: unknown) => e instanceof LimitError && e.limit === 3);
    assert.equal(sock.closed, true);
  });

  test('EOF before any reply, and EOF in the middle of one, are ProtocolErrors that say which', async () => {
    const a = pair();
    await a.server.shutdown('write');
    await assert.rejects(a.client.readReply(), (e: unknown) => e instanceof ProtocolError && /before a reply/.test(e.message));
    const b = pair();
    await b.server.send('250-one\r\n');
    await b.server.shutdown('write');
    await assert.rejects(b.client.readReply(), (e: unknown) => e instanceof ProtocolError && /middle of a reply/.test(e.message));
  });

  test('a timeout mid-reply is resumed by the next call, and the whole reply comes back', async () => {
    const { client, server } = pair();
    await server.send('250-first\r\n250-sec');
    await assert.rejects(client.readReply({ timeout: 30 }), TimeoutError);
    await server.send('ond\r\n250 last\r\n');
    assert.deepEqual((await client.readReply()).lines, ['first', 'second', 'last']);
  });

  test('command writes the line and reads its reply', async () => {
    const { client, server } = pair();
    const p = client.command('NOOP', { expect: 250 });
    assert.equal(latin(await server.recv()), 'NOOP\r\n');
    await server.send('250 OK\r\n');
    assert.equal((await p).code, 250);
  });

  test('command refuses a bad line before sending or reading anything', async () => {
    const { client, server } = pair();
    await server.send('250 unread\r\n');
    await assert.rejects(client.command('NOOP\r\nQUIT'), InputError);
    assert.equal(server.readableLength, 0);
    assert.equal((await client.readReply()).text, 'unread');
  });
});

describe('found by these tests', () => {
  test('command while another read is in progress sends nothing (its reply would be orphaned)', async () => {
    const { client, server } = pair();
    const pending = client.readLine();
    await assert.rejects(client.command('NOOP'), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    assert.equal(server.readableLength, 0, 'the command must not reach the server');
    await server.send('line\r\n');
    assert.equal(await pending, 'line');
  });

  test("a stream's own recv timeout (Socket.setTimeout) is not sticky: the next read gets the data", async () => {
    const [sock, server] = memoryPair();
    // A stream with a default recv bound of its own, as Socket.setTimeout gives.
    const timed = {
      recv: (max?: number, o?: { timeout?: number }) => sock.recv(max, { timeout: 30, ...o }),
      send: sock.send.bind(sock),
      shutdown: sock.shutdown.bind(sock),
      close: sock.close.bind(sock),
    };
    const client = new LineClient(timed, { timeout: 2000 });
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof TimeoutError && e.timeout === 30);
    assert.equal(client.error, undefined, 'a timeout while reading is not fatal');
    await server.send('220 late but fine\r\n');
    assert.equal(await client.readLine(), '220 late but fine');
  });

  test('a value that is neither text nor bytes is an InputError, not a TypeError', async () => {
    const { client, server } = pair();
    await assert.rejects(client.writeLine(42 as unknown as string), InputError);
    await assert.rejects(client.writeLine(null as unknown as string), InputError);
    assert.equal(server.readableLength, 0);
    assert.equal(client.error, undefined);
  });
});

describe('resume semantics (src/line/conn.ts): interrupted reads lose nothing', () => {
  test('an abort mid-reply is resumed by the next readReply', async () => {
    const { client, server } = pair();
    await server.send('211-Features:\r\n MDTM\r\n');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(client.readReply({ signal: ac.signal }), AbortError);
    assert.equal(client.error, undefined);
    await server.send(' SIZE\r\n211 End\r\n');
    assert.deepEqual((await client.readReply()).lines, ['Features:', ' MDTM', ' SIZE', 'End']);
  });

  test('an abort during read(n) keeps the bytes already received', async () => {
    const { client, server } = pair();
    await server.send('abc');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(client.read(6, { signal: ac.signal }), AbortError);
    await server.send('def');
    assert.equal(latin(await client.read(6)), 'abcdef');
  });

  test('timeout 0 on a call means no bound, even when the client has one', async () => {
    const { client, server } = pair({ timeout: 20 });
    setTimeout(() => void server.send('slow but fine\r\n'), 60);
    assert.equal(await within(client.readLine({ timeout: 0 }), 2000), 'slow but fine');
  });

  test('many timeouts in a row lose no byte of a line arriving in pieces', async () => {
    const { client, server } = pair();
    for (let i = 0; i < 5; i++) {
      await server.send(String(i));
      await assert.rejects(client.readLine({ timeout: 5 }), TimeoutError);
    }
    await server.send('\r\n');
    assert.equal(await client.readLine(), '01234');
  });
});

describe('per-call timeouts are checked', () => {
  // A budget computed as "deadline - now" goes negative once spent; that must not mean "wait forever".
  for (const timeout of [-1, -0.5, Number.NaN]) {
    test(`timeout ${timeout}: InputError at once, nothing sent, not fatal`, async () => {
      const { client, server } = pair();
      await within(assert.rejects(client.readLine({ timeout }), InputError), 1000);
      await within(assert.rejects(client.readReply({ timeout }), InputError), 1000);
      await assert.rejects(client.writeLine('NOOP', { timeout }), InputError);
      await assert.rejects(client.writeDotBlock('body', { timeout }), InputError);
      await assert.rejects(client.writeDotBlock(['body'], { timeout }), InputError);
      assert.equal(server.readableLength, 0);
      assert.equal(client.error, undefined);
    });
  }
});

describe('trace', () => {
  test("sees '>' for lines sent and '<' for lines and reply lines read", async () => {
    const seen: string[] = [];
    const { client, server } = pair({ trace: (d, l) => seen.push(`${d} ${l}`) });
    await client.writeLine('EHLO me');
    await server.send('250-hi\r\n250 SIZE\r\nplain\r\n');
    await client.readReply();
    await client.readLine();
    assert.deepEqual(seen, ['> EHLO me', '< 250-hi', '< 250 SIZE', '< plain']);
  });

  test('bytes written are traced as text; a refused line is never traced', async () => {
    const seen: string[] = [];
    const { client } = pair({ trace: (d, l) => seen.push(`${d} ${l}`) });
    await client.writeLine(bytes('USER anonymous'));
    await assert.rejects(client.writeLine('x\ny'), InputError);
    assert.deepEqual(seen, ['> USER anonymous']);
  });

  test('a throwing trace hook does not break the conversation', async () => {
    const { client, server } = pair({
      trace: () => {
        throw new Error('trace bug');
      },
    });
    await client.writeLine('NOOP');
    await server.send('250 ok\r\n');
    assert.equal((await client.readReply()).code, 250);
  });
});

describe('startTLS', () => {
  test('after a clean go-ahead, upgrades the stream and goes on', async () => {
    const s = new ScriptedStream();
    const client = new LineClient(s, { timeout: 1000 });
    s.feed('220 Ready to start TLS\r\n');
    assert.equal((await client.readReply()).code, 220);
    await client.startTLS({ servername: 'mail.example' });
    assert.deepEqual(s.upgrades, [{ servername: 'mail.example' }]);
    s.feed('250 ok\r\n');
    assert.equal((await client.readReply()).code, 250);
  });

  test('bytes buffered past the go-ahead are an injection: ProtocolError DIAL_E_INJECTION, no handshake, stream closed', async () => {
    const s = new ScriptedStream();
    const client = new LineClient(s, { protocol: 'smtp' });
    s.feed('220 Go ahead\r\n250-evil injected\r\n');
    await client.readReply();
    assert.ok(client.bufferedLength > 0);
    await assert.rejects(client.startTLS(), (e: unknown) => e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION' && e.phase === 'tls');
    assert.deepEqual(s.upgrades, [], 'the handshake never started');
    assert.equal(s.closed, true);
    await assert.rejects(client.readReply(), code('DIAL_E_INJECTION'));
  });

  test('a stream that cannot upgrade: InputError DIAL_E_UNSUPPORTED, not fatal', async () => {
    const { client } = pair();
    await assert.rejects(client.startTLS(), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    assert.equal(client.error, undefined);
  });

  test('during a read it is refused as busy', async () => {
    const s = new ScriptedStream();
    const client = new LineClient(s);
    const pending = client.readLine({ timeout: 500 });
    await assert.rejects(client.startTLS(), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    s.feed('x\n');
    assert.equal(await pending, 'x');
  });

  test('a receive left over from a timed-out read would race the handshake: refused and fatal', async () => {
    const s = new ScriptedStream();
    const client = new LineClient(s);
    await assert.rejects(client.readReply({ timeout: 20 }), TimeoutError);
    await assert.rejects(client.startTLS(), (e: unknown) => e instanceof ProtocolError && /outstanding/.test(e.message));
    assert.deepEqual(s.upgrades, []);
    assert.equal(s.closed, true);
  });

  test('a failed handshake is fatal and typed', async () => {
    const s = new ScriptedStream();
    s.upgradeError = Object.assign(new Error('wrong version number'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' });
    const client = new LineClient(s);
    await assert.rejects(client.startTLS(), code('DIAL_E_TLS'));
    assert.equal(s.closed, true);
  });
});

describe('close', () => {
  test('closes the stream; later calls throw NetworkError DIAL_E_CLOSED; a second close is harmless', async () => {
    const { client, server, sock } = pair();
    await client.close();
    assert.equal(sock.closed, true);
    await client.close();
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED');
    await assert.rejects(client.writeLine('x'), code('DIAL_E_CLOSED'));
    assert.equal((await server.recv()).length, 0, 'the peer sees EOF');
  });

  test('a read waiting when the client closes fails with DIAL_E_CLOSED instead of hanging', async () => {
    const { client } = pair();
    const p = assert.rejects(client.readLine({ timeout: 2000 }), code('DIAL_E_CLOSED'));
    await sleep(5);
    await client.close();
    await p;
  });
});

/** One step of a chat transcript and what the client must make of it. */
type Step = { kind: 'line'; text: string } | { kind: 'reply'; code: number; lines: string[] } | { kind: 'block'; lines: string[] };

const textArb = fc.string({ unit: 'grapheme-ascii', maxLength: 12 }).map((s) => s.replace(/[\r\n]/g, ''));
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  textArb.map((text) => ({ kind: 'line' as const, text })),
  fc.record({ kind: fc.constant('reply' as const), code: fc.integer({ min: 100, max: 599 }), lines: fc.array(textArb, { minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('block' as const), lines: fc.array(textArb, { maxLength: 4 }) }),
);

function wire(steps: readonly Step[]): string {
  return steps
    .map((s) => {
      if (s.kind === 'line') return s.text + '\r\n';
      if (s.kind === 'reply') return s.lines.map((l, i) => `${s.code}${i === s.lines.length - 1 ? ' ' : '-'}${l}\r\n`).join('');
      return s.lines.map((l) => (l.startsWith('.') ? '.' : '') + l + '\r\n').join('') + '.\r\n';
    })
    .join('');
}

describe('property: however the bytes arrive, the client reads the same conversation', () => {
  test('lines, replies and dot blocks over random chunkings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 6 }), fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }), async (steps, chunks) => {
        const { client, server } = pair({ eol: 'crlf' }, { chunking: chunks });
        await server.send(wire(steps));
        await server.shutdown('write');
        for (const s of steps) {
          if (s.kind === 'line') assert.equal(await client.readLine(), s.text);
          else if (s.kind === 'reply') assert.deepEqual(await client.readReply(), { code: s.code, lines: s.lines, text: s.lines.join('\n') });
          else {
            const got: string[] = [];
            for await (const l of client.readDotBlock()) got.push(l);
            assert.deepEqual(got, s.lines);
          }
        }
        assert.equal(await client.readLine(), null);
      }),
      { numRuns: 200 },
    );
  });
});

describe('property: whatever bytes a peer sends, every failure is a typed DialError', () => {
  const junk = fc.array(
    fc.oneof(
      fc.uint8Array({ maxLength: 12 }),
      fc.constantFrom('250-', '250 ', '\r\n', '\n', '\r', '.\r\n', '..', '1234 ', '999 ', '\0').map((t) => bytes(t)),
    ),
    { maxLength: 30 },
  ).map((parts) => Buffer.concat(parts));

  test('readReply, readLine and readDotBlock over random input end in a value, EOF or a DialError — never a crash or a hang', async () => {
    await fc.assert(
      fc.asyncProperty(junk, fc.constantFrom('lf', 'crlf', 'any') as fc.Arbitrary<'lf' | 'crlf' | 'any'>, fc.integer({ min: 1, max: 5 }), async (data, eol, chunk) => {
        for (const op of ['reply', 'line', 'block'] as const) {
          // The bound only catches a hang: all input is queued, but a loaded machine can stall for a while.
          const { client, server } = pair({ eol, maxLine: 16, maxReplyLines: 4, timeout: 10000 }, { chunking: chunk });
          await server.send(data);
          await server.shutdown('write');
          // Bounded: the input has at most a few hundred bytes, so at most that many lines.
          for (let i = 0; i < 500; i++) {
            try {
              if (op === 'reply') await client.readReply();
              else if (op === 'line') {
                if ((await client.readLine()) === null) break;
              } else {
                for await (const l of client.readDotBlock()) void l;
              }
            } catch (e) {
              assert.ok(e instanceof ProtocolError || e instanceof LimitError, `${op}: ${String(e)}`);
              break;
            }
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
