/**
 * Sans-IO envelope checks and command building (RFC 5321 §4.1.1.2–3,
 * §4.5.3.1; RFC 1870 SIZE, RFC 6152 BODY, RFC 6531 SMTPUTF8, RFC 4954 §5
 * AUTH=). Nothing a
 * caller passes reaches the wire unless it passed these checks.
 *
 * @module
 */
import { InputError } from '../../../errors.js';

/** RFC 5321 §4.5.3.1.1: the longest local part, in octets. */
export const MAX_LOCAL_PART = 64;
/** RFC 5321 §4.5.3.1.2: the longest domain, in octets. */
export const MAX_DOMAIN = 255;
/** RFC 5321 §4.5.3.1.3: the longest path, brackets included, in octets. */
export const MAX_PATH = 256;

function refuse(msg: string): InputError {
  return new InputError(msg, { protocol: 'smtp', phase: 'envelope' });
}

/** True when `s` holds a character beyond ASCII (needs SMTPUTF8). */
export function isNonAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return true;
  return false;
}

/**
 * Checks one mailbox address for the envelope and returns it. Refused with an
 * InputError, before anything is sent: CR, LF, NUL and every other control
 * character, space and tab (they would split or extend the command), `<` and
 * `>` (they would close the path early and let text after them pass as
 * parameters), an empty address (except an empty sender, the null
 * reverse-path `<>` of bounces), and lengths past RFC 5321's limits.
 */
export function checkAddress(address: string, role: 'sender' | 'recipient'): string {
  if (typeof address !== 'string') throw refuse(`the ${role} address must be a string`);
  if (address === '') {
    if (role === 'sender') return address;
    throw refuse('a recipient address cannot be empty');
  }
  for (let i = 0; i < address.length; i++) {
    const c = address.charCodeAt(i);
    if (c <= 32 || c === 127) throw refuse(`the ${role} address holds a control character or space at offset ${i}`);
    if (c === 60 || c === 62) throw refuse(`the ${role} address holds '${address[i]}' (give the bare address, without angle brackets)`);
  }
  const octets = Buffer.byteLength(address, 'utf8');
  if (octets + 2 > MAX_PATH) throw refuse(`the ${role} address is ${octets} bytes; RFC 5321 allows ${MAX_PATH - 2}`);
  const at = address.lastIndexOf('@');
  if (at >= 0) {
    const local = Buffer.byteLength(address.slice(0, at), 'utf8');
    const domain = Buffer.byteLength(address.slice(at + 1), 'utf8');
    if (local === 0 || domain === 0) throw refuse(`the ${role} address ${JSON.stringify(address)} has an empty local part or domain`);
    if (local > MAX_LOCAL_PART) throw refuse(`the ${role} address's local part is ${local} bytes; RFC 5321 allows ${MAX_LOCAL_PART}`);
    if (domain > MAX_DOMAIN) throw refuse(`the ${role} address's domain is ${domain} bytes; RFC 5321 allows ${MAX_DOMAIN}`);
  }
  return address;
}

/**
 * Strips one pair of angle brackets around an address, as curl's
 * `--mail-from '<a@b>'` allows; anything else is returned unchanged for
 * {@link checkAddress} to judge.
 */
export function unbracket(address: string): string {
  return address.length >= 2 && address.startsWith('<') && address.endsWith('>') ? address.slice(1, -1) : address;
}

/**
 * Checks the name given in EHLO/HELO: a domain or an address literal like
 * `[192.0.2.1]`, without spaces or control characters, at most 255 bytes.
 */
export function checkHeloName(name: string): string {
  if (typeof name !== 'string' || name === '') throw refuse('the EHLO name must be a non-empty string');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c <= 32 || c >= 127) throw refuse(`the EHLO name holds a space, control or non-ASCII character at offset ${i}`);
  }
  if (name.length > MAX_DOMAIN) throw refuse(`the EHLO name is ${name.length} bytes; at most ${MAX_DOMAIN}`);
  return name;
}

/**
 * RFC 3461 §4's xtext, as RFC 4954 §5 asks of the AUTH= parameter: every
 * byte of the UTF-8 text outside `!`..`~`, and `+` and `=` themselves, as
 * `+` and two upper-case hex digits; the rest as it is. So no byte of it can
 * end the parameter or the command line.
 */
export function xtext(text: string): string {
  let out = '';
  for (const b of Buffer.from(text, 'utf8')) {
    out += b < 33 || b > 126 || b === 43 || b === 61 ? `+${b.toString(16).toUpperCase().padStart(2, '0')}` : String.fromCharCode(b);
  }
  return out;
}

/** The MAIL FROM parameters this library sends. */
export interface MailParams {
  /**
   * RFC 4954 §5: the mailbox that submitted the message, checked as a
   * sender (`''` for `<>`: the identity is not known), sent xtext-encoded as
   * `AUTH=<mailbox>` first of the parameters — where curl puts it.
   */
  auth?: string | undefined;
  /** RFC 1870: the message size in bytes (an estimate is allowed). */
  size?: number | undefined;
  /** RFC 6152: '8BITMIME' for a body with 8-bit bytes, '7BIT' to say there are none. */
  body?: '7BIT' | '8BITMIME' | undefined;
  /** RFC 6531: the envelope or headers hold UTF-8 addresses. */
  smtpUtf8?: boolean | undefined;
}

/** Builds `MAIL FROM:<from>` with its parameters; `from` is checked first. */
export function mailFromLine(from: string, params: MailParams = {}): string {
  let line = `MAIL FROM:<${checkAddress(from, 'sender')}>`;
  if (params.auth !== undefined) line += ` AUTH=${xtext(`<${checkAddress(params.auth, 'sender')}>`)}`;
  if (params.size !== undefined) {
    if (!Number.isSafeInteger(params.size) || params.size < 0) throw refuse(`SIZE must be a non-negative integer, got ${params.size}`);
    line += ` SIZE=${params.size}`;
  }
  if (params.body !== undefined) {
    if (params.body !== '7BIT' && params.body !== '8BITMIME') throw refuse(`BODY must be 7BIT or 8BITMIME, got ${String(params.body)}`);
    line += ` BODY=${params.body}`;
  }
  if (params.smtpUtf8) line += ' SMTPUTF8';
  return line;
}

/** Builds `RCPT TO:<to>`; `to` is checked first. */
export function rcptToLine(to: string): string {
  return `RCPT TO:<${checkAddress(to, 'recipient')}>`;
}
