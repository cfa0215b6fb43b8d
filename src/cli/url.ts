/**
 * The URL as typed on the command line, made into one urlopen can open —
 * curl's way: no scheme means http://, and what does not parse is exit 3.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** Whether a URL as typed names its scheme (`x://`, or one of the schemes written without `//`); if not, it is http. */
export function hasScheme(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^(data|file|mailto|news):/i.test(url);
}

/** The scheme a URL as typed is opened with, lowercased: its own, or http when it names none (as normalizeUrl makes it). */
export function typedScheme(raw: string): string {
  const url = raw.trim();
  return hasScheme(url) ? url.slice(0, url.indexOf(':')).toLowerCase() : 'http';
}

/** Normalizes a URL as curl does: no scheme means http://; a URL that does not parse is exit 3. */
export function normalizeUrl(raw: string): string {
  let url = raw.trim();
  if (!hasScheme(url)) url = `http://${url}`;
  if (/[\0\t\n\r]/.test(url)) throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (control character in ${JSON.stringify(raw)})`);
  // As curl: a space inside a URL is malformed, not silently sent as %20 (the user may have meant two arguments).
  if (url.includes(' ')) throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (a space in ${JSON.stringify(raw)})`);
  try {
    const u = new URL(url);
    if ((u.protocol === 'http:' || u.protocol === 'https:') && u.hostname === '') throw new Error('no host');
  } catch {
    throw new CliExit(EXIT.URL_MALFORMAT, `URL rejected: Malformed input to a URL function (${raw})`);
  }
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
