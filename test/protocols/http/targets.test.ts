import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent } from '../../../src/protocols/http/agent.js';
import { requestTarget, routeOf, targetOf } from '../../../src/protocols/http/targets.js';
import { InputError } from '../../../src/errors.js';

test('a URL string without userinfo is parsed once and reused', () => {
  const a = targetOf('http://example.test/a?b=1');
  assert.equal(a.url.href, 'http://example.test/a?b=1');
  assert.equal(a.creds, undefined);
  assert.equal(targetOf('http://example.test/a?b=1'), a);
});

test('userinfo is taken out, percent-decoded, and such a URL is not cached', () => {
  const t = targetOf('http://us%40er:p%3Ass@example.test/x');
  assert.deepEqual(t.creds, { user: 'us@er', password: 'p:ss' });
  assert.equal(t.url.href, 'http://example.test/x');
  assert.notEqual(targetOf('http://us%40er:p%3Ass@example.test/x'), t);
});

test('anything but http(s), or no host, is an InputError', () => {
  assert.throws(() => targetOf('ftp://example.test/'), InputError);
  assert.throws(() => targetOf('not a url'), InputError);
});

test('routes are kept per agent and origin while their pool lives; other settings are not cached', async () => {
  const agent = new Agent();
  const u = new URL('http://127.0.0.1:9/p');
  const r1 = routeOf(agent, u, { proxy: null });
  assert.equal(routeOf(agent, new URL('http://127.0.0.1:9/q'), { proxy: null }), r1);
  assert.ok(r1.heads instanceof Map);
  const withLookup = routeOf(agent, u, { proxy: null, lookup: async () => [] });
  assert.notEqual(withLookup, r1);
  assert.equal(withLookup.heads, undefined);
  await r1.pool.close();
  assert.notEqual(routeOf(agent, u, { proxy: null }), r1, 'a closed pool is asked for again');
  agent.destroy();
});

test('requestTarget: path and query as typed (an empty query keeps its "?"), absolute-form for a proxy, never the fragment', () => {
  const t = (url: string, absolute = false) => requestTarget(new URL(url), absolute);
  assert.equal(t('http://h/echo?'), '/echo?');
  assert.equal(t('http://h/echo?#frag'), '/echo?');
  assert.equal(t('http://h/echo?#'), '/echo?');
  assert.equal(t('http://h/echo'), '/echo');
  assert.equal(t('http://h/echo#a?b'), '/echo');
  assert.equal(t('http://h/echo?x=1#f'), '/echo?x=1');
  assert.equal(t('http://h'), '/');
  assert.equal(t('http://h/a?b#c', true), 'http://h/a?b');
});
