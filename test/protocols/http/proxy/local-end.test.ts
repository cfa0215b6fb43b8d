// The local end (curl --interface) holds for the connection to a proxy too:
// a CONNECT proxy, a SOCKS5 proxy and a forwarding proxy each see the bound
// source address, as a direct server does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { request, Agent } from '../../../../src/protocols/http/index.js';
import { keepAlive, serve, type TestServer } from '../server.js';
import { fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './fake-proxy.js';

let origin: TestServer;
const seen: string[] = [];
let connectProxy: FakeServer;
let socks: FakeServer;
let forward: FakeServer;
const agents: Agent[] = [];
const fresh = () => {
  const a = new Agent();
  agents.push(a);
  return a;
};
const note = (sock: net.Socket) => seen.push(sock.remoteAddress ?? '');

before(async () => {
  origin = await serve(keepAlive((_req, _b, c) => c.respond(200, 'origin')));
  connectProxy = await fakeServer(async (sock) => {
    note(sock);
    await readUntil(sock, untilHeadEnd);
    sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
    await splice(sock, origin.port);
  });
  socks = await fakeServer(async (sock) => {
    note(sock);
    await readUntil(sock, (b) => b.length >= 3);
    sock.write(Buffer.from([5, 0]));
    await readUntil(sock, (b) => b.length >= 10);
    sock.write(Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]));
    await splice(sock, origin.port);
  });
  forward = await fakeServer(async (sock) => {
    note(sock);
    await readUntil(sock, untilHeadEnd);
    sock.end('HTTP/1.1 200 OK\r\nContent-Length: 9\r\nConnection: close\r\n\r\nforwarded');
  });
});
after(async () => {
  for (const a of agents) a.destroy();
  await Promise.all([origin.close(), connectProxy.close(), socks.close(), forward.close()]);
});

test('CONNECT, SOCKS5 and forwarding proxies see the bound source address', async () => {
  const local = { interface: '127.0.0.2' };
  const target = `http://127.0.0.1:${origin.port}/`;
  const cases: Array<[string, Parameters<typeof request>[1], string]> = [
    ['CONNECT', { proxy: `http://127.0.0.1:${connectProxy.port}`, proxyTunnel: true }, 'origin'],
    ['SOCKS5', { proxy: `socks5://127.0.0.1:${socks.port}` }, 'origin'],
    ['forwarding', { proxy: `http://127.0.0.1:${forward.port}` }, 'forwarded'],
  ];
  for (const [what, opts, body] of cases) {
    seen.length = 0;
    const res = await request(target, { ...opts, local, agent: fresh(), timeout: 5000 });
    assert.equal(await res.text(), body, what);
    assert.deepEqual(seen, ['127.0.0.2'], what);
  }
});
