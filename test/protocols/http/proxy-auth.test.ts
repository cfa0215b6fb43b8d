/**
 * request()'s `proxyAuth` against an in-process forwarding proxy that wants
 * Digest (RFC 7616, answered with Proxy-Authorization to a 407's
 * Proxy-Authenticate, RFC 9110 §11.7) or offers Basic: 'basic' (the default,
 * curl's) sends Basic at once, 'digest' never sends the password in the
 * clear, 'any' waits for the 407 and answers in the strongest scheme offered.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from '../../../src/protocols/http/index.js';
import { parseChallenges } from '../../../src/protocols/http/auth/digest.js';
import { agentsDestroyedAfter, keepAlive, serve, type ReceivedRequest, type TestServer } from './server.js';

const md5 = (s: string) => createHash('md5').update(s).digest('hex');
const BASIC = `Basic ${Buffer.from('u:p w').toString('base64')}`;

/** Every Proxy-Authorization the proxy saw, in order ('' for none), and the request targets. */
const seen: Array<{ auth: string; target: string; method: string }> = [];
let digestProxy: TestServer;
let basicProxy: TestServer;

function record(req: ReceivedRequest): string {
  const auth = req.header('proxy-authorization') ?? '';
  seen.push({ auth, target: req.target, method: req.method });
  return auth;
}

/** A valid Digest answer for user u, password "p w", realm r, nonce n (qop auth). */
function digestValid(auth: string, method: string): boolean {
  if (!auth.startsWith('Digest ')) return false;
  const p = parseChallenges([auth])[0]!.params;
  const ha2 = md5(`${method}:${p['uri']}`);
  return p['response'] === md5(`${md5('u:r:p w')}:n:${p['nc']}:${p['cnonce']}:auth:${ha2}`);
}

/** A fresh pool per test; each is destroyed when the file ends, before the servers close. */
const freshAgent = agentsDestroyedAfter(after);

before(async () => {
  digestProxy = await serve(
    keepAlive((req, _b, c) => {
      const auth = record(req);
      if (digestValid(auth, req.method)) return c.respond(200, `ok ${req.target}`);
      return c.respond(407, 'who are you', { 'Proxy-Authenticate': 'Basic realm="r", Digest realm="r", nonce="n", qop="auth"' });
    }),
  );
  basicProxy = await serve(
    keepAlive((req, _b, c) => {
      const auth = record(req);
      if (auth === BASIC) return c.respond(200, `ok ${req.target}`);
      return c.respond(407, 'who are you', { 'Proxy-Authenticate': 'Basic realm="r"' });
    }),
  );
});
after(async () => {
  await Promise.all([digestProxy.close(), basicProxy.close()]);
});

const via = (srv: TestServer) => `http://u:p%20w@127.0.0.1:${srv.port}`;

describe('forwarding proxy authentication (proxyAuth)', () => {
  test('"digest": nothing at first, then the 407 answered with Digest over the absolute-form target; the password never goes as Basic', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const res = await request('http://origin.test/a?b=1', { agent, proxy: via(digestProxy), proxyAuth: 'digest' });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), 'ok http://origin.test/a?b=1');
    assert.equal(seen.length, 2);
    assert.equal(seen[0]!.auth, '');
    assert.match(seen[1]!.auth, /^Digest username="u", realm="r", uri="http:\/\/origin\.test\/a\?b=1", nonce="n"/);
    assert.ok(!seen.some((s) => s.auth.startsWith('Basic')));
    // The 407 before the answer is in the history, as a 401 is.
    assert.deepEqual(res.history.map((h) => h.status), [407]);
  });

  test('"digest" against a proxy that offers only Basic: the 407 is the answer, the password kept', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const res = await request('http://origin.test/', { agent, proxy: via(basicProxy), proxyAuth: 'digest' });
    assert.equal(res.status, 407);
    await res.text();
    assert.deepEqual(seen.map((s) => s.auth), ['']);
  });

  test('"any": nothing at first, then the strongest scheme offered (Digest over Basic; Basic where it is all)', async () => {
    const agent = freshAgent();
    seen.length = 0;
    assert.equal((await request('http://origin.test/d', { agent, proxy: via(digestProxy), proxyAuth: 'any' })).status, 200);
    assert.deepEqual(seen.map((s) => s.auth.split(' ')[0]), ['', 'Digest']);
    seen.length = 0;
    assert.equal((await request('http://origin.test/b', { agent, proxy: via(basicProxy), proxyAuth: 'any' })).status, 200);
    assert.deepEqual(seen.map((s) => s.auth), ['', BASIC]);
  });

  test('"basic" (the default, as curl): Basic at once, and a 407 is the answer', async () => {
    const agent = freshAgent();
    seen.length = 0;
    assert.equal((await request('http://origin.test/x', { agent, proxy: via(basicProxy) })).status, 200);
    const refused = await request('http://origin.test/y', { agent, proxy: via(digestProxy) });
    assert.equal(refused.status, 407);
    await refused.text();
    assert.deepEqual(seen.map((s) => s.auth), [BASIC, BASIC]);
  });

  test('a POST body is sent again with the answer; a caller\'s own Proxy-Authorization is left alone', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const res = await request('http://origin.test/p', { agent, proxy: via(digestProxy), proxyAuth: 'digest', method: 'POST', body: 'data' });
    assert.equal(res.status, 200);
    assert.deepEqual(seen.map((s) => s.method), ['POST', 'POST']);
    seen.length = 0;
    const own = await request('http://origin.test/o', { agent, proxy: via(digestProxy), proxyAuth: 'digest', headers: { 'Proxy-Authorization': 'Bearer mine' } });
    assert.equal(own.status, 407);
    await own.text();
    assert.deepEqual(seen.map((s) => s.auth), ['Bearer mine']);
  });
});
