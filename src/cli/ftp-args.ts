/**
 * dial's FTP options as curl reads them: -Q's leading sign, --ftp-method's
 * names, and the pairs of which the last one given wins (-P / --ftp-pasv,
 * --disable-epsv / --epsv, …).
 *
 * @module
 */
import type { OptionToken } from './argv.js';

/** -Q commands by when they are sent. */
export interface QuoteArgs {
  /** Plain: after login, before the URL's directories are entered. */
  before: string[];
  /** `+CMD`: once in the URL's directory, just before the transfer. */
  pre: string[];
  /** `-CMD`: after a transfer that ended well. */
  after: string[];
}

/** Files one -Q value by its sign (dropped); a `*` after it stays, marking a command that may fail. */
export function addQuote(quote: QuoteArgs, value: string): void {
  if (value.startsWith('-')) quote.after.push(value.slice(1));
  else if (value.startsWith('+')) quote.pre.push(value.slice(1));
  else quote.before.push(value);
}

/** curl's --ftp-method names. */
export type FtpMethodArg = 'multicwd' | 'singlecwd' | 'nocwd';

/** --ftp-method's name; curl warns about one it does not know and goes on with its default. */
export function ftpMethod(raw: string | undefined, warnings: string[]): FtpMethodArg | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'multicwd' || raw === 'singlecwd' || raw === 'nocwd') return raw;
  warnings.push(`Warning: unrecognized ftp file method '${raw}', using default`);
  return undefined;
}

/** The option values this file reads. */
interface FtpValues {
  'ftp-create-dirs'?: boolean | undefined;
  append?: boolean | undefined;
  'use-ascii'?: boolean | undefined;
  crlf?: boolean | undefined;
  'ftp-method'?: string | undefined;
  'ftp-account'?: string | undefined;
  'ftp-alternative-to-user'?: string | undefined;
  ssl?: boolean | undefined;
}

export interface FtpArgs {
  /** -P's address when it came after any --ftp-pasv (active FTP); undefined for passive, the default. */
  ftpPort: string | undefined;
  /** --ftp-create-dirs: make the URL's missing directories (MKD). */
  ftpCreateDirs: boolean;
  /** -Q, split by its sign as curl reads it (see ftp-args.ts). */
  quote: QuoteArgs;
  /** -a: FTP uploads append (APPE). */
  append: boolean;
  /** -B: FTP transfers in ASCII (TYPE A). */
  useAscii: boolean;
  /** --crlf: every LF of an FTP upload goes as CRLF. */
  crlf: boolean;
  /** --ftp-method; undefined: curl's default, multicwd (an unknown name warns and is that too). */
  ftpMethod: FtpMethodArg | undefined;
  /** --disable-epsv / --epsv (and --no-disable-epsv), whichever came last: false means PASV only. */
  epsv: boolean;
  /** --disable-eprt / --eprt (and --no-disable-eprt), whichever came last: false means PORT only. */
  eprt: boolean;
  /** --ftp-skip-pasv-ip (curl 7.88's default) or --no-ftp-skip-pasv-ip, whichever came last. */
  ftpSkipPasvIp: boolean;
  /** --ftp-account: ACCT's data, when the server asks for one (332). */
  ftpAccount: string | undefined;
  /** --ftp-alternative-to-user: the command sent when USER is refused. */
  ftpAlternativeToUser: string | undefined;
  /** --ssl: AUTH TLS on an ftp:// URL when the server takes it, the clear when it refuses (the mail schemes already upgrade whenever offered). */
  ssl: boolean;
}

/** The FTP options of a command line; an unknown --ftp-method name adds curl's warning to `warnings`. */
export function ftpArgs(tokens: readonly OptionToken[], v: FtpValues, warnings: string[]): FtpArgs {
  let ftpPort: string | undefined;
  let epsv = true;
  let eprt = true;
  let ftpSkipPasvIp = true;
  const quote: QuoteArgs = { before: [], pre: [], after: [] };
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'disable-epsv' || t.name === 'no-disable-epsv' || t.name === 'epsv') epsv = t.name !== 'disable-epsv';
    else if (t.name === 'disable-eprt' || t.name === 'no-disable-eprt' || t.name === 'eprt') eprt = t.name !== 'disable-eprt';
    else if (t.name === 'ftp-skip-pasv-ip' || t.name === 'no-ftp-skip-pasv-ip') ftpSkipPasvIp = t.name === 'ftp-skip-pasv-ip';
    else if (t.name === 'quote') addQuote(quote, t.value ?? '');
    else if (t.name === 'ftp-port' || t.name === 'ftp-pasv') ftpPort = t.name === 'ftp-port' ? (t.value ?? '-') : undefined;
  }
  return {
    ftpPort,
    ftpCreateDirs: v['ftp-create-dirs'] ?? false,
    quote,
    append: v.append ?? false,
    useAscii: v['use-ascii'] ?? false,
    crlf: v.crlf ?? false,
    ftpMethod: ftpMethod(v['ftp-method'], warnings),
    epsv,
    eprt,
    ftpSkipPasvIp,
    ftpAccount: v['ftp-account'],
    ftpAlternativeToUser: v['ftp-alternative-to-user'],
    ssl: v.ssl ?? false,
  };
}
