/**
 * dial's TLS flags → the library's {@link TLSOptions}, read once per run:
 * -k, --cacert, --capath, --cert/--key (PEM, DER or P12, with --pass),
 * --tlsv1.2/--tlsv1.3/--tls-max, --ciphers/--tls13-ciphers and
 * --pinnedpubkey. The same settings go to every TLS connection a run makes
 * (https, ftps and the mail schemes' TLS), as curl's do. A file that cannot
 * be used is curl's exit code before anything is sent.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { TLSOptions } from '../socket/tls.js';
import { checkCiphers, checkCurvesAndCrl } from '../socket/tls.js';
import { parsePins, pinOfPublicKeyFile } from '../socket/pinned-key.js';
import { nodeCrypto, nodeTls } from '../util/builtins.js';
import { CliExit, EXIT } from './exit-codes.js';
import { anyTlsArgs, type TlsArgs } from './tls-args.js';

const ORDER = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;

async function readOr(path: string, exit: number, what: string): Promise<Buffer> {
  try {
    return await fsp.readFile(path);
  } catch (e) {
    throw new CliExit(exit, `could not read ${what} file ${path}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * What the options say about one TLS peer: the server's (-k, --cacert,
 * --cert, --key and the rest) or an https:// proxy's (the same options with
 * `--proxy-` in front), read alike and kept apart as curl keeps them.
 */
export interface TlsFlags {
  insecure: boolean;
  cacert: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  tlsArgs: TlsArgs;
}

/**
 * The TLS settings of a run, or undefined when no TLS flag was given (node:tls
 * then stays unloaded for a plain-HTTP run).
 */
export async function buildTlsOptions(o: TlsFlags, what = ''): Promise<TLSOptions | undefined> {
  const a = o.tlsArgs;
  if (!o.insecure && o.cacert === undefined && o.cert === undefined && !anyTlsArgs(a)) return undefined;
  const tls: TLSOptions = {};
  if (o.insecure) tls.rejectUnauthorized = false;
  const cacert = o.cacert !== undefined ? await readOr(o.cacert, EXIT.SSL_CACERT_BADFILE, `${what}CA certificate`) : undefined;
  const capath = a.capath !== undefined ? await readCaPath(a.capath) : [];
  // curl keeps its default CA store beside --capath unless --cacert replaces it; node's `ca` replaces it, so it is added back.
  if (capath.length > 0) tls.ca = [...(cacert ? [cacert] : nodeTls().rootCertificates), ...capath];
  else if (cacert) tls.ca = cacert;
  if (o.cert !== undefined) await clientCertificate(o, tls, what);
  else if (a.pass !== undefined) tls.passphrase = a.pass;
  versions(o, tls);
  if (a.ciphers !== undefined) tls.ciphers = a.ciphers;
  if (a.tls13Ciphers !== undefined) tls.tls13Ciphers = a.tls13Ciphers;
  try {
    checkCiphers(tls);
  } catch (e) {
    throw new CliExit(EXIT.SSL_CIPHER, (e as Error).message, { cause: e });
  }
  if (a.pinnedPubkey !== undefined) tls.pinnedPublicKeys = await pins(a.pinnedPubkey);
  await curvesAndCrl(a, tls);
  return tls;
}

/** --curves (exit 59 for a group OpenSSL lacks), --crlfile (exit 82 for a file that is no CRL), --no-alpn, --no-sessionid. */
async function curvesAndCrl(a: TlsArgs, tls: TLSOptions): Promise<void> {
  if (a.noAlpn) tls.ALPNProtocols = [];
  if (a.noSessionid) tls.sessionReuse = false;
  if (a.curves !== undefined) tls.ecdhCurve = a.curves;
  if (a.crlfile !== undefined) {
    const file = a.crlfile;
    tls.crl = await fsp.readFile(file).catch((e: unknown) => Promise.reject(new CliExit(EXIT.SSL_CRL_BADFILE, `error loading CRL file: ${file}`, { cause: e })));
  }
  try {
    checkCurvesAndCrl(tls);
  } catch (e) {
    const crl = (e as { phase?: string }).phase === 'crl';
    throw new CliExit(crl ? EXIT.SSL_CRL_BADFILE : EXIT.SSL_CIPHER, crl ? `error loading CRL file: ${a.crlfile}` : (e as Error).message, { cause: e });
  }
}

/** --tlsv1.x / --tls-max; a minimum above the maximum is curl's exit 35. */
function versions(o: TlsFlags, tls: TLSOptions): void {
  const { minVersion, maxVersion } = o.tlsArgs;
  if (minVersion !== undefined) tls.minVersion = minVersion;
  if (maxVersion === undefined) return;
  tls.maxVersion = maxVersion;
  const rank = (v: (typeof ORDER)[number]): number => ORDER.indexOf(v);
  if (minVersion !== undefined && rank(minVersion) > rank(maxVersion)) throw new CliExit(EXIT.SSL_CONNECT_ERROR, 'CURL_SSLVERSION_MAX incompatible with CURL_SSLVERSION');
  // node's own minimum (TLS 1.2) would sit above a lower maximum; curl's default minimum is its library's lowest.
  if (minVersion === undefined && rank(maxVersion) < rank('TLSv1.2')) tls.minVersion = 'TLSv1';
}

/**
 * The PEM certificates of --capath's directories (`:`-separated): every
 * regular file holding one, whatever its name (curl's OpenSSL wants
 * c_rehash names; dial reads them all). A directory that cannot be read
 * adds nothing, as curl.
 */
async function readCaPath(spec: string): Promise<Buffer[]> {
  const certs: Buffer[] = [];
  for (const dir of spec.split(':').filter((d) => d !== '')) {
    const names = await fsp.readdir(dir).catch(() => [] as string[]);
    for (const name of names.sort()) {
      const bytes = await fsp.readFile(join(dir, name)).catch(() => undefined);
      if (bytes?.includes('-----BEGIN CERTIFICATE-----')) certs.push(bytes);
    }
  }
  return certs;
}

/** --cert/--key by --cert-type/--key-type, with --pass; a file that will not load is curl's 58. */
async function clientCertificate(o: TlsFlags, tls: TLSOptions, what: string): Promise<void> {
  const a = o.tlsArgs;
  const certPath = o.cert!;
  const cert = await readOr(certPath, EXIT.SSL_CERTPROBLEM, `${what}client certificate`);
  if (a.pass !== undefined) tls.passphrase = a.pass;
  const crypto = nodeCrypto();
  if (a.certType === 'P12') {
    tls.pfx = cert;
    return;
  }
  if (a.certType === 'DER') {
    try {
      tls.cert = new crypto.X509Certificate(cert).toString();
    } catch (e) {
      throw new CliExit(EXIT.SSL_CERTPROBLEM, `could not load certificate '${certPath}' type DER`, { cause: e });
    }
  } else if (a.certType === 'PEM') tls.cert = cert;
  else throw new CliExit(EXIT.SSL_CERTPROBLEM, `not supported file type '${a.certType}' for certificate`);
  // curl's --cert may name a file holding both certificate and key.
  const keyPath = o.key ?? certPath;
  const keyBytes = o.key !== undefined ? await readOr(o.key, EXIT.SSL_CERTPROBLEM, `${what}private key`) : cert;
  const refused = (cause?: unknown): CliExit => new CliExit(EXIT.SSL_CERTPROBLEM, `unable to set private key file: '${keyPath}' type ${a.keyType}`, { cause });
  if (a.keyType === 'DER') {
    const pem = derKeyToPem(keyBytes);
    if (pem === undefined) throw refused();
    tls.key = pem;
    return;
  }
  if (a.keyType !== 'PEM') throw refused();
  tls.key = keyBytes;
  // Tried here, so a wrong --pass (or none for an encrypted key) is 58 before anything is sent, as curl.
  try {
    crypto.createPrivateKey({ key: keyBytes, format: 'pem', passphrase: a.pass ?? '' });
  } catch (e) {
    throw refused(e);
  }
}

/** A DER private key (PKCS#8, PKCS#1 RSA or SEC1 EC) as PEM, which node:tls wants; undefined when it is none of them. */
function derKeyToPem(der: Buffer): string | undefined {
  const crypto = nodeCrypto();
  for (const type of ['pkcs8', 'pkcs1', 'sec1'] as const) {
    try {
      return crypto.createPrivateKey({ key: der, format: 'der', type }).export({ format: 'pem', type: 'pkcs8' }).toString();
    } catch {
      // the next encoding
    }
  }
  return undefined;
}

/** --pinnedpubkey's pins: `sha256//…`, or a public-key file's (none when it is unreadable or no key: every connection then fails with 90, as curl). */
async function pins(spec: string): Promise<string[]> {
  const listed = parsePins(spec);
  if (listed) return listed;
  const bytes = await fsp.readFile(spec).catch(() => undefined);
  const pin = bytes ? pinOfPublicKeyFile(bytes) : undefined;
  return pin ? [pin] : [];
}
