import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/args.js';
import { emptyVars, redirectTarget, requestMethod, responseCode, responseVars, settleVars } from '../../src/cli/transfer-vars.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { UrlResponse } from '../../src/urlopen/response.js';

const method = (...argv: string[]) => requestMethod(parseCliArgs([...argv, 'http://h/']));

test('requestMethod: what the flags make dial send', () => {
  assert.equal(method(), 'GET');
  assert.equal(method('-I'), 'HEAD');
  assert.equal(method('-d', 'x'), 'POST');
  assert.equal(method('-G', '-d', 'x'), 'GET');
  assert.equal(method('-F', 'a=b'), 'POST');
  assert.equal(method('-T', 'file.txt'), 'PUT');
  assert.equal(method('-X', 'DELETE', '-d', 'x'), 'DELETE');
});

test('emptyVars: the URL and method as given, everything else zero', () => {
  const v = emptyVars('http://h/a', 'GET', 'http');
  assert.equal(v.url, 'http://h/a');
  assert.equal(v.url_effective, 'http://h/a');
  assert.equal(v.method, 'GET');
  assert.equal(v.scheme, 'http');
  assert.equal(v.http_code, 0);
  assert.equal(v.http_version, '0');
  assert.deepEqual(v.headers, []);
});

test('redirectTarget: absolute against the URL that sent it; kept as is when it does not parse', () => {
  assert.equal(redirectTarget('/b?x=1', 'http://h/a'), 'http://h/b?x=1');
  assert.equal(redirectTarget(null, 'http://h/a'), '');
  assert.equal(redirectTarget('http://[bad', 'http://h/a'), 'http://[bad');
  // The field's octets (UTF-8 "ü" as received: C3 BC read as latin1) are escaped once, as curl shows them.
  assert.equal(redirectTarget('/\xc3\xbc', 'http://h/a'), 'http://h/%C3%BC');
});

function httpResponse(status: number, headers: Record<string, string>, raw: unknown = { httpVersion: '1.1', requestBytes: 40 }): UrlResponse {
  return new UrlResponse({ url: 'http://h/a', status, protocol: 'http/1.1', headers: new UrlHeaders(headers), body: (async function* () {})(), redirects: ['http://h/0'], raw });
}

test('responseVars: status, version, redirects, type, Location, and the request size with a small body', () => {
  const v = emptyVars('http://h/0', 'POST', 'http');
  responseVars(v, httpResponse(302, { Location: '/b', 'Content-Type': 'text/html' }), true, Buffer.from('abc'));
  assert.equal(v.http_code, 302);
  assert.equal(v.response_code, 302);
  assert.equal(v.http_version, '1.1');
  assert.equal(v.url_effective, 'http://h/a');
  assert.equal(v.num_redirects, 1);
  assert.equal(v.content_type, 'text/html');
  assert.equal(v.redirect_url, 'http://h/b');
  assert.equal(v.size_request, 43, 'a small in-memory body counts with the head');
  assert.equal(v.num_headers, 2);

  const big = emptyVars('http://h/0', 'POST', 'http');
  responseVars(big, httpResponse(200, {}), false, Buffer.alloc(64 * 1024));
  assert.equal(big.size_request, 40, 'a large body is not sent with the head');
  assert.equal(big.redirect_url, '');
  assert.deepEqual(big.headers, [], 'the header list only when asked');
});

test('responseVars: another scheme has version 0 and no request size', () => {
  const v = emptyVars('file:///x', 'GET', 'file');
  const res = new UrlResponse({ url: 'file:///x', status: 200, protocol: 'file', headers: new UrlHeaders({ 'Content-Type': 'text/plain' }), body: (async function* () {})() });
  responseVars(v, res, true, undefined);
  assert.equal(v.http_version, '0');
  assert.equal(v.size_request, 0);
  assert.deepEqual(v.headers, [['content-type', 'text/plain']]);
});

test('responseCode: none (000) for file:, data: and gopher:, which have no status, as curl; the protocol\'s last reply elsewhere', () => {
  const res = (protocol: string, status: number, final?: number) =>
    new UrlResponse({ url: 'x:', status, protocol, headers: new UrlHeaders(), body: (async function* () {})(), finalStatus: final === undefined ? undefined : () => final });
  for (const p of ['file', 'data', 'gopher', 'gophers']) {
    assert.equal(responseCode(res(p, 200)), 0, p);
    const v = emptyVars('x:', 'GET', p);
    responseVars(v, res(p, 206), false, undefined);
    assert.equal(v.http_code, 0, p);
    assert.equal(v.response_code, 0, p);
  }
  assert.equal(responseCode(res('http/1.1', 404)), 404);
  assert.equal(responseCode(res('ftp', 200, 226)), 226);
});

test('settleVars: the bytes received, the total time and the speeds', () => {
  const v = emptyVars('http://h/a', 'GET', 'http');
  v.size_upload = 10;
  settleVars(v, 500, performance.now() - 1000);
  assert.equal(v.size_download, 500);
  assert.ok(v.time_total >= 1 && v.time_total < 60, String(v.time_total));
  assert.ok(v.speed_download > 0 && v.speed_download <= 500);
  assert.ok(v.speed_upload > 0 && v.speed_upload <= 10);
});

test('responseVars as curl 7.88 has them: content_type is the last Content-Type field, http_version of HTTP/1.0 is "1"', () => {
  const v = emptyVars('http://h/0', 'GET', 'http');
  const raw = { httpVersion: '1.0', headers: { raw: ['Content-Type', 'text/plain', 'X', 'y', 'content-type', 'text/html'] } };
  const res = new UrlResponse({ url: 'http://h/a', status: 200, protocol: 'http/1.0', headers: new UrlHeaders([['Content-Type', 'text/plain'], ['content-type', 'text/html']]), body: (async function* () {})(), raw });
  responseVars(v, res, false, undefined);
  // Content-Type is a singleton (RFC 9110 §8.3): joined, "text/plain, text/html" is no media type at all.
  assert.equal(v.content_type, 'text/html');
  assert.equal(v.http_version, '1');
});

test('redirect_url reads Location as the redirect does: the first field, and an empty one points nowhere', () => {
  const v = emptyVars('http://h/0', 'GET', 'http');
  const raw = { httpVersion: '1.1', headers: { raw: ['Location', '/a', 'Location', '/b'] } };
  const res = (fields: string[]) => new UrlResponse({ url: 'http://h/x', status: 302, protocol: 'http/1.1', headers: new UrlHeaders([]), body: (async function* () {})(), raw: { ...raw, headers: { raw: fields } } });
  responseVars(v, res(['Location', '/a', 'Location', '/b']), false, undefined);
  assert.equal(v.redirect_url, 'http://h/a', 'not the fields joined ("/a, /b")');
  responseVars(v, res(['Location', '']), false, undefined);
  assert.equal(v.redirect_url, '');
  assert.equal(redirectTarget('', 'http://h/x'), '');
});
