import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { BodyStream } from '../../../src/protocols/http/body-stream.js';
import { codingsToUndo, decodedBody } from '../../../src/protocols/http/decoding.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import type { ExchangeResponse } from '../../../src/protocols/http/connection.js';

function res(over: Partial<ExchangeResponse>, ce?: string): ExchangeResponse {
  const headers = new HeaderList();
  if (ce) headers.append('Content-Encoding', ce);
  return { status: 200, reason: 'OK', version: '1.1', headers, contentLength: undefined, transferCodings: [], body: new BodyStream(), reused: false, ...over };
}

test('codingsToUndo: content codings only with decompress; transfer codings always, after them', () => {
  assert.deepEqual(codingsToUndo(res({}, 'gzip'), 'GET', false), []);
  assert.deepEqual(codingsToUndo(res({}, 'gzip, identity'), 'GET', true), ['gzip']);
  assert.deepEqual(codingsToUndo(res({ transferCodings: ['gzip'] }, 'br'), 'GET', true), ['br', 'gzip']);
  assert.deepEqual(codingsToUndo(res({ transferCodings: ['gzip'] }), 'GET', false), ['gzip']);
  assert.deepEqual(codingsToUndo(res({}, 'gzip'), 'HEAD', true), []);
  assert.deepEqual(codingsToUndo(res({ status: 304 }, 'gzip'), 'GET', true), []);
  assert.deepEqual(codingsToUndo(res({ contentLength: 0 }, 'gzip'), 'GET', true), []);
});

test('decodedBody: decodes as bytes arrive; cancelling it cancels the raw body', async () => {
  const raw = new BodyStream();
  const z = gzipSync('hello world');
  const out = decodedBody(raw, ['gzip']);
  raw.push(z.subarray(0, 5));
  raw.push(z.subarray(5));
  raw.end();
  assert.equal(await out.text(), 'hello world');
  const raw2 = new BodyStream();
  let cancelled = false;
  raw2.attach({ resume: () => {}, cancel: () => (cancelled = true) });
  const out2 = decodedBody(raw2, ['gzip']);
  out2.cancel();
  assert.equal(cancelled, true);
});

test('decodedBody: corrupt input fails the decoded body', async () => {
  const raw = new BodyStream();
  const out = decodedBody(raw, ['gzip']);
  raw.push(Buffer.from('not gzip at all'));
  raw.end();
  await assert.rejects(out.text());
});
