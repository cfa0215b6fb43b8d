import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { connect, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:tls';
import { InputError, TLSError } from '../../src/errors.js';
import { checkCiphers, handshake, type TLSOptions } from '../../src/socket/tls.js';

const refused = (list: string) => (e: unknown) => e instanceof InputError && e.phase === 'ciphers' && e.message.includes(list);

test('checkCiphers takes lists OpenSSL knows, of either kind', () => {
  checkCiphers({});
  checkCiphers({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' });
  checkCiphers({ ciphers: 'HIGH:!aNULL' });
  checkCiphers({ tls13Ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256' });
});

test('checkCiphers refuses a list naming nothing known, a TLS 1.3 name that is not TLS_…, and a TLS 1.2 list of TLS 1.3 names only', () => {
  assert.throws(() => checkCiphers({ ciphers: 'NOPE' }), refused('cipher list: NOPE'));
  assert.throws(() => checkCiphers({ ciphers: 'TLS_AES_128_GCM_SHA256' }), refused('cipher list'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'NOPE' }), refused('TLS 1.3 cipher suite: NOPE'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'TLS_NOPE' }), refused('TLS_NOPE'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }), refused('TLS 1.3'));
});

test('pinnedPublicKeys on an EC server key: the SPKI pin passes, another is DIAL_E_TLS_PINNED — with verification off too', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-pin-'));
  const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'k.pem', '-out', 'c.pem', '-days', '1', '-subj', '/CN=pin', '-addext', 'subjectAltName=IP:127.0.0.1'], { cwd: dir, encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const cert = readFileSync(join(dir, 'c.pem'));
  const server = createServer({ cert, key: readFileSync(join(dir, 'k.pem')) }, (s) => s.end());
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const pin = createHash('sha256').update(new X509Certificate(cert).publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
  const open = async (options: TLSOptions) => {
    const sock = connect(port, '127.0.0.1');
    await once(sock, 'connect');
    return handshake(sock, '127.0.0.1', options, { timeout: 5000 });
  };
  try {
    (await open({ ca: cert, pinnedPublicKeys: ['AAAA', pin] })).destroy();
    await assert.rejects(open({ ca: cert, pinnedPublicKeys: ['AAAA'] }), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_PINNED');
    await assert.rejects(open({ rejectUnauthorized: false, pinnedPublicKeys: [] }), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_PINNED');
  } finally {
    server.close();
  }
});
