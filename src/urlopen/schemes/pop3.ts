/**
 * The pop3: and pop3s: schemes (RFC 2384's URL form, with curl's path):
 *
 * - `pop3[s]://[user[;AUTH=mech][:password]@]host[:port]/[N]`: with a
 *   message number, RETR N (the message, `message/rfc822`); without, LIST
 *   as curl prints it (`N size` lines, `text/plain`, with Content-Length).
 *   A message has no Content-Length: LIST N's size goes in `Pop3-List-Size`
 *   instead, because it is the size of the message as stored, not of what
 *   RETR sends — a message without a final line end comes with one added
 *   (dovecot's RETR is then 2 bytes longer than its LIST), and a header must
 *   never disagree with the body. `HEAD` with a number answers the same
 *   headers from LIST N and no body, and so does `listOnly` (curl's `-l`:
 *   LIST N instead of RETR N). As curl's `-X`:
 *   method `UIDL` lists `N uid` lines, `DELE` deletes message N (QUIT
 *   commits it) and answers no body.
 * - `;AUTH=` picks the login: `+APOP`, `PLAIN`, `USER` (USER/PASS),
 *   `OAUTHBEARER`, `XOAUTH2`, `*` or none = the client's choice (PLAIN when
 *   offered, else USER/PASS); `loginOptions` (curl's `--login-options`)
 *   says the same and wins. AUTH's first response follows the `+ ` as
 *   curl sends it, or goes with AUTH under `saslIr` (curl's `--sasl-ir`);
 *   `saslAuthzid` (`--sasl-authzid`) is PLAIN's authzid.
 * - `oauth2Bearer` (curl's `--oauth2-bearer`) logs the user in with that
 *   OAuth 2.0 token instead of a password: OAUTHBEARER (RFC 7628) when CAPA
 *   offers it, else XOAUTH2; never a password login, as curl.
 * - pop3s is TLS from the first byte (port 995); pop3 uses STLS when CAPA
 *   offers it — stricter than curl, which stays in the clear unless told
 *   `--ssl` — and requires it with `requireTls` (`--ssl-reqd`).
 *   Certificates are verified.
 * - Credentials: `options.user`/`password`, else the URL's.
 * - `timeout` bounds the whole operation, connect to the last body byte;
 *   `range`, `maxBodySize` and `onProgress` apply to the body.
 *
 * The status is 200 (POP3 has no codes); the session ends with QUIT once
 * the body has been read, and `cancel()` closes it at once.
 *
 * @module
 */
import { InputError } from '../../errors.js';
import { Pop3Client, type Pop3Auth, type Pop3ConnectOptions } from '../../protocols/pop3/client.js';
import { parseNumber } from '../../protocols/pop3/core/listing.js';
import { checkRange, onceBody, sessionBody, shapeBody } from '../body.js';
import { UrlHeaders } from '../headers.js';
import { hasHeaders, serverAddress, tlsRequired, urlScheme, urlText } from '../server-url.js';
import { byteResponse, rangeSpan } from '../byte-response.js';
import { operationDeadline } from '../deadline.js';
import type { Opener } from '../types.js';
import { loginOptionAuth, unknownMechanism, type MailOpenOptions } from './smtp.js';

function refuse(msg: string): InputError {
  return new InputError(msg, { protocol: 'pop3' });
}

/** The logins a POP3 `AUTH=` names (`+APOP` is RFC 2384's; `USER` dial's own, for USER/PASS). */
const POP_LOGINS: Record<string, Pop3Auth> = { '+APOP': 'apop', PLAIN: 'plain', USER: 'user', OAUTHBEARER: 'oauthbearer', XOAUTH2: 'xoauth2' };

/**
 * The user name and the `;AUTH=` choice from the URL's user part (RFC 2384
 * §3), or from `loginOptions` (curl's `--login-options`), which wins.
 */
export function parsePopUser(username: string, loginOptions?: string): { user: string | undefined; auth: Pop3Auth | undefined } {
  const raw = urlText(username);
  const at = raw.toLowerCase().indexOf(';auth=');
  const user = at < 0 ? raw : raw.slice(0, at);
  const mech = loginOptionAuth(loginOptions ?? (at < 0 ? '' : raw.slice(at + 1)), 'pop3');
  let auth: Pop3Auth | undefined;
  if (mech !== undefined && mech !== '*') {
    auth = Object.hasOwn(POP_LOGINS, mech) ? POP_LOGINS[mech] : undefined;
    if (!auth) throw unknownMechanism(mech, 'pop3', Object.keys(POP_LOGINS).join(', '));
  }
  return { user: user === '' ? undefined : user, auth };
}

/** The message number in the path, or undefined for the mailbox itself. */
export function parsePopPath(pathname: string): number | undefined {
  const p = urlText(pathname.replace(/^\//, ''));
  if (p === '') return undefined;
  const n = parseNumber(p);
  if (n === undefined || n < 1) throw refuse(`pop3: the URL path must be a message number, not ${JSON.stringify(p.slice(0, 40))}`);
  return n;
}

/** Opens a pop3:// or pop3s:// URL (see the module notes). */
export const openPop3 = (async (url: URL, options: MailOpenOptions) => {
  const scheme = urlScheme(url);
  if (scheme !== 'pop3' && scheme !== 'pop3s') throw refuse(`openPop3 cannot open ${scheme}: URLs`);
  if (url.search || url.hash) throw refuse('pop3 URLs have no query or fragment');
  const asked = (options.method ?? 'GET').toUpperCase();
  const n = parsePopPath(url.pathname);
  // curl -l with a message number: LIST N, no body.
  const method = options.listOnly && asked === 'GET' && n !== undefined ? 'HEAD' : asked;
  if (!['GET', 'HEAD', 'UIDL', 'DELE'].includes(method)) throw new InputError(`pop3 does not support method ${method}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'pop3' });
  if (options.body !== undefined) throw refuse('pop3 URLs take no request body');
  if (hasHeaders(options)) throw refuse('pop3 has no request headers');
  const range = checkRange(options.range, (m) => refuse(m));
  if (method === 'DELE' && n === undefined) throw refuse('pop3 DELE needs a message number in the URL path');
  if (method === 'UIDL' && n !== undefined) throw refuse('pop3 UIDL lists the mailbox: the URL takes no message number');
  const fromUrl = parsePopUser(url.username, options.loginOptions);
  const user = options.user ?? fromUrl.user;
  if (user === undefined) throw refuse('pop3: a user name is needed (in the URL or `user`)');
  const password = options.password ?? urlText(url.password);
  const { signal, translate } = operationDeadline(options, 'pop3');
  const implicit = scheme === 'pop3s';
  const connect: Pop3ConnectOptions = {
    ...serverAddress(url),
    secure: implicit ? 'implicit' : tlsRequired(options) ? 'starttls' : false,
    tls: options.tls,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout ?? options.timeout,
    signal,
    lookup: options.lookup,
    local: options.local,
    trace: options.trace,
  };
  const pop = await Pop3Client.connect(connect).catch((e: unknown) => Promise.reject(translate(e)));
  try {
    const wait = { signal };
    if (!pop.encrypted && (await pop.capa(wait)).has('STLS')) await pop.stls(options.tls, wait);
    // As curl: AUTH's first response after the `+ ` unless saslIr (--sasl-ir); saslAuthzid is PLAIN's authzid.
    await pop.login(user, password, { auth: fromUrl.auth, bearer: options.oauth2Bearer, initialResponse: options.saslIr ?? false, authzid: options.saslAuthzid, signal });
    const headers = new UrlHeaders();
    let body: AsyncIterable<Uint8Array>;
    let total: number | undefined;
    if (method === 'DELE') {
      // As curl -X DELE: the message is marked, and QUIT commits it; there is no body.
      await pop.dele(n!, wait);
      await pop.quit(wait);
      total = 0;
      body = onceBody(Buffer.alloc(0));
    } else if (method === 'UIDL' || n === undefined) {
      // The mailbox, one `N uid` (UIDL) or `N size` (LIST) line per message.
      const lines = method === 'UIDL' ? (await pop.uidl(undefined, wait)).map((e) => `${e.n} ${e.uid}`) : (await pop.list(undefined, wait)).map((e) => `${e.n} ${e.size}`);
      const text = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
      headers.set('Content-Type', 'text/plain');
      headers.set('Content-Length', String(rangeSpan(range, text.length).length));
      total = text.length;
      body = onceBody(method === 'HEAD' ? Buffer.alloc(0) : text);
      await pop.quit(wait);
    } else {
      // LIST N before RETR N, so GET and HEAD answer the same headers. Its size is only a hint (see the module notes):
      // neither Content-Length nor the progress total, which must hold for the bytes RETR sends.
      headers.set('Content-Type', 'message/rfc822');
      headers.set('Pop3-List-Size', String((await pop.list(n, wait)).size));
      if (method === 'HEAD') {
        await pop.quit(wait);
        body = onceBody(Buffer.alloc(0));
      } else {
        const msg = await pop.retr(n, { signal });
        body = sessionBody(msg.body, { quit: () => pop.quit(wait), close: () => pop.close() }, translate);
      }
    }
    return byteResponse({
      url: url.href,
      protocol: 'pop3',
      headers,
      range,
      body: shapeBody(body, { range, maxBodySize: options.maxBodySize, onProgress: options.onProgress }, 'pop3', total),
      cancel: () => pop.close(),
      raw: pop,
    });
  } catch (e) {
    await pop.close();
    throw translate(e);
  }
}) satisfies Opener;
