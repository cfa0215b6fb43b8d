/**
 * Sans-IO SASL for logging in with an OAuth 2.0 bearer token: OAUTHBEARER
 * (RFC 7628) and Google's XOAUTH2, the two curl speaks with
 * `--oauth2-bearer`. SMTP AUTH (RFC 4954) and POP3 AUTH (RFC 5034) carry
 * the same base64 messages, so both clients build them here; neither the
 * messages nor the checks touch a socket.
 *
 * The exchange, as curl 7.88 runs it: `AUTH <mech>`, an empty challenge,
 * then the message below. A server that refuses the token sends a second
 * challenge, base64 JSON saying why (RFC 7628 §3.2.2); OAUTHBEARER answers it
 * with the dummy `%x01` (§3.2.3) and the server then fails the exchange.
 *
 * @module
 */
import { InputError } from '../../../errors.js';

/** The SASL mechanisms that carry a bearer token, in the order curl prefers them. */
export type BearerMechanism = 'OAUTHBEARER' | 'XOAUTH2';

/** The order tried when the caller names none (curl's: OAUTHBEARER when offered, else XOAUTH2). */
export const BEARER_MECHANISMS: readonly BearerMechanism[] = ['OAUTHBEARER', 'XOAUTH2'];

/** What a bearer message says: who, with which token, to which server. */
export interface BearerLogin {
  user: string;
  token: string;
  /** The server's name as the client connected to it, and its port: OAUTHBEARER sends both (RFC 7628 §3.1). */
  host: string;
  port: number;
}

/** True for a mechanism that logs in with a bearer token rather than a password. */
export function isBearerMechanism(m: string): m is BearerMechanism {
  return m === 'OAUTHBEARER' || m === 'XOAUTH2';
}

/**
 * Refuses a token or user the messages cannot carry: a token is printable
 * ASCII without spaces (RFC 6750's b64token is narrower still), and neither
 * may hold the `%x01` that separates the message's fields, or it could add
 * fields of its own.
 */
export function checkBearer(user: string, token: string, protocol: string, phase: string): void {
  if (typeof token !== 'string' || token === '' || !/^[\x21-\x7e]+$/.test(token)) {
    throw new InputError('the OAuth 2.0 bearer token must be non-empty printable ASCII without spaces', { protocol, phase });
  }
  if (/[\0-\x1f\x7f]/.test(user)) throw new InputError('the user name of an OAuth 2.0 login holds a control character', { protocol, phase });
}

/** RFC 5801 §4's saslname: ',' and '=' inside the authzid are escaped as =2C and =3D. */
function saslName(user: string): string {
  return user.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

/**
 * OAUTHBEARER's client message (RFC 7628 §3.1), base64: the GS2 header
 * `n,a=user,` then `host=`, `port=` and `auth=Bearer token`, each ended by
 * %x01, and a final %x01. The same bytes curl 7.88 sends (it leaves a ',' or
 * '=' in the user name unescaped, which the RFC does not allow).
 */
export function oauthBearerResponse(l: BearerLogin): string {
  return Buffer.from(`n,a=${saslName(l.user)},\x01host=${l.host}\x01port=${l.port}\x01auth=Bearer ${l.token}\x01\x01`, 'utf8').toString('base64');
}

/** XOAUTH2's client message, base64: `user=… %x01 auth=Bearer … %x01 %x01` (as Google documents it, and curl sends it). */
export function xoauth2Response(l: Pick<BearerLogin, 'user' | 'token'>): string {
  return Buffer.from(`user=${l.user}\x01auth=Bearer ${l.token}\x01\x01`, 'utf8').toString('base64');
}

/** The message `mech` sends once the server's empty challenge has come. */
export function bearerResponse(mech: BearerMechanism, l: BearerLogin): string {
  return mech === 'OAUTHBEARER' ? oauthBearerResponse(l) : xoauth2Response(l);
}

/**
 * The answer to the error challenge: OAUTHBEARER's `%x01` (base64 `AQ==`, RFC
 * 7628 §3.2.3, as curl sends it); XOAUTH2's empty response, as Google
 * documents it (curl 7.88 hangs up there instead), so the server sends its
 * final refusal and the session stays in step.
 */
export function bearerAbort(mech: BearerMechanism): string {
  return mech === 'OAUTHBEARER' ? 'AQ==' : '';
}

/** Longest piece of the server's error JSON kept for an error message. */
const MAX_ERROR_TEXT = 200;

/**
 * The error challenge decoded for an error message (`{"status":"invalid_token",…}`):
 * printable ASCII only and bounded, or undefined when it holds nothing readable.
 */
export function bearerErrorText(challenge: string): string | undefined {
  const raw = Buffer.from(challenge.trim(), 'base64').toString('latin1');
  const text = raw.replace(/[^\x20-\x7e]+/g, ' ').trim();
  if (text === '') return undefined;
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text;
}
