/**
 * The ftp: body read both ways — iterated, and consumed through the
 * download's own `consume` — against the in-process fake FTP server: every
 * behaviour (bytes, range start and end, maxBodySize, progress, errors and
 * their translation, the session parked or left) is asserted for each way,
 * so the two stay in step. BodyCut, the piece both ways share, has its own
 * cases first.
 */
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { AbortError, LimitError, ProtocolError, ReplyError, TimeoutError } from '../../../src/errors.js';
import { BodyCut } from '../../../src/urlopen/schemes/ftp-body.js';
import { openFtp, type FtpRawInfo } from '../../../src/urlopen/schemes/ftp.js';
import { closeIdleFtpSessions } from '../../../src/urlopen/ftp-sessions.js';
import type { UrlResponse } from '../../../src/urlopen/response.js';
import type { OpenOptions, Progress } from '../../../src/urlopen/types.js';
import { FakeFtpServer, resetMidTransfer, shortTransfer } from '../../protocols/ftp/fake-server.js';

test('BodyCut: passes chunks whole until the range length, then the part before its end, and says when it is full', () => {
  const cut = new BodyCut(5, undefined);
  assert.deepEqual([...cut.take(Buffer.from('abc'))], [...Buffer.from('abc')]);
  assert.equal(cut.full, false);
  assert.equal(Buffer.from(cut.take(Buffer.from('defgh'))).toString(), 'de');
  assert.equal(cut.full, true);
  assert.equal(cut.take(Buffer.from('x')).length, 0);
});

test('BodyCut: the bound counts the bytes kept (after the range), and throws before passing the bytes past it', () => {
  const cut = new BodyCut(10, 4);
  assert.equal(cut.take(Buffer.from('abcd')).length, 4);
  assert.throws(() => cut.take(Buffer.from('e')), (e: unknown) => e instanceof LimitError && e.limit === 4);
  const ranged = new BodyCut(3, 3);
  assert.equal(ranged.take(Buffer.from('abcdef')).length, 3, 'bytes past the range end do not count against the bound');
  assert.equal(ranged.full, true);
});

/** 3 MiB of a pattern: several reads on loopback, so an early stop is a real ABOR mid-transfer. */
const BIG = Buffer.alloc(3 * 1024 * 1024);
for (let i = 0; i < BIG.length; i++) BIG[i] = (i * 31 + (i >> 12)) & 255;

let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    files: { '/pub/big.bin': BIG, '/pub/a.txt': 'alpha\r\nbeta\r\n', '/pub/short.bin': Buffer.alloc(1000, 7), '/pub/426.bin': Buffer.alloc(1000, 7), '/pub/stall.bin': Buffer.alloc(1000, 7) },
    hooks: {
      RETR: async (arg, x) => {
        if (arg === 'short.bin') return shortTransfer(arg, x);
        if (arg === '426.bin') return resetMidTransfer(arg, x);
        if (arg === 'stall.bin') {
          // A few bytes, then silence until the client gives up.
          x.reply(150, 'Opening.');
          const d = await x.data();
          d.write(Buffer.alloc(10, 1));
          await once(d, 'close');
          return true;
        }
        return false;
      },
    },
  });
});
after(() => srv?.close());
afterEach(() => closeIdleFtpSessions());

const url = (path: string) => new URL(`ftp://127.0.0.1:${srv.port}${path}`);
const open = (path: string, options: OpenOptions = {}) => openFtp(url(path), { timeout: 5000, ...options });
const logins = () => srv.commands.filter((c) => c.startsWith('USER')).length;
const abors = () => srv.commands.filter((c) => c === 'ABOR').length;

type Way = 'iterate' | 'consume';
const WAYS: Way[] = ['iterate', 'consume'];

/**
 * Reads the body one way into copies. Consuming checks it went through the
 * download's own consume (the fast path), once, and that the count it
 * resolved with is the bytes given. `sink` sees each chunk first (it may
 * throw or return a promise).
 */
async function read(res: UrlResponse, way: Way, sink?: (chunk: Uint8Array) => unknown): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (way === 'iterate') {
    for await (const c of res.body) {
      parts.push(Buffer.from(c));
      const r = sink?.(c);
      if (r instanceof Promise) await r;
    }
    return Buffer.concat(parts);
  }
  const dl = (res.raw as FtpRawInfo).download!;
  const real = dl.consume.bind(dl);
  let calls = 0;
  (dl as { consume: typeof dl.consume }).consume = (s) => {
    calls++;
    return real(s);
  };
  try {
    const n = await res.consume((c) => {
      parts.push(Buffer.from(c));
      return sink?.(c);
    });
    assert.equal(n, parts.reduce((a, b) => a + b.length, 0), 'consume resolves with the bytes given');
  } finally {
    assert.equal(calls, 1, "the body was consumed with the download's own consume");
  }
  return Buffer.concat(parts);
}

for (const way of WAYS) {
  test(`${way}: the whole file, byte for byte; the session is parked and the next URL reuses it (one login)`, async () => {
    const before = logins();
    const res = await open('/pub/big.bin');
    assert.equal(res.headers.get('content-length'), String(BIG.length));
    assert.ok(BIG.equals(await read(res, way)));
    assert.equal(res.finalStatus, 226);
    assert.equal((await (await open('/pub/a.txt')).text()), 'alpha\r\nbeta\r\n');
    assert.equal(logins() - before, 1);
  });

  test(`${way}: a range start resumes with REST: the bytes from there, Content-Length the rest, the session parked`, async () => {
    const before = logins();
    const res = await open('/pub/big.bin', { range: { start: 100_000 } });
    assert.equal(res.headers.get('content-length'), String(BIG.length - 100_000));
    assert.ok(BIG.subarray(100_000).equals(await read(res, way)));
    assert.ok(srv.commands.includes('REST 100000'));
    await (await open('/pub/a.txt')).bytes();
    assert.equal(logins() - before, 1);
  });

  test(`${way}: a range end stops the transfer there with ABOR (a sink returning promises too); the session is left, the next URL logs in again`, async () => {
    const before = logins();
    const aborted = abors();
    const res = await open('/pub/big.bin', { range: { start: 5, end: 1_000_004 } });
    assert.equal(res.headers.get('content-length'), '1000000');
    const got = await read(res, way, () => new Promise((r) => setImmediate(r)));
    assert.ok(BIG.subarray(5, 1_000_005).equals(got), `got ${got.length} bytes`);
    assert.equal(abors() - aborted, 1);
    assert.equal(res.finalStatus, 200, 'no final reply was read');
    await (await open('/pub/a.txt')).bytes();
    assert.equal(logins() - before, 2);
  });

  test(`${way}: a range whose end is the last byte still gives every byte`, async () => {
    const res = await open('/pub/big.bin', { range: { start: BIG.length - 10, end: BIG.length - 1 } });
    assert.ok(BIG.subarray(BIG.length - 10).equals(await read(res, way)));
  });

  test(`${way}: maxBodySize — a LimitError, the bytes past it never given, ABOR sent; the next URL works`, async () => {
    const aborted = abors();
    const res = await open('/pub/big.bin', { maxBodySize: 100_000 });
    let given = 0;
    const e = await read(res, way, (c) => void (given += c.length)).catch((x: unknown) => x);
    assert.ok(e instanceof LimitError && e.limit === 100_000, String(e));
    assert.ok(given <= 100_000, `${given} bytes given`);
    assert.equal(abors() - aborted, 1);
    assert.equal(await (await open('/pub/a.txt')).text(), 'alpha\r\nbeta\r\n');
  });

  test(`${way}: maxBodySize counts the range's bytes only`, async () => {
    const res = await open('/pub/big.bin', { range: { start: 0, end: 999 }, maxBodySize: 1000 });
    assert.equal((await read(res, way)).length, 1000);
  });

  test(`${way}: progress events — rising, of the transfer's total, ending at it (a range start counted off)`, async () => {
    const seen: Progress[] = [];
    const res = await open('/pub/big.bin', { range: { start: 1000 }, onProgress: (p) => seen.push(p) });
    await read(res, way);
    assert.ok(seen.length > 1);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]!.transferred > seen[i - 1]!.transferred);
    assert.deepEqual(seen.at(-1), { direction: 'download', transferred: BIG.length - 1000, total: BIG.length - 1000 });
  });

  test(`${way}: ;type=a turns CRLF into LF`, async () => {
    assert.equal((await read(await open('/pub/a.txt;type=a'), way)).toString(), 'alpha\nbeta\n');
  });

  test(`${way}: a short transfer (100 of 1000 bytes, then 226) is a ProtocolError; the final reply was read, so the session serves the next URL`, async () => {
    const before = logins();
    const e = await read(await open('/pub/short.bin'), way).catch((x: unknown) => x);
    assert.ok(e instanceof ProtocolError && /100 of 1000/.test(e.message), String(e));
    await (await open('/pub/a.txt')).bytes();
    assert.equal(logins() - before, 1);
  });

  test(`${way}: a 426 after the data is a ReplyError 426; the next URL works`, async () => {
    const e = await read(await open('/pub/426.bin'), way).catch((x: unknown) => x);
    assert.ok(e instanceof ReplyError && e.reply?.code === 426, String(e));
    assert.equal(await (await open('/pub/a.txt')).text(), 'alpha\r\nbeta\r\n');
  });

  test(`${way}: the caller's signal mid-transfer is an AbortError`, async () => {
    const ac = new AbortController();
    const res = await open('/pub/stall.bin', { signal: ac.signal });
    const e = await read(res, way, () => ac.abort()).catch((x: unknown) => x);
    assert.ok(e instanceof AbortError && !(e instanceof TimeoutError), String(e));
  });

  test(`${way}: the operation's timeout running out mid-transfer is a TimeoutError naming it`, async () => {
    const res = await open('/pub/stall.bin', { timeout: 1500 });
    const e = await read(res, way).catch((x: unknown) => x);
    assert.ok(e instanceof TimeoutError && /ftp operation ran past 1500 ms/.test(e.message), String(e));
  });

  test(`${way}: what the caller's code throws passes as it is; ABOR sent, the session left, the next URL logs in again`, async () => {
    const before = logins();
    const aborted = abors();
    const mine = new Error('disk full');
    const e = await read(await open('/pub/big.bin'), way, () => {
      throw mine;
    }).catch((x: unknown) => x);
    assert.equal(e, mine);
    assert.equal(abors() - aborted, 1);
    await (await open('/pub/a.txt')).bytes();
    assert.equal(logins() - before, 2);
  });
}

test('consume: a sink promise that rejects rejects the call with its error, as it is', async () => {
  const mine = new Error('pipe closed');
  const e = await (await open('/pub/big.bin')).consume(() => Promise.reject(mine)).catch((x: unknown) => x);
  assert.equal(e, mine);
  assert.equal(await (await open('/pub/a.txt')).text(), 'alpha\r\nbeta\r\n');
});

test('consume: cancel() during it rejects it with an AbortError; the next URL works', async () => {
  const res = await open('/pub/stall.bin');
  const e = await res.consume(() => void setImmediate(() => void res.cancel())).catch((x: unknown) => x);
  assert.ok(e instanceof AbortError, String(e));
  assert.equal(await (await open('/pub/a.txt')).text(), 'alpha\r\nbeta\r\n');
});

test('a body is read once: consuming or iterating it again is a ProtocolError, and the first read is not disturbed', async () => {
  const res = await open('/pub/big.bin');
  const body = res.body as AsyncIterable<Uint8Array> & { consume(s: (c: Uint8Array) => unknown): Promise<number> };
  let n = 0;
  const first = body.consume((c) => void (n += c.length));
  await assert.rejects(body.consume(() => {}), ProtocolError);
  assert.throws(() => body[Symbol.asyncIterator](), ProtocolError);
  assert.equal(await first, BIG.length);
  assert.equal(n, BIG.length);

  const res2 = await open('/pub/a.txt');
  const body2 = res2.body as typeof body;
  const it = body2[Symbol.asyncIterator]();
  await assert.rejects(body2.consume(() => {}), ProtocolError);
  let text = '';
  for (let r = await it.next(); !r.done; r = await it.next()) text += Buffer.from(r.value).toString();
  assert.equal(text, 'alpha\r\nbeta\r\n');
});
