/**
 * Login material for POP3: the APOP digest (RFC 1939 §7) and the SASL PLAIN
 * initial response (RFC 4616, carried by AUTH as RFC 5034 says).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { InputError } from '../../../errors.js';

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
