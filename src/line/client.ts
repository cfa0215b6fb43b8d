/**
 * LineClient: a chat-protocol conversation over a {@link ByteStream} —
 * command lines out; lines, numbered replies, raw bytes and dot blocks in —
 * modelled on Go's net/textproto. Parsing lives in the sans-IO parts
 * ({@link LineSplitter}, {@link ReplyAssembler}, {@link DotStuffer}); the
 * shared rules on bounds and fatal errors live in {@link LineConn}.
 *
 * @module
 */
import { InputError, LimitError, ProtocolError, toDialError, type DialError } from '../errors.js';
import type { ByteStream } from '../socket/types.js';
import type { TLSOptions } from '../socket/tls.js';
import type { WaitOptions } from '../util/guard.js';
import { LineConn, READ_SIZE, type LineClientOptions } from './conn.js';
import { readDotBlockChunks, readDotBlockLines, writeDotBlockTo, type DotBlockSource, type ReadDotBlockOptions } from './dotio.js';
import { positiveInt } from './reader.js';
import { checkReply, type Expect, type Reply } from './replies.js';
import { encodeLine } from './writer.js';

export type { LineClientOptions } from './conn.js';
export type { DotBlockSource, ReadDotBlockOptions } from './dotio.js';

/** Options for {@link LineClient.readLine}. */
export interface ReadLineOptions extends WaitOptions {
  /** Overrides the client's `allowUnterminated` for this call. */
  allowUnterminated?: boolean;
}

/** Options for {@link LineClient.readReply}. */
export interface ReadReplyOptions extends WaitOptions {
  /** The reply the caller needs; any other is a ReplyError (see {@link Expect}). */
  expect?: Expect;
}

/** Options for {@link LineClient.readAll}. */
export interface ReadAllOptions extends WaitOptions {
  /** Most bytes to accept; more is a LimitError. Defaults to the client's `maxBytes`. */
  maxBytes?: number;
}

/** A stream that can switch to TLS in place (the real Socket can). */
export interface TLSUpgradable {
  startTLS(options: TLSOptions): Promise<void>;
}

/**
 * A buffered, bounded line conversation over one {@link ByteStream}. One read
 * and one dot-block write may run at a time (a second is an InputError);
 * every call takes `{signal, timeout}`, the timeout defaulting to the
 * client's. Fatal errors close the stream and are thrown again by every
 * later call (see {@link LineConn} for which are fatal).
 */
export class LineClient {
  readonly #c: LineConn;

  constructor(stream: ByteStream, options: LineClientOptions = {}) {
    this.#c = new LineConn(stream, options);
  }

  /** The stream underneath. */
  get stream(): ByteStream {
    return this.#c.stream;
  }

  /** Bytes received and not yet consumed. Non-zero right after a TLS go-ahead means injection. */
  get bufferedLength(): number {
    return this.#c.splitter.bufferedLength;
  }

  /** The error that ended this client (a fatal one, or the close), if any. */
  get error(): DialError | undefined {
    return this.#c.fatal;
  }

  /** Sends `line` + CRLF in one write. Refuses CR, LF or NUL inside with InputError; nothing is sent then. */
  async writeLine(line: string | Uint8Array, options?: WaitOptions): Promise<void> {
    const c = this.#c;
    c.usable();
    if (c.writing) throw c.busy('a dot block is being written');
    const bytes = encodeLine(line, c.encoding, c.protocol);
    const d = c.deadline('writeLine', options);
    c.emit('>', typeof line === 'string' ? line : bytes.subarray(0, -2).toString(c.encoding));
    await c.send(bytes, d);
  }

  /** Sends `line`, then reads its reply — Go's `Cmd` and `ReadResponse` in one. */
  async command(line: string | Uint8Array, options?: ReadReplyOptions): Promise<Reply> {
    const c = this.#c;
    c.usable();
    // Checked before sending: once the line is out, a refused read would orphan its reply.
    if (c.reading) throw c.busy('another read is in progress');
    await this.writeLine(line, options);
    return this.readReply(options);
  }

  /**
   * Reads one line, decoded, without its ending; `null` at a clean end of
   * stream. LimitError past `maxLine` (having held at most `maxLine` + a few
   * KiB); ProtocolError for a line cut by EOF unless `allowUnterminated`.
   */
  async readLine(options?: ReadLineOptions): Promise<string | null> {
    const line = await this.readLineBytes(options);
    if (line === null) return null;
    const s = line.toString(this.#c.encoding);
    this.#c.emit('<', s);
    return s;
  }

  /** As {@link readLine}, but the raw bytes (which may share memory with the received chunk). */
  readLineBytes(options?: ReadLineOptions): Promise<Buffer | null> {
    const c = this.#c;
    const allow = options?.allowUnterminated ?? c.allowUnterminated;
    return c.read('readLine', options, (d) => c.nextLine(d, allow));
  }

  /**
   * Reads exactly `n` bytes, or fewer only when the stream ends first (an
   * empty buffer at EOF). Buffered bytes count first; at most `n` are held.
   */
  read(n: number, options?: WaitOptions): Promise<Buffer> {
    if (!Number.isSafeInteger(n) || n < 0) return Promise.reject(new InputError(`read size must be a non-negative integer, got ${n}`));
    const c = this.#c;
    return c.read('read', options, async (d) => {
      while (c.splitter.bufferedLength < n && !c.input.eof) {
        await c.input.fill(d, Math.min(READ_SIZE, n - c.splitter.bufferedLength));
      }
      return c.splitter.take(n);
    });
  }

  /**
   * Reads to end of stream and returns it all; LimitError past `maxBytes`,
   * never holding more than `maxBytes` + 1. The timeout bounds the whole read.
   */
  async readAll(options?: ReadAllOptions): Promise<Buffer> {
    const c = this.#c;
    const max = positiveInt(options?.maxBytes ?? c.maxBytes, 'maxBytes');
    return c.read('readAll', options, async (d) => {
      while (!c.input.eof) {
        const room = max + 1 - c.splitter.bufferedLength;
        if (room <= 0) throw new LimitError(`the data exceeded ${max} bytes`, { limit: max, protocol: c.protocol, phase: 'body' });
        await c.input.fill(d, Math.min(READ_SIZE, room));
      }
      return c.splitter.take();
    });
  }

  /**
   * Yields the bytes up to end of stream, chunk by chunk, buffered bytes
   * first; nothing accumulates. The timeout bounds each chunk's wait, and a
   * timeout is not fatal: a new call continues from the same place.
   */
  async *readUntilClose(options?: WaitOptions): AsyncGenerator<Buffer, void, undefined> {
    const c = this.#c;
    c.beginRead();
    try {
      for (;;) {
        if (c.splitter.bufferedLength > 0) yield c.splitter.take();
        else if (c.input.eof) return;
        else await c.input.fill(c.deadline('readUntilClose', options), READ_SIZE);
        c.usable();
      }
    } catch (e) {
      throw c.settle(e, false);
    } finally {
      c.reading = false;
    }
  }

  /**
   * Reads one numbered reply: single-line, `ddd-` multi-line, or RFC 959
   * style with free middle lines. ProtocolError for a malformed first line or
   * EOF before the end; LimitError past `maxReplyLines`; with `expect`, a
   * ReplyError (not fatal) carrying `{code, text}` when it is not met. A
   * timeout mid-reply is resumed by the next call.
   */
  readReply(options?: ReadReplyOptions): Promise<Reply> {
    const c = this.#c;
    return c.read('readReply', options, async (d) => {
      for (;;) {
        const bytes = await c.nextLine(d, false);
        if (bytes === null) {
          const where = c.replies.inProgress ? 'in the middle of a reply' : 'before a reply';
          throw new ProtocolError(`the connection closed ${where}`, { protocol: c.protocol, phase: 'reply' });
        }
        const line = bytes.toString(c.encoding);
        c.emit('<', line);
        const reply = c.replies.push(line);
        if (reply) return checkReply(reply, options?.expect, c.protocol);
      }
    });
  }

  /**
   * Yields a dot block's lines (RFC 5321 §4.5.2, RFC 1939), decoded, unstuffed,
   * without endings, until the lone `.`; see {@link readDotBlockBytes}.
   */
  async *readDotBlock(options?: ReadDotBlockOptions): AsyncGenerator<string, void, undefined> {
    const enc = this.#c.encoding;
    for await (const line of readDotBlockLines(this.#c, options)) yield line.toString(enc);
  }

  /**
   * Yields a dot block's lines as bytes, one at a time — the body is never
   * held whole; join them with CRLF to rebuild it. Each line is bounded by
   * `maxBodyLine` (or `options.maxLine`), the block by `options.maxLines` and
   * `options.maxBytes` when given, each wait by the timeout. EOF before the
   * `.` is a ProtocolError. Leaving the loop early reads and discards the
   * rest of the block.
   */
  readDotBlockBytes(options?: ReadDotBlockOptions): AsyncGenerator<Buffer, void, undefined> {
    return readDotBlockLines(this.#c, options);
  }

  /**
   * Yields a dot block's body as bytes — unstuffed lines, each ended by CRLF,
   * in chunks of up to about 64 KiB — for bodies read whole or streamed on
   * (POP3 RETR, NNTP ARTICLE): one step per chunk instead of per line. Same
   * bounds and rules as {@link readDotBlockBytes}.
   */
  readDotBlockChunks(options?: ReadDotBlockOptions): AsyncGenerator<Buffer, void, undefined> {
    return readDotBlockChunks(this.#c, options);
  }

  /**
   * Sends a body as a dot block: dot-stuffed, every line ending as CRLF, a
   * final CRLF ensured, `.` CRLF appended. An iterable is streamed; if it
   * throws, no terminator is sent and the stream is closed.
   */
  writeDotBlock(source: DotBlockSource, options?: WaitOptions): Promise<void> {
    return writeDotBlockTo(this.#c, source, options);
  }

  /**
   * Upgrades the stream to TLS after the server's go-ahead (STARTTLS, STLS,
   * AUTH TLS). A byte already received beyond that reply came in the clear
   * before the handshake — an injection (curl CVE-2021-22947) — so it is a
   * ProtocolError DIAL_E_INJECTION and the stream is closed. A stream without
   * `startTLS` gives InputError DIAL_E_UNSUPPORTED.
   */
  async startTLS(tlsOptions: TLSOptions = {}, options?: WaitOptions): Promise<void> {
    const c = this.#c;
    c.usable();
    if (c.reading || c.writing) throw c.busy('a read or write is in progress');
    const n = c.splitter.bufferedLength;
    if (n > 0) {
      const msg = `the server sent ${n} byte(s) after its TLS go-ahead; refusing to treat them as TLS-era data`;
      throw c.settle(new ProtocolError(msg, { code: 'DIAL_E_INJECTION', protocol: c.protocol, phase: 'tls' }), true);
    }
    const up = (c.stream as Partial<TLSUpgradable>).startTLS;
    if (typeof up !== 'function') {
      throw new InputError('this stream cannot be upgraded to TLS', { code: 'DIAL_E_UNSUPPORTED', protocol: c.protocol });
    }
    if (c.input.receiving) {
      // A receive left over from an interrupted read would race the handshake for the socket's bytes.
      throw c.settle(new ProtocolError('cannot upgrade to TLS while a receive is outstanding', { protocol: c.protocol, phase: 'tls' }), true);
    }
    const d = c.deadline('startTLS', options);
    try {
      await d.wait(up.call(c.stream, tlsOptions), c.protocol);
    } catch (e) {
      throw c.settle(toDialError(e, 'upgrading to TLS', { protocol: 'tls', phase: 'tls' }), true);
    }
    c.replies.reset();
  }

  /** Closes the stream; later calls throw NetworkError DIAL_E_CLOSED. Safe to call twice. */
  close(): Promise<void> {
    return this.#c.close();
  }
}
