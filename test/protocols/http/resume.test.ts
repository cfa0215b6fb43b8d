import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { download, type Download, type ResumeEvent } from '../../../src/protocols/http/resume.js';
import { Agent } from '../../../src/protocols/http/agent.js';
import { AbortError, DialError, InputError, ProtocolError, ReplyError } from '../../../src/errors.js';
import { rawPeer, type RawPeer } from '../../helpers/peers.js';

const peers: RawPeer[] = [];
const agent = new Agent();
after(async () => {
  await agent.close();
  await Promise.all(peers.map((p) => p.close()));
});

const FILE = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7 + (i >> 9)) & 0xff));

/** What a scripted file server does for request number `n` (0-based). */
interface Plan {
  file?: Buffer;
  etag?: string | null;
  lastModified?: string;
  /** Body bytes sent before the connection is cut; undefined = the whole body. */
  cutAfter?: number;
  /** Answer 200 with the whole file whatever Range says. */
  ignoreRange?: boolean;
  /** No Content-Length: the body ends when the connection closes. */
  closeDelimited?: boolean;
  /** Honour Range whatever If-Range says (a server that does not implement If-Range). */
  ignoreIfRange?: boolean;
  /** Override the Content-Range start of a 206. */
  lieStart?: number;
  status?: number;
}

interface Seen {
  range: string | undefined;
  ifRange: string | undefined;
}

/** A loopback file server that honours Range and If-Range (strong ETag comparison) as each plan says. */
async function fileServer(plan: (n: number) => Plan): Promise<{ url: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const peer = await rawPeer((c: net.Socket) => {
    let head = '';
    c.setEncoding('latin1');
    c.on('data', (s: string) => {
      head += s;
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      const lines = head.slice(0, end).split('\r\n');
      head = '';
      const get = (name: string) => lines.find((l) => l.toLowerCase().startsWith(name + ':'))?.slice(name.length + 1).trim();
      const n = seen.length;
      seen.push({ range: get('range'), ifRange: get('if-range') });
      answer(c, plan(n), get('range'), get('if-range'));
    });
  }, peers);
  return { url: `http://127.0.0.1:${peer.port}/file.bin`, seen };
}

function answer(c: net.Socket, p: Plan, range: string | undefined, ifRange: string | undefined): void {
  const file = p.file ?? FILE;
  const etag = p.etag === undefined ? '"v1"' : p.etag;
  const validators = [etag !== null ? `ETag: ${etag}` : '', p.lastModified ? `Last-Modified: ${p.lastModified}` : ''].filter(Boolean);
  if (p.status) {
    c.end(`HTTP/1.1 ${p.status} Nope\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    return;
  }
  const start = range && !p.ignoreRange && (p.ignoreIfRange || ifRange === undefined || ifRange === etag || ifRange === p.lastModified) ? Number(/bytes=(\d+)-/.exec(range)![1]) : undefined;
  let status = '200 OK';
  let body = file;
  const extra: string[] = [];
  if (start !== undefined) {
    if (start >= file.length) {
      c.end(`HTTP/1.1 416 Range Not Satisfiable\r\nContent-Range: bytes */${file.length}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    status = '206 Partial Content';
    body = file.subarray(start);
    extra.push(`Content-Range: bytes ${p.lieStart ?? start}-${file.length - 1}/${file.length}`);
  }
  const headLines = [`HTTP/1.1 ${status}`, ...(p.closeDelimited ? [] : [`Content-Length: ${body.length}`]), 'Accept-Ranges: bytes', ...validators, ...extra, 'Connection: close', '', ''];
  c.write(headLines.join('\r\n'));
  if (p.cutAfter === undefined) c.end(body);
  else c.write(body.subarray(0, p.cutAfter), () => c.destroy());
}

async function collect(body: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body) parts.push(c);
  return Buffer.concat(parts);
}

test('a body cut twice is resumed from the next byte with Range and If-Range, and arrives whole', async () => {
  const srv = await fileServer((n) => (n < 2 ? { cutAfter: 50_000 } : {}));
  const events: ResumeEvent[] = [];
  const d = await download(srv.url, { agent, onResume: (e) => events.push(e) });
  assert.equal(d.size, FILE.length);
  assert.ok((await collect(d.body)).equals(FILE));
  assert.equal(d.resumes, 2);
  assert.deepEqual(events.map((e) => [e.offset, e.attempt]), [[50_000, 1], [100_000, 2]]);
  assert.ok(events.every((e) => e.cause instanceof DialError));
  assert.deepEqual(srv.seen, [
    { range: undefined, ifRange: undefined },
    { range: 'bytes=50000-', ifRange: '"v1"' },
    { range: 'bytes=100000-', ifRange: '"v1"' },
  ]);
});

test('offset: the download starts at the bytes already held', async () => {
  const srv = await fileServer(() => ({}));
  const d = await download(srv.url, { agent, offset: 123_456 });
  assert.equal(d.response.status, 206);
  assert.equal(d.offset, 123_456);
  assert.equal(d.size, FILE.length);
  assert.ok((await collect(d.body)).equals(FILE.subarray(123_456)));
  assert.equal(srv.seen[0]!.range, 'bytes=123456-');
});

test('a server that ignores Range but still has the same file: read again from the start, the held bytes dropped', async () => {
  const srv = await fileServer((n) => ({ ignoreRange: true, ...(n === 0 ? { cutAfter: 70_001 } : {}) }));
  const d = await download(srv.url, { agent });
  assert.ok((await collect(d.body)).equals(FILE));
  assert.equal(d.resumes, 1);
});

/**
 * A download cut after 40,000 bytes whose resume meets a second version of
 * the file (`resume` describes that answer): the change must be a
 * ProtocolError, with only bytes of the first version passed on.
 */
async function expectChangeRefused(resume: Plan): Promise<Download> {
  const srv = await fileServer((n) => (n === 0 ? { cutAfter: 40_000 } : resume));
  const d = await download(srv.url, { agent });
  const got: Buffer[] = [];
  await assert.rejects(
    (async () => {
      for await (const c of d.body) got.push(c);
    })(),
    (e: unknown) => e instanceof ProtocolError && /changed while it was being downloaded/.test(e.message),
  );
  assert.ok(Buffer.concat(got).equals(FILE.subarray(0, 40_000)));
  return d;
}

test('the file changed between two requests (If-Range failed): a ProtocolError, and only bytes of the first version were passed on', async () => {
  await expectChangeRefused({ file: Buffer.alloc(FILE.length, 0x55), etag: '"v2"' });
});

test('without a validator, a length that differs on resume is a change, not a splice', async () => {
  const srv = await fileServer((n) => (n === 0 ? { etag: null, cutAfter: 10_000 } : { etag: null, file: FILE.subarray(0, 150_000) }));
  const d = await download(srv.url, { agent });
  await assert.rejects(collect(d.body), (e: unknown) => e instanceof ProtocolError && /length 200000 → 150000/.test(e.message));
});

test('a 206 that starts elsewhere than asked is refused before a byte of it is used', async () => {
  const srv = await fileServer((n) => (n === 0 ? { cutAfter: 30_000 } : { lieStart: 29_000 }));
  const d = await download(srv.url, { agent });
  await assert.rejects(collect(d.body), (e: unknown) => e instanceof ProtocolError && /bytes from 30000/.test(e.message));
});

test('maxResumes bounds the attempts: the last break is thrown', async () => {
  const srv = await fileServer(() => ({ cutAfter: 1_000 }));
  const d = await download(srv.url, { agent, maxResumes: 3 });
  await assert.rejects(collect(d.body), (e: unknown) => e instanceof DialError && !(e instanceof ReplyError));
  assert.equal(d.resumes, 3);
  assert.equal(srv.seen.length, 4);
});

test('a refusal is a ReplyError from download() itself; a 416 at the end of a complete file is an empty body', async () => {
  const gone = await fileServer(() => ({ status: 404 }));
  await assert.rejects(download(gone.url, { agent }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 404);
  const srv = await fileServer(() => ({}));
  const d = await download(srv.url, { agent, offset: FILE.length });
  assert.equal((await collect(d.body)).length, 0);
});

test('an abort is not resumed; bad options are InputErrors before any request', async () => {
  const srv = await fileServer(() => ({ cutAfter: 100_000 }));
  const ac = new AbortController();
  const d = await download(srv.url, { agent, signal: ac.signal });
  ac.abort();
  await assert.rejects(collect(d.body), (e: unknown) => e instanceof AbortError);
  assert.equal(d.resumes, 0);
  await assert.rejects(download(srv.url, { agent, offset: -1 }), InputError);
  await assert.rejects(download(srv.url, { agent, maxResumes: 1.5 }), InputError);
  assert.equal(srv.seen.length, 1);
});

test('a 206 whose ETag is not the one begun (a server that ignores If-Range) is a change, not a splice', async () => {
  const d = await expectChangeRefused({ file: Buffer.alloc(FILE.length, 0x55), etag: '"v2"', ignoreIfRange: true });
  assert.equal(d.resumes, 1);
});

test('a 206 with the same ETag but another Last-Modified is still the file begun', async () => {
  const srv = await fileServer((n) => (n === 0 ? { cutAfter: 40_000, lastModified: 'Mon, 02 Jan 2006 15:04:05 GMT' } : {}));
  const d = await download(srv.url, { agent });
  assert.ok((await collect(d.body)).equals(FILE));
});

test('an offset past the end of a file served whole (Range ignored) is refused, not an empty "complete" download', async () => {
  const srv = await fileServer(() => ({ ignoreRange: true }));
  await assert.rejects(download(srv.url, { agent, offset: FILE.length + 100 }), (e: unknown) => e instanceof ProtocolError && /changed while it was being downloaded/.test(e.message));
});

test('an offset past the end of a close-delimited whole file (Range ignored, no length) is a change, not an empty download', async () => {
  const srv = await fileServer(() => ({ ignoreRange: true, closeDelimited: true }));
  const d = await download(srv.url, { agent, offset: FILE.length + 100 });
  await assert.rejects(collect(d.body), (e: unknown) => e instanceof ProtocolError && /changed while it was being downloaded/.test(e.message));
  assert.equal(d.resumes, 0);
});
