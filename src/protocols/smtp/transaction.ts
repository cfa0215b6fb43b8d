/**
 * One mail transaction (RFC 5321 §3.3): MAIL FROM, RCPT TO for each
 * recipient, DATA and the message, over a {@link MailSession} the client
 * provides. Every check on the caller's input runs before the first byte
 * goes out; the parsing and line building live in ./core.
 *
 * @module
 */
import { InputError, LimitError, ProtocolError } from '../../errors.js';
import type { DotBlockSource } from '../../line/client.js';
import type { Reply } from '../../line/replies.js';
import type { WaitOptions } from '../../util/guard.js';
import { checkAddress, isNonAscii, mailFromLine, rcptToLine, type MailParams } from './core/address.js';
import { has8bit, wireSize } from './core/body.js';
import type { SmtpCapabilities } from './core/capabilities.js';
import { SmtpReplyError, parseEnhancedStatus, unexpectedReply, type RejectedRecipient } from './core/reply.js';
import type { MailMessage, SendOptions, SendResult } from './options.js';

/** What a transaction needs from the connection. */
export interface MailSession {
  readonly capabilities: SmtpCapabilities;
  /** Sends a line and reads its reply (a 421 already ends the session there). */
  command(line: string, phase: string, wait: WaitOptions): Promise<Reply>;
  writeLine(line: string, wait: WaitOptions): Promise<void>;
  readReply(phase: string, wait: WaitOptions): Promise<Reply>;
  writeData(source: DotBlockSource, wait: WaitOptions): Promise<void>;
  /** Told how many bytes of message data were taken (before stuffing) once the final dot is out. */
  dataSent?(bytes: number): void;
  /** The bound on the reply to the final dot. */
  readonly dataTimeout: number;
}

function unsupported(msg: string): InputError {
  return new InputError(msg, { code: 'DIAL_E_UNSUPPORTED', protocol: 'smtp', phase: 'envelope' });
}

/** A checked, measured message, ready for the wire. */
export interface Prepared {
  mail: string;
  rcpts: { address: string; line: string }[];
  data: DotBlockSource;
  /** How many bytes of `data` have been taken so far. */
  taken(): number;
}

/** Checks everything about `msg` against the server's capabilities (and `loggedIn`: whether AUTH= goes out); throws before anything is sent. */
export function prepare(msg: MailMessage, caps: SmtpCapabilities, options: SendOptions, loggedIn = false): Prepared {
  if (typeof msg !== 'object' || msg === null) throw new InputError('sendMail needs a message object', { protocol: 'smtp' });
  const to = typeof msg.to === 'string' ? [msg.to] : [...(msg.to ?? [])];
  if (to.length === 0) throw new InputError('a message needs at least one recipient', { protocol: 'smtp', phase: 'envelope' });
  const from = checkAddress(msg.from, 'sender');
  const rcpts = to.map((a) => ({ address: a, line: rcptToLine(a) }));
  const utf8 = isNonAscii(from) || to.some(isNonAscii);
  if (utf8 && !caps.smtpUtf8) throw unsupported('an address is not ASCII and the server does not offer SMTPUTF8 (RFC 6531)');

  let data = msg.data;
  let bytes: Uint8Array | undefined;
  if (typeof data === 'string') bytes = Buffer.from(data, 'utf8');
  else if (data instanceof Uint8Array) bytes = data;
  if (bytes) data = bytes;
  else if (data === null || typeof data !== 'object' || !(Symbol.asyncIterator in data || Symbol.iterator in data)) {
    throw new InputError('the message data must be a string, bytes or an iterable of them', { protocol: 'smtp', phase: 'envelope' });
  }
  if (msg.size !== undefined && (!Number.isSafeInteger(msg.size) || msg.size < 0)) throw new InputError(`size must be a non-negative integer, got ${msg.size}`, { protocol: 'smtp' });
  const size = bytes ? wireSize(bytes) : msg.size;
  if (size !== undefined && caps.size !== undefined && caps.size > 0 && size > caps.size) {
    throw new LimitError(`the message is ${size} bytes; the server accepts at most ${caps.size} (SIZE)`, { limit: caps.size, protocol: 'smtp', phase: 'envelope' });
  }
  const params: MailParams = { smtpUtf8: utf8 };
  if (msg.auth !== undefined) {
    // Checked whether it is sent or not: a bad value is the caller's mistake either way.
    checkAddress(msg.auth, 'sender');
    if (loggedIn) params.auth = msg.auth;
  }
  if (caps.size !== undefined && size !== undefined) params.size = size;
  const want = msg.body ?? 'auto';
  if (want === '8BITMIME' && !caps.eightBitMime) throw unsupported('BODY=8BITMIME was asked for and the server does not offer 8BITMIME (RFC 6152)');
  if (want !== 'auto' && want !== '7BIT' && want !== '8BITMIME') throw new InputError(`body must be 'auto', '7BIT' or '8BITMIME'`, { protocol: 'smtp' });
  if (caps.eightBitMime) {
    if (want === 'auto') params.body = bytes && has8bit(bytes) ? '8BITMIME' : undefined;
    else params.body = want;
  }
  return { mail: mailFromLine(from, params), rcpts, ...counted(data, options.onProgress) };
}

/** Passes the data on, counting the bytes taken and reporting them to `onProgress`. */
function counted(data: DotBlockSource, onProgress: SendOptions['onProgress']): { data: DotBlockSource; taken(): number } {
  let n = 0;
  const taken = () => n;
  if (data instanceof Uint8Array) {
    if (!onProgress) return { data, taken: () => data.length };
    return {
      data: (function* () {
        yield data;
        n = data.length;
        onProgress(n);
      })(),
      taken,
    };
  }
  const src = data as AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  const gen = async function* () {
    for await (const chunk of src) {
      n += typeof chunk === 'string' ? Buffer.byteLength(chunk, 'utf8') : chunk.length;
      yield chunk;
      onProgress?.(n);
    }
  };
  return { data: gen(), taken };
}

/** Sorts one RCPT reply into accepted or rejected. */
function judge(r: Reply, address: string, accepted: string[], rejected: RejectedRecipient[]): void {
  if (r.code >= 200 && r.code < 300) accepted.push(address);
  else if (r.code >= 400) rejected.push({ address, code: r.code, enhancedCode: parseEnhancedStatus(r.text, r.code), text: r.text });
  else throw unexpectedReply(r, `RCPT TO:<${address}>`, 'rcpt');
}

/** Ends a failed transaction so the connection can be reused; the RSET's own outcome does not matter. */
async function reset(s: MailSession, wait: WaitOptions): Promise<void> {
  try {
    await s.command('RSET', 'rset', wait);
  } catch (e) {
    if (!(e instanceof SmtpReplyError)) throw e;
  }
}

/**
 * Runs one transaction for a message {@link prepare} checked. Recipients the server refuses are reported in the
 * result; when none is accepted (or any is refused under
 * `requireAllRecipients`) the transaction is reset, nothing is sent, and an
 * {@link SmtpReplyError} carries the refusals in `rejected`.
 */
export async function sendMessage(s: MailSession, p: Prepared, options: SendOptions = {}): Promise<SendResult> {
  const wait: WaitOptions = { signal: options.signal, timeout: options.timeout };
  const accepted: string[] = [];
  const rejected: RejectedRecipient[] = [];
  if (s.capabilities.pipelining && options.pipelining !== false) {
    // RFC 2920: the envelope goes out in one burst; the replies come back in order.
    await s.writeLine(p.mail, wait);
    for (const r of p.rcpts) await s.writeLine(r.line, wait);
    const mail = await s.readReply('mail', wait);
    for (const r of p.rcpts) judge(await s.readReply('rcpt', wait), r.address, accepted, rejected);
    if (mail.code < 200 || mail.code >= 300) {
      if (accepted.length > 0) await reset(s, wait);
      throw unexpectedReply(mail, p.mail, 'mail');
    }
  } else {
    const mail = await s.command(p.mail, 'mail', wait);
    if (mail.code < 200 || mail.code >= 300) throw unexpectedReply(mail, p.mail, 'mail');
    for (const r of p.rcpts) {
      judge(await s.command(r.line, 'rcpt', wait), r.address, accepted, rejected);
      // One refusal already fails the send: asking about the rest would tell nothing (curl stops there too).
      if (options.requireAllRecipients && rejected.length > 0) break;
    }
  }
  if (accepted.length === 0 || (options.requireAllRecipients && rejected.length > 0)) {
    await reset(s, wait);
    const first = rejected[0]!;
    const why = accepted.length === 0 && rejected.length === p.rcpts.length ? 'every recipient was refused' : `${rejected.length} of ${p.rcpts.length} recipient(s) refused`;
    throw new SmtpReplyError(`${why}; nothing was sent (first: <${first.address}> ${first.code} ${first.text.split('\n', 1)[0]})`, {
      reply: { code: first.code, text: first.text },
      command: `RCPT TO:<${first.address}>`,
      phase: 'rcpt',
      rejected,
    });
  }
  const go = await s.command('DATA', 'data', wait);
  if (go.code !== 354) {
    if (go.code >= 400) await reset(s, wait);
    throw unexpectedReply(go, 'DATA', 'data', { rejected });
  }
  await s.writeData(p.data, wait);
  s.dataSent?.(p.taken());
  // 'postdata' (curl's name for this state): a refusal here came after the whole message was sent.
  const done = await s.readReply('postdata', { signal: options.signal, timeout: s.dataTimeout });
  if (done.code < 200 || done.code >= 300) {
    if (done.code >= 400) throw new SmtpReplyError(`the message was refused after its data: ${done.code} ${done.lines[0] ?? ''}`.trimEnd(), { reply: { code: done.code, text: done.text }, command: 'DATA', phase: 'postdata', rejected });
    throw new ProtocolError(`unexpected reply to the end of the data: ${done.code}`, { reply: { code: done.code, text: done.text }, protocol: 'smtp', phase: 'postdata' });
  }
  return { accepted, rejected, reply: done };
}
