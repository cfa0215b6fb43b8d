/**
 * TLS against peers that do not speak it, and the server side against
 * hostile clients: the socket-layer cases test/socket/socket.test.ts does not
 * cover. One throwaway PKI (openssl) serves the whole file. Loopback only;
 * every wait is bounded.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { rawPeer as startPeer, sleep, within, type RawPeer } from '../helpers/peers.js';
import { DialError, ProtocolError, TLSError, TimeoutError } from '../../src/errors.js';
import { Socket } from '../../src/socket/socket.js';
import { listen } from '../../src/socket/server.js';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';

const unhandled: unknown[] = [];
const onUnhandled = (e: unknown) => unhandled.push(e);
process.on('unhandledRejection', onUnhandled);
const servers: RawPeer[] = [];
let pki!: TestPKI;
before(() => {
  pki = makeTestPKI();
});
after(async () => {
  process.off('unhandledRejection', onUnhandled);
  await Promise.all(servers.map((s) => s.close()));
  pki?.cleanup();
});

const rawPeer = (onConn: (c: net.Socket) => void) => startPeer(onConn, servers);

describe('TLS against peers that do not speak it', () => {
  test('TLS to a plaintext server that greets first: TLSError DIAL_E_TLS', async () => {
    const p = await rawPeer((c) => c.write('220 plain old SMTP here\r\n'));
    await within(
      assert.rejects(Socket.connect({ host: '127.0.0.1', port: p.port, tls: true, timeout: 3000 }), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS' && e.phase === 'tls'),
      5000,
      'connect',
    );
    await p.close();
  });

  test('TLS to a server that never answers the ClientHello: TimeoutError within the bound', async () => {
    const p = await rawPeer((c) => c.resume());
    const t0 = Date.now();
    await within(assert.rejects(Socket.connect({ host: '127.0.0.1', port: p.port, tls: true, timeout: 300 }), TimeoutError), 5000, 'connect');
    assert.ok(Date.now() - t0 < 2500);
    await p.close();
  });

  test('TLS to a server that hangs up at once: a typed TLS error', async () => {
    const p = await rawPeer((c) => c.end());
    await within(assert.rejects(Socket.connect({ host: '127.0.0.1', port: p.port, tls: true, timeout: 3000 }), TLSError), 5000, 'connect');
    await p.close();
  });

  test('startTLS when the peer answers the handshake with plaintext: TLSError, and the socket is unusable after', async () => {
    const p = await rawPeer((c) => c.once('data', () => c.write('500 what is this\r\n')));
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    await within(assert.rejects(s.startTLS({ timeout: 3000 }), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS'), 5000, 'startTLS');
    assert.equal(s.encrypted, false);
    await assert.rejects(s.send('x'), DialError);
    await assert.rejects(s.recv(), DialError);
    await p.close();
  });

  test('startTLS checks the certificate against the host name dialled, and sends it as SNI, not the resolved address', async () => {
    // A certificate for the name only, as public servers have: no IP in its subjectAltName.
    const named = makeTestPKI({ names: ['localhost'] });
    let sni: string | undefined;
    const p = await rawPeer((c) =>
      c.once('data', () => {
        c.write('220 go ahead\r\n');
        const creds = { key: named.server.key, cert: named.server.cert };
        const SNICallback = (name: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => {
          sni = name;
          cb(null, tls.createSecureContext(creds));
        };
        const t = new tls.TLSSocket(c, { isServer: true, ...creds, SNICallback });
        t.on('error', () => {});
        t.on('data', (d: Buffer) => t.write(d));
      }),
    );
    const s = await Socket.connect({ host: 'localhost', port: p.port, family: 4, timeout: 3000 });
    try {
      await s.send('STARTTLS\r\n');
      assert.equal((await s.recv(100, { timeout: 3000 })).toString(), '220 go ahead\r\n');
      // Before: the check ran against 127.0.0.1 ("IP: 127.0.0.1 is not in the cert's list") with no SNI.
      await within(s.startTLS({ ca: named.ca.cert, timeout: 5000 }), 8000, 'startTLS');
      assert.equal(s.encrypted, true);
      assert.equal(sni, 'localhost');
      await s.send('ping');
      assert.equal((await s.recv(10, { timeout: 3000 })).toString(), 'ping');
    } finally {
      s.destroy();
      named.cleanup();
    }
  });

  test('startTLS with plaintext already queued: ProtocolError DIAL_E_INJECTION, socket destroyed, error sticks', async () => {
    const p = await rawPeer((c) => c.write('220 go ahead\r\n250 injected\r\n'));
    const s = await Socket.connect({ host: '127.0.0.1', port: p.port });
    assert.equal((await s.recv(14, { timeout: 3000 })).toString(), '220 go ahead\r\n');
    for (let i = 0; i < 100 && s.bufferedLength === 0; i++) await sleep(10);
    let err: unknown;
    await assert.rejects(s.startTLS(), (e: unknown) => ((err = e), e instanceof ProtocolError && e.code === 'DIAL_E_INJECTION'));
    assert.equal(s.encrypted, false);
    await assert.rejects(s.send('x'), (e: unknown) => e === err);
    await assert.rejects(s.startTLS(), (e: unknown) => e === err, 'no second try on the same socket');
    await p.close();
  });
});

describe('the server side against hostile clients', () => {
  test('a flood of connections past maxPending is shed, not queued', async () => {
    const srv = await listen({ maxPending: 2 });
    servers.push(srv);
    const clients: net.Socket[] = [];
    const closed: Array<Promise<unknown>> = [];
    for (let i = 0; i < 6; i++) {
      const c = net.connect({ host: '127.0.0.1', port: srv.port });
      c.on('error', () => {});
      c.on('data', () => {});
      clients.push(c);
      closed.push(new Promise((r) => c.once('close', r)));
      await once(c, 'connect');
    }
    // The four past the bound are closed by the server; wait for them, bounded.
    const settled = await within(
      (async () => {
        for (let i = 0; i < 100; i++) {
          if (clients.filter((c) => c.destroyed || c.readableEnded).length >= 4) return true;
          await sleep(20);
        }
        return false;
      })(),
      3000,
      'shedding',
    );
    assert.ok(settled, 'the connections past maxPending were closed');
    const a = await srv.accept({ timeout: 1000 });
    const b = await srv.accept({ timeout: 1000 });
    await assert.rejects(srv.accept({ timeout: 100 }), TimeoutError);
    a.destroy();
    b.destroy();
    for (const c of clients) c.destroy();
    await srv.close();
  });

  test('a TLS server survives a client that sends garbage instead of a ClientHello, and serves the next one', async () => {
    const srv = await listen({ tls: { key: pki.server.key, cert: pki.server.cert } });
    servers.push(srv);
    const bad = net.connect({ host: '127.0.0.1', port: srv.port });
    bad.on('error', () => {});
    await once(bad, 'connect');
    bad.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await within(once(bad, 'close'), 3000, 'the server dropping the garbage client');
    const accepting = srv.accept({ timeout: 10000 });
    const good = await Socket.connect({ host: '127.0.0.1', port: srv.port, tls: { ca: pki.ca.cert, servername: 'localhost' }, timeout: 10000 });
    const conn = await accepting;
    await good.send('hello over tls');
    assert.equal((await conn.recvExactly(14, { timeout: 3000 })).toString(), 'hello over tls');
    await good.close();
    await conn.close();
    await srv.close();
  });

  test('a TLS client that does not trust the server certificate gets DIAL_E_TLS_CERT', async () => {
    const srv = await listen({ tls: { key: pki.server.key, cert: pki.server.cert } });
    await within(
      assert.rejects(
        Socket.connect({ host: '127.0.0.1', port: srv.port, tls: { ca: pki.untrustedCA.cert, servername: 'localhost' }, timeout: 10000 }),
        (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT',
      ),
      15000,
      'connect',
    );
    // Not awaited on purpose: the server side of a handshake the client abandoned stays
    // half-open (the TLS server is made with allowHalfOpen), so Server.close() never
    // resolves. Reported to the socket layer's owner; awaiting it here would hang the file.
    void srv.close();
  });
});

test('no unhandled rejection escaped any hostile TLS or server case', async () => {
  await sleep(50);
  assert.deepEqual(unhandled, []);
});
