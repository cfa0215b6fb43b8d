/**
 * A throwaway PKI for the interop suite, made with the `openssl` binary at run
 * time in a temp dir: a test CA, a server certificate for localhost,
 * 127.0.0.1 and ::1 signed by it, a client certificate, and a second CA —
 * unrelated, so never trusted — with its own localhost server certificate, for
 * testing rejection.
 *
 * ```ts
 * const pki = makeTestPKI();
 * nginx: ssl_certificate pki.server.certPath; ssl_certificate_key pki.server.keyPath
 * client: Socket.connect({ …, tls: { ca: pki.ca.cert } })          // verifies
 *         Socket.connect({ …, tls: { ca: pki.untrustedCA.cert } }) // DIAL_E_TLS_CERT
 * pki.cleanup();
 * ```
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBinary } from './harness.js';

/** A certificate and its key, as files and as PEM text. */
export interface CertPair {
  certPath: string;
  keyPath: string;
  /** PEM of the certificate. */
  cert: string;
  /** PEM of the private key (unencrypted PKCS#8). */
  key: string;
}

export interface TestPKI {
  /** The temp dir holding every file; removed by cleanup(). */
  dir: string;
  /** The trusted test CA (self-signed root). */
  ca: CertPair;
  /** A server certificate signed by `ca`, for `names` (default localhost, 127.0.0.1, ::1). */
  server: CertPair;
  /** `server.cert` followed by `ca.cert`, for servers that want the chain in one file. */
  serverChainPath: string;
  /** A client certificate (CN=dialtone-test-client, clientAuth) signed by `ca`. */
  client: CertPair;
  /** A second, unrelated CA: trusting it must make `server` fail verification. */
  untrustedCA: CertPair;
  /** A localhost server certificate signed by `untrustedCA`. */
  untrustedServer: CertPair;
  /** The names `server` is valid for. */
  names: readonly string[];
  /** Removes dir; safe to call twice. */
  cleanup(): void;
}

export interface TestPKIOptions {
  /** DNS names and IP literals for the server certificate's subjectAltName. */
  names?: readonly string[];
  /** Validity in days (default 2). */
  days?: number;
  /** Where to make the temp dir (default os.tmpdir()). */
  parent?: string;
}

const DEFAULT_NAMES = ['localhost', '127.0.0.1', '::1'] as const;

function isIpLiteral(name: string): boolean {
  return /^[0-9.]+$/.test(name) || name.includes(':');
}

/** Makes the CAs and certificates with openssl; throws with openssl's stderr when a step fails. */
export function makeTestPKI(options: TestPKIOptions = {}): TestPKI {
  const openssl = requireBinary('openssl');
  const names = options.names ?? DEFAULT_NAMES;
  const days = String(options.days ?? 2);
  const dir = mkdtempSync(join(options.parent ?? tmpdir(), 'dialtone-pki-'));

  const run = (args: string[]) => {
    const r = spawnSync(openssl, args, { cwd: dir, encoding: 'utf8', timeout: 30_000 });
    if (r.error || r.status !== 0) {
      throw new Error(`makeTestPKI: openssl ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stderr}`);
    }
  };
  const p = (f: string) => join(dir, f);
  const key = (name: string) => run(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', p(`${name}.key`)]);
  const root = (name: string, cn: string) => {
    key(name);
    writeFileSync(
      p(`${name}.ext`),
      [
        'basicConstraints = critical, CA:TRUE, pathlen:0',
        'keyUsage = critical, keyCertSign, cRLSign',
        'subjectKeyIdentifier = hash',
        '',
      ].join('\n'),
    );
    run(['req', '-new', '-key', p(`${name}.key`), '-subj', `/O=dialtone tests/CN=${cn}`, '-out', p(`${name}.csr`)]);
    run(['x509', '-req', '-in', p(`${name}.csr`), '-signkey', p(`${name}.key`), '-days', days, '-sha256', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`)]);
  };
  const leaf = (name: string, issuer: string, cn: string, ext: string[]) => {
    key(name);
    writeFileSync(
      p(`${name}.ext`),
      ['basicConstraints = critical, CA:FALSE', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', ...ext, ''].join('\n'),
    );
    run(['req', '-new', '-key', p(`${name}.key`), '-subj', `/O=dialtone tests/CN=${cn}`, '-out', p(`${name}.csr`)]);
    run([
      'x509', '-req', '-in', p(`${name}.csr`), '-CA', p(`${issuer}.crt`), '-CAkey', p(`${issuer}.key`), '-CAcreateserial',
      '-days', days, '-sha256', '-extfile', p(`${name}.ext`), '-out', p(`${name}.crt`),
    ]);
  };
  const san = 'subjectAltName = ' + names.map((n) => (isIpLiteral(n) ? `IP:${n}` : `DNS:${n}`)).join(', ');
  const serverExt = ['keyUsage = critical, digitalSignature, keyEncipherment', 'extendedKeyUsage = serverAuth', san];
  const pair = (name: string): CertPair => ({
    certPath: p(`${name}.crt`),
    keyPath: p(`${name}.key`),
    cert: readFileSync(p(`${name}.crt`), 'utf8'),
    key: readFileSync(p(`${name}.key`), 'utf8'),
  });

  try {
    root('ca', 'dialtone test CA');
    leaf('server', 'ca', names[0] ?? 'localhost', serverExt);
    leaf('client', 'ca', 'dialtone-test-client', ['keyUsage = critical, digitalSignature', 'extendedKeyUsage = clientAuth']);
    root('untrusted-ca', 'dialtone UNTRUSTED test CA');
    leaf('untrusted-server', 'untrusted-ca', names[0] ?? 'localhost', serverExt);
    const ca = pair('ca');
    const server = pair('server');
    const serverChainPath = p('server-chain.crt');
    writeFileSync(serverChainPath, server.cert + ca.cert);
    return {
      dir,
      ca,
      server,
      serverChainPath,
      client: pair('client'),
      untrustedCA: pair('untrusted-ca'),
      untrustedServer: pair('untrusted-server'),
      names,
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
