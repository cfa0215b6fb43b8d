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
 * - As curl without `--mail-rcpt-allowfails`, one refused recipient fails
 *   the whole send and nothing is sent.
 * - Without a body, each `mailRcpt` is asked with VRFY (curl's behaviour too)
 *   and the body of the response is the server's replies as curl prints
 *   them: each line with its code, CRLF-ended.
 * - Credentials (`user`/`password`, else the URL's) log in with AUTH after
 *   TLS; PLAIN/LOGIN are never sent without TLS.
 *
 * The response's status is the server's reply to the end of the data (250),
 * its `raw` the {@link SendResult}; there is no body.
 *
 * @module
 */
import { InputError, type DialError } from '../../errors.js';
import { SmtpClient } from '../../protocols/smtp/client.js';
import { unbracket } from '../../protocols/smtp/core/address.js';
import { credentials, hasHeaders, serverAddress, tlsRequired, urlScheme, urlText } from '../server-url.js';
import { UrlHeaders } from '../headers.js';
import { onceBody } from '../body.js';
import { UrlResponse } from '../response.js';
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

/** Opens an smtp:// or smtps:// URL (see the module notes). */
export const openSmtp: Opener = async (url: URL, options: OpenOptions) => {
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
  const { user, password } = credentials(url, options);

  const { signal, translate: restate } = operationDeadline(options, 'smtp');

  let client: SmtpClient;
  try {
    client = await SmtpClient.connect({
      ...serverAddress(url),
      secure: scheme === 'smtps' ? 'implicit' : tlsRequired(options) ? 'starttls' : 'opportunistic',
      tls: options.tls,
      clientName: heloName(url),
      auth: user !== undefined ? { user, password: password ?? '' } : undefined,
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
      { from, to: rcpts, data: options.body!, size: total },
      {
        signal,
        requireAllRecipients: true,
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
    await client.close();
    throw restate(e) as DialError;
  }
};
