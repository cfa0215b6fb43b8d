import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.js';
import { HeaderList } from '../../../../src/protocols/http/core/headers.js';
import { checkRequestLine, frameChunk, lastChunk, serializeHead } from '../../../../src/protocols/http/core/request.js';
import { ResponseParser } from '../../../../src/protocols/http/core/response-parser.js';
import { ChunkedDecoder } from '../../../../src/protocols/http/core/chunked.js';

const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

test('checkRequestLine accepts tokens and visible-ASCII targets', () => {
  for (const [m, t] of [
    ['GET', '/'],
    ['PROPFIND', '/a%20b?q=1&r=%E2%82%AC#x'],
    ['OPTIONS', '*'],
    ['CONNECT', 'example.com:443'],
    ['GET', 'http://proxy.example/abs'],
  ])
    checkRequestLine(m!, t!);
});

test('checkRequestLine refuses bad methods', () => {
  for (const m of ['', 'GE T', 'GET\r\n', 'GÉT', 'G(ET'])
    assert.throws(() => checkRequestLine(m, '/'), InputError, JSON.stringify(m));
});

test('checkRequestLine refuses targets that would split or smuggle', () => {
  for (const t of ['', '/a b', '/a\r\nHost: evil', '/a\nb', '/\0', '/\x7f', '/\t', '/caf\xe9', '/€'])
    assert.throws(() => checkRequestLine('GET', t), InputError, JSON.stringify(t));
});

test('serializeHead: request line, Host first, the caller’s headers in order, framing last', () => {
  const h = HeaderList.from([['Accept', '*/*'], ['X-A', '1'], ['x-a', '2']]);
  assert.equal(text(serializeHead('GET', '/p?q', 'example.com', h, { kind: 'none' })), 'GET /p?q HTTP/1.1\r\nHost: example.com\r\nAccept: */*\r\nX-A: 1\r\nx-a: 2\r\n\r\n');
});

test('serializeHead writes framing from the body, dropping the caller’s Host, Content-Length and Transfer-Encoding', () => {
  const h = HeaderList.from({ host: 'evil', 'Content-Length': '999', 'TRANSFER-ENCODING': 'gzip', 'Content-Type': 'text/plain' });
  assert.equal(
    text(serializeHead('POST', '/', 'h:8080', h, { kind: 'length', length: 5 })),
    'POST / HTTP/1.1\r\nHost: h:8080\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\n',
  );
  assert.equal(text(serializeHead('PUT', '/', 'h', new HeaderList(), { kind: 'chunked' })), 'PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n');
  assert.equal(text(serializeHead('POST', '/', 'h', new HeaderList(), { kind: 'length', length: 0 })), 'POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n');
});

test('serializeHead re-checks headers a raw HeaderList slipped past append', () => {
  for (const raw of [['X', 'a\r\nInjected: yes'], ['X\r\nY', '1'], ['X', 'a\0']])
    assert.throws(() => serializeHead('GET', '/', 'h', new HeaderList(raw), { kind: 'none' }), InputError);
});

test('serializeHead refuses a Host that could inject', () => {
  for (const host of ['', 'a b', 'h\r\nX: 1', 'h\0', 'hé'])
    assert.throws(() => serializeHead('GET', '/', host, new HeaderList(), { kind: 'none' }), InputError, JSON.stringify(host));
});

test('serializeHead refuses a bad body length', () => {
  for (const length of [-1, 1.5, Number.NaN, 2 ** 60])
    assert.throws(() => serializeHead('POST', '/', 'h', new HeaderList(), { kind: 'length', length }), InputError);
});

test('serializeHead sends latin1 values as octets, refuses what latin1 cannot hold', () => {
  const b = serializeHead('GET', '/', 'h', HeaderList.from({ X: 'caf\xe9' }), { kind: 'none' });
  assert.ok(b.includes(Buffer.from([0x63, 0x61, 0x66, 0xe9])));
  assert.throws(() => serializeHead('GET', '/', 'h', HeaderList.from({ X: '€' }), { kind: 'none' }), InputError);
});

test('serializeHead: an HTTP/1.0 request line, with a length-framed body; chunked and unknown versions refused', () => {
  const h = HeaderList.from({ Accept: '*/*' });
  assert.equal(text(serializeHead('GET', '/a', 'h', h, { kind: 'none' }, '1.0')), 'GET /a HTTP/1.0\r\nHost: h\r\nAccept: */*\r\n\r\n');
  assert.equal(text(serializeHead('POST', '/', 'h', new HeaderList(), { kind: 'length', length: 3 }, '1.0')), 'POST / HTTP/1.0\r\nHost: h\r\nContent-Length: 3\r\n\r\n');
  // Transfer-Encoding is HTTP/1.1's: a 1.0 server would read the chunk framing as the body.
  assert.throws(() => serializeHead('PUT', '/', 'h', new HeaderList(), { kind: 'chunked' }, '1.0'), (e: unknown) => e instanceof InputError && /HTTP\/1\.0/.test(e.message));
  for (const v of ['2', '0.9', '1.1\r\nX: y'])
    assert.throws(() => serializeHead('GET', '/', 'h', new HeaderList(), { kind: 'none' }, v as '1.0'), InputError, v);
});

test('frameChunk: hex size line, the data itself (no copy), CRLF; empty frames to nothing', () => {
  const data = Buffer.alloc(300, 0x61);
  const parts = frameChunk(data);
  assert.equal(text(parts[0]!), '12c\r\n');
  assert.equal(parts[1], data);
  assert.equal(text(parts[2]!), '\r\n');
  assert.deepEqual(frameChunk(new Uint8Array(0)), []);
});

test('lastChunk: plain, and with trailers', () => {
  assert.equal(text(lastChunk()), '0\r\n\r\n');
  assert.equal(text(lastChunk(new HeaderList())), '0\r\n\r\n');
  assert.equal(text(lastChunk(HeaderList.from({ 'X-Sum': 'abc' }))), '0\r\nX-Sum: abc\r\n\r\n');
});

test('lastChunk refuses unsafe trailers', () => {
  assert.throws(() => lastChunk(new HeaderList(['X', 'a\r\nb'])), InputError);
  assert.throws(() => lastChunk(new HeaderList(['X', '€'])), InputError);
});

test('what frameChunk and lastChunk write, ChunkedDecoder reads back', () => {
  const parts = [...frameChunk(Buffer.from('hello ')), ...frameChunk(Buffer.from('world')), lastChunk(HeaderList.from({ T: '1' }))];
  const d = new ChunkedDecoder({ maxChunkLine: 100, maxTrailerBytes: 100, maxHeaders: 10 });
  const r = d.decode(Buffer.concat(parts.map((p) => Buffer.from(p))), 0);
  assert.equal(Buffer.concat(r.data).toString(), 'hello world');
  assert.deepEqual(r.trailers?.raw, ['T', '1']);
});

test('a serialized head is a head our own parser could frame (round trip via a fake response)', () => {
  const head = serializeHead('GET', '/', 'h', HeaderList.from({ A: 'b' }), { kind: 'none' });
  assert.ok(text(head).endsWith('\r\n\r\n'));
  const p = new ResponseParser();
  p.expect('GET');
  // A request line is no status line: the bytes read as an HTTP/0.9 response, which the parser refuses by default.
  assert.throws(() => p.feed(head), /Received HTTP\/0\.9 when not allowed/);
});

test('an empty header value is written `Name:` with no space after the colon, as curl writes -H "Name;"', () => {
  const head = serializeHead('GET', '/', 'h', HeaderList.from([['X-Empty', ''], ['X-Full', 'v']]), { kind: 'none' });
  assert.equal(text(head), 'GET / HTTP/1.1\r\nHost: h\r\nX-Empty:\r\nX-Full: v\r\n\r\n');
});
