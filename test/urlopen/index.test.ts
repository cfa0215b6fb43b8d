import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { urlopen, registerScheme, unregisterScheme, knownSchemes, UrlResponse, parseUrl } from '../../src/urlopen/index.js';
import { DialError, InputError, AbortError } from '../../src/errors.js';

test('a malformed URL is an InputError', async () => {
  for (const bad of ['not a url', 'http://[::1', '', '://x']) {
    const e = await urlopen(bad).catch((x: unknown) => x);
    assert.ok(e instanceof InputError, `${bad}: ${String(e)}`);
    assert.match((e as Error).message, /malformed URL/);
  }
});

test('control characters in the URL string are refused, not silently dropped', async () => {
  assert.throws(() => parseUrl('http://a/b\r\nX-Injected: 1'), InputError);
  assert.throws(() => parseUrl('http://a/\tb'), InputError);
});

test('an unknown scheme is an InputError naming it', async () => {
  const e = await urlopen('zork://x/y').catch((x: unknown) => x);
  assert.ok(e instanceof InputError);
  assert.equal((e as DialError).code, 'DIAL_E_UNSUPPORTED');
  assert.match((e as Error).message, /"zork:"/);
});

test('registerScheme adds a scheme; unregister removes it; names are checked', async () => {
  registerScheme('ECHO', async (url, options) =>
    new UrlResponse({
      url: url.href,
      status: 200,
      protocol: 'echo',
      headers: new UrlHeaders({ 'content-type': 'text/plain' }),
      body: (async function* () {
        yield Buffer.from(`${url.pathname} ${options.method ?? 'GET'}`);
      })(),
    }),
  );
  try {
    assert.ok(knownSchemes().includes('echo'));
    assert.equal(await (await urlopen('echo:hello', { method: 'PUT' })).text(), 'hello PUT');
  } finally {
    assert.equal(unregisterScheme('echo'), true);
  }
  await assert.rejects(urlopen('echo:hello'), InputError);
  assert.throws(() => registerScheme('bad scheme', async () => assert.fail()), InputError);
});

test('an opener that throws a plain error still rejects with a DialError', async () => {
  registerScheme('broken', async () => {
    throw Object.assign(new Error('boom'), { code: 'ECONNRESET' });
  });
  try {
    const e = await urlopen('broken://x').catch((x: unknown) => x);
    assert.ok(e instanceof DialError);
    assert.equal((e as DialError).code, 'DIAL_E_RESET');
  } finally {
    unregisterScheme('broken');
  }
});

test('an aborted signal rejects before anything is opened', async () => {
  await assert.rejects(urlopen('data:,x', { signal: AbortSignal.abort() }), AbortError);
});

test('the built-in schemes are known', () => {
  for (const s of ['data', 'file', 'ftp', 'ftps', 'gopher', 'http', 'https', 'news', 'nntp', 'nntps', 'pop3', 'pop3s', 'smtp', 'smtps', 'snews']) assert.ok(knownSchemes().includes(s), s);
});
