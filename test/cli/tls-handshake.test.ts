/**
 * The TLS handshake options beside curl's: --crlfile (a revoked server
 * certificate is exit 60; a file that is no CRL exit 82), --curves (a group
 * OpenSSL lacks is exit 59), --no-alpn (no ALPN offered) and --no-sessionid
 * (no session resumed on the next connection to the origin).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { CURL, curl, dial, makePki, startTlsServer, type Pki, type TlsTestServer } from './helpers.js';

let pki: Pki;
let srv: TlsTestServer;
let url = '';
/** CRLs of the test CA: one listing nothing, one listing the server's certificate. */
let emptyCrl = '';
let revokedCrl = '';

/** Writes the CA's CRLs with `openssl ca`, before and after revoking the server certificate. */
function makeCrls(p: Pki): void {
  const ssl = (...args: string[]) => {
    const r = spawnSync('openssl', args, { cwd: p.dir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  };
  writeFileSync(join(p.dir, 'ca.cnf'), '[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n');
  writeFileSync(join(p.dir, 'index.txt'), '');
  writeFileSync(join(p.dir, 'crlnumber'), '01\n');
  const ca = ['-config', 'ca.cnf', '-keyfile', 'ca.key', '-cert', 'ca.crt'];
  ssl('ca', ...ca, '-gencrl', '-out', 'empty.crl');
  ssl('ca', ...ca, '-revoke', 'server.crt');
  ssl('ca', ...ca, '-gencrl', '-out', 'revoked.crl');
  emptyCrl = join(p.dir, 'empty.crl');
  revokedCrl = join(p.dir, 'revoked.crl');
}

before(async () => {
  const made = makePki();
  assert.ok(made, 'openssl makes the test PKI');
  pki = made;
  makeCrls(pki);
  // Says what the handshake was; each response closes its connection, so the next URL needs a new one.
  srv = await startTlsServer(
    pki,
    (req, res) => {
      const s = req.socket as TLSSocket;
      res.setHeader('connection', 'close');
      res.end(`alpn=${String(s.alpnProtocol)} resumed=${s.isSessionReused()}\n`);
    },
    { ALPNProtocols: ['http/1.1'] },
  );
  url = `https://127.0.0.1:${srv.port}/`;
});
after(() => srv?.close());

/** dial's run and, when curl is here, curl's: the same exit code and stdout. */
async function beside(args: string[], code: number): Promise<string> {
  const d = await dial(args);
  assert.equal(d.code, code, `${args.join(' ')}: ${d.stderr}`);
  if (CURL) {
    const c = await curl(args);
    assert.equal(c.code, code, `curl ${args.join(' ')}: ${c.stderr}`);
    assert.equal(c.out, d.out, `curl ${args.join(' ')}`);
  }
  return d.out;
}

test('--crlfile: a CRL that lists the server certificate is exit 60, one that does not lets it through', async () => {
  assert.equal(await beside(['-sS', '--cacert', pki.caCert, '--crlfile', emptyCrl, url], 0), 'alpn=http/1.1 resumed=false\n');
  await beside(['-sS', '--cacert', pki.caCert, '--crlfile', revokedCrl, url], 60);
  const d = await dial(['-sS', '--cacert', pki.caCert, '--crlfile', revokedCrl, url]);
  assert.match(d.stderr, /revoked/i);
});

test('--crlfile: a missing file or one that is no CRL is exit 82 before anything is sent', async () => {
  for (const file of [join(pki.dir, 'none.crl'), pki.serverKey]) {
    await beside(['-sS', '--cacert', pki.caCert, '--crlfile', file, url], 82);
    assert.match((await dial(['-sS', '--crlfile', file, url])).stderr, /error loading CRL file/);
  }
});

test('--proxy-crlfile is the proxy\'s: without a proxy the server is not checked against it', async () => {
  await beside(['-sS', '--cacert', pki.caCert, '--proxy-crlfile', revokedCrl, url], 0);
});

test('--curves: groups OpenSSL knows are offered, an unknown one is exit 59', async () => {
  assert.equal(await beside(['-sS', '--cacert', pki.caCert, '--curves', 'X25519:P-256', url], 0), 'alpn=http/1.1 resumed=false\n');
  await beside(['-sS', '--cacert', pki.caCert, '--curves', 'nosuchcurve', url], 59);
  assert.match((await dial(['-sS', '--curves', 'nosuchcurve', url])).stderr, /failed setting curves list: 'nosuchcurve'/);
});

test('--no-alpn: the handshake offers no ALPN', async () => {
  assert.equal(await beside(['-sS', '--cacert', pki.caCert, '--no-alpn', url], 0), 'alpn=false resumed=false\n');
});

test('--no-sessionid: the second connection to the origin runs a full handshake instead of resuming', async () => {
  const d = await dial(['-sS', '--cacert', pki.caCert, url, url]);
  assert.equal(d.code, 0, d.stderr);
  assert.equal(d.out, 'alpn=http/1.1 resumed=false\nalpn=http/1.1 resumed=true\n');
  assert.equal(await beside(['-sS', '--cacert', pki.caCert, '--no-sessionid', url, url], 0), 'alpn=http/1.1 resumed=false\nalpn=http/1.1 resumed=false\n');
});
