import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../../../src/protocols/http/index.js';
import { hopTarget } from '../../../src/protocols/http/request-target.js';
import { InputError, type DialError } from '../../../src/errors.js';
import { agentsDestroyedAfter, keepAlive, serve } from './server.js';

const agent = agentsDestroyedAfter(after);

describe('hopTarget', () => {
  const u = new URL('http://h:81/p?q#f');
  test("the URL's own target when none is given (origin-form, or absolute-form to a forwarding proxy)", () => {
    assert.equal(hopTarget(u, false, undefined), '/p?q');
    assert.equal(hopTarget(u, true, undefined), 'http://h:81/p?q');
  });

  test('a given target goes as it is; to a forwarding proxy a path follows the origin, anything else gives way to the URL (as curl)', () => {
    assert.equal(hopTarget(u, false, '*'), '*');
    assert.equal(hopTarget(u, false, '/a/../b'), '/a/../b');
    assert.equal(hopTarget(u, true, '/a/../b'), 'http://h:81/a/../b');
    assert.equal(hopTarget(u, true, '*'), 'http://h:81/p?q');
  });
});

describe('request({ requestTarget })', () => {
  test('OPTIONS * and a path with /../ go on the request line as given; Host is the URL\'s', async () => {
    const lines: string[] = [];
    const srv = await serve(keepAlive((r, _b, c) => (lines.push(`${r.method} ${r.target} ${r.header('host')}`), c.respond(200, 'ok'))));
    try {
      const a = agent();
      await (await request(`${srv.url}/ignored`, { agent: a, method: 'OPTIONS', requestTarget: '*' })).text();
      await (await request(`${srv.url}/ignored`, { agent: a, requestTarget: '/a/./b/../c?x=1' })).text();
      assert.deepEqual(lines, [`OPTIONS * 127.0.0.1:${srv.port}`, `GET /a/./b/../c?x=1 127.0.0.1:${srv.port}`]);
    } finally {
      await srv.close();
    }
  });

  test('space, CR, LF, controls and non-ASCII are an InputError before a connection is made', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'ok')));
    try {
      for (const target of ['/a b', '/a\r\nX-Injected: 1', '/\x00', '/\x7f', '/é', ''])
        await assert.rejects(request(`${srv.url}/`, { agent: agent(), requestTarget: target, maxRedirects: 2 }), (e: DialError) => e instanceof InputError, JSON.stringify(target));
      assert.equal(srv.accepted, 0);
    } finally {
      await srv.close();
    }
  });

  test('only the first URL gets it: a redirect goes to its Location; a Digest retry of the first URL keeps it (and answers for it)', async () => {
    const lines: string[] = [];
    const srv = await serve(
      keepAlive((r, _b, c) => {
        lines.push(`${r.target} ${/uri="([^"]*)"/.exec(r.header('authorization') ?? '')?.[1] ?? '-'}`);
        if (r.target === '/raw/../x' && !r.header('authorization'))
          return c.write('HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Digest realm="r", nonce="n", qop="auth"\r\nContent-Length: 0\r\n\r\n');
        if (r.target === '/raw/../x') return c.write('HTTP/1.1 302 Found\r\nLocation: /next\r\nContent-Length: 0\r\n\r\n');
        return c.respond(200, 'end');
      }),
    );
    try {
      const res = await request(`${srv.url}/x`, { agent: agent(), requestTarget: '/raw/../x', auth: { user: 'u', password: 'p' }, authScheme: 'digest', maxRedirects: 3 });
      assert.equal(await res.text(), 'end');
      assert.deepEqual(lines, ['/raw/../x -', '/raw/../x /raw/../x', '/next /next']);
    } finally {
      await srv.close();
    }
  });
});
