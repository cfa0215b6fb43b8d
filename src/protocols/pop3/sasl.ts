/**
 * The POP3 side of a bearer-token login (AUTH OAUTHBEARER or XOAUTH2, RFC
 * 5034 framing): the steps of the exchange, over whatever sends one AUTH
 * line and reads its status — Pop3Client's command path. The messages
 * themselves are built in smtp/core/oauth.ts.
 *
 * @module
 */
import { ProtocolError } from '../../errors.js';
import { bearerAbort, bearerErrorText, bearerResponse, type BearerLogin, type BearerMechanism } from '../smtp/core/oauth.js';
import { refusal, type Pop3Status } from './core/status.js';

/** Sends one line of an AUTH exchange (`secret`: masked whole in the trace) and reads its status; `cont` for a `+ ` challenge. */
export type AuthStep = (line: string, secret: boolean) => Promise<Pop3Status & { cont?: boolean | undefined }>;

/**
 * AUTH `mech` as curl runs it: the token after the `+ ` go-ahead, never as
 * an initial response, which RFC 5034 §4 allows only within a 255-octet
 * command — too short for most tokens. A refusal is a ReplyError (phase
 * 'login') carrying the reason the server sent as its error challenge; a
 * server that goes on after refusing is a ProtocolError.
 */
export async function bearerLogin(step: AuthStep, mech: BearerMechanism, login: BearerLogin): Promise<void> {
  const command = `AUTH ${mech}`;
  const go = await step(command, false);
  if (!go.cont) {
    if (!go.ok) throw refusal(go, command, 'login');
    throw new ProtocolError(`the server said +OK to ${command} before any token was sent`, { protocol: 'pop3', phase: 'login' });
  }
  const st = await step(bearerResponse(mech, login), true);
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
