import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseNetscape, serializeNetscape, parseCookieString } from '../../../../src/protocols/http/cookies/netscape.js';
import { CookieJar } from '../../../../src/protocols/http/cookies.js';
import { InputError } from '../../../../src/errors.js';

const NOW = Date.UTC(2026, 0, 1);

// As curl writes one (its documented layout), by hand here.
const CURL_FILE = [
  '# Netscape HTTP Cookie File',
  '# https://curl.se/docs/http-cookies.html',
  '',
  '.example.com\tTRUE\t/\tFALSE\t2147483647\tdom\tv1',
  'www.example.com\tFALSE\t/app\tTRUE\t0\tsess\tv2',
  '#HttpOnly_127.0.0.1\tFALSE\t/\tFALSE\t1893456000\tho\tv3',
  'short.test\tFALSE\t/\tFALSE\t0\tnovalue',
  '',
].join('\n');

describe('Netscape cookie file', () => {
  test('reads what curl writes', () => {
    assert.deepEqual(parseNetscape(CURL_FILE), [
      { name: 'dom', value: 'v1', domain: 'example.com', hostOnly: false, path: '/', secure: false, httpOnly: false, expires: 2147483647000 },
      { name: 'sess', value: 'v2', domain: 'www.example.com', hostOnly: true, path: '/app', secure: true, httpOnly: false, expires: undefined },
      { name: 'ho', value: 'v3', domain: '127.0.0.1', hostOnly: true, path: '/', secure: false, httpOnly: true, expires: 1893456000000 },
      { name: 'novalue', value: '', domain: 'short.test', hostOnly: true, path: '/', secure: false, httpOnly: false, expires: undefined },
    ]);
  });
  test('skips comments, junk and unsafe lines; reads CRLF files', () => {
    const text = ['# comment', 'not\ta\tcookie', 'h.test\tFALSE\t/\tFALSE\tsoon\tn\tv', '\tFALSE\t/\tFALSE\t0\tn\tv', 'h.test\tFALSE\t/\tFALSE\t0\t\tv',
      'h.test\tFALSE\t/\tFALSE\t0\tn\tv\x00', 'h.test\tFALSE\t/\tFALSE\t0\tok\tyes\r', ''].join('\n');
    assert.deepEqual(parseNetscape(text).map((c) => c.name + '=' + c.value), ['ok=yes']);
  });
  test('round trip: serialize then parse gives the same cookies', () => {
    const cookies = parseNetscape(CURL_FILE);
    assert.deepEqual(parseNetscape(serializeNetscape(cookies)), cookies);
  });
  test('serialize writes curl\'s columns, the HttpOnly prefix and 0 for a session', () => {
    const text = serializeNetscape([
      { name: 'a', value: 'b c', domain: 'example.com', hostOnly: false, path: '/p', secure: true, httpOnly: true, expires: 1893456000500 },
      { name: 's', value: '', domain: 'h.test', hostOnly: true, path: '/', secure: false, httpOnly: false, expires: undefined },
    ]);
    const lines = text.split('\n');
    assert.equal(lines[0], '# Netscape HTTP Cookie File');
    assert.ok(lines.includes('#HttpOnly_.example.com\tTRUE\t/p\tTRUE\t1893456000\ta\tb c'));
    assert.ok(lines.includes('h.test\tFALSE\t/\tFALSE\t0\ts\t'));
  });
  test('a jar round trip keeps what it sends', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1; Domain=example.com; Path=/; Max-Age=3600', 'https://www.example.com/', NOW);
    jar.setCookie('b=2; Secure; HttpOnly', 'https://www.example.com/x/y', NOW + 1);
    jar.setCookie('gone=1; Max-Age=0', 'https://www.example.com/', NOW);
    const again = new CookieJar();
    again.load(jar.serialize(NOW), { now: NOW });
    for (const u of ['https://www.example.com/x/z', 'http://example.com/', 'http://www.example.com/x/'])
      assert.equal(again.cookieHeader(u, NOW + 10), jar.cookieHeader(u, NOW + 10), u);
    assert.equal(again.cookieHeader('https://www.example.com/x/z', NOW + 10), 'b=2; a=1');
  });
  test('load with dropSession (curl -j) leaves session cookies out; expired lines are not loaded', () => {
    const jar = new CookieJar();
    jar.load(CURL_FILE + 'old.test\tFALSE\t/\tFALSE\t1\told\tv\n', { dropSession: true, now: NOW });
    assert.deepEqual(jar.all(NOW).map((c) => c.name).sort(), ['dom', 'ho']);
  });
});

// Found comparing with curl: a file line whose expiry had more than 15 digits (a 'never
// expires' 99999999999999999 some tools write) was skipped, so the cookie was not sent;
// curl reads it as a far-future cookie.
test('an expiry of any length is read; past what a Date holds it is that last moment', () => {
  const text = 'h.test\tFALSE\t/\tFALSE\t99999999999999999\tbig\t1\nh.test\tFALSE\t/\tFALSE\t' + '9'.repeat(400) + '\thuge\t2\n';
  const got = parseNetscape(text);
  assert.deepEqual(got.map((c) => [c.name, c.expires]), [['big', 8.64e15], ['huge', 8.64e15]]);
  const jar = new CookieJar();
  jar.load(text, { now: NOW });
  assert.equal(jar.cookieHeader('http://h.test/', NOW), 'big=1; huge=2');
  assert.match(jar.serialize(NOW), /\t8640000000000\tbig\t1\n/);
});

describe('curl -b string form', () => {
  test('pairs in order, spaces trimmed, parts without = skipped', () => {
    assert.deepEqual(parseCookieString('a=1; b = 2 ;junk;c=x=y; =z'), [['a', '1'], ['b', '2'], ['c', 'x=y']]);
  });
  test('CR, LF or NUL is an InputError', () => {
    for (const s of ['a=1\r\nX: y', 'a=1\n', 'a=\0']) assert.throws(() => parseCookieString(s), InputError);
  });
});
