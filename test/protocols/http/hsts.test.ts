// The HSTS cache (RFC 6797 §8): what a response teaches it, which hosts it
// covers, how it upgrades a URL, and curl's --hsts file format both ways.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HstsCache } from '../../../src/protocols/http/hsts.js';

const T0 = Date.UTC(2026, 10, 26, 12, 0, 0);
const u = (s: string) => new URL(s);

test('a verified https response sets, renews and (max-age=0) forgets its host; only the first header counts (§8.1)', () => {
  let now = T0;
  const c = new HstsCache(() => now);
  c.noteResponse(u('https://a.test/'), ['max-age=60', 'max-age=0']);
  assert.equal(c.find('a.test')?.expires, T0 + 60_000);
  now += 30_000;
  c.noteResponse(u('https://a.test/x'), ['max-age=60; includeSubDomains']);
  assert.deepEqual(c.find('a.test'), { host: 'a.test', includeSubDomains: true, expires: now + 60_000 });
  c.noteResponse(u('https://a.test/'), ['max-age=0']);
  assert.equal(c.find('a.test'), undefined);
  // A header to ignore changes nothing.
  c.noteResponse(u('https://b.test/'), ['max-age=5; max-age=6']);
  assert.equal(c.size, 0);
});

test('never from http, never for an IP literal (§8.1); host names compare without case or a trailing dot', () => {
  const c = new HstsCache(() => T0);
  c.noteResponse(u('http://a.test/'), ['max-age=60']);
  c.noteResponse(u('https://127.0.0.1/'), ['max-age=60']);
  c.noteResponse(u('https://[::1]/'), ['max-age=60']);
  assert.equal(c.size, 0);
  c.noteResponse(u('https://Host.Test./'), ['max-age=60']);
  assert.ok(c.find('host.test'));
  assert.ok(c.find('HOST.TEST.'));
});

test('congruent and superdomain matches (§8.2): a parent covers its subdomains only with includeSubDomains', () => {
  const c = new HstsCache(() => T0);
  c.noteResponse(u('https://sub.a.test/'), ['max-age=60; includeSubDomains']);
  c.noteResponse(u('https://b.test/'), ['max-age=60']);
  assert.ok(c.find('sub.a.test'));
  assert.ok(c.find('x.y.sub.a.test'));
  assert.equal(c.find('a.test'), undefined);
  assert.ok(c.find('b.test'));
  assert.equal(c.find('x.b.test'), undefined);
  assert.equal(c.find('notb.test'), undefined);
});

test('upgrade: http → https for a known host, an explicit :80 becomes 443 (§8.3), another port stays; https and unknown hosts are left alone', () => {
  const c = new HstsCache(() => T0);
  c.noteResponse(u('https://a.test/'), ['max-age=60; includeSubDomains']);
  assert.equal(c.upgrade(u('http://a.test/p?q#f'))?.href, 'https://a.test/p?q#f');
  assert.equal(c.upgrade(u('http://x.a.test:80/'))?.href, 'https://x.a.test/');
  assert.equal(c.upgrade(u('http://user:pw@a.test:8080/'))?.href, 'https://user:pw@a.test:8080/');
  assert.equal(c.upgrade(u('https://a.test/')), undefined);
  assert.equal(c.upgrade(u('http://b.test/')), undefined);
  assert.equal(c.upgrade(u('ftp://a.test/')), undefined);
});

test('an entry lapses at its expiry', () => {
  let now = T0;
  const c = new HstsCache(() => now);
  c.noteResponse(u('https://a.test/'), ['max-age=10']);
  now += 9_999;
  assert.ok(c.upgrade(u('http://a.test/')));
  now += 1;
  assert.equal(c.upgrade(u('http://a.test/')), undefined);
  assert.equal(c.size, 0);
});

test('curl\'s file format: read (comments, "unlimited", lapsed and broken lines skipped) and written back the same way', () => {
  const c = new HstsCache(() => T0);
  c.load(
    [
      '# Your HSTS cache. https://curl.se/docs/hsts.html',
      '.a.test "20271231 23:59:59"',
      'b.test "unlimited"',
      'old.test "20200101 00:00:00"',
      'bad.test 20271231',
      'worse.test "2027-12-31 23:59:59"',
      '127.0.0.1 "unlimited"',
      '   ',
      'c.test\t"20261126 12:00:01"',
    ].join('\n'),
  );
  assert.deepEqual(c.find('x.a.test'), { host: 'a.test', includeSubDomains: true, expires: Date.UTC(2027, 11, 31, 23, 59, 59) });
  assert.equal(c.find('b.test')?.expires, Infinity);
  assert.equal(c.find('old.test'), undefined);
  assert.equal(c.find('bad.test'), undefined);
  assert.equal(c.find('worse.test'), undefined);
  assert.equal(c.size, 3);
  const text = c.serialize();
  assert.deepEqual(
    text.split('\n').filter((l) => l && !l.startsWith('#')),
    ['.a.test "20271231 23:59:59"', 'b.test "unlimited"', 'c.test "20261126 12:00:01"'],
  );
  const again = new HstsCache(() => T0);
  again.load(text);
  assert.equal(again.serialize(), text);
});

test('the cache is bounded: past 10,000 hosts the one that lapses first goes', () => {
  const c = new HstsCache(() => T0);
  for (let i = 0; i < 10_000; i++) c.noteResponse(u(`https://h${i}.test/`), [`max-age=${1000 + i}`]);
  c.noteResponse(u('https://new.test/'), ['max-age=5000']);
  assert.equal(c.size, 10_000);
  assert.equal(c.find('h0.test'), undefined);
  assert.ok(c.find('h1.test'));
  assert.ok(c.find('new.test'));
});
