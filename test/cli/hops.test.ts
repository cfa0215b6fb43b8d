import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allHeads, requestBytes, tunnelled } from '../../src/cli/hops.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { UrlResponse } from '../../src/urlopen/response.js';

function response(protocol: string, raw: unknown, headers: Record<string, string> = {}): UrlResponse {
  return new UrlResponse({ url: 'http://h/b', status: 200, statusText: 'OK', protocol, headers: new UrlHeaders(headers), body: (async function* () {})(), raw });
}

test('allHeads prints every hop\'s head before the final one, each with its blank line', () => {
  const raw = {
    httpVersion: '1.1',
    status: 200,
    statusText: 'OK',
    headers: [['Content-Type', 'text/plain']],
    history: [{ httpVersion: '1.0', status: 302, statusText: 'Found', headers: [['Location', '/b']] }],
    requestBytes: 99,
  };
  assert.equal(allHeads(response('http/1.1', raw)), 'HTTP/1.0 302 Found\r\nLocation: /b\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
  assert.equal(requestBytes(response('http/1.1', raw)), 99);
});

test('a response of another scheme has no hops and no request heads', () => {
  const res = response('file', undefined, { 'Content-Length': '3' });
  assert.equal(allHeads(res), 'Content-Length: 3\r\n\r\n');
  assert.equal(requestBytes(res), 0);
});

test('tunnelled: only an http(s) transfer through a tunnelling proxy can have a proxy answer before its head', () => {
  assert.equal(tunnelled('https://h/', { proxy: 'http://p:3128' }), true);
  assert.equal(tunnelled('http://h/', { proxy: 'http://p:3128', proxyTunnel: true }), true);
  assert.equal(tunnelled('http://h/', { proxy: 'socks5h://p:1080' }), true);
  // Forwarded, direct, bypassed, an FTP transfer, a proxy the library will refuse: none.
  assert.equal(tunnelled('http://h/', { proxy: 'http://p:3128' }), false);
  assert.equal(tunnelled('https://h/', { proxy: null }), false);
  assert.equal(tunnelled('https://h/', { proxy: 'http://p:3128', noProxy: 'h' }), false);
  assert.equal(tunnelled('ftp://h/f', { proxy: 'http://p:3128' }), false);
  assert.equal(tunnelled('https://h/', { proxy: 'bogus://p' }), false);
});
