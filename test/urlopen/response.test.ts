/**
 * UrlResponse.consume(sink): the synchronous read of a whole body, straight
 * from HTTP's read buffer where it can, through the iterator elsewhere.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { urlopen, UrlResponse } from '../../src/urlopen/index.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';

const SIZE = 3 * 1024 * 1024 + 11;
const doc = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) doc[i] = (i * 7 + (i >>> 9)) & 255;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function server(): Promise<{ url: string; close: () => Promise<void> }> {
  const srv = http.createServer((_req, res) => {
    res.setHeader('content-length', SIZE);
    // In pieces, so the body arrives in many reads.
    let at = 0;
    const more = () => {
      while (at < SIZE) {
        const end = Math.min(SIZE, at + 100_000);
        const ok = res.write(doc.subarray(at, end));
        at = end;
        if (!ok) return void res.once('drain', more);
      }
      res.end();
    };
    more();
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/doc`,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

test('an HTTP body goes to the sink whole and in order; the count is the length', async () => {
  const srv = await server();
  const res = await urlopen(srv.url);
  const h = createHash('sha256');
  const n = await res.consume((chunk) => void h.update(chunk));
  assert.equal(n, SIZE);
  assert.equal(h.digest('hex'), sha(doc));
  assert.equal(res.bodyUsed, true);
  await srv.close();
});

test('a body without a consume of its own (a generator) is read through its iterator', async () => {
  const res = new UrlResponse({
    url: 'x:', status: 200, protocol: 'x', headers: new UrlHeaders({}),
    body: (async function* () {
      yield Buffer.from('ab');
      yield Buffer.from('cde');
    })(),
  });
  const seen: string[] = [];
  assert.equal(await res.consume((c) => void seen.push(Buffer.from(c).toString())), 5);
  assert.deepEqual(seen, ['ab', 'cde']);
});

test('what the sink throws rejects the call and cancels the body', async () => {
  let finished = false;
  const res = new UrlResponse({
    url: 'x:', status: 200, protocol: 'x', headers: new UrlHeaders({}),
    body: (async function* () {
      try {
        for (let i = 0; i < 100; i++) yield Buffer.from([i]);
      } finally {
        finished = true;
      }
    })(),
  });
  await assert.rejects(res.consume(() => {
    throw new Error('disk full');
  }), /disk full/);
  assert.equal(finished, true);

  const srv = await server();
  const r2 = await urlopen(srv.url);
  await assert.rejects(r2.consume(() => {
    throw new Error('sink broke');
  }), /sink broke/);
  await srv.close();
});

test('a sink that returns a promise is not called again until it settles', async () => {
  const res = new UrlResponse({
    url: 'x:', status: 200, protocol: 'x', headers: new UrlHeaders({}),
    body: (async function* () {
      for (let i = 0; i < 3; i++) yield Buffer.from([i]);
    })(),
  });
  const log: string[] = [];
  let busy = false;
  const n = await res.consume(async (c) => {
    assert.equal(busy, false, 'called while its promise was pending');
    busy = true;
    log.push(`in ${c[0]}`);
    await new Promise((r) => setTimeout(r, 5));
    log.push(`out ${c[0]}`);
    busy = false;
  });
  assert.equal(n, 3);
  assert.deepEqual(log, ['in 0', 'out 0', 'in 1', 'out 1', 'in 2', 'out 2']);
});
