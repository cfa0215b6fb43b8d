import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesNoProxy, parseProxyUrl, proxyForUrl, proxyPort } from '../../../../src/protocols/http/proxy/env.js';
import { InputError } from '../../../../src/errors.js';

/**
 * curl's NO_PROXY behaviour as a table: [url host, list, excluded?]. The rows
 * marked `oracle: true` are replayed against the curl binary by
 * test/interop/proxy.test.ts; the others are where curl 7.88 has a bug since
 * fixed upstream (IPv6 CIDR, /0).
 */
export const NO_PROXY_TABLE: ReadonlyArray<{ url: string; list: string; excluded: boolean; oracle: boolean; why: string }> = [
  { url: 'http://www.example.com/', list: 'example.com', excluded: true, oracle: true, why: 'a name matches the names below it' },
  { url: 'http://example.com/', list: 'example.com', excluded: true, oracle: true, why: 'a name matches itself' },
  { url: 'http://notexample.com/', list: 'example.com', excluded: false, oracle: true, why: 'a suffix match needs a dot boundary' },
  { url: 'http://example.com/', list: '.example.com', excluded: true, oracle: true, why: 'one leading dot is ignored' },
  { url: 'http://www.example.com/', list: '.example.com', excluded: true, oracle: true, why: 'leading dot still matches subdomains' },
  { url: 'http://a.com/', list: '..a.com', excluded: false, oracle: true, why: 'only one leading dot is stripped' },
  { url: 'http://WWW.EXAMPLE.COM/', list: 'example.COM', excluded: true, oracle: true, why: 'case-insensitive' },
  { url: 'http://example.com/', list: 'example.com.', excluded: true, oracle: true, why: 'a trailing dot in the entry is ignored' },
  { url: 'http://example.com./', list: 'example.com', excluded: true, oracle: true, why: 'a trailing dot in the host is ignored' },
  { url: 'http://www.example.com/', list: '*', excluded: true, oracle: true, why: 'a lone * excludes everything' },
  { url: 'http://a.com/', list: ' * ', excluded: false, oracle: true, why: 'curl compares the whole list with "*"; ours trims (see test)' },
  { url: 'http://a.com/', list: '*,b.com', excluded: false, oracle: true, why: '* inside a list is just a name' },
  { url: 'http://www.example.com/', list: '*.example.com', excluded: false, oracle: true, why: 'no glob patterns' },
  { url: 'http://a.com/', list: 'b.com,,a.com', excluded: true, oracle: true, why: 'empty entries are skipped' },
  { url: 'http://a.com/', list: 'b.com a.com', excluded: true, oracle: true, why: 'whitespace separates too' },
  { url: 'http://a.com/', list: '  a.com  ', excluded: true, oracle: true, why: 'surrounding blanks' },
  { url: 'http://a.com/', list: 'b.com,\ta.com', excluded: true, oracle: true, why: 'tab separates' },
  { url: 'http://a.com/', list: 'a.com:80', excluded: false, oracle: true, why: 'entries have no ports' },
  { url: 'http://a.com:8080/', list: 'a.com', excluded: true, oracle: true, why: 'the URL port plays no part' },
  { url: 'http://a.b.com/', list: 'com', excluded: true, oracle: true, why: 'a TLD entry matches everything under it' },
  { url: 'http://a.com/', list: 'a.co', excluded: false, oracle: true, why: 'no prefix match' },
  { url: 'http://a.com/', list: '', excluded: false, oracle: true, why: 'empty list' },
  { url: 'http://127.0.0.1/', list: '127.0.0.1', excluded: true, oracle: true, why: 'IPv4 exact' },
  { url: 'http://127.0.0.1/', list: '127.0.0.0/8', excluded: true, oracle: true, why: 'IPv4 CIDR' },
  { url: 'http://10.1.2.3/', list: '10.1.2.0/24,foo', excluded: true, oracle: true, why: 'CIDR in a list' },
  { url: 'http://11.1.2.3/', list: '10.0.0.0/8', excluded: false, oracle: true, why: 'outside the range' },
  { url: 'http://127.0.0.1/', list: '127.0.0', excluded: false, oracle: true, why: 'no partial addresses' },
  { url: 'http://127.0.0.1/', list: 'localhost', excluded: false, oracle: true, why: 'names never match address literals' },
  { url: 'http://127.0.0.1/', list: '127.0.0.0/33', excluded: false, oracle: true, why: 'an impossible prefix matches nothing' },
  { url: 'http://172.20.0.1/', list: '172.16.0.0/12', excluded: true, oracle: true, why: 'prefix not on a byte boundary' },
  { url: 'http://172.32.0.1/', list: '172.16.0.0/12', excluded: false, oracle: true, why: 'just past a /12' },
  { url: 'http://[::1]/', list: '::1', excluded: true, oracle: true, why: 'IPv6 exact, no brackets in the list' },
  { url: 'http://[::1]/', list: '[::1]', excluded: false, oracle: true, why: 'brackets in the list do not match' },
  { url: 'http://[0:0:0:0:0:0:0:1]/', list: '::1', excluded: true, oracle: true, why: 'IPv6 compared as addresses, not strings' },
  { url: 'http://[fe80::1]/', list: 'fe80::/10', excluded: true, oracle: false, why: 'IPv6 CIDR (curl < 8.18 bug)' },
  { url: 'http://[2001:db8::1]/', list: '2001:db8::/32', excluded: true, oracle: false, why: 'IPv6 CIDR (curl < 8.18 bug)' },
  { url: 'http://[2001:db9::1]/', list: '2001:db8::/32', excluded: false, oracle: true, why: 'outside an IPv6 range' },
  { url: 'http://1.2.3.4/', list: '0.0.0.0/0', excluded: true, oracle: false, why: '/0 holds everything (curl < 8.19 bug)' },
];

describe('matchesNoProxy: curl rules', () => {
  for (const row of NO_PROXY_TABLE) {
    if (row.list === ' * ') continue;
    test(`${row.url} vs ${JSON.stringify(row.list)} → ${row.excluded ? 'direct' : 'proxy'} (${row.why})`, () => {
      assert.equal(matchesNoProxy(new URL(row.url).hostname, row.list), row.excluded);
    });
  }
  test('a list that is only "*" with blanks around excludes everything (a deliberate leniency over curl)', () => {
    assert.equal(matchesNoProxy('a.com', ' * '), true);
  });
  test('an empty host never matches', () => {
    assert.equal(matchesNoProxy('', 'a.com'), false);
  });
});

describe('proxyForUrl: which variable', () => {
  const u = (s: string) => new URL(s);
  test('http uses http_proxy only; uppercase HTTP_PROXY is ignored (httpoxy)', () => {
    assert.equal(proxyForUrl(u('http://a/'), { http_proxy: 'p:1' }), 'p:1');
    assert.equal(proxyForUrl(u('http://a/'), { HTTP_PROXY: 'p:1' }), undefined);
    assert.equal(proxyForUrl(u('http://a/'), { HTTP_PROXY: 'p:1', ALL_PROXY: 'q:2' }), 'q:2');
  });
  test('https prefers https_proxy over HTTPS_PROXY', () => {
    assert.equal(proxyForUrl(u('https://a/'), { https_proxy: 'l:1', HTTPS_PROXY: 'U:2' }), 'l:1');
    assert.equal(proxyForUrl(u('https://a/'), { HTTPS_PROXY: 'U:2' }), 'U:2');
  });
  test('https does not fall back to http_proxy', () => {
    assert.equal(proxyForUrl(u('https://a/'), { http_proxy: 'p:1' }), undefined);
  });
  test('all_proxy then ALL_PROXY as the fallback', () => {
    assert.equal(proxyForUrl(u('https://a/'), { all_proxy: 'a:1', ALL_PROXY: 'A:2' }), 'a:1');
    assert.equal(proxyForUrl(u('ftp://a/'), { ALL_PROXY: 'A:2' }), 'A:2');
    assert.equal(proxyForUrl(u('ftp://a/'), { ftp_proxy: 'f:3', ALL_PROXY: 'A:2' }), 'f:3');
  });
  test('an empty variable counts as unset', () => {
    assert.equal(proxyForUrl(u('https://a/'), { https_proxy: '', HTTPS_PROXY: 'U:2' }), 'U:2');
    assert.equal(proxyForUrl(u('http://a/'), { http_proxy: '' }), undefined);
  });
  test('no_proxy, then NO_PROXY, exclude a host', () => {
    assert.equal(proxyForUrl(u('http://in.corp/'), { http_proxy: 'p:1', no_proxy: 'corp' }), undefined);
    assert.equal(proxyForUrl(u('http://in.corp/'), { http_proxy: 'p:1', NO_PROXY: 'corp' }), undefined);
    assert.equal(proxyForUrl(u('http://in.corp/'), { http_proxy: 'p:1', no_proxy: 'other', NO_PROXY: 'corp' }), 'p:1');
  });
  test('the noProxy argument replaces the environment (curl --noproxy), even when empty', () => {
    assert.equal(proxyForUrl(u('http://in.corp/'), { http_proxy: 'p:1', no_proxy: 'corp' }, ''), 'p:1');
    assert.equal(proxyForUrl(u('http://x.org/'), { http_proxy: 'p:1' }, 'x.org'), undefined);
    assert.equal(proxyForUrl(u('http://x.org/'), { http_proxy: 'p:1' }, '*'), undefined);
  });
  test('defaults to process.env', () => {
    const saved = process.env['all_proxy'];
    process.env['all_proxy'] = 'from-env:9';
    try {
      assert.equal(proxyForUrl(u('gopher://a/')), 'from-env:9');
    } finally {
      if (saved === undefined) delete process.env['all_proxy'];
      else process.env['all_proxy'] = saved;
    }
  });
});

describe('parseProxyUrl', () => {
  test('host:port without a scheme is http', () => {
    const p = parseProxyUrl('proxy.local:3128');
    assert.equal(p.protocol, 'http:');
    assert.equal(p.hostname, 'proxy.local');
    assert.equal(proxyPort(p), 3128);
  });
  test('no port: 1080 for http and socks (curl), 443 for https', () => {
    assert.equal(proxyPort(parseProxyUrl('proxy')), 1080);
    assert.equal(proxyPort(parseProxyUrl('http://proxy')), 1080);
    assert.equal(proxyPort(parseProxyUrl('socks5h://proxy')), 1080);
    assert.equal(proxyPort(parseProxyUrl('https://proxy')), 443);
  });
  test('an explicit default port is kept', () => {
    assert.equal(proxyPort(parseProxyUrl('http://proxy:80')), 80);
    assert.equal(proxyPort(parseProxyUrl('proxy:80')), 80);
    assert.equal(proxyPort(parseProxyUrl('https://proxy:443')), 443);
    assert.equal(proxyPort(parseProxyUrl('http://u:p@proxy:80/')), 80);
  });
  test('every supported scheme, with userinfo and IPv6', () => {
    for (const s of ['http', 'https', 'socks4', 'socks4a', 'socks5', 'socks5h']) {
      const p = parseProxyUrl(`${s}://user:p%40ss@[::1]:9000`);
      assert.equal(p.protocol, `${s}:`);
      assert.equal(p.hostname, '[::1]');
      assert.equal(p.username, 'user');
      assert.equal(decodeURIComponent(p.password), 'p@ss');
      assert.equal(proxyPort(p), 9000);
    }
  });
  test('scheme is case-insensitive', () => {
    assert.equal(parseProxyUrl('SOCKS5H://h:1').protocol, 'socks5h:');
  });
  test('refused: unknown scheme, path, control characters, empty, no host', () => {
    for (const bad of ['ftp://h:1', 'http://h:1/path', 'http://h:1?x', 'h\r\n:1', '', '   ', 'http://', 'socks5://:1']) {
      assert.throws(() => parseProxyUrl(bad), InputError, bad);
    }
  });
});
