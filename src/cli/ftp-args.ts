/**
 * The words of dial's FTP options that need reading: -Q's leading sign and
 * --ftp-method's names, as curl reads them.
 *
 * @module
 */

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
