/**
 * The smtp: and smtps: schemes: sending one message the way
 * `curl smtp://host/domain --mail-from a --mail-rcpt b -T message` does.
 *
 * - `smtp[s]://[user[:password]@]host[:port]/[domain]`: the path (percent-
 *   decoded) is the name given in EHLO, as in curl; empty means this
 *   machine's name. smtps is TLS from the first byte (port 465); smtp uses
 *   STARTTLS when the server offers it (port 25) — stricter than curl, which
 *   stays in the clear unless told `--ssl` — and requires it with
 *   `requireTls` (`--ssl-reqd`). Certificates are verified.
 * - `body` is the message (headers and body); `mailFrom` the envelope sender
 *   (default the null sender `<>`, as curl); `mailRcpt` the recipients. One
 *   pair of angle brackets around an address is dropped, as curl does.
 * - `mailAuth` (curl's `--mail-auth`) is MAIL FROM's `AUTH=` parameter,
 *   sent after a login only, as curl; xtext-encoded, where curl sends the
 *   address as it is (`+` and `=` differ).
 * - As curl without `--mail-rcpt-allowfails`, one refused recipient fails
 *   the whole send and nothing is sent; with `mailRcptAllowFails` the
 *   message goes to the recipients the server took (only all of them
 *   refused fails it), and the refused ones are in `raw.rejected`.
 * - Without a body, each `mailRcpt` is asked with VRFY (curl's behaviour too)
 *   and the body of the response is the server's replies as curl prints
 *   them: each line with its code, CRLF-ended.
 * - Every line end of the message goes as CRLF (RFC 5321 §2.3.8; see
 *   SmtpClient.sendMail), so `crlf` (curl's `--crlf`) has nothing to add:
 *   an LF file goes as curl sends it with `--crlf`, and a CRLF stays one
 *   where curl's `--crlf` makes it `\r\r\n`.
 * - Credentials (`user`/`password`, else the URL's) log in with AUTH after
 *   TLS; PLAIN/LOGIN are never sent without TLS. With `oauth2Bearer` (curl's
 *   `--oauth2-bearer`) the user logs in with that token instead: OAUTHBEARER
 *   (RFC 7628) when offered, else XOAUTH2, never a password mechanism — and
 *   likewise never without TLS. The URL's user may end in `;AUTH=mech`
 *   (curl's login option): that mechanism only, `*` for the default choice;
 *   `loginOptions` (curl's `--login-options`) says the same and wins.
 *   As curl, the first response follows the server's 334 unless `saslIr`
 *   (`--sasl-ir`); `saslAuthzid` (`--sasl-authzid`) is PLAIN's authzid.
 *
 * The response's status is the server's reply to the end of the data (250),
 * its `raw` the {@link SendResult}; there is no body.
 *
 * @module
 */
import { InputError, type DialError } from '../../errors.js';
import { SmtpClient } from '../../protocols/smtp/client.js';
import { unbracket } from '../../protocols/smtp/core/address.js';
import { SmtpReplyError } from '../../protocols/smtp/core/reply.js';
import type { SendResult } from '../../protocols/smtp/options.js';
import { credentials, hasHeaders, serverAddress, tlsRequired, urlScheme, urlText } from '../server-url.js';
import { UrlHeaders } from '../headers.js';
import { onceBody } from '../body.js';
import { UrlResponse } from '../response.js';
import type { AuthMechanism } from '../../protocols/smtp/core/auth.js';
import { byteResponse } from '../byte-response.js';
import { operationDeadline } from '../deadline.js';
import type { Opener, OpenOptions } from '../types.js';

/** The EHLO name from the URL path: everything after the first '/', percent-decoded. */
function heloName(url: URL): string | undefined {
  const name = urlText(url.pathname.replace(/^\//, ''));
  return name === '' ? undefined : name;
}

function refuse(msg: string): InputError {
  return new InputError(msg, { protocol: 'smtp' });
}

/** The options the mail schemes read beyond {@link OpenOptions} (until OpenOptions names them). */
export interface MailOpenOptions extends OpenOptions {
  /** smtp, pop3: log in with this OAuth 2.0 token (SASL OAUTHBEARER or XOAUTH2) instead of a password (curl --oauth2-bearer). */
  oauth2Bearer?: string | undefined;
  /**
   * smtp: send the message to the recipients the server accepted when it
   * refuses some (curl --mail-rcpt-allowfails); only all of them refused
   * fails the send. The refused ones, each with the server's reply, are the
   * `rejected` list of the response's `raw` ({@link SendResult}). Default
   * false: one refusal fails the send and nothing is sent, as curl.
   */
  mailRcptAllowFails?: boolean | undefined;
  /**
   * smtp: the mailbox that submitted the message, sent as MAIL FROM's
   * `AUTH=<…>` (RFC 4954 §5, xtext-encoded; one pair of angle brackets
   * dropped, `''` for `<>`) when the session logged in — curl --mail-auth.
   */
  mailAuth?: string | undefined;
  /**
   * smtp, pop3: send the SASL initial response with AUTH (PLAIN's message,
   * SMTP LOGIN's user name, a bearer token's message) when the line is short
   * enough — curl --sasl-ir. Default false, as curl: the response follows
   * the server's go-ahead, one more round trip.
   */
  saslIr?: boolean | undefined;
  /** smtp, pop3: the authorization identity AUTH PLAIN acts as (RFC 4616 authzid; curl --sasl-authzid). */
  saslAuthzid?: string | undefined;
  /**
   * smtp, pop3: curl's login options (`--login-options`), as a URL's
   * `;AUTH=<mech>`: `AUTH=PLAIN`, `AUTH=*`, …, `;`-separated (the last AUTH=
   * wins). They win over the URL's, as in curl; any other option is an
   * InputError (phase 'url').
   */
  loginOptions?: string | undefined;
}

const MECHANISMS: readonly AuthMechanism[] = ['CRAM-MD5', 'PLAIN', 'LOGIN', 'OAUTHBEARER', 'XOAUTH2'];

/** The SASL mechanisms curl 7.88 knows by name: one dial does not speak is unsupported, any other name a malformed login option. */
const CURL_SASL_NAMES = new Set(['LOGIN', 'PLAIN', 'CRAM-MD5', 'DIGEST-MD5', 'GSSAPI', 'EXTERNAL', 'NTLM', 'XOAUTH2', 'OAUTHBEARER']);

/**
 * The mechanism curl's login options name (`AUTH=<mech>`, `;`-separated,
 * the last one winning; '' names none), upper case, `*` for the default
 * choice. Any other option is a malformed URL (curl's exit 3), as curl.
 */
export function loginOptionAuth(options: string, protocol: 'smtp' | 'pop3'): string | undefined {
  let mech: string | undefined;
  if (options === '') return undefined;
  for (const part of options.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).toUpperCase() !== 'AUTH' || eq === part.length - 1) {
      throw new InputError(`${protocol}: the login option ${JSON.stringify(part.slice(0, 40))} is not AUTH=<mechanism>`, { protocol, phase: 'url' });
    }
    mech = part.slice(eq + 1).toUpperCase();
  }
  return mech;
}

/** The error for a login mechanism `protocol` cannot use: unsupported when curl knows its name, else a malformed option (exit 3). */
export function unknownMechanism(mech: string, protocol: 'smtp' | 'pop3', choices: string): InputError {
  const msg = `${protocol}: the login AUTH=${mech} is not supported (use ${choices} or *)`;
  return CURL_SASL_NAMES.has(mech) ? new InputError(msg, { code: 'DIAL_E_UNSUPPORTED', protocol }) : new InputError(msg, { protocol, phase: 'url' });
}

/**
 * The user name and the mechanism (undefined: the client's choice) from the
 * login's user part and its `;AUTH=`, or from `loginOptions` (curl's
 * `--login-options`), which wins over it as in curl.
 */
export function parseSmtpUser(raw: string, loginOptions?: string): { user: string; mechanism: AuthMechanism | undefined } {
  const at = raw.toLowerCase().indexOf(';auth=');
  const user = at < 0 ? raw : raw.slice(0, at);
  const mech = loginOptionAuth(loginOptions ?? (at < 0 ? '' : raw.slice(at + 1)), 'smtp');
  if (mech === undefined || mech === '*') return { user, mechanism: undefined };
  const known = MECHANISMS.find((m) => m === mech);
  if (!known) throw unknownMechanism(mech, 'smtp', MECHANISMS.join(', '));
  return { user, mechanism: known };
}

/** Opens an smtp:// or smtps:// URL (see the module notes). */
export const openSmtp = (async (url: URL, options: MailOpenOptions): Promise<UrlResponse> => {
  const scheme = urlScheme(url);
  if (scheme !== 'smtp' && scheme !== 'smtps') throw refuse(`openSmtp cannot open ${scheme}: URLs`);
  if (url.search || url.hash) throw refuse('smtp URLs have no query or fragment');
  const method = (options.method ?? (options.body !== undefined ? 'PUT' : 'GET')).toUpperCase();
  if (method !== 'GET' && method !== 'PUT' && method !== 'POST') throw refuse(`smtp does not support method ${method}`);
  if (hasHeaders(options)) {
    throw refuse('smtp has no request headers: put them in the message');
  }
  if (options.range) throw refuse('smtp has no byte ranges');
  const send = method !== 'GET';
  if (send && options.body === undefined) throw refuse(`an smtp ${method} needs a message body`);
  const rcpts = (options.mailRcpt ?? []).map(unbracket);
  if (rcpts.length === 0) throw refuse(send ? 'sending mail needs at least one recipient (mailRcpt)' : 'an smtp URL without a message needs mailRcpt to VRFY');
  const from = unbracket(options.mailFrom ?? '');
  const { user: login, password } = credentials(url, options);
  const parsed = login === undefined ? undefined : parseSmtpUser(login, options.loginOptions);
  const user = parsed?.user;
  if (options.oauth2Bearer !== undefined && user === undefined) throw refuse('smtp: an OAuth 2.0 login needs a user name (in the URL or `user`)');

  const { signal, translate: restate } = operationDeadline(options, 'smtp');

  let client: SmtpClient;
  try {
    client = await SmtpClient.connect({
      ...serverAddress(url),
      secure: scheme === 'smtps' ? 'implicit' : tlsRequired(options) ? 'starttls' : 'opportunistic',
      tls: options.tls,
      clientName: heloName(url),
      auth:
        user !== undefined
          ? { user, password: password ?? '', bearer: options.oauth2Bearer, mechanisms: parsed?.mechanism ? [parsed.mechanism] : undefined, initialResponse: options.saslIr ?? false, authzid: options.saslAuthzid }
          : undefined,
      // curl --connect-timeout bounds connecting only: a slow RCPT (a callout, greylisting) is the transfer's to wait for.
      timeout: options.timeout,
      connectTimeout: options.connectTimeout ?? options.timeout,
      dataTimeout: options.timeout,
      signal,
      trace: options.trace,
      lookup: options.lookup,
      local: options.local,
    });
  } catch (e) {
    throw restate(e);
  }
  try {
    const headers = new UrlHeaders();
    if (!send) {
      const lines: string[] = [];
      for (const r of rcpts) {
        const reply = await client.vrfy(r, { signal });
        // As curl writes them: every line of the reply with its code (`250-` until the last), CRLF-ended.
        reply.lines.forEach((text, i) => lines.push(`${reply.code}${i < reply.lines.length - 1 ? '-' : text === '' ? '' : ' '}${text}\r\n`));
      }
      await client.quit({ signal });
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      return byteResponse({ url: url.href, protocol: 'smtp', headers, body: Buffer.from(lines.join(''), 'utf8') });
    }
    const total = options.bodyLength;
    const onProgress = options.onProgress;
    const result = await client.sendMail(
      { from, to: rcpts, data: options.body!, size: total, auth: options.mailAuth === undefined ? undefined : unbracket(options.mailAuth) },
      {
        signal,
        requireAllRecipients: !options.mailRcptAllowFails,
        onProgress: onProgress ? (n) => onProgress({ direction: 'upload', transferred: n, total }) : undefined,
      },
    );
    await client.quit({ signal }).catch(() => {});
    return new UrlResponse({
      url: url.href,
      status: result.reply.code,
      statusText: result.reply.lines[0] ?? '',
      protocol: 'smtp',
      headers,
      body: onceBody(Buffer.alloc(0)),
      raw: result,
    });
  } catch (e) {
    // A refusal leaves the session usable: say goodbye as curl does (QUIT) rather than hang up.
    if (e instanceof SmtpReplyError && !client.closed) await client.quit({ signal }).catch(() => {});
    await client.close();
    throw restate(e) as DialError;
  }
}) satisfies Opener;
