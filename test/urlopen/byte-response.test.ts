import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { byteResponse, rangeSpan } from '../../src/urlopen/byte-response.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';

async function* twoChunks(): AsyncGenerator<Uint8Array> {
  yield Buffer.from('ab');
  yield Buffer.from('cd');
}

test('rangeSpan keeps what subarray keeps, for any range and size (property)', () => {
  fc.assert(
    fc.property(fc.nat(300), fc.nat(300), fc.option(fc.nat(300), { nil: undefined }), (size, start, extra) => {
      const end = extra === undefined ? undefined : start + extra;
      const whole = Buffer.alloc(size);
      const span = rangeSpan({ start, end }, size);
      const kept = whole.subarray(start, end === undefined ? undefined : end + 1);
      assert.equal(span.length, kept.length);
      assert.equal(span.start, start);
      assert.ok(span.end <= size);
    }),
  );
});

test('rangeSpan without a range is the whole body', () => {
  assert.deepEqual(rangeSpan(undefined, 10), { start: 0, end: 10, length: 10 });
  assert.deepEqual(rangeSpan(undefined, 0), { start: 0, end: 0, length: 0 });
});

test('byteResponse: no range is 200 OK; a known size gives Content-Length and no Content-Range', async () => {
  const r = byteResponse({ url: 'x:/a', protocol: 'x', headers: new UrlHeaders({ 'Content-Type': 'text/plain' }), size: 4, body: Buffer.from('abcd') });
  assert.equal(r.status, 200);
  assert.equal(r.statusText, 'OK');
  assert.equal(r.protocol, 'x');
  assert.equal(r.url, 'x:/a');
  assert.deepEqual([...r.headers], [['content-length', '4'], ['content-type', 'text/plain']]);
  assert.equal(await r.text(), 'abcd');
});

test('byteResponse: a range is 206 Partial Content with the part\'s length and Content-Range', () => {
  const r = byteResponse({ url: 'x:/a', protocol: 'x', range: { start: 2, end: 5 }, size: 10, body: Buffer.from('cdef') });
  assert.equal(r.status, 206);
  assert.equal(r.statusText, 'Partial Content');
  assert.equal(r.headers.get('content-length'), '4');
  assert.equal(r.headers.get('content-range'), 'bytes 2-5/10');
  const open = byteResponse({ url: 'x:/a', protocol: 'x', range: { start: 7 }, size: 10, body: Buffer.from('hij') });
  assert.equal(open.headers.get('content-range'), 'bytes 7-9/10');
  assert.equal(open.headers.get('content-length'), '3');
});

test('byteResponse: a range past the end keeps nothing and names its first byte only', () => {
  const r = byteResponse({ url: 'x:/a', protocol: 'x', range: { start: 5 }, size: 0, body: Buffer.alloc(0) });
  assert.equal(r.headers.get('content-length'), '0');
  assert.equal(r.headers.get('content-range'), 'bytes 5-5/0');
});

test('byteResponse: without a size it adds no length headers, and a stream body passes through with cancel and raw', async () => {
  let cancelled = 0;
  const raw = { mine: true };
  const r = byteResponse({ url: 'x:/a', protocol: 'x', range: { start: 0 }, body: twoChunks(), cancel: () => void cancelled++, raw });
  assert.equal(r.status, 206);
  assert.equal(r.headers.has('content-length'), false);
  assert.equal(r.headers.has('content-range'), false);
  assert.equal(r.raw, raw);
  assert.equal(await r.text(), 'abcd');
  await r.cancel();
  assert.equal(cancelled, 1);
});

test('byteResponse: an empty buffer is a body of no chunks', async () => {
  const r = byteResponse({ url: 'x:/a', protocol: 'x', body: Buffer.alloc(0) });
  const chunks: Uint8Array[] = [];
  for await (const c of r.body) chunks.push(c);
  assert.deepEqual(chunks, []);
  assert.equal(r.headers.has('content-length'), false);
});
