import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { CookieJar } from '../../../src/protocols/http/cookies.js';
import { InputError } from '../../../src/errors.js';

const NOW = Date.UTC(2026, 0, 1);
const DAY = 86_400_000;
const FUTURE = 'Fri, 01 Jan 2100 00:00:00 GMT';
const PAST = 'Thu, 01 Jan 1970 00:00:01 GMT';

/** [case, URL the response came from, its Set-Cookie lines, later request URL, expected Cookie header, ms after NOW of the later request]. */
type Row = [string, string, string[], string, string | undefined, number?];

// Each row is a rule of RFC 6265 §5.1-5.4 (section in the name), not a reading of the code.
const TABLE: Row[] = [
  // §5.3 step 6: no Domain → host-only
  ['host-only: same host', 'http://example.com/', ['a=1'], 'http://example.com/', 'a=1'],
  ['host-only: not a subdomain', 'http://example.com/', ['a=1'], 'http://www.example.com/', undefined],
  ['host-only: host case does not matter', 'http://Example.COM/', ['a=1'], 'http://example.com/', 'a=1'],
  ['host-only: another port is the same host', 'http://example.com:8080/', ['a=1'], 'http://example.com:9090/', 'a=1'],
  // §5.2.3 / §5.1.3 Domain
  ['Domain: parent set by a subdomain reaches the parent', 'http://www.example.com/', ['a=1; Domain=example.com'], 'http://example.com/', 'a=1'],
  ['Domain: reaches a deeper subdomain', 'http://www.example.com/', ['a=1; Domain=example.com'], 'http://x.y.example.com/', 'a=1'],
  ['Domain: a leading dot is ignored', 'http://www.example.com/', ['a=1; Domain=.example.com'], 'http://sub.example.com/', 'a=1'],
  ['Domain: case-insensitive', 'http://www.example.com/', ['a=1; Domain=EXAMPLE.Com'], 'http://example.com/', 'a=1'],
  ['Domain: not a suffix at a dot', 'http://www.example.com/', ['a=1; Domain=example.com'], 'http://badexample.com/', undefined],
  ['Domain: another site is refused', 'http://example.com/', ['a=1; Domain=other.com'], 'http://other.com/', undefined],
  ['Domain: a subdomain of the host is refused', 'http://example.com/', ['a=1; Domain=www.example.com'], 'http://www.example.com/', undefined],
  ['Domain: the host itself covers its subdomains', 'http://example.com/', ['a=1; Domain=example.com'], 'http://www.example.com/', 'a=1'],
  ['Domain: empty value is ignored (host-only)', 'http://example.com/', ['a=1; Domain='], 'http://www.example.com/', undefined],
  ['Domain: empty value is ignored, cookie kept', 'http://example.com/', ['a=1; Domain='], 'http://example.com/', 'a=1'],
  ['Domain: a dotless one (public suffix) is refused', 'http://example.com/', ['a=1; Domain=com'], 'http://example.com/', undefined],
  ['Domain: a dotless host naming itself stays host-only', 'http://localhost/', ['a=1; Domain=localhost'], 'http://localhost/', 'a=1'],
  ['Domain: an IP naming itself is host-only', 'http://127.0.0.1/', ['a=1; Domain=127.0.0.1'], 'http://127.0.0.1/', 'a=1'],
  ['Domain: an IP suffix is refused', 'http://127.0.0.1/', ['a=1; Domain=0.0.1'], 'http://127.0.0.1/', undefined],
  ['Domain: another IP is refused', 'http://127.0.0.1/', ['a=1; Domain=127.0.0.2'], 'http://127.0.0.2/', undefined],
  ['Domain: IPv6 host-only', 'http://[::1]:8080/', ['a=1'], 'http://[::1]/', 'a=1'],
  ['Domain: the last attribute wins', 'http://www.example.com/', ['a=1; Domain=other.com; Domain=example.com'], 'http://example.com/', 'a=1'],
  // §5.1.4 default path and path-match
  ['Path: default is the directory', 'http://h.test/a/b/c', ['a=1'], 'http://h.test/a/b', 'a=1'],
  ['Path: default covers below', 'http://h.test/a/b/c', ['a=1'], 'http://h.test/a/b/x/y', 'a=1'],
  ['Path: default is not a string prefix', 'http://h.test/a/b/c', ['a=1'], 'http://h.test/a/bc', undefined],
  ['Path: default, parent not covered', 'http://h.test/a/b/c', ['a=1'], 'http://h.test/a', undefined],
  ['Path: one slash → /', 'http://h.test/login', ['a=1'], 'http://h.test/other', 'a=1'],
  ['Path: query is not part of the path', 'http://h.test/a/b?x=/y/z', ['a=1'], 'http://h.test/a/q', 'a=1'],
  ['Path: attribute covers itself', 'http://h.test/', ['a=1; Path=/docs'], 'http://h.test/docs', 'a=1'],
  ['Path: attribute covers below', 'http://h.test/', ['a=1; Path=/docs'], 'http://h.test/docs/web/x', 'a=1'],
  ['Path: not a string prefix', 'http://h.test/', ['a=1; Path=/docs'], 'http://h.test/docsets', undefined],
  ['Path: case-sensitive', 'http://h.test/', ['a=1; Path=/docs'], 'http://h.test/Docs', undefined],
  ['Path: trailing slash covers below', 'http://h.test/', ['a=1; Path=/docs/'], 'http://h.test/docs/x', 'a=1'],
  ['Path: trailing slash does not cover the bare name', 'http://h.test/', ['a=1; Path=/docs/'], 'http://h.test/docs', undefined],
  ['Path: not starting with / → default path', 'http://h.test/a/b', ['a=1; Path=docs'], 'http://h.test/a/x', 'a=1'],
  ['Path: not starting with / → default path, not the value', 'http://h.test/a/b', ['a=1; Path=docs'], 'http://h.test/docs', undefined],
  ['Path: may be set to somewhere else', 'http://h.test/a/b', ['a=1; Path=/z'], 'http://h.test/z/1', 'a=1'],
  // §5.4 Secure
  ['Secure: sent over https', 'https://h.test/', ['a=1; Secure'], 'https://h.test/', 'a=1'],
  ['Secure: not over http', 'https://h.test/', ['a=1; Secure'], 'http://h.test/', undefined],
  ['Secure: a plain-http origin cannot set one (6265bis)', 'http://h.test/', ['a=1; Secure'], 'https://h.test/', undefined],
  ['not Secure: sent over both', 'https://h.test/', ['a=1'], 'http://h.test/', 'a=1'],
  // RFC 6265bis §4.1.3 name prefixes (curl and browsers enforce them)
  ['__Secure-: kept when Secure', 'https://h.test/', ['__Secure-a=1; Secure'], 'https://h.test/', '__Secure-a=1'],
  ['__Secure-: refused without Secure', 'https://h.test/', ['__Secure-a=1'], 'https://h.test/', undefined],
  ['__Secure-: the prefix matches whatever its case', 'https://h.test/', ['__SECURE-a=1'], 'https://h.test/', undefined],
  ['__Host-: kept when Secure, Path=/ and no Domain', 'https://h.test/x/y', ['__Host-a=1; Secure; Path=/'], 'https://h.test/', '__Host-a=1'],
  ['__Host-: refused without Secure', 'https://h.test/', ['__Host-a=1; Path=/'], 'https://h.test/', undefined],
  ['__Host-: refused with a Domain, even the host', 'https://h.test/', ['__Host-a=1; Secure; Path=/; Domain=h.test'], 'https://h.test/', undefined],
  ['__Host-: refused without Path=/ (the default path is not enough)', 'https://h.test/x/y', ['__Host-a=1; Secure'], 'https://h.test/x/z', undefined],
  ['__Host-: refused with another Path', 'https://h.test/', ['__Host-a=1; Secure; Path=/x'], 'https://h.test/x', undefined],
  ['no prefix: _Host- and __Hostx are plain names', 'http://h.test/', ['_Host-a=1', '__Hostx=2'], 'http://h.test/', '_Host-a=1; __Hostx=2'],
  // RFC 6265bis §5.7 "leave Secure cookies alone" (curl too): rows mix origins, so they go through the jar below, not this table.

  ['HttpOnly: sent over HTTP', 'http://h.test/', ['a=1; HttpOnly; SameSite=Strict'], 'http://h.test/', 'a=1'],
  // §5.2.1 / §5.2.2 / §5.3 expiry
  ['Expires: future kept', 'http://h.test/', [`a=1; Expires=${FUTURE}`], 'http://h.test/', 'a=1'],
  ['Expires: past not stored', 'http://h.test/', [`a=1; Expires=${PAST}`], 'http://h.test/', undefined],
  ['Expires: past deletes a stored one', 'http://h.test/', ['a=1', `a=2; Expires=${PAST}`], 'http://h.test/', undefined],
  ['Expires: dropped once past', 'http://h.test/', ['a=1; Expires=Fri, 02 Jan 2026 00:00:00 GMT'], 'http://h.test/', undefined, 2 * DAY],
  ['Expires: unreadable date ignored (session)', 'http://h.test/', ['a=1; Expires=someday'], 'http://h.test/', 'a=1', 1000 * DAY],
  ['Max-Age: alive inside', 'http://h.test/', ['a=1; Max-Age=60'], 'http://h.test/', 'a=1', 59_000],
  ['Max-Age: gone after', 'http://h.test/', ['a=1; Max-Age=60'], 'http://h.test/', undefined, 60_000],
  ['Max-Age: 0 deletes', 'http://h.test/', ['a=1', 'a=2; Max-Age=0'], 'http://h.test/', undefined],
  ['Max-Age: negative deletes', 'http://h.test/', ['a=1', 'a=2; Max-Age=-5'], 'http://h.test/', undefined],
  ['Max-Age wins over a future Expires', 'http://h.test/', [`a=1; Expires=${FUTURE}; Max-Age=0`], 'http://h.test/', undefined],
  ['Max-Age wins over a past Expires (either order)', 'http://h.test/', [`a=1; Max-Age=100; Expires=${PAST}`], 'http://h.test/', 'a=1'],
  ['Max-Age: not digits → ignored', 'http://h.test/', ['a=1; Max-Age=1e3'], 'http://h.test/', 'a=1', 10 * DAY],
  ['Max-Age: not digits does not delete', 'http://h.test/', ['a=1; Max-Age=+0'], 'http://h.test/', 'a=1'],
  ['a deletion names its path', 'http://h.test/', ['a=1; Path=/x', 'a=2; Path=/; Max-Age=0'], 'http://h.test/x', 'a=1'],
  // §5.3 step 11 replacement and §5.4 order
  ['replace: same name/domain/path', 'http://h.test/', ['a=1', 'a=2'], 'http://h.test/', 'a=2'],
  ['replace: keeps its creation place', 'http://h.test/', ['a=1', 'b=1', 'a=2'], 'http://h.test/', 'a=2; b=1'],
  ['replace: another path is another cookie; longer path first', 'http://h.test/', ['a=1; Path=/', 'a=2; Path=/x'], 'http://h.test/x/y', 'a=2; a=1'],
  ['order: longer path first, whatever the creation', 'http://h.test/', ['b=1; Path=/', 'a=1; Path=/p'], 'http://h.test/p/q', 'a=1; b=1'],
  ['order: equal paths by creation', 'http://h.test/', ['z=1', 'y=1', 'x=1'], 'http://h.test/', 'z=1; y=1; x=1'],
  ['replace: a host-only and a domain cookie of one name/domain/path are one', 'http://h.test/', ['a=1', 'a=2; Domain=h.test'], 'http://w.h.test/', 'a=2'],
  // §5.2 parsing
  ['no = : ignored', 'http://h.test/', ['novalue'], 'http://h.test/', undefined],
  ['empty name: ignored', 'http://h.test/', ['=v'], 'http://h.test/', undefined],
  ['spaces around name and value trimmed', 'http://h.test/', ['  a  =  b  ; Path = / '], 'http://h.test/x', 'a=b'],
  ['empty value kept', 'http://h.test/', ['a='], 'http://h.test/', 'a='],
  ['= inside the value kept', 'http://h.test/', ['a=b=c'], 'http://h.test/', 'a=b=c'],
  ['quotes kept as they are', 'http://h.test/', ['a="x y"'], 'http://h.test/', 'a="x y"'],
  ['attribute names are case-insensitive (Path)', 'http://h.test/', ['a=1; PATH=/q'], 'http://h.test/', undefined],
  ['attribute names are case-insensitive (Max-Age)', 'http://h.test/', ['a=1; max-AGE=0'], 'http://h.test/', undefined],
  ['unknown attributes ignored', 'http://h.test/', ['a=1; Priority=High; Partitioned; Comment=x'], 'http://h.test/', 'a=1'],
  ['the last Path wins', 'http://h.test/', ['a=1; Path=/x; Path=/'], 'http://h.test/', 'a=1'],
  ['CR in the line: ignored', 'http://h.test/', ['a=1\r; Path=/'], 'http://h.test/', undefined],
  ['LF in the value: ignored', 'http://h.test/', ['a=1\nb=2'], 'http://h.test/', undefined],
  ['NUL in the name: ignored', 'http://h.test/', ['a\0=1'], 'http://h.test/', undefined],
  ['DEL in the value: ignored', 'http://h.test/', ['a=1\x7f'], 'http://h.test/', undefined],
  ['tab inside the value: ignored (it would break the file format)', 'http://h.test/', ['a=1\t2'], 'http://h.test/', undefined],
  ['a bad line does not stop the good ones', 'http://h.test/', ['x\r=1', 'a=1'], 'http://h.test/', 'a=1'],
];

describe('CookieJar: RFC 6265 storage and Cookie header table', () => {
  for (const [name, from, lines, later, expected, after] of TABLE) {
    test(name, () => {
      const jar = new CookieJar();
      let t = NOW;
      for (const l of lines) jar.setCookie(l, from, t++);
      assert.equal(jar.cookieHeader(later, NOW + (after ?? 1000)), expected);
    });
  }
});

describe('CookieJar: bounds', () => {
  test('name + value of 4096 bytes is kept, 4097 is refused', () => {
    const jar = new CookieJar();
    const v = 'v'.repeat(4095);
    assert.ok(jar.setCookie(`a=${v}`, 'http://h.test/', NOW));
    assert.equal(jar.setCookie(`b=${v}v`, 'http://h.test/', NOW), undefined);
    assert.equal(jar.cookieHeader('http://h.test/', NOW), `a=${v}`);
  });
  test('a multi-byte value counts its UTF-8 bytes', () => {
    const jar = new CookieJar();
    assert.equal(jar.setCookie(`a=${'é'.repeat(2048)}`, 'http://h.test/', NOW), undefined);
  });
  test('the 51st cookie of a domain evicts that domain\'s oldest', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 51; i++) jar.setCookie(`c${i}=1`, 'http://h.test/', NOW + i);
    jar.setCookie('other=1', 'http://o.test/', NOW);
    const names = jar.cookiesFor('http://h.test/', NOW + 100).map((c) => c.name);
    assert.equal(names.length, 50);
    assert.equal(names[0], 'c1');
    assert.equal(names.at(-1), 'c50');
    assert.equal(jar.cookieHeader('http://o.test/', NOW + 100), 'other=1');
  });
  test('host-only cookies of a subdomain count under that subdomain, not the parent', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 50; i++) jar.setCookie(`c${i}=1`, 'http://h.test/', NOW + i);
    jar.setCookie('w=1; Domain=h.test', 'http://w.h.test/', NOW + 60);
    jar.setCookie('s=1', 'http://w.h.test/', NOW + 61);
    // w went under h.test (evicting c0 there); s is w.h.test's own.
    assert.deepEqual(jar.cookiesFor('http://w.h.test/', NOW + 100).map((c) => c.name), ['w', 's']);
    assert.equal(jar.cookiesFor('http://h.test/', NOW + 100)[0]!.name, 'c1');
    assert.equal(jar.size, 51);
  });
  test('the 3001st cookie evicts the oldest anywhere', () => {
    const jar = new CookieJar();
    for (let i = 0; i < 3001; i++) jar.setCookie(`c=${i}`, `http://d${i}.test/`, NOW + i);
    assert.equal(jar.size, 3000);
    assert.equal(jar.cookieHeader('http://d0.test/', NOW + 5000), undefined);
    assert.equal(jar.cookieHeader('http://d1.test/', NOW + 5000), 'c=1');
    assert.equal(jar.cookieHeader('http://d3000.test/', NOW + 5000), 'c=3000');
  });
  test('limits can be lowered; an eviction that empties a domain does not lose the new cookie', () => {
    const jar = new CookieJar({ total: 1 });
    jar.setCookie('a=1', 'http://h.test/', NOW);
    jar.setCookie('b=1', 'http://h.test/x', NOW + 1);
    jar.setCookie('c=1', 'http://h.test/', NOW + 2);
    assert.equal(jar.size, 1);
    assert.equal(jar.cookieHeader('http://h.test/', NOW + 3), 'c=1');
  });
  test('a replacement does not evict', () => {
    const jar = new CookieJar({ perDomain: 2 });
    jar.setCookie('a=1', 'http://h.test/', NOW);
    jar.setCookie('b=1', 'http://h.test/', NOW + 1);
    jar.setCookie('a=2', 'http://h.test/', NOW + 2);
    assert.equal(jar.cookieHeader('http://h.test/', NOW + 3), 'a=2; b=1');
  });
  test('expired cookies leave the count when dropped', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1; Max-Age=1', 'http://h.test/', NOW);
    jar.setCookie('b=1', 'http://h.test/', NOW);
    assert.equal(jar.size, 2);
    assert.deepEqual(jar.all(NOW + 2000).map((c) => c.name), ['b']);
    assert.equal(jar.size, 1);
  });
});

describe('CookieJar: records, add, session cookies', () => {
  test('setCookie returns the record it stored', () => {
    const jar = new CookieJar();
    const c = jar.setCookie('sid=x; Domain=example.com; Path=/app; HttpOnly; SameSite=Lax; Max-Age=10', 'https://www.example.com/login', NOW);
    assert.deepEqual(c, { name: 'sid', value: 'x', domain: 'example.com', hostOnly: false, path: '/app', secure: false, httpOnly: true, sameSite: 'Lax', expires: NOW + 10_000, creation: NOW });
  });
  test('a replacement keeps the first creation time', () => {
    const jar = new CookieJar();
    jar.setCookie('a=1', 'http://h.test/', NOW);
    jar.setCookie('a=2', 'http://h.test/', NOW + 50);
    assert.equal(jar.all(NOW + 60)[0]!.creation, NOW);
  });
  test('add() refuses control characters and an empty name', () => {
    const jar = new CookieJar();
    const base = { name: 'a', value: '1', domain: 'h.test', hostOnly: true, path: '/', secure: false, httpOnly: false, expires: undefined };
    assert.throws(() => jar.add({ ...base, value: 'x\r\nSet: y' }), InputError);
    assert.throws(() => jar.add({ ...base, name: '' }), InputError);
    jar.add(base, NOW);
    assert.equal(jar.cookieHeader('http://h.test/', NOW), 'a=1');
  });
  test('removeSessionCookies keeps only those with an expiry', () => {
    const jar = new CookieJar();
    jar.setCookie('s=1', 'http://h.test/', NOW);
    jar.setCookie('p=1; Max-Age=100', 'http://h.test/', NOW);
    jar.removeSessionCookies();
    assert.equal(jar.cookieHeader('http://h.test/', NOW), 'p=1');
    jar.clear();
    assert.equal(jar.size, 0);
  });
  test('an invalid URL is an InputError', () => {
    assert.throws(() => new CookieJar().cookieHeader('not a url'), InputError);
  });
});

describe('CookieJar: expired cookies go before live ones are evicted (§5.3)', () => {
  test('per domain', () => {
    const jar = new CookieJar({ perDomain: 2 });
    jar.setCookie('old=1', 'http://h.test/', NOW);
    jar.setCookie('short=1; Max-Age=1', 'http://h.test/', NOW + 1);
    jar.setCookie('new=1', 'http://h.test/', NOW + 5000);
    assert.equal(jar.cookieHeader('http://h.test/', NOW + 5001), 'old=1; new=1');
  });
  test('in all', () => {
    const jar = new CookieJar({ total: 2 });
    jar.setCookie('old=1', 'http://a.test/', NOW);
    jar.setCookie('short=1; Max-Age=1', 'http://b.test/', NOW + 1);
    jar.setCookie('new=1', 'http://c.test/', NOW + 5000);
    assert.deepEqual(jar.all(NOW + 5001).map((c) => c.name), ['old', 'new']);
  });
});

describe('CookieJar: the Cookie header is bounded', () => {
  test('past 8190 bytes (curl\'s bound) the later cookies are left out', () => {
    const jar = new CookieJar();
    const v = 'v'.repeat(1000);
    for (let i = 0; i < 10; i++) jar.setCookie(`c${i}=${v}`, 'http://h.test/', NOW + i);
    const header = jar.cookieHeader('http://h.test/', NOW + 100)!;
    assert.ok(header.length <= 8190);
    // Each pair is 1003 bytes plus '; ': eight fit, in creation order.
    assert.deepEqual(header.split('; ').map((p) => p.slice(0, p.indexOf('='))), ['c0', 'c1', 'c2', 'c3', 'c4', 'c5', 'c6', 'c7']);
  });
  test('the bound can be set; a first cookie larger than it sends nothing', () => {
    const jar = new CookieJar({ headerBytes: 10 });
    jar.setCookie('a=1', 'http://h.test/', NOW);
    jar.setCookie('b=22222', 'http://h.test/', NOW + 1);
    assert.equal(jar.cookieHeader('http://h.test/', NOW + 2), 'a=1');
    const small = new CookieJar({ headerBytes: 2 });
    small.setCookie('a=1', 'http://h.test/', NOW);
    assert.equal(small.cookieHeader('http://h.test/', NOW + 1), undefined);
  });
});

describe('CookieJar: plain http cannot touch a Secure cookie (RFC 6265bis §5.7, as curl)', () => {
  const cases: Array<[string, string, string, string | undefined, string | undefined]> = [
    // [case, Set-Cookie from http://example.com/app/page, https request, expected over https, expected over http]
    ['same name and path: not overwritten', 'sid=evil; Path=/', 'https://example.com/', 'sid=good', undefined],
    ['a deeper path would shadow it: refused', 'sid=evil; Path=/app', 'https://example.com/app/x', 'sid=good', undefined],
    ['from a parent domain: refused', 'sid=evil; Domain=example.com; Path=/', 'https://www.example.com/', 'sid=good', undefined],
    ['a deletion is refused too', 'sid=; Max-Age=0; Path=/', 'https://example.com/', 'sid=good', undefined],
    ['another name is fine', 'other=1; Path=/', 'https://example.com/', 'sid=good; other=1', 'other=1'],
  ];
  for (const [name, line, later, overHttps, overHttp] of cases) {
    test(name, () => {
      const jar = new CookieJar();
      // The Secure cookie on the host the later requests go to (www. for the parent-domain row).
      const secureOrigin = new URL(later).origin + '/';
      jar.setCookie('sid=good; Secure; Path=/', secureOrigin, NOW);
      jar.setCookie(line, secureOrigin.replace('https:', 'http:') + 'app/page', NOW);
      assert.equal(jar.cookieHeader(later, NOW), overHttps);
      assert.equal(jar.cookieHeader(later.replace('https:', 'http:'), NOW), overHttp);
    });
  }

  test('over https the Secure cookie is replaced as usual', () => {
    const jar = new CookieJar();
    jar.setCookie('sid=old; Secure; Path=/', 'https://example.com/', NOW);
    jar.setCookie('sid=new; Path=/', 'https://example.com/', NOW);
    assert.equal(jar.cookieHeader('http://example.com/', NOW), 'sid=new');
  });
});

describe('CookieJar: plain http to the loopback host is a secure context, as curl has it', () => {
  // curl -c/-b keeps and sends a Secure cookie set by http://localhost, 127.0.0.1 or [::1] (a local dev server).
  for (const origin of ['http://localhost:3000/', 'http://LOCALHOST/', 'http://127.0.0.1/', 'http://[::1]/']) {
    test(`${origin} may set a Secure cookie and is sent it`, () => {
      const jar = new CookieJar();
      assert.ok(jar.setCookie('sid=1; Secure; Path=/', origin, NOW));
      assert.equal(jar.cookieHeader(origin, NOW), 'sid=1');
    });
  }
  test('other plain-http hosts are not (127.0.0.2, a .localhost subdomain, a name that starts with localhost)', () => {
    for (const origin of ['http://127.0.0.2/', 'http://a.localhost/', 'http://localhost.example/']) {
      const jar = new CookieJar();
      assert.equal(jar.setCookie('sid=1; Secure; Path=/', origin, NOW), undefined, origin);
    }
  });
});
