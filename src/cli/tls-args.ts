/**
 * curl's TLS options beyond -k/--cacert/--cert/--key, read from the parsed
 * command line into one typed record (versions, ciphers, --capath, pins,
 * --pass, certificate and key types). Meaning only: the files they name are
 * read by tls-options.ts, when a run starts.
 *
 * @module
 */
import type { OptionToken } from './argv.js';
import { CliExit, EXIT } from './exit-codes.js';

/** TLS protocol versions as node:tls names them. */
export type TlsVersion = 'TLSv1' | 'TLSv1.1' | 'TLSv1.2' | 'TLSv1.3';

/** The TLS options of a run, as given (files not read yet). */
export interface TlsArgs {
  /** -1/--tlsv1, --tlsv1.0 … --tlsv1.3 (the last one given): the lowest version offered. */
  minVersion: TlsVersion | undefined;
  /** --tls-max: the highest version offered (`default`: undefined). */
  maxVersion: TlsVersion | undefined;
  /** --ciphers: TLS 1.2 cipher list, OpenSSL syntax. */
  ciphers: string | undefined;
  /** --tls13-ciphers: TLS 1.3 suites, `:`-separated. */
  tls13Ciphers: string | undefined;
  /** --capath: directories (`:`-separated) of PEM CA certificates. */
  capath: string | undefined;
  /** --pinnedpubkey: `sha256//…` pins or a public-key file. */
  pinnedPubkey: string | undefined;
  /** --pass: the passphrase of an encrypted --key (or a P12 --cert). */
  pass: string | undefined;
  /** --cert-type, upper-cased: PEM (default), DER or P12 (another is refused when --cert is read, exit 58 as curl). */
  certType: string;
  /** --key-type, upper-cased: PEM (default) or DER. */
  keyType: string;
  /** --crlfile (--proxy-crlfile): a PEM file of certificate revocation lists. */
  crlfile: string | undefined;
  /** --curves: the key-exchange groups offered (OpenSSL names, `:`-separated). */
  curves: string | undefined;
  /** --no-alpn: offer no ALPN (the server's peer only). */
  noAlpn: true | undefined;
  /** --no-sessionid: offer no earlier TLS session (the server's peer only). */
  noSessionid: true | undefined;
}

/** The parsed values this file reads (a slice of parseArgs' `values`). */
export interface TlsValues {
  'tls-max'?: string | undefined;
  ciphers?: string | undefined;
  'tls13-ciphers'?: string | undefined;
  capath?: string | undefined;
  pinnedpubkey?: string | undefined;
  pass?: string | undefined;
  'cert-type'?: string | undefined;
  'key-type'?: string | undefined;
  crlfile?: string | undefined;
  curves?: string | undefined;
  'no-alpn'?: boolean | undefined;
  'no-sessionid'?: boolean | undefined;
}

const MAX: Record<string, TlsVersion | undefined> = { default: undefined, '1.0': 'TLSv1', '1.1': 'TLSv1.1', '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };

function badlyUsed(name: string): CliExit {
  return new CliExit(EXIT.FAILED_INIT, `option --${name}: is badly used here`);
}

/** curl's "use this version or greater" options, by the name they have without a prefix. */
const MIN: Record<string, TlsVersion | undefined> = { tlsv1: 'TLSv1', 'tlsv1.0': 'TLSv1', 'tlsv1.1': 'TLSv1.1', 'tlsv1.2': 'TLSv1.2', 'tlsv1.3': 'TLSv1.3' };

/**
 * Reads the TLS options. `tokens` gives the order of the version options
 * (the last one wins, as curl); `prefix` names the peer's options (`proxy-`
 * for an https:// proxy, whose only one curl has is --proxy-tlsv1). -2/-3
 * (SSLv2/SSLv3) are ignored with curl's warning. A --tls-max curl does not
 * know is exit 2, as curl's "badly used".
 */
export function parseTlsArgs(v: TlsValues, tokens: readonly OptionToken[], prefix = '', warnings: string[] = []): TlsArgs {
  let minVersion: TlsVersion | undefined;
  for (const t of tokens) {
    if (t.kind !== 'option' || t.name === undefined || !t.name.startsWith(prefix)) continue;
    const name = t.name.slice(prefix.length);
    if (Object.hasOwn(MIN, name)) minVersion = MIN[name];
    else if (prefix === '' && (name === 'sslv2' || name === 'sslv3')) warnings.push(`Warning: Ignores instruction to use SSLv${name[4]}`);
  }
  const max = v['tls-max'];
  if (max !== undefined && !Object.hasOwn(MAX, max)) throw badlyUsed('tls-max');
  return {
    minVersion,
    maxVersion: max === undefined ? undefined : MAX[max],
    ciphers: v.ciphers,
    tls13Ciphers: v['tls13-ciphers'],
    capath: v.capath,
    pinnedPubkey: v.pinnedpubkey,
    pass: v.pass,
    certType: (v['cert-type'] ?? 'PEM').toUpperCase(),
    keyType: (v['key-type'] ?? 'PEM').toUpperCase(),
    crlfile: v.crlfile,
    curves: v.curves,
    noAlpn: v['no-alpn'] ? true : undefined,
    noSessionid: v['no-sessionid'] ? true : undefined,
  };
}

/** Whether any option of this file was given (most runs: none, and node:tls stays unloaded for http). */
export function anyTlsArgs(t: TlsArgs): boolean {
  return Object.entries(t).some(([k, val]) => (k === 'certType' || k === 'keyType' ? val !== 'PEM' : val !== undefined));
}
