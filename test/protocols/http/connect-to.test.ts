import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from '../../../src/protocols/http/index.js';
import { connectTarget } from '../../../src/protocols/http/connect-to.js';
import { InputError, type DialError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { makeTestPKI } from '../../interop/ca.js';
import { agentsDestroyedAfter, keepAlive, serve } from './server.js';

const agent = agentsDestroyedAfter(after);

describe('connectTarget: curl --connect-to entries', () => {
  test('HOST1:PORT1 match (empty = any, host without regard to case, [v6] in brackets); empty HOST2/PORT2 keep the URL\'s', () => {
    assert.deepEqual(connectTarget(['a.test:80:127.0.0.1:8080'], 'a.test', 80), { host: '127.0.0.1', port: 8080 });
    assert.deepEqual(connectTarget(['A.Test:80:127.0.0.1:8080'], 'a.test', 80), { host: '127.0.0.1', port: 8080 });
    assert.equal(connectTarget(['a.test:81:127.0.0.1:8080'], 'a.test', 80), undefined);
    assert.equal(connectTarget(['b.test:80:127.0.0.1:8080'], 'a.test', 80), undefined);
    assert.deepEqual(connectTarget(['::h2:9'], 'any.test', 443), { host: 'h2', port: 9 });
    assert.deepEqual(connectTarget(['a.test::h2:'], 'a.test', 443), { host: 'h2', port: 443 });
    assert.deepEqual(connectTarget(['a.test:80::8080'], 'a.test', 80), { host: 'a.test', port: 8080 });
    assert.deepEqual(connectTarget(['a.test:80:h2'], 'a.test', 80), { host: 'h2', port: 80 });
    assert.deepEqual(connectTarget(['[::1]:80:[::2]:81'], '[::1]', 80), { host: '::2', port: 81 });
    // The first entry that matches wins, even when a later one is more precise.
    assert.deepEqual(connectTarget(['::x:1', 'a.test:80:y:2'], 'a.test', 80), { host: 'x', port: 1 });
  });

  test('an entry that changes nothing, no entries, or entries that do not parse as a match: undefined', () => {
    assert.equal(connectTarget(['a.test:80:a.test:80'], 'a.test', 80), undefined);
    assert.equal(connectTarget(['a.test:80::'], 'a.test', 80), undefined);
    assert.equal(connectTarget([], 'a.test', 80), undefined);
    assert.equal(connectTarget(undefined, 'a.test', 80), undefined);
    for (const e of ['a.test:80', 'a.test', 'foo', '[::1:80:h:1']) assert.equal(connectTarget([e], 'a.test', 80), undefined, e);
  });

  test("a matching entry's bad PORT2 is an InputError (phase connect-to); a non-matching one is not read, as curl", () => {
    for (const e of ['a.test:80:h:x', 'a.test:80:h:99999', 'a.test:80:[::1:1', 'a.test:80:[::1]x'])
      assert.throws(() => connectTarget([e], 'a.test', 80), (err: DialError) => err instanceof InputError && err.phase === 'connect-to', e);
    assert.equal(connectTarget(['b.test:80:h:x'], 'a.test', 80), undefined);
  });
});

describe('request({ connectTo })', () => {
  test('the connection goes to HOST2:PORT2 while Host stays the URL\'s; trace and pool say where it went', async () => {
    const srv = await serve(keepAlive((r, _b, c) => c.respond(200, `${r.target} host=${r.header('host')}`)));
    try {
      const a = agent();
      const events: TraceEvent[] = [];
      const res = await request('http://a.test/x', { agent: a, connectTo: [`a.test:80:127.0.0.1:${srv.port}`], trace: (e) => events.push(e) });
      assert.equal(await res.text(), '/x host=a.test');
      const connected = events.find((e) => e.event === 'connected');
      assert.equal(connected?.data?.remotePort, srv.port);
      assert.equal(connected?.data?.remoteAddress, '127.0.0.1');
      // The same origin again reuses the connection; the pool's key names where it connects.
      const again = await request('http://a.test/y', { agent: a, connectTo: [`a.test:80:127.0.0.1:${srv.port}`] });
      assert.equal(await again.text(), '/y host=a.test');
      assert.equal(srv.accepted, 1);
      assert.ok([...a.pools.keys()].some((k) => k.startsWith('http://a.test:80|') && k.endsWith(`|127.0.0.1:${srv.port}`)));
    } finally {
      await srv.close();
    }
  });

  test('each redirect hop is matched afresh, and two origins never share a pool', async () => {
    const one = await serve(keepAlive((r, _b, c) => (r.target === '/go' ? c.write('HTTP/1.1 302 Found\r\nLocation: http://b.test/end\r\nContent-Length: 0\r\n\r\n') : c.respond(200, `one ${r.target}`))));
    const two = await serve(keepAlive((r, _b, c) => c.respond(200, `two ${r.target} host=${r.header('host')}`)));
    try {
      const a = agent();
      const connectTo = [`a.test:80:127.0.0.1:${one.port}`, `b.test::127.0.0.1:${two.port}`];
      const res = await request('http://a.test/go', { agent: a, connectTo, maxRedirects: 3 });
      assert.equal(await res.text(), 'two /end host=b.test');
      assert.equal((await (await request('http://a.test/x', { agent: a, connectTo })).text()), 'one /x');
      assert.equal(one.accepted, 1);
      assert.equal(two.accepted, 1);
      // Without the entries, a.test is not one of them: nothing is reused for it.
      assert.equal((await (await request(`${one.url}/x`, { agent: a })).text()), 'one /x');
      assert.equal(one.accepted, 2);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  test('a matching entry with a bad port is refused before anything is sent', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    try {
      await assert.rejects(request(`${srv.url}/`, { agent: agent(), connectTo: ['127.0.0.1::127.0.0.1:nope'] }), (e: DialError) => e instanceof InputError && e.phase === 'connect-to');
      assert.equal(srv.accepted, 0);
    } finally {
      await srv.close();
    }
  });

  test('https: SNI and the certificate check stay the URL host\'s (a name and an IP literal), another name fails verification', async () => {
    const pki = makeTestPKI({ names: ['only.test', '10.9.8.7'] });
    const srv = await serve(keepAlive((r, _b, c) => c.respond(200, `sni=${(c.socket as import('node:tls').TLSSocket).servername || '-'} ${r.target}`)), { tls: { cert: pki.server.cert, key: pki.server.key } });
    try {
      const connectTo = [`::127.0.0.1:${srv.port}`];
      const tls = { ca: pki.ca.cert };
      assert.equal(await (await request('https://only.test/a', { agent: agent(), connectTo, tls })).text(), 'sni=only.test /a');
      assert.equal(await (await request('https://10.9.8.7/b', { agent: agent(), connectTo, tls })).text(), 'sni=- /b');
      await assert.rejects(request('https://other.test/c', { agent: agent(), connectTo, tls }), (e: DialError) => e.code === 'DIAL_E_TLS_CERT');
    } finally {
      await srv.close();
      pki.cleanup();
    }
  });
});
