/**
 * The POP3 AUTH logins (RFC 5034 framing): PLAIN, and a bearer token's
 * OAUTHBEARER or XOAUTH2 — the steps of each exchange, over whatever sends
 * one AUTH line and reads its status (Pop3Client's command path). The
 * messages themselves are built in ./core/auth.ts and smtp/core/oauth.ts.
 *
 * @module
 */
import { ProtocolError } from '../../errors.js';
import { bearerAbort, bearerErrorText, bearerResponse, type BearerLogin, type BearerMechanism } from '../smtp/core/oauth.js';
import { initialResponseLine } from '../smtp/core/auth.js';
import { refusal, type Pop3Status } from './core/status.js';

/** Sends one line of an AUTH exchange (`secret`: masked whole in the trace) and reads its status; `cont` for a `+ ` challenge. */
export type AuthStep = (line: string, secret: boolean) => Promise<Pop3Status & { cont?: boolean | undefined }>;

/** RFC 5034 §4: the longest AUTH command with an initial response, CRLF included. */
export const POP3_AUTH_LINE = 255;

/**
 * Sends AUTH `mech` with `response`: on the AUTH line itself when
 * `initialResponse` and it fits in {@link POP3_AUTH_LINE}, else after the
 * `+ ` go-ahead. Returns the status that follows the response.
 */
async function begin(step: AuthStep, mech: string, response: string, initialResponse: boolean): Promise<Pop3Status & { cont?: boolean | undefined }> {
  const command = `AUTH ${mech}`;
  const ir = initialResponse ? initialResponseLine(mech, response, POP3_AUTH_LINE) : undefined;
  if (ir) return step(ir, true);
  const go = await step(command, false);
  if (!go.cont) {
    if (!go.ok) throw refusal(go, command, 'login');
    throw new ProtocolError(`the server said +OK to ${command} before any credentials were sent`, { protocol: 'pop3', phase: 'login' });
  }
  return step(response, true);
}

/**
 * AUTH PLAIN with its one message (`response`, base64): with AUTH when
 * `initialResponse`, else after the `+ `, as curl by default. A refusal is a
 * ReplyError (phase 'login'); a server asking for more is a ProtocolError,
 * after the exchange is cancelled with `*` (RFC 5034 §4).
 */
export async function plainLogin(step: AuthStep, response: string, initialResponse: boolean): Promise<void> {
  const st = await begin(step, 'PLAIN', response, initialResponse);
  if (st.cont) {
    await step('*', false);
    throw new ProtocolError('the server asked for more after the AUTH PLAIN response', { protocol: 'pop3', phase: 'login' });
  }
  if (!st.ok) throw refusal(st, 'AUTH PLAIN', 'login');
}

/**
 * AUTH `mech` as curl runs it: the token after the `+ ` go-ahead, or — with
 * `initialResponse`, curl's `--sasl-ir` — on the AUTH line when that stays
 * within 255 octets (RFC 5034 §4; most tokens are longer). A refusal is a
 * ReplyError (phase 'login') carrying the reason the server sent as its
 * error challenge; a server that goes on after refusing is a ProtocolError.
 */
export async function bearerLogin(step: AuthStep, mech: BearerMechanism, login: BearerLogin, initialResponse = false): Promise<void> {
  const command = `AUTH ${mech}`;
  const st = await begin(step, mech, bearerResponse(mech, login), initialResponse);
  if (!st.cont) {
    if (!st.ok) throw refusal(st, command, 'login');
    return;
  }
  // RFC 7628 §3.2.2: the challenge is the server's reason, in base64 JSON; the exchange must still be ended.
  const why = bearerErrorText(st.text);
  const end = await step(bearerAbort(mech), true);
  if (end.cont || end.ok) throw new ProtocolError(`the server went on with ${command} after refusing the token`, { protocol: 'pop3', phase: 'login' });
  throw refusal({ ...end, text: why ? `${end.text} (the token was refused: ${why})` : end.text }, command, 'login');
}
