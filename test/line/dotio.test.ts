import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AbortError, InputError, LimitError, ProtocolError, TimeoutError, type DialError } from '../../src/errors.js';
import { LineClient } from '../../src/line/client.js';
import { LineConn } from '../../src/line/conn.js';
import { readDotBlockLines, writeDotBlockTo } from '../../src/line/dotio.js';
import type { LineClientOptions } from '../../src/line/conn.js';
import { memoryPair, type MemoryPairOptions, type MemoryStream } from '../../src/socket/memory.js';
import { bytes, cutAt, latin, sleep } from './helpers.js';

function pair(options: LineClientOptions = {}, pairOptions: MemoryPairOptions = {}): { client: LineClient; server: MemoryStream; sock: MemoryStream } {
  const [sock, server] = memoryPair(pairOptions);
  return { client: new LineClient(sock, { timeout: 5000, ...options }), server, sock };
}

async function collect(it: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const l of it) out.push(l);
  return out;
}

/** Everything the server end has received so far, without waiting. */
async function sentSoFar(server: MemoryStream): Promise<string> {
  let out = '';
  for (let i = 0; i < 10000 && server.readableLength > 0; i++) out += latin(await server.recv());
  return out;
}

describe('readDotBlock (RFC 1939 §3, RFC 5321 §4.5.2)', () => {
  test('a POP3 RETR: lines unstuffed, the block ends at the lone dot, and the conversation goes on', async () => {
    const { client, server } = pair();
    await server.send('+OK 120 octets\r\nSubject: hi\r\n\r\n..leading dot\r\n...\r\nlast\r\n.\r\n+OK bye\r\n');
    assert.equal(await client.readLine(), '+OK 120 octets');
    assert.deepEqual(await collect(client.readDotBlock()), ['Subject: hi', '', '.leading dot', '..', 'last']);
    assert.equal(await client.readLine(), '+OK bye');
  });

  test('an empty block is just the dot line', async () => {
    const { client, server } = pair();
    await server.send('.\r\n');
    assert.deepEqual(await collect(client.readDotBlock()), []);
  });

  test('readDotBlockBytes yields raw bytes, latin1 or not', async () => {
    const { client, server } = pair();
    await server.send(Buffer.concat([bytes('\xff\xfe\r\n'), bytes('.\r\n')]));
    const out: number[][] = [];
    for await (const b of client.readDotBlockBytes()) out.push([...b]);
    assert.deepEqual(out, [[0xff, 0xfe]]);
  });

  test('a block arriving a byte at a time gives the same lines', async () => {
    const { client, server } = pair({}, { chunking: 1 });
    await server.send('a\r\n..b\r\n.\r\n');
    assert.deepEqual(await collect(client.readDotBlock()), ['a', '.b']);
  });

  test('EOF before the dot line is a ProtocolError, fatal, stream closed', async () => {
    const { client, server, sock } = pair();
    await server.send('line one\r\nline two\r\n');
    await server.shutdown('write');
    const got: string[] = [];
    await assert.rejects(
      (async () => {
        for await (const l of client.readDotBlock()) got.push(l);
      })(),
      (e: unknown) => e instanceof ProtocolError && /before the end of a dot block/.test(e.message),
    );
    assert.deepEqual(got, ['line one', 'line two']);
    assert.equal(sock.closed, true);
    assert.ok(client.error instanceof ProtocolError);
  });

  test('EOF in the middle of a line inside the block is a ProtocolError too', async () => {
    const { client, server } = pair();
    await server.send('cut');
    await server.shutdown('write');
    await assert.rejects(collect(client.readDotBlock()), ProtocolError);
  });

  test('a line past maxBodyLine inside the block is a LimitError', async () => {
    const { client, server } = pair({ maxBodyLine: 16 });
    await server.send('short\r\n' + 'x'.repeat(100) + '\r\n.\r\n');
    await assert.rejects(collect(client.readDotBlock()), (e: unknown) => e instanceof LimitError && e.limit === 16);
  });

  test('body lines have their own bound: a 20,000-byte body line passes where maxLine is 8192, a reply line of that size does not', async () => {
    const { client, server } = pair({ maxLine: 8192 });
    const long = '.' + 'y'.repeat(19_999);
    await server.send(`+OK\r\n.${long}\r\nafter\r\n.\r\n${'z'.repeat(20_000)}\r\n`);
    assert.equal(await client.readLine(), '+OK');
    assert.deepEqual(await collect(client.readDotBlock()), [long, 'after']);
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof LimitError && e.limit === 8192);
  });

  test('maxBodyLine defaults to 1 MiB, or to maxLine when that is larger', async () => {
    const [a] = memoryPair();
    assert.equal(new LineConn(a).maxBodyLine, 1024 * 1024);
    assert.equal(new LineConn(a, { maxLine: 2 * 1024 * 1024 }).maxBodyLine, 2 * 1024 * 1024);
    assert.equal(new LineConn(a, { maxBodyLine: 100 }).maxBodyLine, 100);
    assert.throws(() => new LineConn(a, { maxBodyLine: 0 }), InputError);
  });

  test('an endless body line is refused at maxBodyLine with bounded buffering', async () => {
    const { client, server, sock } = pair({ maxBodyLine: 4096 });
    const chunk = 'q'.repeat(1024);
    const pump = (async () => {
      for (let i = 0; i < 64; i++) await server.send(chunk).catch(() => {});
    })();
    await assert.rejects(collect(client.readDotBlock()), (e: unknown) => e instanceof LimitError && e.limit === 4096);
    assert.ok(client.bufferedLength === 0, 'the fatal error dropped the buffer');
    await pump;
    await assert.rejects(sock.send('x'));
  });

  test('per-block bounds: maxLine, maxLines and maxBytes are fatal LimitErrors', async () => {
    {
      const { client, server } = pair();
      await server.send('a\r\nbb\r\nccc\r\n.\r\n');
      await assert.rejects(collect(client.readDotBlock({ maxLines: 2 })), (e: unknown) => e instanceof LimitError && e.limit === 2);
      await assert.rejects(client.readLine(), LimitError);
    }
    {
      const { client, server } = pair();
      await server.send('a\r\nbb\r\nccc\r\n.\r\n');
      // 3 + 4 = 7 bytes fit, the third line makes 12.
      await assert.rejects(collect(client.readDotBlock({ maxBytes: 10 })), (e: unknown) => e instanceof LimitError && e.limit === 10);
    }
    {
      const { client, server } = pair();
      await server.send('a\r\nbb\r\nccc\r\n.\r\n');
      await assert.rejects(collect(client.readDotBlock({ maxLine: 2 })), (e: unknown) => e instanceof LimitError && e.limit === 2);
    }
    {
      const { client, server } = pair();
      await server.send('a\r\nbb\r\nccc\r\n.\r\n');
      assert.deepEqual(await collect(client.readDotBlock({ maxLines: 3, maxBytes: 12, maxLine: 3 })), ['a', 'bb', 'ccc']);
    }
  });

  test('a bad block bound is an InputError that leaves the conversation usable', async () => {
    const { client, server } = pair();
    await server.send('a\r\n.\r\n');
    await assert.rejects(collect(client.readDotBlock({ maxLines: 0 })), InputError);
    assert.deepEqual(await collect(client.readDotBlock()), ['a']);
  });

  test('a timeout inside the block is fatal (where the block stands is lost)', async () => {
    const { client, server, sock } = pair();
    await server.send('one\r\n');
    await assert.rejects(collect(client.readDotBlock({ timeout: 30 })), TimeoutError);
    assert.equal(sock.closed, true);
    assert.ok(client.error instanceof TimeoutError);
  });

  test('an abort inside the block is fatal too', async () => {
    const { client, server, sock } = pair();
    await server.send('one\r\n');
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 20);
    await assert.rejects(collect(client.readDotBlock({ signal: ac.signal })), AbortError);
    assert.equal(sock.closed, true);
  });

  test('leaving the loop early reads and discards the rest of the block, so the next read is after it', async () => {
    const { client, server } = pair();
    await server.send('a\r\nb\r\nc\r\n.\r\n+OK next\r\n');
    for await (const l of client.readDotBlock()) {
      assert.equal(l, 'a');
      break;
    }
    assert.equal(await client.readLine(), '+OK next');
  });

  test('leaving early when the block is cut short surfaces the ProtocolError', async () => {
    const { client, server } = pair();
    await server.send('a\r\nb\r\n');
    await server.shutdown('write');
    await assert.rejects(
      (async () => {
        for await (const l of client.readDotBlock()) {
          assert.equal(l, 'a');
          break;
        }
      })(),
      ProtocolError,
    );
  });

  test('another read during the block is refused as busy', async () => {
    const { client, server } = pair();
    await server.send('a\r\nb\r\n.\r\n');
    const it = client.readDotBlock()[Symbol.asyncIterator]();
    assert.equal((await it.next()).value, 'a');
    await assert.rejects(client.readLine(), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    assert.equal((await it.next()).value, 'b');
    assert.equal((await it.next()).done, true);
  });

  test('readDotBlockLines works straight on a LineConn', async () => {
    const [a, b] = memoryPair();
    const conn = new LineConn(a);
    await b.send('x\r\n.\r\n');
    const out: string[] = [];
    for await (const l of readDotBlockLines(conn)) out.push(latin(l));
    assert.deepEqual(out, ['x']);
    assert.equal(conn.reading, false);
  });
});

describe('writeDotBlock', () => {
  test('a string body: stuffed, endings made CRLF, final CRLF ensured, terminator appended, one write', async () => {
    const { client, server } = pair();
    await client.writeDotBlock('Subject: x\n\n.hidden\r\nbare\rend');
    assert.equal(latin(await server.recv()), 'Subject: x\r\n\r\n..hidden\r\nbare\r\nend\r\n.\r\n');
  });

  test('a body that already ends in CRLF gets no extra blank line', async () => {
    const { client, server } = pair();
    await client.writeDotBlock('a\r\n');
    assert.equal(await sentSoFar(server), 'a\r\n.\r\n');
  });

  test('an empty body sends only the terminator', async () => {
    const { client, server } = pair();
    await client.writeDotBlock('');
    assert.equal(await sentSoFar(server), '.\r\n');
  });

  test('a lone dot line in the body cannot end the message early (SMTP smuggling)', async () => {
    const { client, server } = pair();
    await client.writeDotBlock('hi\n.\nMAIL FROM:<evil@x>\r\n.\r\nRCPT TO:<v@x>');
    const out = await sentSoFar(server);
    assert.equal(out, 'hi\r\n..\r\nMAIL FROM:<evil@x>\r\n..\r\nRCPT TO:<v@x>\r\n.\r\n');
    assert.equal(out.indexOf('\r\n.\r\n'), out.length - 5);
  });

  test('a byte body', async () => {
    const { client, server } = pair();
    await client.writeDotBlock(new Uint8Array([0x2e, 0x0a, 0xff]));
    assert.deepEqual([...(await server.recv())], [0x2e, 0x2e, 13, 10, 0xff, 13, 10, 0x2e, 13, 10]);
  });

  test('a sync iterable streams chunk by chunk; a dot after a chunk-ending CRLF is still stuffed', async () => {
    const { client, server } = pair();
    await client.writeDotBlock(['line1\r', '\n', '.dot', 'ted\n', bytes('tail')]);
    assert.equal(await sentSoFar(server), 'line1\r\n..dotted\r\ntail\r\n.\r\n');
  });

  test('an async iterable streams too', async () => {
    const { client, server } = pair();
    async function* body() {
      yield 'a\n';
      await sleep(5);
      yield '.b\n';
    }
    await client.writeDotBlock(body());
    assert.equal(await sentSoFar(server), 'a\r\n..b\r\n.\r\n');
  });

  test('a source that throws: InputError with the cause, no terminator sent, stream closed', async () => {
    const { client, server, sock } = pair();
    const boom = new Error('disk read failed');
    async function* body() {
      yield 'partial\r\n';
      throw boom;
    }
    await assert.rejects(client.writeDotBlock(body()), (e: unknown) => e instanceof InputError && e.cause === boom);
    assert.equal(sock.closed, true);
    const out = await sentSoFar(server);
    assert.ok(!out.endsWith('.\r\n'), `the server must not see a complete block: ${JSON.stringify(out)}`);
  });

  test('a source too slow for the timeout: TimeoutError, fatal, and the source is told to stop', async () => {
    const { client, sock } = pair();
    let cleaned = false;
    async function* body() {
      try {
        yield 'first\r\n';
        await sleep(500);
        yield 'never';
      } finally {
        cleaned = true;
      }
    }
    await assert.rejects(client.writeDotBlock(body(), { timeout: 40 }), TimeoutError);
    assert.equal(sock.closed, true);
    // The generator is parked in its sleep; its cleanup runs once that ends.
    for (let i = 0; i < 100 && !cleaned; i++) await sleep(10);
    assert.equal(cleaned, true);
  });

  test('an abort while an iterable body is streaming is fatal: the peer holds half a message', async () => {
    const { client, server, sock } = pair();
    const ac = new AbortController();
    async function* body() {
      yield 'part one\r\n';
      ac.abort();
      await sleep(50);
      yield 'part two\r\n';
    }
    await assert.rejects(client.writeDotBlock(body(), { signal: ac.signal }), AbortError);
    assert.equal(sock.closed, true);
    assert.equal(await sentSoFar(server), 'part one\r\n');
  });

  test('an already-aborted signal sends nothing and is not fatal', async () => {
    const { client, server } = pair();
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(client.writeDotBlock('body', { signal: ac.signal }), AbortError);
    await assert.rejects(client.writeDotBlock(['body'], { signal: ac.signal }), AbortError);
    assert.equal(server.readableLength, 0);
    assert.equal(client.error, undefined);
  });

  test('a latin1 client refuses a string body it cannot encode, before sending anything; not fatal', async () => {
    const { client, server } = pair({ encoding: 'latin1' });
    await assert.rejects(client.writeDotBlock('price: \u20ac5'), InputError);
    assert.equal(server.readableLength, 0);
    assert.equal(client.error, undefined);
  });

  test('while a block is being written, writeLine and a second block are refused as busy', async () => {
    const { client, server } = pair();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    async function* body() {
      yield 'a\r\n';
      await gate;
      yield 'b\r\n';
    }
    const writing = client.writeDotBlock(body());
    await sleep(5);
    await assert.rejects(client.writeLine('RSET'), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    await assert.rejects(client.writeDotBlock('x'), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    release();
    await writing;
    assert.equal(await sentSoFar(server), 'a\r\nb\r\n.\r\n');
    await client.writeLine('QUIT');
  });

  test('a source yielding something that is neither text nor bytes: InputError, no terminator, stream closed', async () => {
    const { client, server, sock } = pair();
    await assert.rejects(client.writeDotBlock(['ok\r\n', 42 as unknown as string]), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT');
    assert.equal(sock.closed, true);
    assert.ok(!(await sentSoFar(server)).endsWith('.\r\n'));
  });

  test('a body that is neither text, bytes nor iterable is an InputError before anything is sent', async () => {
    const { client, server } = pair();
    await assert.rejects(client.writeDotBlock(42 as unknown as string), InputError);
    assert.equal(server.readableLength, 0);
    assert.equal(client.error, undefined);
  });

  test('writeDotBlockTo works straight on a LineConn', async () => {
    const [a, b] = memoryPair();
    const conn = new LineConn(a);
    await writeDotBlockTo(conn, '.x');
    assert.equal(latin(await b.recv()), '..x\r\n.\r\n');
    assert.equal(conn.writing, false);
  });

  test('a send failure mid-block is fatal and typed', async () => {
    const { client, server } = pair();
    async function* body() {
      yield 'a\r\n';
      server.reset();
      yield 'b\r\n';
    }
    await assert.rejects(client.writeDotBlock(body()), (e: unknown) => (e as DialError).code === 'DIAL_E_RESET');
    assert.ok(client.error);
  });
});

describe('property: a dot block written by one client is read back whole by another', () => {
  test('random bodies and chunkings round-trip, endings normalised to CRLF', async () => {
    const body = fc.array(fc.constantFrom('a', 'b', '.', '..', ' ', '\r\n', '\n', '\r', '.\r\n', 'x.y'), { maxLength: 30 }).map((a) => a.join(''));
    await fc.assert(
      fc.asyncProperty(body, fc.array(fc.nat(40), { maxLength: 5 }), fc.integer({ min: 1, max: 7 }), async (b, cuts, chunk) => {
        const [x, y] = memoryPair({ chunking: chunk });
        const writer = new LineClient(x, { timeout: 10000 });
        const reader = new LineClient(y, { timeout: 10000, eol: 'crlf' });
        await writer.writeDotBlock(cutAt(bytes(b), cuts));
        await writer.writeLine('NEXT');
        const got: string[] = [];
        for await (const l of reader.readDotBlock()) got.push(l);
        const normal = b.replace(/\r\n|\r|\n/g, '\r\n');
        const want = normal === '' || normal.endsWith('\r\n') ? normal : normal + '\r\n';
        assert.equal(got.map((l) => l + '\r\n').join(''), want);
        assert.equal(await reader.readLine(), 'NEXT');
      }),
      { numRuns: 200 },
    );
  });
});

describe('readDotBlockChunks: the same block as readDotBlockBytes, in chunks', () => {
  test('equals the lines joined with CRLF, for any chunking of the wire', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.oneof(fc.constantFrom('', '.', '..', '.x', 'a.b'), fc.string({ maxLength: 30 }).map((t) => t.replace(/[\r\n]/g, ''))), { maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 13 }), { minLength: 1, maxLength: 5 }),
        async (lines, chunking) => {
          const { client, server } = pair({}, { chunking });
          const wire = lines.map((l) => (l.startsWith('.') ? '.' + l : l) + '\r\n').join('') + '.\r\nnext\r\n';
          await server.send(wire);
          const got: Buffer[] = [];
          for await (const c of client.readDotBlockChunks()) got.push(c);
          assert.equal(Buffer.concat(got).toString(), lines.map((l) => l + '\r\n').join(''));
          assert.equal(await client.readLine(), 'next');
        },
      ),
      { numRuns: 200 },
    );
  });

  test('gathers buffered lines into chunks of up to about 64 KiB', async () => {
    const { client, server } = pair();
    const line = 'x'.repeat(98);
    await server.send((line + '\r\n').repeat(2000) + '.\r\n');
    const sizes: number[] = [];
    for await (const c of client.readDotBlockChunks()) sizes.push(c.length);
    assert.equal(sizes.reduce((a, b) => a + b, 0), 200_000);
    assert.ok(sizes.length < 20 && sizes.every((n) => n <= 64 * 1024 + 100), sizes.join(','));
  });

  test('bounds, EOF and early exit behave as for lines: LimitError, ProtocolError, the rest drained', async () => {
    {
      const { client, server } = pair();
      await server.send('a\r\nbb\r\nccc\r\n.\r\n');
      await assert.rejects(collectChunks(client.readDotBlockChunks({ maxLines: 2 })), (e: unknown) => e instanceof LimitError && e.limit === 2);
    }
    {
      const { client, server } = pair({ maxBodyLine: 10 });
      await server.send('a\r\n' + 'y'.repeat(50) + '\r\n.\r\n');
      await assert.rejects(collectChunks(client.readDotBlockChunks()), (e: unknown) => e instanceof LimitError && e.limit === 10);
    }
    {
      const { client, server } = pair();
      await server.send('a\r\nb\r\n');
      await server.shutdown('write');
      await assert.rejects(collectChunks(client.readDotBlockChunks()), ProtocolError);
    }
    {
      const { client, server } = pair();
      const send = server.send('first\r\n');
      await send;
      const it = client.readDotBlockChunks();
      const first = await it.next();
      assert.equal(first.value?.toString(), 'first\r\n');
      await server.send('more\r\n.\r\nafter\r\n');
      await it.return(undefined);
      assert.equal(await client.readLine(), 'after');
    }
  });

  test('an aborted signal stops the block even with lines buffered, and that is fatal', async () => {
    const { client, server } = pair();
    await server.send('a\r\nb\r\nc\r\n');
    const ac = new AbortController();
    const it = client.readDotBlockChunks({ signal: ac.signal });
    ac.abort();
    await assert.rejects(it.next(), AbortError);
    await assert.rejects(client.readLine());
  });
});

async function collectChunks(it: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const c of it) out.push(c);
  return out;
}
