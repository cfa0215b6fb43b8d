import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveProxy } from '../../../src/protocols/http/proxy-route.js';
import { InputError } from '../../../src/errors.js';

const u = (s: string) => new URL(s);

test('direct: proxy null, a unix socket, or nothing in the environment', () => {
  assert.equal(resolveProxy(u('http://a/'), { proxy: null }).proxy, undefined);
  assert.equal(resolveProxy(u('http://a/'), { proxy: 'http://p:3128', unixSocket: '/s' }).absoluteForm, false);
  const saved = { ...process.env };
  for (const k of ['http_proxy', 'https_proxy', 'all_proxy', 'ALL_PROXY', 'HTTPS_PROXY']) delete process.env[k];
  try {
    const r = resolveProxy(u('http://a/'), {});
    assert.deepEqual([r.proxy, r.poolOrigin, r.absoluteForm], [undefined, undefined, false]);
  } finally {
    Object.assign(process.env, saved);
  }
});

test('http URL through an http proxy: forwarded in absolute form, with Basic proxy credentials', () => {
  const r = resolveProxy(u('http://a/x'), { proxy: 'http://us%40r:pw@p:3128' });
  assert.equal(r.absoluteForm, true);
  assert.deepEqual(r.poolOrigin, { protocol: 'http:', hostname: 'p', port: 3128 });
  assert.deepEqual(r.headers, [['Proxy-Authorization', `Basic ${Buffer.from('us@r:pw').toString('base64')}`]]);
});

test('https URL, or any SOCKS proxy: tunnelled', () => {
  assert.equal(resolveProxy(u('https://a/'), { proxy: 'http://p:3128' }).proxy?.host, 'p:3128');
  assert.equal(resolveProxy(u('http://a/'), { proxy: 'socks5h://p' }).proxy?.protocol, 'socks5h:');
  assert.equal(resolveProxy(u('https://a/'), { proxy: 'socks5://p:1080' }).absoluteForm, false);
});

test('proxyTunnel: plain http goes by CONNECT too, its credentials on the tunnel, none on the request', () => {
  const r = resolveProxy(u('http://a/x'), { proxy: 'http://me:pw@p:3128', proxyTunnel: true });
  assert.equal(r.proxy?.href, 'http://me:pw@p:3128/');
  assert.equal(r.poolOrigin, undefined);
  assert.equal(r.absoluteForm, false);
  assert.deepEqual(r.headers, []);
});

test('proxyAuth "digest" or "any": a forwarding proxy gets no Basic up front, the credentials wait for its 407', () => {
  for (const proxyAuth of ['digest', 'any'] as const) {
    const r = resolveProxy(u('http://a/x'), { proxy: 'http://me:p%20w@p:3128', proxyAuth });
    assert.deepEqual(r.headers, []);
    assert.deepEqual(r.credentials, { user: 'me', password: 'p w' });
  }
  assert.equal(resolveProxy(u('http://a/x'), { proxy: 'http://me:pw@p:3128', proxyAuth: 'basic' }).credentials, undefined);
});

test('the environment and noProxy', () => {
  const saved = process.env['https_proxy'];
  process.env['https_proxy'] = 'http://envproxy:8080';
  try {
    assert.equal(resolveProxy(u('https://a.example/'), {}).proxy?.hostname, 'envproxy');
    assert.equal(resolveProxy(u('https://a.example/'), { noProxy: 'example' }).proxy, undefined);
  } finally {
    if (saved === undefined) delete process.env['https_proxy'];
    else process.env['https_proxy'] = saved;
  }
});

test('socks4 is tunnelled too; a bad proxy URL is an InputError', () => {
  assert.equal(resolveProxy(u('http://a/'), { proxy: 'socks4a://p' }).proxy?.protocol, 'socks4a:');
  assert.throws(() => resolveProxy(u('http://a/'), { proxy: 'ftp://p' }), InputError);
});

test('noProxy applies to an explicit proxy too, as curl --noproxy does with -x', () => {
  assert.equal(resolveProxy(u('http://a.example/'), { proxy: 'http://p:3128', noProxy: 'example' }).absoluteForm, false);
  assert.equal(resolveProxy(u('http://a.example/'), { proxy: 'http://p:3128', noProxy: 'example' }).poolOrigin, undefined);
  assert.equal(resolveProxy(u('https://a.example/'), { proxy: 'socks5h://p', noProxy: '*' }).proxy, undefined);
  assert.equal(resolveProxy(u('http://10.1.2.3/'), { proxy: 'http://p:3128', noProxy: '10.0.0.0/8' }).absoluteForm, false);
  // Hosts not on the list still go through it.
  assert.equal(resolveProxy(u('https://b.test/'), { proxy: 'http://p:3128', noProxy: 'example' }).proxy?.host, 'p:3128');
  assert.equal(resolveProxy(u('http://b.test/'), { proxy: 'http://p:3128', noProxy: '' }).absoluteForm, true);
});
