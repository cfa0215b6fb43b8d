import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { InputError, LimitError, ProtocolError } from '../../../src/errors.js';
import {
  ACCEPT_ENCODING,
  DEFAULT_DECODE_LIMITS,
  decodeBody,
  isSupportedCoding,
  parseContentEncoding,
  type DecodeLimits,
} from '../../../src/protocols/http/decode.js';
import { ResponseParser } from '../../../src/protocols/http/core/response-parser.js';

/** Yields `buf` in pieces of `size` bytes, recording how far it was read and whether it was told to stop. */
class Source implements AsyncIterable<Buffer> {
  pulled = 0;
  returned = false;
  constructor(
    private readonly buf: Buffer,
    private readonly size = 1024,
  ) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Buffer> {
    try {
      for (let i = 0; i < this.buf.length; i += this.size) {
        this.pulled++;
        yield this.buf.subarray(i, i + this.size);
      }
    } finally {
      if (this.pulled * this.size < this.buf.length) this.returned = true;
    }
  }
}

async function collect(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

const decode = (buf: Buffer, codings: string[], size = 1024, limits?: DecodeLimits) => collect(decodeBody(new Source(buf, size), codings, limits));

const TEXT = Buffer.from('The quick brown fox jumps over the lazy dog. '.repeat(2000));
const ENCODERS: Record<string, (b: Buffer) => Buffer> = {
  gzip: (b) => zlib.gzipSync(b),
  'x-gzip': (b) => zlib.gzipSync(b),
  deflate: (b) => zlib.deflateSync(b),
  br: (b) => zlib.brotliCompressSync(b),
  identity: (b) => b,
};
/** Applies `codings` in header order (the first listed was applied first). */
const encode = (b: Buffer, codings: string[]) => codings.reduce((acc, c) => ENCODERS[c]!(acc), b);

describe('parseContentEncoding', () => {
  test('splits, trims, lower-cases and keeps order', () => {
    assert.deepEqual(parseContentEncoding('gzip'), ['gzip']);
    assert.deepEqual(parseContentEncoding('GZIP, Br'), ['gzip', 'br']);
    assert.deepEqual(parseContentEncoding(' , deflate ,,\tidentity '), ['deflate', 'identity']);
  });
  test('absent or empty is no coding', () => {
    assert.deepEqual(parseContentEncoding(null), []);
    assert.deepEqual(parseContentEncoding(''), []);
  });
  test('isSupportedCoding and ACCEPT_ENCODING agree', () => {
    for (const c of parseContentEncoding(ACCEPT_ENCODING)) assert.ok(isSupportedCoding(c));
    for (const c of ['gzip', 'X-GZIP', ' br ', 'identity', 'deflate']) assert.ok(isSupportedCoding(c), c);
    for (const c of ['compress', 'zstd', 'gzip;q=1', '', 'chunked']) assert.ok(!isSupportedCoding(c), c);
  });
  test('defaults: 3 codings, 1 GiB, 1000:1 after 1 MiB', () => {
    assert.deepEqual({ ...DEFAULT_DECODE_LIMITS }, { maxCodings: 3, maxDecodedSize: 2 ** 30, maxRatio: 1000, ratioGrace: 2 ** 20 });
    assert.ok(Object.isFrozen(DEFAULT_DECODE_LIMITS));
  });
});

describe('decodes', () => {
  for (const coding of ['gzip', 'x-gzip', 'deflate', 'br']) {
    test(`${coding}, in big and one-byte pieces`, async () => {
      const enc = encode(TEXT, [coding]);
      assert.deepEqual(await decode(enc, [coding], 65536), TEXT);
      assert.deepEqual(await decode(enc, [coding], 1), TEXT);
      assert.deepEqual(await decode(encode(Buffer.from('tiny'), [coding]), [coding], 1), Buffer.from('tiny'));
    });
  }

  test('raw deflate (no zlib wrapper) is detected', async () => {
    assert.deepEqual(await decode(zlib.deflateRawSync(TEXT), ['deflate']), TEXT);
    assert.deepEqual(await decode(zlib.deflateRawSync(Buffer.from('x')), ['deflate'], 1), Buffer.from('x'));
  });

  test('zlib-wrapped deflate is detected when its header arrives one byte at a time', async () => {
    assert.deepEqual(await decode(zlib.deflateSync(Buffer.from('hello')), ['deflate'], 1), Buffer.from('hello'));
  });

  test('coding names are case-insensitive', async () => {
    assert.deepEqual(await decode(zlib.gzipSync(TEXT), ['GZip']), TEXT);
  });

  test('a stack is undone last coding first', async () => {
    assert.deepEqual(await decode(encode(TEXT, ['gzip', 'br']), ['gzip', 'br']), TEXT);
    assert.deepEqual(await decode(encode(TEXT, ['deflate', 'gzip', 'br']), ['deflate', 'gzip', 'br']), TEXT);
    await assert.rejects(decode(encode(TEXT, ['gzip', 'br']), ['br', 'gzip']), ProtocolError);
  });

  test('identity is skipped inside a stack', async () => {
    assert.deepEqual(await decode(zlib.gzipSync(TEXT), ['identity', 'gzip']), TEXT);
  });

  test('no coding, or only identity: the body itself comes back', () => {
    const src = new Source(TEXT);
    assert.equal(decodeBody(src, []), src);
    assert.equal(decodeBody(src, ['identity']), src);
  });

  test('an empty body is empty whatever the codings', async () => {
    assert.equal((await decode(Buffer.alloc(0), ['gzip'])).length, 0);
    assert.equal((await decode(Buffer.alloc(0), ['gzip', 'br'])).length, 0);
    const empties = (async function* () {
      yield Buffer.alloc(0);
      yield Buffer.alloc(0);
    })();
    assert.equal((await collect(decodeBody(empties, ['deflate']))).length, 0);
  });

  test('concatenated gzip members are all decoded', async () => {
    const two = Buffer.concat([zlib.gzipSync('one '), zlib.gzipSync('two')]);
    assert.equal((await decode(two, ['gzip'], 5)).toString(), 'one two');
  });

  test('a parsed response body decodes straight from the parser’s data events', async () => {
    const gz = zlib.gzipSync(TEXT);
    const p = new ResponseParser();
    p.expect('GET');
    const wire = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length}\r\n\r\n`), gz]);
    const events = p.feed(wire);
    const head = events[0];
    assert.ok(head?.type === 'head');
    const body = (async function* () {
      for (const e of events) if (e.type === 'data') yield e.bytes;
    })();
    assert.deepEqual(await collect(decodeBody(body, parseContentEncoding(head.headers.get('content-encoding')))), TEXT);
  });
});

describe('refuses', () => {
  test('an unknown coding, at once (ProtocolError)', () => {
    for (const c of ['compress', 'zstd', 'chunked', 'gzip;q=1'])
      assert.throws(() => decodeBody(new Source(TEXT), [c]), (e) => e instanceof ProtocolError && e.code === 'DIAL_E_DECODE', c);
  });

  test('more codings than maxCodings, at once (LimitError)', () => {
    assert.throws(() => decodeBody(new Source(TEXT), ['gzip', 'gzip', 'gzip', 'gzip']), (e) => e instanceof LimitError && e.limit === 3);
    assert.throws(() => decodeBody(new Source(TEXT), ['identity', 'identity', 'identity', 'identity']), LimitError);
    assert.throws(() => decodeBody(new Source(TEXT), ['gzip', 'br'], { maxCodings: 1 }), LimitError);
  });

  test('a limit that is not a non-negative number', () => {
    assert.throws(() => decodeBody(new Source(TEXT), ['gzip'], { maxRatio: -1 }), InputError);
    assert.throws(() => decodeBody(new Source(TEXT), ['gzip'], { maxDecodedSize: Number.NaN }), InputError);
  });

  test('corrupt data (ProtocolError with the zlib error as cause)', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      const garbage = Buffer.from('\x1f\x8bthis is not compressed data at all, not at all........', 'latin1');
      await assert.rejects(decode(coding === 'gzip' ? garbage : Buffer.from('definitely not compressed'), [coding]), (e: unknown) => {
        assert.ok(e instanceof ProtocolError, `${coding}: ${String(e)}`);
        assert.equal(e.code, 'DIAL_E_DECODE');
        assert.ok(e.cause instanceof Error);
        assert.match(e.message, new RegExp(`corrupt ${coding}`));
        return true;
      });
    }
  });

  test('truncated data is an error, not a silent short body', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      const enc = encode(TEXT, [coding]);
      await assert.rejects(decode(enc.subarray(0, enc.length - 5), [coding]), (e) => e instanceof ProtocolError && e.code === 'DIAL_E_DECODE', coding);
    }
    await assert.rejects(decode(Buffer.from([0x78]), ['deflate']), ProtocolError);
  });

  test('bytes after the end of a gzip stream', async () => {
    await assert.rejects(decode(Buffer.concat([zlib.gzipSync(TEXT), Buffer.from('trailing junk')]), ['gzip']), ProtocolError);
  });
});

describe('bounds', () => {
  test('maxDecodedSize: exactly the limit passes, one byte more fails', async () => {
    const enc = zlib.gzipSync(TEXT);
    assert.equal((await decode(enc, ['gzip'], 1024, { maxDecodedSize: TEXT.length })).length, TEXT.length);
    await assert.rejects(decode(enc, ['gzip'], 1024, { maxDecodedSize: TEXT.length - 1 }), (e) => e instanceof LimitError && e.limit === TEXT.length - 1);
  });

  test('a gzip bomb trips the ratio bound', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    await assert.rejects(decode(bomb, ['gzip'], 16384), (e) => e instanceof LimitError && /1000:1/.test(e.message));
  });

  test('the ratio bound waits for ratioGrace bytes, and can be lifted', async () => {
    const zeros = Buffer.alloc(900 * 1024);
    assert.equal((await decode(zlib.gzipSync(zeros), ['gzip'])).length, zeros.length);
    const more = Buffer.alloc(4 * 1024 * 1024);
    await assert.rejects(decode(zlib.gzipSync(more), ['gzip'], 1024, { ratioGrace: 1024 }), LimitError);
    assert.equal((await decode(zlib.gzipSync(more), ['gzip'], 1024, { maxRatio: Infinity })).length, more.length);
  });

  test('a stacked bomb (gzip of gzip) is caught early, on the inner stage too', async () => {
    const inner = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 1 });
    const outer = zlib.gzipSync(inner);
    await assert.rejects(decode(outer, ['gzip', 'gzip'], 1024), LimitError);
  });

  test('a brotli bomb trips the bound', async () => {
    const bomb = zlib.brotliCompressSync(Buffer.alloc(32 * 1024 * 1024), { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 4 } });
    assert.ok(bomb.length < 1000);
    await assert.rejects(decode(bomb, ['br']), LimitError);
  });
});

describe('back-pressure and clean-up', () => {
  test('reading the first piece reads only the first encoded piece', async () => {
    const src = new Source(zlib.gzipSync(Buffer.alloc(8 * 1024 * 1024)), 1024);
    const it = decodeBody(src, ['gzip'], { maxRatio: Infinity })[Symbol.asyncIterator]();
    const first = await it.next();
    assert.ok(!first.done && first.value.length > 0);
    assert.equal(src.pulled, 1);
    await it.return?.();
    assert.ok(src.returned);
  });

  test('the source is read in step with the reader', async () => {
    const src = new Source(zlib.gzipSync(TEXT), 64);
    const it = decodeBody(src, ['gzip'])[Symbol.asyncIterator]();
    let out = 0;
    while (out < 10000) {
      const r = await it.next();
      assert.ok(!r.done);
      out += r.value.length;
    }
    // Nowhere near the whole body (TEXT is 90 KB, its gzip ~ 600 B → ~10 pieces of 64) has been pulled.
    assert.ok(src.pulled < Math.ceil(zlib.gzipSync(TEXT).length / 64), `pulled ${src.pulled}`);
    await it.return?.();
  });

  test('leaving the loop early tells the source to stop', async () => {
    const src = new Source(zlib.gzipSync(TEXT), 16);
    for await (const chunk of decodeBody(src, ['gzip'])) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.ok(src.returned);
  });

  test('an error tells the source to stop', async () => {
    // A gzip header, then a deflate block of the reserved type 3: invalid at once.
    const enc = Buffer.concat([zlib.gzipSync(Buffer.from('abc')).subarray(0, 10), Buffer.alloc(4096, 0xff)]);
    const src = new Source(enc, 16);
    await assert.rejects(collect(decodeBody(src, ['gzip'])), ProtocolError);
    assert.ok(src.returned);
  });

  test('a failing source’s error comes through unchanged', async () => {
    const boom = new Error('network went away');
    const src = (async function* () {
      yield zlib.gzipSync(TEXT).subarray(0, 100);
      throw boom;
    })();
    await assert.rejects(collect(decodeBody(src, ['gzip'])), (e) => e === boom);
  });
});

test('property: any bytes, any stack of up to 3 codings, any piece size, decode to themselves', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ maxLength: 5000 }),
      fc.array(fc.constantFrom('gzip', 'x-gzip', 'deflate', 'br', 'identity'), { minLength: 1, maxLength: 3 }),
      fc.integer({ min: 1, max: 700 }),
      fc.boolean(),
      async (bytes, codings, size, raw) => {
        const input = Buffer.from(bytes);
        let enc = encode(input, codings);
        if (raw && codings.length === 1 && codings[0] === 'deflate') enc = zlib.deflateRawSync(input);
        assert.deepEqual(await decode(enc, codings, size), input);
      },
    ),
    { numRuns: 150 },
  );
});
