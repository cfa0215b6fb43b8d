// A hostile server against the sans-IO HTTP/1.x core and the content decoder: every attack here
// ends in a typed error or a connection that is not reused, never in a hang, unbounded memory,
// or a silently wrong body.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import { LimitError, ProtocolError } from '../../src/errors.js';
import { ResponseParser, type ResponseEvent } from '../../src/protocols/http/core/response-parser.js';
import { decodeBody, parseContentEncoding } from '../../src/protocols/http/decode.js';

const b = (s: string) => Buffer.from(s, 'latin1');

/** Feeds `wire` in pieces of `size` bytes; returns the events, or the error and how many bytes went in before it. */
function feed(wire: Buffer | string, opts: { methods?: string[]; size?: number; eof?: boolean; limits?: ConstructorParameters<typeof ResponseParser>[0] } = {}) {
  const buf = typeof wire === 'string' ? b(wire) : wire;
  const p = new ResponseParser(opts.limits);
  for (const m of opts.methods ?? ['GET']) p.expect(m);
  const events: ResponseEvent[] = [];
  const size = opts.size ?? buf.length;
  let fed = 0;
  try {
    for (let i = 0; i < buf.length; i += size) {
      const piece = buf.subarray(i, i + size);
      fed += piece.length;
      events.push(...p.feed(piece));
    }
    if (opts.eof) events.push(...p.eof());
  } catch (err) {
    return { p, events, error: err as Error, fed };
  }
  return { p, events, error: undefined, fed };
}

const bodyOf = (events: ResponseEvent[]) => Buffer.concat(events.flatMap((e) => (e.type === 'data' ? [e.bytes] : []))).toString('latin1');
const types = (events: ResponseEvent[]) => events.map((e) => e.type);

describe('response splitting and desynchronisation', () => {
  test('bytes past Content-Length are not read as a second response to the same request', () => {
    const r = feed('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 302 Found\r\nLocation: http://evil/\r\n\r\n');
    assert.equal(r.error, undefined);
    assert.deepEqual(types(r.events), ['head', 'data', 'end']);
    assert.equal(bodyOf(r.events), 'hello');
    assert.ok(r.p.strayBytes > 0, 'the extra bytes are held as stray, so the pool drops the connection');
  });

  test('a forged response in a long stray stream is refused outright', () => {
    const r = feed(`HTTP/1.1 204 No Content\r\n\r\n${'HTTP/1.1 200 OK\r\nX: y\r\n\r\n'.repeat(1000)}`);
    assert.ok(r.error instanceof ProtocolError);
  });

  test('a bare CR cannot start a hidden header or status line', () => {
    for (const wire of [
      'HTTP/1.1 200 OK\r\nX: a\rContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nX: a\r\rHTTP/1.1 200 OK\r\n\r\n',
    ])
      assert.ok(feed(wire).error instanceof ProtocolError, JSON.stringify(wire));
  });

  test('a HEAD response’s advertised body is not a body: its bytes break the next response', () => {
    const r = feed('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', { methods: ['HEAD', 'GET'] });
    assert.ok(r.error instanceof ProtocolError);
    assert.deepEqual(types(r.events), []);
  });

  test('CL + TE: chunked framing wins and the connection is not reused', () => {
    const r = feed('HTTP/1.1 200 OK\r\nContent-Length: 48\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n', {
      methods: ['GET', 'GET'],
    });
    assert.equal(r.error, undefined);
    const heads = r.events.filter((e) => e.type === 'head');
    assert.equal(heads.length, 2);
    assert.equal(heads[0]?.type === 'head' && heads[0].keepAlive, false);
    assert.equal(bodyOf(r.events), 'abc');
  });

  test('Transfer-Encoding tricks do not smuggle a chunked body past us', () => {
    const cases: [string, 'error' | 'close' | 'chunked'][] = [
      ['Transfer-Encoding: chunked\r\nTransfer-Encoding: identity', 'error'],
      ['Transfer-Encoding: chunked, identity', 'error'],
      ['Transfer-Encoding : chunked', 'error'],
      ['Transfer-Encoding:\x0bchunked', 'close'],
      ['Transfer-Encoding: xchunked', 'close'],
      ['Transfer-Encoding: chunked\x00', 'error'],
      ['Transfer-Encoding: "chunked"', 'close'],
      ['Transfer-Encoding: gzip\r\n ,chunked', 'chunked'],
      [' Transfer-Encoding: chunked', 'error'],
    ];
    for (const [field, want] of cases) {
      const r = feed(`HTTP/1.1 200 OK\r\n${field}\r\n\r\n0\r\n\r\n`, { eof: true });
      if (want === 'error') assert.ok(r.error instanceof ProtocolError, JSON.stringify(field));
      else {
        assert.equal(r.error, undefined, JSON.stringify(field));
        const h = r.events[0];
        assert.equal(h?.type === 'head' && h.bodyKind, want, JSON.stringify(field));
      }
    }
  });

  test('negative, overflowing and malformed Content-Length', () => {
    for (const v of ['-5', '-0', '18446744073709551616', '9007199254740993', '1e3', '0x10', '5 5', '5abc', '5;', '+5', '٥', '5\x00'])
      assert.ok(feed(`HTTP/1.1 200 OK\r\nContent-Length: ${v}\r\n\r\nhello`).error instanceof ProtocolError, JSON.stringify(v));
  });

  test('bare LF is one line ending however it arrives, and never mixes with CR into two', () => {
    const wire = 'HTTP/1.1 200 OK\nContent-Length: 2\n\nhi';
    const whole = feed(wire);
    const split = feed(wire, { size: 1 });
    assert.equal(whole.error, undefined);
    assert.equal(bodyOf(split.events), 'hi');
    const framing = (ev: ResponseEvent[]) => types(ev).filter((t) => t !== 'data');
    assert.deepEqual(framing(split.events), framing(whole.events));
    assert.ok(feed('HTTP/1.1 200 OK\n\rContent-Length: 2\n\nhi').error instanceof ProtocolError);
  });
});

describe('NUL and control bytes', () => {
  for (const [name, wire] of [
    ['NUL in a value', 'HTTP/1.1 200 OK\r\nX: a\0b\r\n\r\n'],
    ['NUL in a name', 'HTTP/1.1 200 OK\r\nX\0Y: 1\r\n\r\n'],
    ['NUL in the status line', 'HTTP/1.1 200 O\0K\r\n\r\n'],
    ['NUL in a trailer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nT: \0\r\n\r\n'],
    ['NUL in a chunk extension', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;\0\r\nx\r\n0\r\n\r\n'],
    ['NUL before the status line', '\0HTTP/1.1 200 OK\r\n\r\n'],
  ])
    test(name, () => assert.ok(feed(wire!).error instanceof ProtocolError));
});

describe('unbounded input is bounded', () => {
  test('a huge header line fails at 64 KiB, having buffered no more', () => {
    const wire = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(1024 * 1024)}\r\n\r\n`;
    const r = feed(wire, { size: 4096 });
    assert.ok(r.error instanceof LimitError);
    assert.ok(r.fed <= 64 * 1024 + 4096 + 32, `fed ${r.fed}`);
  });

  test('endless small headers fail on count or bytes', () => {
    const r = feed(`HTTP/1.1 200 OK\r\n${'X: y\r\n'.repeat(100000)}`, { size: 1500 });
    assert.ok(r.error instanceof LimitError);
    assert.ok(r.fed < 64 * 1024);
  });

  test('endless header bytes under the count limit fail on bytes', () => {
    const r = feed(`HTTP/1.1 200 OK\r\n${`X: ${'v'.repeat(1000)}\r\n`.repeat(200)}`, { size: 1024 });
    assert.ok(r.error instanceof LimitError);
    assert.ok(r.fed <= 64 * 1024 + 1024);
  });

  test('a status line that never ends', () => {
    const r = feed(`HTTP/1.1 200 ${'x'.repeat(100000)}`, { size: 1 });
    assert.ok(r.error instanceof LimitError);
    assert.ok(r.fed <= 8192 + 2);
  });

  test('a 1xx flood stops at 32', () => {
    const r = feed(`${'HTTP/1.1 100 Continue\r\n\r\n'.repeat(1000)}HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n`);
    assert.ok(r.error instanceof LimitError);
  });

  test('a 103 flood with big headers stops at 32 as well', () => {
    const one = `HTTP/1.1 103 Early Hints\r\n${'Link: </x>; rel=preload\r\n'.repeat(200)}\r\n`;
    assert.ok(feed(one.repeat(40), { size: 8192 }).error instanceof LimitError);
  });

  test('a chunk-size line padded with extensions', () => {
    const r = feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a=b;'.repeat(100000)}`, { size: 1024 });
    assert.ok(r.error instanceof LimitError);
    assert.ok(r.fed < 8192);
  });

  test('endless trailers', () => {
    const r = feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n${'T: 1\r\n'.repeat(100000)}`, { size: 1024 });
    assert.ok(r.error instanceof LimitError);
  });

  test('unsolicited bytes while idle', () => {
    const p = new ResponseParser();
    assert.throws(() => p.feed(Buffer.alloc(100000, 0x41)), ProtocolError);
  });
});

describe('chunk sizes', () => {
  for (const size of ['10000000000000000', 'ffffffffffffffff', '0000000000000000000001', 'fffffffffffffff', '-1', '0x5', '1.5', 'g'])
    test(`refuses ${size}`, () => {
      const r = feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${size}\r\nx\r\n0\r\n\r\n`);
      assert.ok(r.error instanceof ProtocolError, String(r.error));
    });

  test('a million one-byte chunks parse, each one seen (the test timeout bounds the time)', () => {
    const wire = Buffer.concat([b('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n'), Buffer.alloc(0), b('1\r\nx\r\n'.repeat(200000)), b('0\r\n\r\n')]);
    const r = feed(wire, { size: 65536 });
    assert.equal(r.error, undefined);
    assert.equal(r.events.filter((e) => e.type === 'data').length, 200000);
  });

  test('a 64 KiB header arriving one byte at a time is parsed (the test timeout bounds the time)', () => {
    const wire = `HTTP/1.1 200 OK\r\nX: ${'a'.repeat(60000)}\r\nContent-Length: 0\r\n\r\n`;
    assert.equal(feed(wire, { size: 1 }).error, undefined);
  });
});

describe('truncation is never silent', () => {
  test('close before the status line: an error the client may retry on', () => {
    const p = new ResponseParser();
    p.expect('GET');
    assert.equal(p.responseStarted, false);
    assert.throws(() => p.eof(), (e) => e instanceof ProtocolError && /before the response began/.test(e.message));
  });

  test('close in the middle of a chunked body', () => {
    for (const cut of ['5\r\nhel', '5\r\nhello', '5\r\nhello\r\n', '5\r\nhello\r\n0\r\n', '5\r\nhello\r\n0\r\nT: 1\r\n']) {
      const r = feed(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${cut}`, { eof: true });
      assert.ok(r.error instanceof ProtocolError, JSON.stringify(cut));
    }
  });

  test('close short of Content-Length', () => {
    const r = feed('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this', { eof: true });
    assert.ok(r.error instanceof ProtocolError && /91 bytes short/.test(r.error.message));
  });

  test('a truncated gzip body is an error from the decoder', async () => {
    const gz = zlib.gzipSync(Buffer.alloc(10000, 0x61));
    const src = (async function* () {
      yield gz.subarray(0, gz.length - 8);
    })();
    await assert.rejects(
      (async () => {
        for await (const _ of decodeBody(src, ['gzip']));
      })(),
      ProtocolError,
    );
  });
});

describe('content decoding under attack', () => {
  async function drain(it: AsyncIterable<Buffer>): Promise<number> {
    let n = 0;
    for await (const c of it) n += c.length;
    return n;
  }

  test('a gzip bomb behind a normal-looking response is stopped with a LimitError', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const p = new ResponseParser();
    p.expect('GET');
    const events = p.feed(Buffer.concat([b(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${bomb.length}\r\n\r\n`), bomb]));
    const head = events[0];
    assert.ok(head?.type === 'head');
    const body = (async function* () {
      for (const e of events) if (e.type === 'data') for (let i = 0; i < e.bytes.length; i += 16384) yield e.bytes.subarray(i, i + 16384);
    })();
    const before = process.memoryUsage().rss;
    await assert.rejects(drain(decodeBody(body, parseContentEncoding(head.headers.get('content-encoding')))), LimitError);
    assert.ok(process.memoryUsage().rss - before < 400 * 1024 * 1024);
  });

  test('a nested bomb (gzip, gzip, gzip) is stopped early', async () => {
    const l1 = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    const l3 = zlib.gzipSync(zlib.gzipSync(l1));
    const src = (async function* () {
      yield l3;
    })();
    await assert.rejects(drain(decodeBody(src, ['gzip', 'gzip', 'gzip'])), LimitError);
  });

  test('too many codings are refused before any work', () => {
    const src = (async function* () {})();
    assert.throws(() => decodeBody(src, parseContentEncoding('gzip, gzip, gzip, gzip')), LimitError);
    assert.throws(() => decodeBody(src, parseContentEncoding(Array(10000).fill('gzip').join(','))), LimitError);
    assert.throws(() => decodeBody(src, parseContentEncoding('gzip, evil')), ProtocolError);
  });
});
