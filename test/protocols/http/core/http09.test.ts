/**
 * HTTP/0.9 in the sans-IO parser: a response
 * that does not begin `HTTP/` is 0.9 — its every byte body, to the close —
 * accepted only when its request allowed it and otherwise refused as curl
 * 7.88 refuses it; however the bytes are split, the verdict is the same.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../../src/errors.js';
import { ResponseParser } from '../../../../src/protocols/http/core/response-parser.js';
import { sniffResponse } from '../../../../src/protocols/http/core/http09.js';
import { parseWithOptions, plain } from './util.js';


/** Every way of cutting `wire` in two, and byte by byte. */
function splits(wire: string): string[][] {
  const out: string[][] = [[wire], [...wire]];
  for (let i = 1; i < wire.length; i++) out.push([wire.slice(0, i), wire.slice(i)]);
  return out;
}

const HEAD09 = { type: 'head', status: 0, reason: '', version: '0.9', headers: [], bodyKind: 'close', contentLength: undefined, transferCodings: [], keepAlive: false };

test('sniffResponse: HTTP/ (or a blank line) is 1.x, anything else 0.9, a prefix of HTTP/ needs more', () => {
  const table: Array<[string | undefined, string, ReturnType<typeof sniffResponse>]> = [
    [undefined, 'HTTP/1.1 200 OK', '1.x'],
    [undefined, '\r\nHTTP/1.1 200 OK', '1.x'],
    [undefined, '\nHTTP/1.1', '1.x'],
    [undefined, 'hello', '0.9'],
    [undefined, 'http/1.1 200', '0.9'],
    [undefined, 'HTTX', '0.9'],
    [undefined, 'HTT', 'more'],
    ['HT', 'TP/', '1.x'],
    ['HT', 'X', '0.9'],
    ['H', '', 'more'],
  ];
  for (const [held, bytes, want] of table) assert.equal(sniffResponse(held === undefined ? undefined : Buffer.from(held), Buffer.from(bytes), 0), want, `${held ?? ''}|${bytes}`);
});

describe('HTTP/0.9 responses', () => {
  test('allowed: status 0, version 0.9, no fields, every byte body to the close — however split', () => {
    for (const pieces of splits('hello 0.9\n')) {
      assert.deepEqual(plain(parseWithOptions(pieces, { http09: true })), [HEAD09, { type: 'data', text: 'hello 0.9\n' }, { type: 'end', trailers: undefined, keepAlive: false }], JSON.stringify(pieces));
    }
  });

  test('allowed: a body shorter than HTTP/ that the close ends', () => {
    assert.deepEqual(plain(parseWithOptions(['hi'], { http09: true })), [HEAD09, { type: 'data', text: 'hi' }, { type: 'end', trailers: undefined, keepAlive: false }]);
    // And one that looked like a status line's start.
    assert.deepEqual(plain(parseWithOptions(['HTT'], { http09: true })), [HEAD09, { type: 'data', text: 'HTT' }, { type: 'end', trailers: undefined, keepAlive: false }]);
  });

  test('by default refused with curl\'s words and phase http09 — however split, a short one too', () => {
    for (const pieces of [...splits('hello 0.9\n'), ['hi']]) {
      assert.throws(
        () => parseWithOptions(pieces),
        (e: unknown) => e instanceof ProtocolError && e.phase === 'http09' && e.message === 'Received HTTP/0.9 when not allowed',
        JSON.stringify(pieces),
      );
    }
  });

  test('to a HEAD: refused as not allowed by default; a broken reply when allowed (curl: weird server reply)', () => {
    assert.throws(
      () => parseWithOptions(['hello'], undefined, 'HEAD'),
      (e: unknown) => e instanceof ProtocolError && e.phase === 'http09',
    );
    assert.throws(
      () => parseWithOptions(['hello'], { http09: true }, 'HEAD'),
      (e: unknown) => e instanceof ProtocolError && e.phase === 'headers',
    );
  });

  test('a CONNECT answer without a status line is a broken reply, not HTTP/0.9', () => {
    assert.throws(
      () => parseWithOptions(['garbage here\r\n\r\n'], { http09: true }, 'CONNECT'),
      (e: unknown) => e instanceof ProtocolError && e.phase === 'headers' && /not an HTTP\/1\.x status line/.test(e.message),
    );
  });

  test('an HTTP/1.x response split inside HTTP/ reads as before, with or without the option', () => {
    const wire = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';
    for (const options of [undefined, { http09: true }]) {
      for (const pieces of splits(wire)) {
        const ev = plain(parseWithOptions(pieces, options));
        assert.equal(ev[0]!.type === 'head' && ev[0]!.status, 200, JSON.stringify(pieces));
        assert.deepEqual(ev.slice(1), [{ type: 'data', text: 'ok' }, { type: 'end', trailers: undefined, keepAlive: true }]);
      }
    }
  });

  test('while the first bytes are held, the response counts as started (a retry would not be safe)', () => {
    const p = new ResponseParser();
    p.expect('GET');
    assert.equal(p.responseStarted, false);
    assert.deepEqual(p.feed(Buffer.from('HT')), []);
    assert.equal(p.responseStarted, true);
  });
});
