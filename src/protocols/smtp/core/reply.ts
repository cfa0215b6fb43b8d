/**
 * Sans-IO SMTP replies (RFC 5321 §4.2, RFC 3463): what a reply code means,
 * the enhanced status code a reply's text may start with, and the typed
 * error a refusal becomes.
 *
 * @module
 */
import { ProtocolError, ReplyError, type DialErrorOptions } from '../../../errors.js';
import type { Reply } from '../../../line/replies.js';

/**
 * The class of a reply by its first digit (RFC 5321 §4.2.1): 1yz is not
 * used by SMTP, 2yz completed, 3yz go on (354 after DATA, 334 during AUTH),
 * 4yz try again later, 5yz do not repeat.
 */
export type ReplyClass = 'preliminary' | 'positive' | 'intermediate' | 'transient' | 'permanent';

const CLASSES: readonly ReplyClass[] = ['preliminary', 'positive', 'intermediate', 'transient', 'permanent'];

/** The {@link ReplyClass} of a code 100–599; a ProtocolError for anything else. */
export function classifyReply(code: number): ReplyClass {
  const c = Number.isInteger(code) && code >= 100 && code <= 599 ? CLASSES[Math.floor(code / 100) - 1] : undefined;
  if (!c) throw new ProtocolError(`invalid SMTP reply code ${code}`, { protocol: 'smtp', phase: 'reply' });
  return c;
}

/** Reads 1–3 ASCII digits at `pos`; returns the value and the index after them, or undefined. */
function digits(s: string, pos: number): { value: number; end: number } | undefined {
  let value = 0;
  let i = pos;
  while (i < s.length && i - pos < 4) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    value = value * 10 + d;
    i++;
  }
  const n = i - pos;
  return n >= 1 && n <= 3 ? { value, end: i } : undefined;
}

/**
 * The RFC 3463 enhanced status code (`class.subject.detail`, e.g. `5.1.1`)
 * at the start of a reply line's text, or undefined. When `code` is given,
 * the class must agree with the reply code's first digit, as RFC 2034 asks —
 * a `250 2.0.0 OK` has one, `550 2.0.0` is treated as text.
 */
export function parseEnhancedStatus(text: string, code?: number): string | undefined {
  const cls = text.charCodeAt(0) - 48;
  if (cls !== 2 && cls !== 4 && cls !== 5) return undefined;
  if (code !== undefined && Math.floor(code / 100) !== cls) return undefined;
  if (text[1] !== '.') return undefined;
  const subject = digits(text, 2);
  if (!subject || text[subject.end] !== '.') return undefined;
  const detail = digits(text, subject.end + 1);
  if (!detail) return undefined;
  if (detail.end < text.length && text[detail.end] !== ' ') return undefined;
  return `${cls}.${subject.value}.${detail.value}`;
}

/** One recipient the server refused at RCPT TO. */
export interface RejectedRecipient {
  address: string;
  code: number;
  enhancedCode: string | undefined;
  text: string;
}

/** Extra facts of an {@link SmtpReplyError}. */
export interface SmtpReplyErrorOptions extends DialErrorOptions {
  reply: { code: number; text: string };
  /** The command the server refused (AUTH arguments and addresses as sent, never passwords). */
  command?: string | undefined;
  /** The recipients refused, when the failure is about recipients. */
  rejected?: readonly RejectedRecipient[] | undefined;
}

/**
 * The server refused a command with a 4xx/5xx reply (or answered one it
 * should not have). `reply.code` is the SMTP code; `enhancedCode` the RFC
 * 3463 code from the reply's first line when the server sent one; `transient`
 * is true for 4xx, which a caller may retry later.
 */
export class SmtpReplyError extends ReplyError {
  readonly enhancedCode: string | undefined;
  readonly command: string | undefined;
  readonly rejected: readonly RejectedRecipient[];
  constructor(message: string, options: SmtpReplyErrorOptions) {
    super(message, { protocol: 'smtp', ...options });
    this.enhancedCode = parseEnhancedStatus(options.reply.text, options.reply.code);
    this.command = options.command;
    this.rejected = options.rejected ?? [];
  }

  /** True for a 4yz reply: the same request may succeed later. */
  get transient(): boolean {
    return this.reply !== undefined && this.reply.code >= 400 && this.reply.code < 500;
  }
}

/**
 * The error for a reply that is not what `command` needed: an
 * {@link SmtpReplyError} for 4xx/5xx, a ProtocolError for a success code out
 * of place (a 354 to MAIL, a 250 to DATA). `detail`, when given, is added
 * to the message (in parentheses).
 */
export function unexpectedReply(reply: Reply, command: string, phase: string, extra?: Partial<SmtpReplyErrorOptions>, detail?: string): SmtpReplyError | ProtocolError {
  const what = command.split(' ', 1)[0] ?? command;
  const msg = `${what} refused: ${reply.code} ${reply.lines[0] ?? ''}`.trimEnd() + (detail ? ` (${detail})` : '');
  const r = { code: reply.code, text: reply.text };
  if (reply.code >= 400) return new SmtpReplyError(msg, { ...extra, reply: r, command, phase });
  return new ProtocolError(`unexpected reply to ${what}: ${reply.code} ${reply.lines[0] ?? ''}`.trimEnd(), { reply: r, protocol: 'smtp', phase });
}
