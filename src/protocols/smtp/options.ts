/**
 * The options of {@link SmtpClient} and {@link SmtpClient.sendMail}, in one place.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import type { LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { DotBlockSource } from '../../line/client.js';
import type { AuthMechanism, SmtpCredentials } from './core/auth.js';
import type { RejectedRecipient } from './core/reply.js';
import type { Reply } from '../../line/replies.js';

/**
 * How the connection is protected:
 * - `'implicit'`: TLS from the first byte (smtps, port 465; RFC 8314);
 * - `'starttls'`: STARTTLS is required; a server that does not offer it is a TLSError;
 * - `'opportunistic'`: STARTTLS when offered, plain text otherwise (an active attacker can strip it);
 * - `false`: never TLS.
 */
export type SmtpSecurity = false | 'starttls' | 'opportunistic' | 'implicit';

/** Options for {@link SmtpClient.connect}. */
export interface SmtpConnectOptions {
  host: string;
  /** Default 25, or 465 for implicit TLS. */
  port?: number | undefined;
  /** Default `'opportunistic'` (or `'implicit'` on port 465). */
  secure?: SmtpSecurity | undefined;
  /** TLS settings; verification is on unless `rejectUnauthorized: false`. SNI and the name check use `host`. */
  tls?: TLSOptions | undefined;
  /** The name given in EHLO/HELO. Default: this machine's host name, or `localhost` when it is not a usable name. */
  clientName?: string | undefined;
  /**
   * Log in after EHLO (and after STARTTLS): with `password`, or with an
   * OAuth 2.0 `bearer` token (OAUTHBEARER, else XOAUTH2); `mechanisms`
   * narrows or reorders the choice.
   */
  auth?: (SmtpCredentials & { mechanisms?: readonly AuthMechanism[] | undefined }) | undefined;
  /**
   * Allow PLAIN, LOGIN, OAUTHBEARER or XOAUTH2 (which send the password or token itself) over a connection
   * without TLS. Default false: they are refused there with an InputError,
   * before the password is sent.
   */
  allowPlaintextAuth?: boolean | undefined;
  /** Bound on each command's reply (and on connecting, unless `connectTimeout`), ms (default 60000). */
  timeout?: number | undefined;
  /** Bound on resolve + TCP + TLS, ms. Default: `timeout`. */
  connectTimeout?: number | undefined;
  /** Bound on the server's reply to the end of a message's data, ms (default 300000; RFC 5321 §4.5.3.2.6 suggests 10 min). */
  dataTimeout?: number | undefined;
  /** Aborts connecting, EHLO, STARTTLS and AUTH. */
  signal?: AbortSignal | undefined;
  /** Sees every step; AUTH secrets are masked. */
  trace?: Tracer | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port). */
  local?: LocalEnd | undefined;
  /** Longest reply line accepted (default 8192). */
  maxLine?: number | undefined;
  /** Most lines in one reply (default 200). */
  maxReplyLines?: number | undefined;
}

/** One message for {@link SmtpClient.sendMail}. */
export interface MailMessage {
  /** The envelope sender (MAIL FROM); '' for the null sender of a bounce. Bare address, no angle brackets. */
  from: string;
  /** The envelope recipients (RCPT TO); at least one. */
  to: string | readonly string[];
  /**
   * The message, headers and body (RFC 5322). Any line ending is sent as
   * CRLF and leading dots are doubled; a stream is sent as it arrives.
   */
  data: DotBlockSource;
  /** The size to announce in SIZE when `data` is a stream (bytes and strings are measured). */
  size?: number | undefined;
  /**
   * BODY parameter: 'auto' (default) sends BODY=8BITMIME when the server
   * offers it and the data (bytes or string) holds 8-bit bytes; a stream
   * gets none unless named here.
   */
  body?: '7BIT' | '8BITMIME' | 'auto' | undefined;
  /**
   * The mailbox that submitted the message, for MAIL FROM's `AUTH=`
   * parameter (RFC 4954 §5; curl's `--mail-auth`): a bare address, or `''`
   * for `AUTH=<>` (not known). xtext-encoded, checked as a sender address.
   * Sent only when this session has logged in, as curl: a server that took
   * no AUTH from us has no use for it.
   */
  auth?: string | undefined;
}

/** Per-call options for {@link SmtpClient.sendMail}. */
export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** Bound on each command's reply and each chunk sent, ms (default: the client's `timeout`). */
  timeout?: number | undefined;
  /**
   * Fail (and send nothing) when any recipient is refused, as curl does
   * without `--mail-rcpt-allowfails`. Default false: the message goes to the
   * accepted recipients and the refused ones are reported in the result.
   * Without PIPELINING no RCPT goes out after the first refusal, as curl.
   */
  requireAllRecipients?: boolean | undefined;
  /** Send MAIL and every RCPT before reading their replies when the server offers PIPELINING (default true). */
  pipelining?: boolean | undefined;
  /** Called with the bytes of `data` taken so far, before stuffing. */
  onProgress?: ((sent: number) => void) | undefined;
}

/** What {@link SmtpClient.sendMail} reports. */
export interface SendResult {
  /** Recipients the server accepted, in the order given. */
  accepted: string[];
  /** Recipients it refused, with its reply to each. */
  rejected: RejectedRecipient[];
  /** The server's reply to the end of the data (e.g. `250 OK id=1abc`). */
  reply: Reply;
}

/** Default bound on connecting and on each reply, ms. */
export const DEFAULT_TIMEOUT = 60_000;
/** Default bound on the reply to the final dot, ms. */
export const DEFAULT_DATA_TIMEOUT = 300_000;
