/**
 * The PROXY protocol v1 line (haproxy.ts) and request()'s `haproxyProtocol`:
 * the line is a connection's first bytes — before TLS too — names this end
 * as the source and the peer as the destination (curl 7.88's order), goes
 * once per connection, and keeps such connections out of other requests'
 * pools; through a CONNECT tunnel it goes inside, naming the connection to
 * the proxy, as curl's does.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Duplex } from 'node:stream';
import { request } from '../../../src/protocols/http/index.js';
import { haproxyLine } from '../../../src/protocols/http/haproxy.js';
import { agentsDestroyedAfter } from './server.js';
import { fakeServer, readUntil, splice, untilHeadEnd, type FakeServer } from './proxy/fake-proxy.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';

const freshAgent = agentsDestroyedAfter(after);

test('haproxyLine: TCP4 and TCP6 with this end first, UNKNOWN without IP addresses or with mixed families', () => {
  assert.equal(haproxyLine({ address: '127.0.0.1', port: 5000 }, { address: '10.0.0.2', port: 80 }).toString(), 'PROXY TCP4 127.0.0.1 10.0.0.2 5000 80\r\n');
  assert.equal(haproxyLine({ address: '::1', port: 5000 }, { address: '::1', port: 443 }).toString(), 'PROXY TCP6 ::1 ::1 5000 443\r\n');
  assert.equal(haproxyLine({}, {}).toString(), 'PROXY UNKNOWN\r\n');
  assert.equal(haproxyLine({ address: '127.0.0.1', port: 1 }, { address: '::1', port: 2 }).toString(), 'PROXY UNKNOWN\r\n');
});

/**
 * A server that reads one PROXY line per connection (recorded with the
 * client's real port, to check the line against), then answers every
 * request on it with 200 — over TLS when `pki` is given, the handshake
 * starting only after the line.
 */
interface LineServer {
  port: number;
  /** Per connection: the PROXY line as received, and the port the client connected from. */
  seen: Array<{ line: string; clientPort: number }>;
  close(): Promise<void>;
}

async function lineServer(pki?: TestPKI): Promise<LineServer> {
  const seen: LineServer['seen'] = [];
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((raw) => {
    sockets.add(raw);
    raw.on('close', () => sockets.delete(raw));
    raw.on('error', () => {});
    void readUntil(raw, (b) => b.includes('\r\n')).then((got) => {
      const end = got.indexOf('\r\n') + 2;
      seen.push({ line: got.subarray(0, end).toString('latin1'), clientPort: raw.remotePort! });
      const rest = got.subarray(end);
      let conn: Duplex = raw;
      if (pki) {
        // A TLSSocket made on a net.Socket reads its handle, past bytes already read here (the ClientHello may
        // have come with the line): a plain Duplex in between hands them over.
        const carrier = new Duplex({ read() {}, write: (chunk: Buffer, _e, cb) => raw.write(chunk, cb) });
        carrier.push(rest);
        raw.on('data', (d: Buffer) => carrier.push(d));
        raw.on('end', () => carrier.push(null));
        conn = new tls.TLSSocket(carrier as unknown as net.Socket, { isServer: true, cert: pki.server.cert, key: pki.server.key });
      } else if (rest.length > 0) raw.unshift(rest);
      conn.on('error', () => {});
      let buf = '';
      conn.on('data', (d: Buffer) => {
        buf += d.toString('latin1');
        while (buf.includes('\r\n\r\n')) {
          buf = buf.slice(buf.indexOf('\r\n\r\n') + 4);
          conn.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        }
      });
      raw.resume();
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    seen,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}

describe('request() with haproxyProtocol', () => {
  let pki: TestPKI;
  let plain: LineServer;
  let secure: LineServer;
  before(async () => {
    pki = makeTestPKI();
    [plain, secure] = await Promise.all([lineServer(), lineServer(pki)]);
  });
  after(async () => {
    await Promise.all([plain.close(), secure.close()]);
    pki.cleanup();
  });

  test('http: the line first, naming this end then the server; once per connection, which is reused', async () => {
    const agent = freshAgent();
    const from = plain.seen.length;
    for (let i = 0; i < 2; i++) assert.equal(await (await request(`http://127.0.0.1:${plain.port}/`, { agent, haproxyProtocol: true })).text(), 'ok');
    assert.equal(plain.seen.length - from, 1);
    const { line, clientPort } = plain.seen[from]!;
    assert.equal(line, `PROXY TCP4 127.0.0.1 127.0.0.1 ${clientPort} ${plain.port}\r\n`);
  });

  test('https: the line goes before the TLS handshake, which then succeeds', async () => {
    const from = secure.seen.length;
    const res = await request(`https://localhost:${secure.port}/`, { agent: freshAgent(), haproxyProtocol: true, tls: { ca: pki.ca.cert } });
    assert.equal(await res.text(), 'ok');
    assert.match(secure.seen[from]!.line, /^PROXY TCP4 127\.0\.0\.1 127\.0\.0\.1 \d+ \d+\r\n$/);
  });

  test('a connection opened with the line is not used by a request without it, nor the other way round', async () => {
    const agent = freshAgent();
    const from = plain.seen.length;
    const go = async (haproxyProtocol: boolean) => (await request(`http://127.0.0.1:${plain.port}/x`, { agent, haproxyProtocol })).text();
    assert.equal(await go(true), 'ok');
    assert.equal(await go(false), 'ok');
    assert.equal(await go(true), 'ok');
    assert.equal(await go(false), 'ok');
    // Two connections, each reused: the first line of the plain one is its request line.
    assert.deepEqual(
      plain.seen.slice(from).map((s) => s.line.split(' ')[0]),
      ['PROXY', 'GET'],
    );
    assert.equal(agent.pools.size, 2);
  });

  test('through a CONNECT tunnel: the line goes inside it, naming the connection to the proxy (as curl)', async () => {
    let proxySide: { localPort: number; remotePort: number } | undefined;
    const proxy: FakeServer = await fakeServer(async (sock, log) => {
      proxySide = { localPort: sock.localPort!, remotePort: sock.remotePort! };
      await readUntil(sock, untilHeadEnd, log);
      sock.write('HTTP/1.1 200 Connection established\r\n\r\n');
      await splice(sock, plain.port);
    });
    try {
      const from = plain.seen.length;
      const res = await request(`http://target.test:${plain.port}/`, { agent: freshAgent(), proxy: `http://127.0.0.1:${proxy.port}`, proxyTunnel: true, haproxyProtocol: true });
      assert.equal(await res.text(), 'ok');
      assert.equal(plain.seen[from]!.line, `PROXY TCP4 127.0.0.1 127.0.0.1 ${proxySide!.remotePort} ${proxySide!.localPort}\r\n`);
      // The CONNECT itself went without one.
      assert.match(Buffer.concat(proxy.received[0]!).toString('latin1'), /^CONNECT target\.test:\d+ HTTP\/1\.1\r\n/);
    } finally {
      await proxy.close();
    }
  });
});
