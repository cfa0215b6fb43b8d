import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sendRequest, sendsInOneWrite, CHUNK_COALESCE, type SendTarget } from '../../../src/protocols/http/send.js';
import { serializeExchangeHead, type Entry, type Exchange } from '../../../src/protocols/http/exchange.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { InputError } from '../../../src/errors.js';

function entryFor(x: Partial<Exchange>): Entry {
  const ex: Exchange = { method: 'POST', target: '/', host: 'h', headers: new HeaderList(), body: { kind: 'none' }, ...x };
  return { x: ex, head: serializeExchangeHead(ex), stage: 'sending', sendDone: false, skipBody: false } as Entry;
}
function target(): SendTarget & { out: string[]; noReused: number } {
  const t = {
    out: [] as string[],
    noReused: 0,
    output: async (d: Uint8Array) => void t.out.push(Buffer.from(d).toString('latin1')),
    stopped: () => false,
    noReuse: () => void t.noReused++,
  };
  return t;
}

test('a small body leaves with its head in one write; a large one after it', async () => {
  const small = entryFor({ body: { kind: 'bytes', data: Buffer.from('hi') } });
  assert.equal(sendsInOneWrite(small), true);
  const t = target();
  await sendRequest(t, small);
  assert.equal(t.out.length, 1);
  assert.match(t.out[0]!, /Content-Length: 2\r\n\r\nhi$/);
  assert.equal(small.sendDone, true);
  const big = entryFor({ body: { kind: 'bytes', data: Buffer.alloc(CHUNK_COALESCE + 1, 0x61) } });
  assert.equal(sendsInOneWrite(big), false);
  const t2 = target();
  await sendRequest(t2, big);
  assert.equal(t2.out.length, 2);
  assert.equal(t2.out[1]!.length, CHUNK_COALESCE + 1);
});

test('a stream of unknown length goes chunked and ends with the last chunk', async () => {
  const e = entryFor({ body: { kind: 'stream', source: [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('c')], length: undefined } });
  const t = target();
  await sendRequest(t, e);
  assert.match(t.out[0]!, /Transfer-Encoding: chunked/);
  assert.deepEqual(t.out.slice(1), ['2\r\nab\r\n', '1\r\nc\r\n', '0\r\n\r\n']);
});

test('a stream that does not match its declared length is an InputError', async () => {
  const short = entryFor({ body: { kind: 'stream', source: [Buffer.from('ab')], length: 3 } });
  await assert.rejects(sendRequest(target(), short), InputError);
  const long = entryFor({ body: { kind: 'stream', source: [Buffer.from('abcd')], length: 3 } });
  await assert.rejects(sendRequest(target(), long), InputError);
});

test('Expect: 100-continue: the body waits for the gate; a final answer instead skips it and the connection is not reused', async () => {
  const e = entryFor({ body: { kind: 'bytes', data: Buffer.from('body') }, expectContinue: true, continueTimeout: 5000 });
  const t = target();
  const sent = sendRequest(t, e);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.out.length, 1, 'only the head before 100 Continue');
  e.gate!();
  await sent;
  assert.deepEqual(t.out.slice(1), ['body']);
  const refused = entryFor({ body: { kind: 'bytes', data: Buffer.from('body') }, expectContinue: true, continueTimeout: 5000 });
  const t2 = target();
  const p = sendRequest(t2, refused);
  await new Promise((r) => setTimeout(r, 10));
  refused.skipBody = true;
  refused.gate!();
  await p;
  assert.equal(t2.out.length, 1);
  assert.equal(t2.noReused, 1);
});

test('Expect: 100-continue refused by a final answer: a streamed body that will never be read is let go (a file stream closes its descriptor)', async () => {
  const file = createReadStream(fileURLToPath(import.meta.url));
  const e = entryFor({ body: { kind: 'stream', source: file, length: undefined }, expectContinue: true, continueTimeout: 5000 });
  const t = target();
  const p = sendRequest(t, e);
  await new Promise((r) => setTimeout(r, 10));
  e.skipBody = true;
  e.gate!();
  await p;
  assert.equal(t.out.length, 1, 'the head only');
  assert.equal(file.destroyed, true);
  if (!file.closed) await once(file, 'close');
});
