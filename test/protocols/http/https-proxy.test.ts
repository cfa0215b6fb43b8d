/**
 * request() through an https:// proxy: TLS to the proxy with settings of its
 * own (`proxyTls`, `proxyInsecure`), kept apart from the target's (`tls`,
 * `insecure`) as curl keeps --proxy-cacert apart from --cacert. The proxy's
 * certificate comes from one CA and the target's from another, so a client
 * that mixed the two trusts fails here.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { request } from '../../../src/protocols/http/index.js';
import { TLSError, type DialError } from '../../../src/errors.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { agentsDestroyedAfter, keepAlive, serve, type ServerConn, type TestServer } from './server.js';

let pki: TestPKI;
/** The target, with a certificate from the *untrusted* CA (trusted here only as the target's CA). */
let target: TestServer;
/** An https:// proxy (certificate from the test CA) that forwards plain http and tunnels CONNECT. */
let proxy: TestServer;
/** Request lines the proxy received, and the client certificate's CN it saw. */
const seen: Array<{ line: string; clientCN: string | undefined }> = [];
let origin: TestServer;

async function proxyConn(c: ServerConn): Promise<void> {
  const req = await c.readHead();
  if (!req) return;
  const peer = (c.socket as tls.TLSSocket).getPeerCertificate?.();
  seen.push({ line: `${req.method} ${req.target}`, clientCN: peer && 'subject' in peer && peer.subject ? String(peer.subject.CN) : undefined });
  if (req.method === 'CONNECT') {
    const port = Number(req.target.slice(req.target.lastIndexOf(':') + 1));
    const upstream = net.connect(port, '127.0.0.1');
    await new Promise((r) => upstream.once('connect', r));
    await c.write('HTTP/1.1 200 Connection established\r\n\r\n');
    c.socket.removeAllListeners('data');
    c.socket.pipe(upstream).pipe(c.socket);
    return;
  }
  // Forwarding: answer for the origin, naming the absolute-form target it was asked for.
  await c.respond(200, `forwarded ${req.target}`);
}

/** A fresh pool per test; each is destroyed when the file ends, before the servers close. */
const freshAgent = agentsDestroyedAfter(after);

before(async () => {
  pki = makeTestPKI();
  target = await serve(keepAlive((req, _b, c) => c.respond(200, `target ${req.target}`)), { tls: { cert: pki.untrustedServer.cert, key: pki.untrustedServer.key } });
  proxy = await serve(proxyConn, { tls: { cert: pki.server.cert, key: pki.server.key, requestCert: true, rejectUnauthorized: false, ca: pki.ca.cert } });
  origin = await serve(keepAlive((_r, _b, c) => c.respond(200, 'direct')));
});
after(async () => {
  await Promise.all([target.close(), proxy.close(), origin.close()]);
  pki.cleanup();
});

const viaProxy = () => `https://localhost:${proxy.port}`;

describe('forwarding (http:// URL through an https:// proxy)', () => {
  test('proxyTls.ca verifies the proxy; the request goes in absolute form inside TLS', async () => {
    const agent = freshAgent();
    const res = await request(`http://127.0.0.1:${origin.port}/f?x=1`, { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert } });
    assert.equal(await res.text(), `forwarded http://127.0.0.1:${origin.port}/f?x=1`);
  });

  test('an untrusted proxy is refused as the proxy’s: TLSError, phase proxy-tls, and insecure (the target’s) does not reach it', async () => {
    const agent = freshAgent();
    for (const options of [{}, { insecure: true }, { tls: { ca: pki.ca.cert } }]) {
      await assert.rejects(
        request(`http://127.0.0.1:${origin.port}/`, { agent, proxy: viaProxy(), ...options }),
        (e: DialError) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT' && e.phase === 'proxy-tls' && /proxy localhost/.test(e.message),
      );
    }
    const res = await request(`http://127.0.0.1:${origin.port}/k`, { agent, proxy: viaProxy(), proxyInsecure: true });
    assert.equal(await res.text(), `forwarded http://127.0.0.1:${origin.port}/k`);
    // The unverified connection is a pool of its own: a verified request after it is refused, not carried on it.
    await assert.rejects(request(`http://127.0.0.1:${origin.port}/`, { agent, proxy: viaProxy() }), (e: DialError) => e.phase === 'proxy-tls');
  });

  test('proxyTls.cert/key: the client certificate goes to the proxy', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const res = await request(`http://127.0.0.1:${origin.port}/c`, { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key } });
    await res.text();
    assert.deepEqual(seen, [{ line: `GET http://127.0.0.1:${origin.port}/c`, clientCN: 'dialtone-test-client' }]);
  });
});

describe('tunnelling (https:// URL through an https:// proxy: TLS inside TLS)', () => {
  test('each end verified with its own CA', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const res = await request(`https://localhost:${target.port}/t`, { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert }, tls: { ca: pki.untrustedCA.cert } });
    assert.equal(await res.text(), 'target /t');
    assert.deepEqual(
      seen.map((s) => s.line),
      [`CONNECT localhost:${target.port}`],
    );
  });

  test('a target the proxy’s CA does not vouch for is still refused — as the target’s failure, phase tls', async () => {
    const agent = freshAgent();
    await assert.rejects(
      request(`https://localhost:${target.port}/`, { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert } }),
      (e: DialError) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT' && e.phase === 'tls',
    );
    await assert.rejects(
      request(`https://localhost:${target.port}/`, { agent, proxy: viaProxy(), tls: { ca: pki.untrustedCA.cert } }),
      (e: DialError) => e instanceof TLSError && e.phase === 'proxy-tls',
    );
    // Skipping one end's check leaves the other's in place.
    const res = await request(`https://localhost:${target.port}/i`, { agent, proxy: viaProxy(), proxyInsecure: true, tls: { ca: pki.untrustedCA.cert } });
    assert.equal(await res.text(), 'target /i');
    await assert.rejects(request(`https://localhost:${target.port}/`, { agent, proxy: viaProxy(), insecure: true }), (e: DialError) => e.phase === 'proxy-tls');
  });

  test('connectTo moves the CONNECT target (curl --connect-to); the certificate is still checked against the URL\'s name', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const o = { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert }, tls: { ca: pki.untrustedCA.cert } };
    const res = await request('https://localhost:1/moved', { ...o, connectTo: [`localhost:1:127.0.0.1:${target.port}`] });
    assert.equal(await res.text(), 'target /moved');
    assert.deepEqual(seen.map((s) => s.line), [`CONNECT 127.0.0.1:${target.port}`]);
    await assert.rejects(
      request('https://wrong.test:1/', { ...o, connectTo: [`wrong.test:1:127.0.0.1:${target.port}`] }),
      (e: DialError) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT' && e.phase === 'tls',
    );
  });

  test('different proxy TLS settings never share a pooled connection', async () => {
    const agent = freshAgent();
    seen.length = 0;
    const a = { agent, proxy: viaProxy(), proxyTls: { ca: pki.ca.cert }, tls: { ca: pki.untrustedCA.cert } };
    const b = { ...a, proxyTls: { ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key } };
    for (const o of [a, a, b, b]) await (await request(`https://localhost:${target.port}/p`, o)).text();
    assert.deepEqual(
      seen.map((s) => s.clientCN),
      [undefined, 'dialtone-test-client'],
    );
  });
});
