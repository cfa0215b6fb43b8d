import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, getGlobalAgent, setGlobalAgent, poolKey, type Origin } from '../../../src/protocols/http/agent.js';
import { request } from '../../../src/protocols/http/client.js';
import { memoryPair } from '../../../src/socket/memory.js';
import { keepAlive, serve } from './server.js';

const o = (hostname: string, port = 80, protocol: Origin['protocol'] = 'http:'): Origin => ({ protocol, hostname, port });

describe('Agent', () => {
  test('one pool per origin, the same pool on the next use', () => {
    const a = new Agent();
    assert.equal(a.pool(o('a')), a.pool(o('a')));
    assert.notEqual(a.pool(o('a')), a.pool(o('a', 81)));
    assert.notEqual(a.pool(o('a')), a.pool(o('a', 80, 'https:')));
    assert.equal(a.pools.size, 3);
    a.destroy();
  });

  test('different TLS trust, lookup, unix socket or proxy never share a pool', () => {
    const base = o('a', 443, 'https:');
    const keys = new Set([
      poolKey(base, {}),
      poolKey(base, { tls: { rejectUnauthorized: false } }),
      poolKey(base, { tls: { ca: 'x' } }),
      poolKey(base, { tls: { servername: 'b' } }),
      poolKey(base, { lookup: async () => [] }),
      poolKey(base, { unixSocket: '/tmp/s' }),
      poolKey(base, { proxy: new URL('socks5://p:1080') }),
      // Every TLS setting counts: a key, a minimum version, a passphrase as much as a CA.
      poolKey(base, { tls: { ca: 'x', key: 'k' } }),
      poolKey(base, { tls: { minVersion: 'TLSv1.3' } }),
      poolKey(base, { tls: { passphrase: 'secret' } }),
      // The https:// proxy's own TLS, and how a tunnelling proxy gets its credentials.
      poolKey(base, { proxy: new URL('https://p:3128'), proxyTls: { ca: 'y' } }),
      poolKey(base, { proxy: new URL('https://p:3128'), proxyTls: { rejectUnauthorized: false } }),
      poolKey(base, { proxy: new URL('https://p:3128'), proxyAuth: 'digest' }),
    ]);
    assert.equal(keys.size, 13);
    const tls = { ca: 'x' };
    assert.equal(poolKey(base, { tls }), poolKey(base, { tls }));
    // PEM text is compared by content, so equal settings read twice still share.
    assert.equal(poolKey(base, { tls: { ca: 'x', minVersion: 'TLSv1.2' } }), poolKey(base, { tls: { minVersion: 'TLSv1.2', ca: 'x' } }));
  });

  test('an injected connect factory carries every request (here: an in-memory server)', async () => {
    const seen: Origin[] = [];
    const agent = new Agent({
      connect: async (origin) => {
        seen.push(origin);
        const [client, server] = memoryPair();
        void (async () => {
          await server.recv();
          await server.send('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nmemory');
        })();
        return client;
      },
    });
    const res = await request('http://virtual.example:8080/x', { agent });
    assert.equal(await res.text(), 'memory');
    assert.deepEqual(seen, [o('virtual.example', 8080)]);
    agent.destroy();
  });

  test('an empty pool is dropped from the agent', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x', { Connection: 'close' })));
    const agent = new Agent();
    await (await request(srv.url, { agent })).text();
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(agent.pools.size, 0);
    await agent.close();
    await srv.close();
  });

  test('close() closes every pool; a closed agent refuses new requests', async () => {
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    const agent = new Agent();
    await (await request(srv.url, { agent })).text();
    await agent.close();
    await assert.rejects(request(srv.url, { agent }), (e: { code?: string }) => e.code === 'DIAL_E_CLOSED');
    await srv.close();
  });

  test('the global agent is used by default and can be replaced', async () => {
    const old = getGlobalAgent();
    const mine = new Agent();
    setGlobalAgent(mine);
    const srv = await serve(keepAlive((_r, _b, c) => c.respond(200, 'x')));
    await (await request(srv.url)).text();
    assert.equal(mine.pools.size, 1);
    setGlobalAgent(old);
    await mine.close();
    await srv.close();
  });
});
