/**
 * Login material for POP3: the choice of login, the APOP digest (RFC 1939
 * §7) and the SASL PLAIN initial response (RFC 4616, carried by AUTH as RFC
 * 5034 says). The bearer-token messages are SMTP's (smtp/core/oauth.ts).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../../errors.js';
import { BEARER_MECHANISMS } from '../../smtp/core/oauth.js';
import type { Pop3Auth } from '../options.js';

/**
 * The login `'auto'` stands for, given CAPA's SASL list (`offered`, upper
 * case): with a bearer token OAUTHBEARER, else XOAUTH2 — and, as curl, never
 * a password login instead, so a server offering neither is an InputError
 * DIAL_E_UNSUPPORTED; without one PLAIN when offered, else USER/PASS.
 */
export function chooseLogin(offered: readonly string[], withToken: boolean): Exclude<Pop3Auth, 'auto'> {
  if (!withToken) return offered.includes('PLAIN') ? 'plain' : 'user';
  const mech = BEARER_MECHANISMS.find((m) => offered.includes(m));
  if (!mech) throw new InputError(`the server offers no SASL mechanism for a bearer token (${BEARER_MECHANISMS.join(', ')})`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'pop3', phase: 'login' });
  return mech === 'OAUTHBEARER' ? 'oauthbearer' : 'xoauth2';
}

/** Longest greeting time stamp taken; RFC 1939's are a few dozen octets. */
const MAX_STAMP = 512;

/**
 * The `<process-ID.clock@hostname>` time stamp of a greeting, brackets
 * included, or undefined when the server offers none (then APOP cannot work).
 */
export function apopTimestamp(greeting: string): string | undefined {
  const open = greeting.indexOf('<');
  if (open < 0) return undefined;
  const close = greeting.indexOf('>', open);
  if (close < 0 || close - open > MAX_STAMP) return undefined;
  const stamp = greeting.slice(open, close + 1);
  // A msg-id has an '@' and nothing that could end the command line early.
  if (!stamp.includes('@') || stamp.includes(' ')) return undefined;
  return stamp;
}

/** The APOP digest: lower-case hex MD5 of the time stamp followed by the shared secret. */
export function apopDigest(timestamp: string, secret: string): string {
  return createHash('md5').update(timestamp + secret, 'utf8').digest('hex');
}

/**
 * The base64 SASL PLAIN response `authzid NUL user NUL password`. A NUL
 * inside a field would shift the fields, so it is an InputError.
 */
export function saslPlain(user: string, password: string, authzid = ''): string {
  for (const [v, what] of [[user, 'user'], [password, 'password'], [authzid, 'authzid']] as const) {
    if (v.includes('\0')) throw new InputError(`the ${what} holds a NUL byte; nothing was sent`, { protocol: 'pop3', phase: 'login' });
  }
  return Buffer.from(`${authzid}\0${user}\0${password}`, 'utf8').toString('base64');
}
