/**
 * The URL as typed on the command line, made into one urlopen can open —
 * curl's way: no scheme means --proto-default's, else a scheme guessed from
 * the host name (ftp.… is ftp) or http; what does not parse is exit 3.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** Whether a URL as typed names its scheme (`x://`, or one of the schemes written without `//`); if not, it is http. */
export function hasScheme(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^(data|file|mailto|news):/i.test(url);
}

/** What the command line says about URLs as typed. */
export interface UrlPolicy {
  /** --proto-default: the scheme of a URL that names none (lowercase); no guessing then. */
  protoDefault?: string | undefined;
  /** --disallow-username-in-url: a URL with a user name (or password) is exit 67. */
  disallowUsernameInUrl?: boolean | undefined;
}

/** curl's guesses for a URL without a scheme, by the start of its host name (any case); the rest are http. */
const GUESSES = ['ftp', 'dict', 'ldap', 'imap', 'smtp', 'pop3'];

/** The scheme for a URL that names none: --proto-default's, else curl's guess from the host name. */
function impliedScheme(url: string, policy: UrlPolicy): string {
  if (policy.protoDefault !== undefined) return policy.protoDefault;
  const authority = url.split(/[/?#]/, 1)[0]!;
  const host = authority.slice(authority.lastIndexOf('@') + 1).toLowerCase();
  return GUESSES.find((g) => host.startsWith(`${g}.`)) ?? 'http';
}

/** The scheme a URL as typed is opened with, lowercased: its own, or the one normalizeUrl gives it. */
export function typedScheme(raw: string, policy: UrlPolicy = {}): string {
  const url = raw.trim();
  return hasScheme(url) ? url.slice(0, url.indexOf(':')).toLowerCase() : impliedScheme(url, policy);
}

/**
 * Normalizes a URL as curl does: no scheme means --proto-default's (or
 * curl's guess, see {@link impliedScheme}); a URL that does not parse is
 * exit 3, one with a user name under --disallow-username-in-url exit 67.
 */
export function normalizeUrl(raw: string, policy: UrlPolicy = {}): string {
  let url = raw.trim();
  if (!hasScheme(url)) url = `${impliedScheme(url, policy)}://${url}`;
  if (/[\0\t\n\r]/.test(url)) throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (control character in ${JSON.stringify(raw)})`);
  // As curl: a space inside a URL is malformed, not silently sent as %20 (the user may have meant two arguments).
  if (url.includes(' ')) throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (a space in ${JSON.stringify(raw)})`);
  let parsed: URL;
  try {
    parsed = new URL(url);
    if ((parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname === '') throw new Error('no host');
  } catch {
    throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (${raw})`);
  }
  if (policy.disallowUsernameInUrl && (parsed.username !== '' || parsed.password !== '')) throw new CliExit(EXIT.LOGIN_DENIED, 'Login denied');
  return url;
}

/** The scheme of a URL as -w's %{scheme} shows it, '' when it does not parse. */
export function schemeOf(url: string): string {
  try {
    return new URL(url).protocol.slice(0, -1);
  } catch {
    // malformed: reported by exitcode/errormsg
    return '';
  }
}

/**
 * The request-target of an http(s) URL as typed (curl --path-as-is): its
 * path and query without the fragment, `/../` and `/./` kept where the URL
 * parser would squash them. A byte outside printable ASCII goes as %XX (of
 * its UTF-8), as the parser would send it.
 */
export function typedTarget(url: string): string {
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length && !'/?#\\'.includes(url[end]!)) end++;
  const hash = url.indexOf('#', end);
  let target = url.slice(end, hash < 0 ? url.length : hash);
  if (!target.startsWith('/') && !target.startsWith('\\')) target = `/${target}`;
  return target.replace(/[^\x21-\x7e]+/gu, (s) => encodeURIComponent(s));
}
