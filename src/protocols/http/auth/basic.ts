/**
 * HTTP Basic authentication (RFC 7617).
 *
 * @module
 */
import { InputError } from '../../../errors.js';

const CONTROL = /[\0\r\n]/;

/**
 * The `Authorization` (or `Proxy-Authorization`) value for Basic auth:
 * `Basic base64(user ":" password)`, with both encoded as UTF-8 (RFC 7617
 * §2.1 `charset="UTF-8"`, what curl and browsers send). Throws InputError for
 * a ':' in the user name — the server would split it there — and for CR, LF
 * or NUL anywhere, which no server can accept and which betrays an injection.
 */
export function basicCredentials(user: string, password: string): string {
  if (user.includes(':')) throw new InputError('a Basic auth user name cannot contain ":"', { protocol: 'http' });
  if (CONTROL.test(user) || CONTROL.test(password)) throw new InputError('Basic auth credentials contain CR, LF or NUL', { protocol: 'http' });
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/**
 * The user and password from a URL's userinfo, percent-decoded, or undefined
 * when the URL has none. A malformed percent escape is an InputError.
 */
export function urlCredentials(url: URL): { user: string; password: string } | undefined {
  if (!url.username && !url.password) return undefined;
  try {
    return { user: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  } catch (err) {
    throw new InputError('the credentials in the URL hold a malformed percent escape', { protocol: 'http', cause: err });
  }
}
