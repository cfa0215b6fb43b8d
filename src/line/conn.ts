/**
 * The engine under {@link LineClient}: the state of one line conversation
 * (buffer, reply in progress, the error that ended it) and the rules every
 * operation shares — bounds, locking, and which errors are fatal. Protocol
 * code uses LineClient; this is exported for the line layer's own parts.
 *
 * Error policy: a LimitError, ProtocolError or broken stream is fatal — the
 * stream is closed and every later call throws the same error, because the
 * conversation can no longer be trusted. A ReplyError or InputError is not.
 * A timeout or abort while reading a line, a reply or raw bytes is not fatal
 * either: nothing is lost, and the next call resumes where it stopped. A
 * timeout or abort in the middle of a write or a dot block is fatal, since
 * where the peer thinks we are is then unknown.
 *
 * @module
 */
import { AbortError, InputError, NetworkError, ProtocolError, ReplyError, TimeoutError, toDialError, type DialError } from '../errors.js';
import type { ByteStream } from '../socket/types.js';
import { throwIfAborted, type WaitOptions } from '../util/guard.js';
import { Deadline, StreamInput } from './input.js';
import { LineSplitter, positiveInt, type Eol } from './reader.js';
import { ReplyAssembler } from './replies.js';
import type { LineEncoding } from './writer.js';

/** Options for {@link LineClient}. */
export interface LineClientOptions {
  /** Longest command/reply line accepted, in bytes without its ending. Default 8192. */
  maxLine?: number;
  /**
   * Longest line accepted inside a dot block (a message body), in bytes
   * without its ending. Real mail holds lines far beyond RFC 5322's 998
   * (unwrapped HTML, base64 without breaks), so this is apart from `maxLine`
   * and larger. Default 1 MiB, or `maxLine` when that is larger.
   */
  maxBodyLine?: number;
  /** Line endings `readLine` accepts (see {@link Eol}). Default `'lf'` (LF or CRLF). */
  eol?: Eol;
  /** Most lines in one reply. Default 1000. */
  maxReplyLines?: number;
  /** Every line of a multi-line reply must carry its code (RFC 5321): a line with another code is a ProtocolError, not text to wait past. Default false. */
  sameCodeReplies?: boolean;
  /** Default bound in ms for each call that takes WaitOptions; 0 = none. Default 60000. */
  timeout?: number;
  /** How lines are decoded and string commands encoded. Default `'utf8'`. */
  encoding?: LineEncoding;
  /** Default bound for `readAll`. Default 16 MiB. */
  maxBytes?: number;
  /** Return an unterminated last line at EOF instead of a ProtocolError. Default false. */
  allowUnterminated?: boolean;
  /** Names the protocol in errors ('smtp', 'ftp'…). */
  protocol?: string;
  /** Sees each command line sent (`'>'`) and each line read by readLine/readReply (`'<'`). */
  trace?: (direction: '>' | '<', line: string) => void;
}

/** The most one recv asks for. */
export const READ_SIZE = 65536;
/** The default bound on one body line. */
export const DEFAULT_MAX_BODY_LINE = 1024 * 1024;
/** Extra room beyond a line's bound that one recv may bring in while looking for its end. */
const LINE_SLACK = 4096;

/** One line conversation's state and shared rules (see the module notes). */
export class LineConn {
  readonly stream: ByteStream;
  readonly encoding: LineEncoding;
  readonly timeout: number;
  readonly maxBytes: number;
  /** The bound on one line inside a dot block. */
  readonly maxBodyLine: number;
  readonly protocol: string | undefined;
  readonly allowUnterminated: boolean;
  readonly splitter: LineSplitter;
  readonly input: StreamInput;
  readonly replies: ReplyAssembler;
  private readonly trace: LineClientOptions['trace'];
  /** The error that ended the conversation; set once. */
  fatal: DialError | undefined;
  /** A read (including an unfinished iterator) holds the input. */
  reading = false;
  /** A dot block is being written; lines must not interleave with it. */
  writing = false;

  constructor(stream: ByteStream, options: LineClientOptions = {}) {
    this.stream = stream;
    this.protocol = options.protocol;
    this.encoding = options.encoding ?? 'utf8';
    if (this.encoding !== 'utf8' && this.encoding !== 'latin1') throw new InputError(`unknown encoding ${String(this.encoding)}`);
    this.timeout = options.timeout ?? 60000;
    if (!(this.timeout >= 0)) throw new InputError('timeout must be >= 0');
    this.maxBytes = positiveInt(options.maxBytes ?? 16 * 1024 * 1024, 'maxBytes');
    this.allowUnterminated = options.allowUnterminated ?? false;
    this.trace = options.trace;
    this.splitter = new LineSplitter({ eol: options.eol, maxLine: options.maxLine, protocol: this.protocol });
    this.maxBodyLine = positiveInt(options.maxBodyLine ?? Math.max(DEFAULT_MAX_BODY_LINE, this.splitter.maxLine), 'maxBodyLine');
    this.replies = new ReplyAssembler({ maxLines: options.maxReplyLines, protocol: this.protocol, sameCode: options.sameCodeReplies });
    this.input = new StreamInput(stream, this.splitter, this.protocol);
  }

  /**
   * The next line's bytes without ending; `null` at a clean EOF. EOF inside a
   * line is a ProtocolError unless `allowUnterminated`. `limit` bounds the
   * line (default `maxLine`; dot blocks pass `maxBodyLine`).
   */
  async nextLine(d: Deadline, allowUnterminated: boolean, limit: number = this.splitter.maxLine): Promise<Buffer | null> {
    for (;;) {
      const line = this.splitter.next(limit);
      if (line !== undefined) return line;
      if (this.input.eof) {
        const rest = this.splitter.end(limit);
        if (rest.length === 0) return null;
        if (allowUnterminated) return rest;
        throw new ProtocolError('the connection closed in the middle of a line', { protocol: this.protocol, phase: 'line' });
      }
      // Ask for no more than the line could still need, so a newline-less flood is refused with bounded memory.
      const room = limit + 2 + LINE_SLACK - this.splitter.bufferedLength;
      await this.input.fill(d, Math.max(1, Math.min(READ_SIZE, room)));
    }
  }

  /** Runs one read under the read lock, a fresh deadline, and the error policy. */
  async read<T>(what: string, options: WaitOptions | undefined, body: (d: Deadline) => Promise<T>): Promise<T> {
    this.beginRead();
    try {
      return await body(this.deadline(what, options));
    } catch (e) {
      throw this.settle(e, false);
    } finally {
      this.reading = false;
    }
  }

  /** Takes the read lock; InputError if another read holds it. */
  beginRead(): void {
    this.usable();
    if (this.reading) throw this.busy('another read is in progress');
    this.reading = true;
  }

  /** Sends bytes within `d`; any failure here is fatal (what reached the peer is unknown). */
  async send(bytes: Buffer, d: Deadline): Promise<void> {
    try {
      await d.wait(this.stream.send(bytes), this.protocol);
    } catch (e) {
      throw this.settle(e, true);
    }
  }

  /** Starts a bound; an already-aborted signal fails at once, even when the data is buffered. */
  deadline(what: string, options: WaitOptions | undefined): Deadline {
    throwIfAborted(options?.signal, what);
    return new Deadline(what, options, this.timeout);
  }

  /** Throws the error that ended this conversation, if any. */
  usable(): void {
    if (this.fatal) throw this.fatal;
  }

  /** The error for a call that would interleave with one in progress. */
  busy(why: string): InputError {
    return new InputError(`LineClient is busy: ${why}`, { protocol: this.protocol });
  }

  /**
   * Decides whether `e` ends the conversation (see the module notes) and
   * returns the error to throw. `interruptIsFatal` marks a point where a
   * timeout or abort leaves the peer's view of the stream unknown.
   */
  settle(e: unknown, interruptIsFatal: boolean): DialError {
    if (this.fatal) return this.fatal;
    const err = toDialError(e, 'line I/O', { protocol: this.protocol });
    const soft = err instanceof InputError || err instanceof TimeoutError || err instanceof AbortError;
    if (err instanceof ReplyError || (soft && !interruptIsFatal)) return err;
    this.fatal = err;
    this.splitter.clear();
    this.replies.reset();
    this.closeQuietly();
    return err;
  }

  /** Closes the stream; later calls throw NetworkError DIAL_E_CLOSED. */
  async close(): Promise<void> {
    this.fatal ??= new NetworkError('DIAL_E_CLOSED', 'the line client was closed', { protocol: this.protocol });
    this.splitter.clear();
    try {
      await this.stream.close();
    } catch (e) {
      throw toDialError(e, 'closing', { protocol: this.protocol });
    }
  }

  private closeQuietly(): void {
    try {
      this.stream.close().catch(() => {});
    } catch {
      // The conversation is over either way; the error that ended it is what matters.
    }
  }

  /** Passes a line to the trace hook, which must not be able to break the conversation. */
  emit(direction: '>' | '<', line: string): void {
    if (!this.trace) return;
    try {
      this.trace(direction, line);
    } catch {
      // Ignored on purpose: tracing is advisory.
    }
  }
}
