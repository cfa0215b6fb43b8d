/**
 * dial's SMTP and POP3 options beyond --mail-from / --mail-rcpt, as curl
 * 7.88 reads them: their table entries (spread into argv.ts's), their values
 * in CliOptions, and the urlopen options they become. The protocol work is
 * the library's (src/protocols/smtp, src/protocols/pop3).
 *
 * @module
 */
import type { MailOpenOptions } from '../urlopen/schemes/smtp.js';

/** The mail options, by curl's long name. */
export const MAIL_OPTION_SPECS = {
  'mail-rcpt-allowfails': { type: 'boolean' },
  'mail-auth': { type: 'string' },
  'sasl-ir': { type: 'boolean' },
  'sasl-authzid': { type: 'string' },
  'login-options': { type: 'string' },
} as const;

/** The option values this file reads. */
interface MailValues {
  'mail-rcpt-allowfails'?: boolean | undefined;
  'mail-auth'?: string | undefined;
  'sasl-ir'?: boolean | undefined;
  'sasl-authzid'?: string | undefined;
  'login-options'?: string | undefined;
}

export interface MailArgs {
  /** --mail-rcpt-allowfails: send to the recipients the server took when it refuses some (curl fails only when it refuses all). */
  mailRcptAllowFails: boolean;
  /** --mail-auth: MAIL FROM's AUTH= mailbox (RFC 4954 §5), sent after a login. */
  mailAuth: string | undefined;
  /** --sasl-ir: the SASL initial response goes with AUTH (smtp, pop3). */
  saslIr: boolean;
  /** --sasl-authzid: AUTH PLAIN's authorization identity. */
  saslAuthzid: string | undefined;
  /** --login-options: curl's `AUTH=<mech>` for smtp/pop3 logins, winning over the URL's `;AUTH=`. */
  loginOptions: string | undefined;
}

/** The mail options of a command line. */
export function mailArgs(v: MailValues): MailArgs {
  return {
    mailRcptAllowFails: v['mail-rcpt-allowfails'] ?? false,
    mailAuth: v['mail-auth'],
    saslIr: v['sasl-ir'] ?? false,
    saslAuthzid: v['sasl-authzid'],
    loginOptions: v['login-options'],
  };
}

/** The urlopen options the mail options (and --mail-from / --mail-rcpt) stand for: only those given; schemes other than smtp and pop3 read none. */
export function mailOpenOptions(o: MailArgs & { mailFrom: string | undefined; mailRcpt: string[] }): MailOpenOptions & { mailFrom?: string; mailRcpt?: string[] } {
  const opts: MailOpenOptions & { mailFrom?: string; mailRcpt?: string[] } = {};
  if (o.mailFrom !== undefined) opts.mailFrom = o.mailFrom;
  if (o.mailRcpt.length > 0) opts.mailRcpt = o.mailRcpt;
  if (o.mailRcptAllowFails) opts.mailRcptAllowFails = true;
  if (o.mailAuth !== undefined) opts.mailAuth = o.mailAuth;
  if (o.saslIr) opts.saslIr = true;
  if (o.saslAuthzid !== undefined) opts.saslAuthzid = o.saslAuthzid;
  if (o.loginOptions !== undefined) opts.loginOptions = o.loginOptions;
  return opts;
}
