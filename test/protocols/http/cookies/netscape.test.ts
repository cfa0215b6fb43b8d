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

// Found comparing with curl: 'curl -D saved.txt URL' then 'curl -b saved.txt URL' (curl's
// documented header-file form) sends the saved cookies; dial -b saved.txt sent none, it read
// only seven-column lines. Set-Cookie lines are read now, as curl reads them.
test('Set-Cookie header lines in a cookie file are read, as curl reads them', () => {
  const text = [
    'HTTP/1.1 200 OK\r',
    'Set-Cookie: hdr=1; path=/\r',
    'set-cookie:bare=2\r',
    'Set-Cookie: sec=1; Secure; HttpOnly\r',
    'Set-Cookie: dom=1; Domain=.Example.com\r',
    'Set-Cookie: ip=1; Domain=127.0.0.1\r',
    'Set-Cookie: p=1; Path=/other\r',
    'Set-Cookie: old=1; Max-Age=0\r',
    'Set-Cookie: keep=1; Max-Age=60\r',
    'Set-Cookie: noequals\r',
    'Content-Length: 3\r',
    '',
  ].join('\n');
  const jar = new CookieJar();
  jar.load(text, { now: NOW });
  // Without a Domain: every host, any path unless a Path says otherwise; Secure ones over https only.
  assert.equal(jar.cookieHeader('http://any.test/x', NOW), 'hdr=1; bare=2; keep=1');
  assert.equal(jar.cookieHeader('https://other.test/other/a', NOW), 'p=1; hdr=1; bare=2; sec=1; keep=1');
  assert.equal(jar.cookieHeader('http://www.example.com/', NOW), 'hdr=1; bare=2; dom=1; keep=1');
  assert.ok(jar.cookieHeader('http://127.0.0.1/', NOW)!.split('; ').includes('ip=1'));
  assert.ok(!jar.cookieHeader('http://10.0.0.1/', NOW)!.split('; ').includes('ip=1'));
  const keep = parseNetscape(text, NOW).find((c) => c.name === 'keep');
  assert.equal(keep?.expires, NOW + 60_000);
  // -j drops the session ones; -c writes only the cookies with a domain, as curl.
  const j = new CookieJar();
  j.load(text, { now: NOW, dropSession: true });
  assert.equal(j.cookieHeader('http://any.test/', NOW), 'keep=1');
  const lines = jar.serialize(NOW).split('\n').filter((l) => l && !l.startsWith('# ') && l !== '#');
  assert.deepEqual(lines.sort(), ['.example.com\tTRUE\t/\tFALSE\t0\tdom\t1', '127.0.0.1\tFALSE\t/\tFALSE\t0\tip\t1']);
});

describe('curl -b string form', () => {
  test('pairs in order, spaces trimmed, parts without = skipped', () => {
    assert.deepEqual(parseCookieString('a=1; b = 2 ;junk;c=x=y; =z'), [['a', '1'], ['b', '2'], ['c', 'x=y']]);
  });
  test('CR, LF or NUL is an InputError', () => {
    for (const s of ['a=1\r\nX: y', 'a=1\n', 'a=\0']) assert.throws(() => parseCookieString(s), InputError);
  });
});
