// dial's TLS options beside curl 7.88 against an in-process TLS server of the
// test CA: -1/--tlsv1.x/--tls-max, -2/-3, --ciphers/--tls13-ciphers,
// --capath, --pinnedpubkey (https and implicit ftps), --pass and
// --cert-type/--key-type. What is compared: exit codes, and what the server
// saw (protocol version, cipher, client certificate).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { CURL, curl, dial, makePki, startTlsServer, tempDir, type Pki, type TlsTestServer } from './helpers.js';

interface Seen {
  protocol: string | null;
  cipher: string;
  clientCN: string | undefined;
}

let pki: Pki;
let server: TlsTestServer;
let seen: Seen[] = [];
let dir: string;
/** The pin of the server certificate's key, computed without the library. */
let goodPin: string;

const openssl = (...args: string[]): void => {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
};

before(async () => {
  const made = makePki();
  assert.ok(made, 'openssl is needed to make the test CA');
  pki = made;
  dir = tempDir();
  server = await startTlsServer(
    pki,
    (req, res) => {
      const s = req.socket as TLSSocket;
      seen.push({ protocol: s.getProtocol(), cipher: s.getCipher().name, clientCN: String(s.getPeerCertificate()?.subject?.CN) });
      res.writeHead(200, { 'Content-Length': 7 }).end('secure\n');
    },
    { ca: readFileSync(pki.caCert), requestCert: true, rejectUnauthorized: false },
  );
  const spki = new X509Certificate(readFileSync(pki.serverCert)).publicKey.export({ type: 'spki', format: 'der' });
  goodPin = createHash('sha256').update(spki).digest('base64');
});
after(async () => {
  await server?.close();
});

const url = (): string => `https://127.0.0.1:${server.port}/`;

/** Runs dial and curl with the same arguments (plus --cacert unless `trust` is false); returns both runs and what the server saw of each. */
async function both(args: string[], trust = true): Promise<{ d: Awaited<ReturnType<typeof dial>>; c: Awaited<ReturnType<typeof curl>>; dSeen: Seen | undefined; cSeen: Seen | undefined }> {
  const full = ['-sS', ...(trust ? ['--cacert', pki.caCert] : []), ...args, url()];
  seen = [];
  const d = await dial(full);
  const dSeen = seen[0];
  seen = [];
  const c = await curl(full);
  const cSeen = seen[0];
  return { d, c, dSeen, cSeen };
}

describe('TLS versions and ciphers, as curl', () => {
  test('--tlsv1.3 and --tlsv1.2 set the lowest version, --tls-max the highest', async () => {
    for (const [args, protocol] of [
      [['--tlsv1.3'], 'TLSv1.3'],
      [['--tlsv1.2'], 'TLSv1.3'],
      [['--tls-max', '1.2'], 'TLSv1.2'],
      [['--tlsv1.2', '--tls-max', '1.2'], 'TLSv1.2'],
      [['--tls-max', 'default'], 'TLSv1.3'],
    ] as const) {
      const { d, c, dSeen, cSeen } = await both([...args]);
      assert.equal(d.code, 0, `${args.join(' ')}: ${d.stderr}`);
      assert.equal(d.out, 'secure\n');
      assert.equal(dSeen?.protocol, protocol, args.join(' '));
      assert.equal(c.code, 0, c.stderr);
      assert.equal(cSeen?.protocol, protocol, `curl ${args.join(' ')}`);
    }
  });

  test('-1, --tlsv1.0 and --tlsv1.1 lower the minimum (the last version option wins); -2/-3 are ignored with curl\'s warning', async () => {
    for (const [args, protocol] of [
      [['--tlsv1.3', '-1', '--tls-max', '1.2'], 'TLSv1.2'],
      [['--tlsv1.3', '--tlsv1.0', '--tls-max', '1.2'], 'TLSv1.2'],
      [['--tlsv1.3', '--tlsv1.1', '--tls-max', '1.2'], 'TLSv1.2'],
      [['--tlsv1.1', '--tlsv1.3'], 'TLSv1.3'],
    ] as const) {
      const { d, c, dSeen, cSeen } = await both([...args]);
      assert.equal(d.code, 0, `${args.join(' ')}: ${d.stderr}`);
      assert.equal(dSeen?.protocol, protocol, args.join(' '));
      assert.equal(c.code, 0, c.stderr);
      assert.equal(cSeen?.protocol, protocol, `curl ${args.join(' ')}`);
    }
    const last = await both(['--tlsv1.1', '--tlsv1.3', '--tls-max', '1.2']);
    assert.equal(last.d.code, 35, last.d.stderr);
    assert.equal(last.c.code, 35);
    for (const flag of ['-2', '-3']) {
      // Without -s, which silences the warning in both; curl's progress meter follows it on stderr, dial's is terminal-only.
      const args = ['--cacert', pki.caCert, flag, url()];
      const d = await dial(args);
      const c = await curl(args);
      assert.equal(d.code, 0, d.stderr);
      assert.equal(d.out, 'secure\n');
      const warning = `Warning: Ignores instruction to use SSLv${flag[1]}\n`;
      assert.ok(c.stderr.startsWith(warning), c.stderr);
      assert.equal(d.stderr, warning);
      assert.equal((await dial(['-s', ...args])).stderr, '');
    }
  });

  test('a minimum above the maximum is exit 35; an unknown --tls-max is exit 2; nothing reaches the server', async () => {
    const high = await both(['--tlsv1.3', '--tls-max', '1.2']);
    assert.equal(high.d.code, 35, high.d.stderr);
    assert.equal(high.c.code, 35);
    assert.equal(high.dSeen, undefined);
    const bad = await both(['--tls-max', '1.5']);
    assert.equal(bad.d.code, 2, bad.d.stderr);
    assert.match(bad.d.stderr, /--tls-max: is badly used here/);
    assert.equal(bad.c.code, 2);
  });

  test('--ciphers picks the TLS 1.2 suite and leaves TLS 1.3 as it was; --tls13-ciphers picks the TLS 1.3 suite', async () => {
    const v12 = await both(['--tls-max', '1.2', '--ciphers', 'ECDHE-RSA-AES128-GCM-SHA256']);
    assert.equal(v12.d.code, 0, v12.d.stderr);
    assert.deepEqual([v12.dSeen?.protocol, v12.dSeen?.cipher], ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256']);
    assert.deepEqual([v12.cSeen?.protocol, v12.cSeen?.cipher], ['TLSv1.2', 'ECDHE-RSA-AES128-GCM-SHA256']);
    // node:tls, given only TLS 1.2 names, would turn TLS 1.3 off; curl does not.
    const only12 = await both(['--ciphers', 'ECDHE-RSA-AES256-GCM-SHA384']);
    assert.equal(only12.dSeen?.protocol, 'TLSv1.3');
    assert.equal(only12.cSeen?.protocol, 'TLSv1.3');
    const v13 = await both(['--tls13-ciphers', 'TLS_AES_128_GCM_SHA256']);
    assert.equal(v13.d.code, 0, v13.d.stderr);
    assert.equal(v13.dSeen?.cipher, 'TLS_AES_128_GCM_SHA256');
    assert.equal(v13.cSeen?.cipher, 'TLS_AES_128_GCM_SHA256');
  });

  test('a cipher list OpenSSL cannot use is exit 59, with curl\'s message', async () => {
    for (const [args, message] of [
      [['--ciphers', 'NOPE'], 'failed setting cipher list: NOPE'],
      [['--tls13-ciphers', 'NOPE'], 'failed setting TLS 1.3 cipher suite: NOPE'],
    ] as const) {
      const { d, c, dSeen } = await both([...args]);
      assert.equal(d.code, 59, d.stderr);
      assert.ok(d.stderr.includes(message), d.stderr);
      assert.ok(c.stderr.includes(message), c.stderr);
      assert.equal(c.code, 59);
      assert.equal(dSeen, undefined);
    }
  });
});

describe('--capath', () => {
  test('a directory holding the CA (by its c_rehash name) is trusted; one holding another CA is not (60)', async () => {
    const good = join(dir, 'capath-good');
    const other = join(dir, 'capath-other');
    mkdirSync(good);
    mkdirSync(other);
    const hash = (f: string) => spawnSync('openssl', ['x509', '-hash', '-noout', '-in', f], { encoding: 'utf8' }).stdout.trim();
    copyFileSync(pki.caCert, join(good, `${hash(pki.caCert)}.0`));
    copyFileSync(pki.otherCaCert, join(other, `${hash(pki.otherCaCert)}.0`));
    writeFileSync(join(good, 'README'), 'not a certificate\n');
    const ok = await both(['--capath', good], false);
    assert.equal(ok.d.code, 0, ok.d.stderr);
    assert.equal(ok.c.code, 0, ok.c.stderr);
    const no = await both(['--capath', other], false);
    assert.equal(no.d.code, 60, no.d.stderr);
    assert.equal(no.c.code, 60);
    // Several directories, `:`-separated; one that does not exist adds nothing.
    const several = await both(['--capath', `${join(dir, 'none')}:${other}:${good}`], false);
    assert.equal(several.d.code, 0, several.d.stderr);
    assert.equal(several.c.code, 0, several.c.stderr);
  });
});

describe('--pinnedpubkey', () => {
  test('sha256// pins: the right one (alone or among others) passes, another is exit 90 — with -k too', async () => {
    for (const [args, code] of [
      [['--pinnedpubkey', `sha256//${goodPin}`], 0],
      [['--pinnedpubkey', `sha256//AAAA;sha256//${goodPin}`], 0],
      [['--pinnedpubkey', 'sha256//AAAA'], 90],
      [['--pinnedpubkey', `sha256//${goodPin};junk`], 90],
      [['-k', '--pinnedpubkey', 'sha256//AAAA'], 90],
    ] as const) {
      const { d, c } = await both([...args]);
      assert.equal(d.code, code, `${args.join(' ')}: ${d.stderr}`);
      assert.equal(c.code, code, `curl ${args.join(' ')}`);
      if (code === 90) assert.match(d.stderr, /public key does not match pinned public key/);
      else assert.equal(d.out, 'secure\n');
    }
  });

  test('a PEM or DER public-key file; a certificate, a missing file: 90', async () => {
    const pem = join(dir, 'pub.pem');
    const der = join(dir, 'pub.der');
    const key = new X509Certificate(readFileSync(pki.serverCert)).publicKey;
    writeFileSync(pem, key.export({ type: 'spki', format: 'pem' }));
    writeFileSync(der, key.export({ type: 'spki', format: 'der' }));
    for (const [file, code] of [[pem, 0], [der, 0], [pki.serverCert, 90], [join(dir, 'missing.pem'), 90]] as const) {
      const { d, c } = await both(['--pinnedpubkey', file]);
      assert.equal(d.code, code, `${file}: ${d.stderr}`);
      assert.equal(c.code, code, `curl ${file}`);
    }
  });

  test('verification still comes first: an untrusted server with a wrong pin is 60', async () => {
    const { d, c } = await both(['--pinnedpubkey', 'sha256//AAAA'], false);
    assert.equal(d.code, 60, d.stderr);
    assert.equal(c.code, 60);
  });

  test('ftps: the pin holds on the control connection (90) and lets the right key through', async () => {
    const ftp = await FakeFtpServer.start({ files: { '/f.txt': 'pinned\n' }, tls: { cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey) } });
    try {
      const ftps = `ftps://127.0.0.1:${ftp.port}/f.txt`;
      for (const [pin, code] of [[goodPin, 0], ['AAAA', 90]] as const) {
        const args = ['-sS', '--cacert', pki.caCert, '--pinnedpubkey', `sha256//${pin}`, ftps];
        const d = await dial(args);
        assert.equal(d.code, code, d.stderr);
        if (code === 0) assert.equal(d.out, 'pinned\n');
        if (CURL) assert.equal((await curl(args)).code, code);
      }
    } finally {
      await ftp.close();
    }
  });
});

describe('client certificates: --pass, --cert-type, --key-type', () => {
  test('an encrypted --key opens with --pass; a wrong one is exit 58 before anything is sent', async () => {
    openssl('pkey', '-in', pki.clientKey, '-aes256', '-passout', 'pass:secret', '-out', 'enc.key');
    const cert = ['--cert', pki.clientCert, '--key', join(dir, 'enc.key')];
    const ok = await both([...cert, '--pass', 'secret']);
    assert.equal(ok.d.code, 0, ok.d.stderr);
    assert.equal(ok.dSeen?.clientCN, 'client');
    assert.equal(ok.cSeen?.clientCN, 'client');
    const wrong = await both([...cert, '--pass', 'wrong']);
    assert.equal(wrong.d.code, 58, wrong.d.stderr);
    assert.match(wrong.d.stderr, /unable to set private key file/);
    assert.equal(wrong.c.code, 58);
    assert.equal(wrong.dSeen, undefined);
  });

  test('DER certificate and key, and a P12 bundle with --pass, present the client certificate', async () => {
    openssl('x509', '-in', pki.clientCert, '-outform', 'DER', '-out', 'client.der');
    openssl('pkey', '-in', pki.clientKey, '-outform', 'DER', '-out', 'client-key.der');
    openssl('pkcs12', '-export', '-in', pki.clientCert, '-inkey', pki.clientKey, '-passout', 'pass:secret', '-out', 'client.p12');
    for (const args of [
      ['--cert-type', 'DER', '--cert', join(dir, 'client.der'), '--key-type', 'DER', '--key', join(dir, 'client-key.der')],
      ['--cert-type', 'P12', '--cert', join(dir, 'client.p12'), '--pass', 'secret'],
    ]) {
      const { d, c, dSeen, cSeen } = await both(args);
      assert.equal(d.code, 0, `${args.join(' ')}: ${d.stderr}`);
      assert.equal(dSeen?.clientCN, 'client', args.join(' '));
      assert.equal(c.code, 0, c.stderr);
      assert.equal(cSeen?.clientCN, 'client');
    }
  });

  test('a --cert-type curl does not know is exit 58 (with --cert)', async () => {
    const { d, c } = await both(['--cert-type', 'XYZ', '--cert', pki.clientCert, '--key', pki.clientKey]);
    assert.equal(d.code, 58, d.stderr);
    assert.match(d.stderr, /not supported file type 'XYZ' for certificate/);
    assert.equal(c.code, 58);
  });
});
