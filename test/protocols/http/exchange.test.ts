import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseOf, serializeExchangeHead, type Entry, type Exchange } from '../../../src/protocols/http/exchange.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { InputError } from '../../../src/errors.js';

const x = (over: Partial<Exchange>): Exchange => ({ method: 'GET', target: '/', host: 'example.test', headers: new HeaderList(), body: { kind: 'none' }, ...over });

test('the head frames the body as it will be sent: none, Content-Length, or chunked', () => {
  assert.equal(serializeExchangeHead(x({})).toString(), 'GET / HTTP/1.1\r\nHost: example.test\r\n\r\n');
  assert.match(serializeExchangeHead(x({ method: 'PUT', body: { kind: 'bytes', data: Buffer.from('abc') } })).toString(), /Content-Length: 3\r\n\r\n$/);
  assert.match(serializeExchangeHead(x({ method: 'PUT', body: { kind: 'stream', source: [], length: 9 } })).toString(), /Content-Length: 9\r\n/);
  assert.match(serializeExchangeHead(x({ method: 'PUT', body: { kind: 'stream', source: [], length: undefined } })).toString(), /Transfer-Encoding: chunked\r\n/);
});

test('POST, PUT and PATCH without a body say Content-Length: 0 (RFC 9110 §8.6); other methods say nothing', () => {
  for (const method of ['POST', 'PUT', 'PATCH']) assert.equal(serializeExchangeHead(x({ method })).toString(), `${method} / HTTP/1.1\r\nHost: example.test\r\nContent-Length: 0\r\n\r\n`);
  for (const method of ['GET', 'HEAD', 'DELETE', 'OPTIONS', 'post']) assert.doesNotMatch(serializeExchangeHead(x({ method })).toString(), /Content-Length/);
  // The caller's own Content-Length is replaced by the framing, never doubled.
  const own = serializeExchangeHead(x({ method: 'POST', headers: new HeaderList(['Content-Length', '0']) })).toString();
  assert.equal(own.match(/Content-Length/g)?.length, 1);
});

test('caller input with CR/LF is refused before it reaches the wire', () => {
  assert.throws(() => serializeExchangeHead(x({ target: '/a\r\nX: y' })), InputError);
  assert.throws(() => serializeExchangeHead(x({ headers: new HeaderList(['X-A', 'v\r\nInjected: 1']) })), InputError);
});

test('the phase of a failure follows the stage of the exchange', () => {
  assert.equal(phaseOf({ stage: 'sending' } as Entry), 'send');
  assert.equal(phaseOf({ stage: 'waiting' } as Entry), 'headers');
  assert.equal(phaseOf({ stage: 'body' } as Entry), 'body');
});
