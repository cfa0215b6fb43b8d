/**
 * The per-response options of the sans-IO parser beyond HTTP/0.9 (see
 * http09.test.ts): `ignoreContentLength` (curl --ignore-content-length) and
 * `raw` (curl --raw), fed whole and byte by byte.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ResponseParser, type ResponseEvent } from '../../../../src/protocols/http/core/response-parser.js';
import { parseWithOptions, plain } from './util.js';


describe('ignoreContentLength', () => {
  test('the body is read to the close past its Content-Length, and the connection is not kept', () => {
    const ev = plain(parseWithOptions(['HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc', 'defgh'], { ignoreContentLength: true }));
    assert.equal(ev[0]!.type === 'head' && ev[0]!.bodyKind, 'close');
    assert.equal(ev[0]!.type === 'head' && ev[0]!.keepAlive, false);
    assert.deepEqual(ev.slice(1), [{ type: 'data', text: 'abcdefgh' }, { type: 'end', trailers: undefined, keepAlive: false }]);
  });

  test('a chunked body stays chunked; a HEAD still has none', () => {
    const chunked = plain(parseWithOptions(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n'], { ignoreContentLength: true }));
    assert.deepEqual(chunked.slice(1), [{ type: 'data', text: 'ok' }, { type: 'end', trailers: [], keepAlive: true }]);
    const head = plain(parseWithOptions(['HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\n'], { ignoreContentLength: true }, 'HEAD'));
    assert.deepEqual(head.slice(1), [{ type: 'end', trailers: undefined, keepAlive: true }]);
  });

  test('without it the Content-Length frames the body as before', () => {
    const p = new ResponseParser();
    p.expect('GET');
    const ev = plain(p.feed(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc')));
    assert.deepEqual(ev.slice(1), [{ type: 'data', text: 'abc' }, { type: 'end', trailers: undefined, keepAlive: true }]);
  });
});

describe('raw', () => {
  const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n3;ext=1\r\nabc\r\n0\r\nX-T: 1\r\n\r\n';
  const body = wire.slice(wire.indexOf('\r\n\r\n') + 4);

  test('a chunked body comes as it was sent, framing and trailers too, and ends where its framing does — whole or byte by byte', () => {
    for (const pieces of [[wire], [...wire]]) {
      const p = new ResponseParser();
      p.expect('GET', { raw: true });
      p.expect('GET', { raw: true });
      const out: ResponseEvent[] = [];
      // A second response behind it on the same connection is read as its own.
      for (const piece of [...pieces, 'HTTP/1.1 204 No Content\r\n\r\n']) out.push(...p.feed(Buffer.from(piece, 'latin1')));
      const ev = plain(out);
      assert.deepEqual(ev.slice(1, 3), [{ type: 'data', text: body }, { type: 'end', trailers: undefined, keepAlive: true }]);
      assert.equal(ev[3]!.type === 'head' && ev[3]!.status, 204);
    }
  });

  test('a broken chunk line is still refused', () => {
    assert.throws(() => parseWithOptions(['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'], { raw: true }));
  });

  test('a length-delimited body is unchanged by it', () => {
    assert.deepEqual(plain(parseWithOptions(['HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'], { raw: true })).slice(1), [
      { type: 'data', text: 'ok' },
      { type: 'end', trailers: undefined, keepAlive: true },
    ]);
  });
});
