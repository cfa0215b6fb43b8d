/**
 * Sans-IO SASL for SMTP AUTH (RFC 4954): choosing a mechanism, and the
 * base64 lines of PLAIN (RFC 4616), LOGIN (draft-murchison-sasl-login) and
 * CRAM-MD5 (RFC 2195); the bearer-token mechanisms are in ./oauth.ts. The
 * client sends what these return; none of them touches a socket.
 *
 * @module
 */
import { createHmac } from 'node:crypto';
import { InputError, ProtocolError } from '../../../errors.js';
import { BEARER_MECHANISMS, checkBearer, type BearerMechanism } from './oauth.js';

/** The mechanisms this library speaks: three with a password, two with an OAuth 2.0 bearer token. */
export type AuthMechanism = 'CRAM-MD5' | 'PLAIN' | 'LOGIN' | BearerMechanism;

/** The order tried with a password when the caller names none: CRAM-MD5 keeps the password off the wire. */
export const DEFAULT_MECHANISMS: readonly AuthMechanism[] = ['CRAM-MD5', 'PLAIN', 'LOGIN'];

/** Credentials for AUTH: a user with a password, or with a bearer token. */
export interface SmtpCredentials {
  user: string;
  /** For CRAM-MD5, PLAIN and LOGIN. Default ''. */
  password?: string | undefined;
  /** PLAIN only: act as this identity (RFC 4616 authzid). Default: none. */
  authzid?: string | undefined;
  /**
   * An OAuth 2.0 access token: the login is then OAUTHBEARER (RFC 7628) when
   * the server offers it, else XOAUTH2 — never a password mechanism, as curl
   * `--oauth2-bearer` — unless `mechanisms` names others.
   */
  bearer?: string | undefined;
  /**
   * Send the first response with AUTH itself (RFC 4954 §4's initial
   * response) rather than after the server's empty 334. Default: PLAIN's
   * only. `true`: PLAIN's, LOGIN's user name and the bearer message, as
   * curl `--sasl-ir` — each only when the line stays within
   * {@link SMTP_AUTH_LINE} octets, else after the 334. `false`: never, as
   * curl by default. CRAM-MD5 has none: its answer needs the challenge.
   */
  initialResponse?: boolean | undefined;
}

/** The longest AUTH line with an initial response, CRLF included: RFC 5321 §4.5.3.1.4's command line (curl's bound too). */
export const SMTP_AUTH_LINE = 512;

/**
 * `AUTH <mech> <response>` when it fits in `max` octets with its CRLF, else
 * undefined — the response then goes after the server's go-ahead, as curl
 * does. Shared with POP3 (RFC 5034 §4 sets 255 there).
 */
export function initialResponseLine(mech: string, response: string, max: number): string | undefined {
  const line = `AUTH ${mech} ${response === '' ? '=' : response}`;
  return line.length + 2 <= max ? line : undefined;
}

/** The order tried when the caller names none: the bearer mechanisms with a token, else the password ones. */
export function defaultMechanisms(c: SmtpCredentials): readonly AuthMechanism[] {
  return c.bearer !== undefined ? BEARER_MECHANISMS : DEFAULT_MECHANISMS;
}

/**
 * The first mechanism of `preferred` that the server offers (`offered`,
 * upper case, from EHLO), or undefined.
 */
export function chooseMechanism(offered: readonly string[], preferred: readonly AuthMechanism[] = DEFAULT_MECHANISMS): AuthMechanism | undefined {
  return preferred.find((m) => offered.includes(m));
}

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

/** Refuses NUL in credentials: PLAIN uses it as its separator, so it could forge the identity fields. */
export function checkCredentials(c: SmtpCredentials): void {
  for (const [name, v] of [['user', c.user], ['password', c.password ?? ''], ['authzid', c.authzid ?? '']] as const) {
    if (typeof v !== 'string') throw new InputError(`the AUTH ${name} must be a string`, { protocol: 'smtp', phase: 'auth' });
    if (v.includes('\0')) throw new InputError(`the AUTH ${name} holds a NUL byte`, { protocol: 'smtp', phase: 'auth' });
  }
  if (c.user === '') throw new InputError('the AUTH user name is empty', { protocol: 'smtp', phase: 'auth' });
  if (c.bearer !== undefined) checkBearer(c.user, c.bearer, 'smtp', 'auth');
}

/** PLAIN's one message: authzid NUL user NUL password, base64. */
export function plainResponse(c: SmtpCredentials): string {
  return b64(`${c.authzid ?? ''}\0${c.user}\0${c.password ?? ''}`);
}

/** `s` without its trailing '=' padding (a loop: a regex here could backtrack on hostile input). */
function unpad(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 61) end--;
  return s.slice(0, end);
}

/** Decodes a 334 challenge's base64 text; a ProtocolError when it is not base64. */
export function decodeChallenge(text: string): Buffer {
  const t = text.trim();
  // Buffer.from ignores junk silently; a round trip tells real base64 from garbage.
  const raw = Buffer.from(t, 'base64');
  if (unpad(raw.toString('base64')) !== unpad(t)) {
    throw new ProtocolError(`the AUTH challenge is not base64: ${JSON.stringify(t.slice(0, 40))}`, { protocol: 'smtp', phase: 'auth' });
  }
  return raw;
}

/**
 * LOGIN's answer to its `step`-th 334 (0: the user name, 1: the password).
 * The prompts' texts vary between servers ("Username:", "VXNlcm5hbWU6"…),
 * so the order decides, as in curl and Go; a third prompt is a ProtocolError.
 */
export function loginResponse(step: number, c: SmtpCredentials): string {
  if (step === 0) return b64(c.user);
  if (step === 1) return b64(c.password ?? '');
  throw new ProtocolError('the server asked for more than a user name and a password during AUTH LOGIN', { protocol: 'smtp', phase: 'auth' });
}

/** CRAM-MD5's answer: `user hex(HMAC-MD5(password, challenge))`, base64. */
export function cramMd5Response(challenge: string, c: SmtpCredentials): string {
  const digest = createHmac('md5', Buffer.from(c.password ?? '', 'utf8')).update(decodeChallenge(challenge)).digest('hex');
  return b64(`${c.user} ${digest}`);
}
