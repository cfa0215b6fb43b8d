import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { parseCookieDate, parseSetCookie, hasControl } from '../../../../src/protocols/http/cookies/set-cookie.js';

const NOW = Date.UTC(2026, 0, 1);

describe('parseCookieDate (RFC 6265 §5.1.1)', () => {
  const good: Array<[string, number]> = [
    ['Sun, 06 Nov 1994 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)], // IMF-fixdate
    ['Sunday, 06-Nov-94 08:49:37 GMT', Date.UTC(1994, 10, 6, 8, 49, 37)], // RFC 850
    ['Sun Nov  6 08:49:37 1994', Date.UTC(1994, 10, 6, 8, 49, 37)], // asctime
    ['Wed, 09 Jun 2021 10:18:14 GMT', Date.UTC(2021, 5, 9, 10, 18, 14)],
    ['06 Nov 69 1:2:3', Date.UTC(2069, 10, 6, 1, 2, 3)], // 00-69 → 20xx
    ['06 Nov 70 1:2:3', Date.UTC(1970, 10, 6, 1, 2, 3)], // 70-99 → 19xx
    ['1 JANUARY 2030 00:00:00', Date.UTC(2030, 0, 1)], // month: first three letters, any case
    ['29 Feb 2024 12:00:00', Date.UTC(2024, 1, 29, 12)],
    ['31 Dec 9999 23:59:59', Date.UTC(9999, 11, 31, 23, 59, 59)],
    ['1 Jan 1601 00:00:00', Date.UTC(1601, 0, 1)],
    ['12:00:00xyz 2 Mar 2030', Date.UTC(2030, 2, 2, 12)], // time token may carry trailing non-digits
    ['02nd Mar 2030 12:00:00', Date.UTC(2030, 2, 2, 12)], // so may the day
    ['Mon, 02-Mar-2030 12:00:00 +0100', Date.UTC(2030, 2, 2, 12)], // zones are not read: GMT is assumed
  ];
  for (const [s, t] of good) test(`reads ${JSON.stringify(s)}`, () => assert.equal(parseCookieDate(s), t));
  const bad = [
    '', 'tomorrow', '06 Nov 1994', // no time
    'Sun, 06 Nov 08:49:37 GMT', // no year
    '06 1994 08:49:37', // no month
    '30 Feb 2030 00:00:00', '31 Apr 2030 00:00:00', // days the month lacks
    '0 Jan 2030 00:00:00', '32 Jan 2030 00:00:00',
    '1 Jan 2030 24:00:00', '1 Jan 2030 23:60:00', '1 Jan 2030 23:59:60',
    '1 Jan 1600 00:00:00', // before 1601
    '1 Jan 2030 001:00:00', // time fields are 1-2 digits
    '123 Jan 2030 00:00:00', // day of month is 1-2 digits
    '1 Jan 20301 00:00:00', // year is 2-4 digits
  ];
  for (const s of bad) test(`refuses ${JSON.stringify(s)}`, () => assert.equal(parseCookieDate(s), undefined));
  test('a long hostile string is read in one pass and refused', () => {
    assert.equal(parseCookieDate('1:'.repeat(100_000)), undefined);
    assert.equal(parseCookieDate('9'.repeat(200_000)), undefined);
  });
});

describe('parseSetCookie (§5.2)', () => {
  test('every attribute', () => {
    assert.deepEqual(parseSetCookie('id=a3fWa; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Domain=.Example.com; Path=/docs; Secure; HttpOnly; SameSite=Strict', NOW), {
      name: 'id', value: 'a3fWa', expires: Date.UTC(2037, 9, 21, 7, 28), domain: 'example.com', path: '/docs', secure: true, httpOnly: true, sameSite: 'Strict',
    });
  });
  test('Max-Age counts from now, in seconds, and wins over Expires', () => {
    assert.equal(parseSetCookie('a=1; Max-Age=30; Expires=Wed, 21 Oct 2037 07:28:00 GMT', NOW)!.expires, NOW + 30_000);
    assert.ok(parseSetCookie('a=1; Max-Age=0', NOW)!.expires! < NOW);
  });
  test('a value attribute without = is read as empty', () => {
    const c = parseSetCookie('a=1; Domain; Path', NOW)!;
    assert.equal(c.domain, undefined);
    assert.equal(c.path, undefined);
  });
  test('lines that are ignored', () => {
    for (const l of ['', ';', 'a', '=1', ' =1', 'a=1\r', 'a\n=1', 'a=\x01', 'a\tb=1', 'a=1\t2']) assert.equal(parseSetCookie(l, NOW), undefined, JSON.stringify(l));
  });
  test('an attribute value over 1024 bytes is ignored alone (RFC 6265bis §5.6), not stored: the line is still read', () => {
    const long = '/' + 'x'.repeat(1024);
    const c = parseSetCookie(`a=1; Path=/ok; Path=${long}; Domain=${'d'.repeat(1025)}.example; SameSite=${'L'.repeat(1025)}`, NOW)!;
    assert.equal(c.value, '1');
    assert.equal(c.path, '/ok');
    assert.equal(c.domain, undefined);
    assert.equal(c.sameSite, undefined);
    assert.equal(parseSetCookie(`a=1; Path=${long.slice(0, 1024)}`, NOW)!.path!.length, 1024);
  });
  test('hasControl allows tab and refuses the other CTLs', () => {
    assert.equal(hasControl('a\tb'), false);
    assert.deepEqual(['\0', '\r', '\n', '\x1b', '\x7f'].map(hasControl), [true, true, true, true, true]);
  });
});
