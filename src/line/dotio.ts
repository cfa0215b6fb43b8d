/**
 * Dot blocks over a {@link LineConn}: the I/O around the sans-IO
 * {@link DotStuffer} and {@link unstuffLine}. Both directions stream — a body
 * is never held whole.
 *
 * @module
 */
import { AbortError, InputError, LimitError, ProtocolError, TimeoutError } from '../errors.js';
import type { WaitOptions } from '../util/guard.js';
import type { LineConn } from './conn.js';
import { DotStuffer, unstuffLine } from './dotblock.js';
import { positiveInt } from './reader.js';
import { encodeText } from './writer.js';

/** What `writeDotBlock` accepts as a body. */
export type DotBlockSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;

/** Bounds on one dot block being read, besides the wait bound. */
export interface ReadDotBlockOptions extends WaitOptions {
  /** Longest line in this block; defaults to the client's `maxBodyLine`. */
  maxLine?: number | undefined;
  /** Most lines in this block; more is a fatal LimitError. Default: no bound (a body streams). */
  maxLines?: number | undefined;
  /** Most bytes in this block, each line counted with a 2-byte ending; more is a fatal LimitError. Default: no bound. */
  maxBytes?: number | undefined;
}

/** One block's bounds, checked line by line. */
class BlockBounds {
  readonly limit: number;
  readonly #maxLines: number;
  readonly #maxBytes: number;
  #lines = 0;
  #bytes = 0;

  constructor(private readonly conn: LineConn, options: ReadDotBlockOptions | undefined) {
    // Checked before the read lock is taken, so a bad option leaves the conversation intact.
    this.limit = positiveInt(options?.maxLine ?? conn.maxBodyLine, 'maxLine');
    this.#maxLines = options?.maxLines === undefined ? Infinity : positiveInt(options.maxLines, 'maxLines');
    this.#maxBytes = options?.maxBytes === undefined ? Infinity : positiveInt(options.maxBytes, 'maxBytes');
  }

  /** Counts one body line; LimitError past the block's line or byte bound. */
  count(body: Buffer): void {
    this.add(1, body.length + 2);
  }

  /** Counts `lines` lines of `bytes` bytes, endings included; the same bounds. */
  add(lines: number, bytes: number): void {
    this.#lines += lines;
    this.#bytes += bytes;
    const p = this.conn.protocol;
    if (this.#lines > this.#maxLines) throw new LimitError(`a dot block exceeded ${this.#maxLines} lines`, { limit: this.#maxLines, protocol: p, phase: 'body' });
    if (this.#bytes > this.#maxBytes) throw new LimitError(`a dot block exceeded ${this.#maxBytes} bytes`, { limit: this.#maxBytes, protocol: p, phase: 'body' });
  }
}

/** The next line of a block: a buffered one at once (no deadline needed), else a bounded wait. */
async function blockLine(conn: LineConn, limit: number, options: ReadDotBlockOptions | undefined): Promise<Buffer> {
  if (options?.signal?.aborted) conn.deadline('readDotBlock', options);
  const line = conn.splitter.next(limit) ?? (await conn.nextLine(conn.deadline('readDotBlock', options), false, limit));
  if (line === null) throw cutShort(conn);
  return line;
}

function cutShort(conn: LineConn): ProtocolError {
  return new ProtocolError('the connection closed before the end of a dot block', { protocol: conn.protocol, phase: 'body' });
}

/**
 * Yields a dot block's unstuffed lines (bytes, no endings) until the lone
 * `.`. Each line is bounded by `maxLine` (default the client's
 * `maxBodyLine`), each wait by the timeout; a timeout, abort, bound or EOF
 * inside the block is fatal. Leaving early reads and discards the rest of the
 * block (as Go's DotReader.Close), so the conversation can go on.
 */
export async function* readDotBlockLines(conn: LineConn, options?: ReadDotBlockOptions): AsyncGenerator<Buffer, void, undefined> {
  const bounds = new BlockBounds(conn, options);
  conn.beginRead();
  let finished = false;
  try {
    for (;;) {
      const body = unstuffLine(await blockLine(conn, bounds.limit, options));
      if (body === null) {
        finished = true;
        return;
      }
      bounds.count(body);
      yield body;
    }
  } catch (e) {
    finished = true;
    throw conn.settle(e, true);
  } finally {
    try {
      if (!finished) await drain(conn, bounds.limit, options);
    } finally {
      conn.reading = false;
    }
  }
}

const CRLF = Buffer.from('\r\n', 'latin1');
/** The most one chunk of {@link readDotBlockChunks} holds, short of one line. */
const CHUNK = 64 * 1024;

/**
 * Yields a dot block's body as bytes: unstuffed lines, each ended by CRLF,
 * gathered into chunks of up to about 64 KiB from whatever is already
 * received — so a long body costs one step per chunk, not per line. The
 * bounds, the error policy and the draining on early exit are those of
 * {@link readDotBlockLines}.
 */
export async function* readDotBlockChunks(conn: LineConn, options?: ReadDotBlockOptions): AsyncGenerator<Buffer, void, undefined> {
  const bounds = new BlockBounds(conn, options);
  conn.beginRead();
  let finished = false;
  let parts: Buffer[] = [];
  let held = 0;
  const flush = (): Buffer => {
    const out = Buffer.concat(parts, held);
    parts = [];
    held = 0;
    return out;
  };
  try {
    for (;;) {
      if (options?.signal?.aborted) conn.deadline('readDotBlock', options);
      // Lines that need no unstuffing or re-ending pass through as one run of the received bytes.
      const run = conn.splitter.nextRun(bounds.limit, CHUNK - held);
      if (run) {
        bounds.add(run.lines, run.bytes.length);
        parts.push(run.bytes);
        held += run.bytes.length;
        if (held >= CHUNK) yield flush();
        continue;
      }
      // Buffered lines are taken synchronously: that is what makes this faster than a line at a time.
      let line = conn.splitter.next(bounds.limit);
      if (line === undefined) {
        // Hand over what is gathered before waiting, so a slow sender's lines are not held back.
        if (held > 0) {
          yield flush();
          continue;
        }
        line = await blockLine(conn, bounds.limit, options);
      }
      const body = unstuffLine(line);
      if (body === null) {
        finished = true;
        if (held > 0) yield flush();
        return;
      }
      bounds.count(body);
      parts.push(body, CRLF);
      held += body.length + 2;
      if (held >= CHUNK) yield flush();
    }
  } catch (e) {
    finished = true;
    throw conn.settle(e, true);
  } finally {
    try {
      if (!finished) await drain(conn, bounds.limit, options);
    } finally {
      conn.reading = false;
    }
  }
}

async function drain(conn: LineConn, limit: number, options?: WaitOptions): Promise<void> {
  try {
    for (;;) {
      const line = await conn.nextLine(conn.deadline('readDotBlock', options), false, limit);
      if (line === null) throw cutShort(conn);
      if (unstuffLine(line) === null) return;
    }
  } catch (e) {
    throw conn.settle(e, true);
  }
}

function isIterable(v: unknown): v is AsyncIterable<unknown> | Iterable<unknown> {
  return typeof v === 'object' && v !== null && (Symbol.asyncIterator in v || Symbol.iterator in v);
}

function stopSource(it: Iterator<unknown> | AsyncIterator<unknown>): void {
  try {
    void Promise.resolve(it.return?.()).catch(() => {});
  } catch {
    // The block is already abandoned; a source that fails to stop changes nothing.
  }
}

/**
 * Sends `source` as a dot block (see {@link DotStuffer}), then `.` CRLF. A
 * string or byte array goes out in one write; an iterable streams chunk by
 * chunk, the timeout bounding each chunk's arrival and each send. If the
 * source fails, the terminator is never sent and the stream is closed, so the
 * server cannot take a truncated body as complete.
 */
export async function writeDotBlockTo(conn: LineConn, source: DotBlockSource, options?: WaitOptions): Promise<void> {
  conn.usable();
  if (conn.writing) throw conn.busy('a dot block is already being written');
  const st = new DotStuffer();
  if (typeof source === 'string' || source instanceof Uint8Array) {
    // Encoded before anything is sent, so a refusal leaves the conversation intact.
    const whole = Buffer.concat([st.push(encodeText(source, conn.encoding)), st.end()]);
    const d = conn.deadline('writeDotBlock', options);
    conn.writing = true;
    try {
      return await conn.send(whole, d);
    } finally {
      conn.writing = false;
    }
  }
  if (!isIterable(source)) {
    throw new InputError('a dot block body must be text, bytes or an iterable of them; nothing was sent', { protocol: conn.protocol, phase: 'body' });
  }
  // Checks the signal and the timeout while refusing still leaves the conversation intact.
  conn.deadline('writeDotBlock', options);
  conn.writing = true;
  const it: Iterator<Uint8Array | string> | AsyncIterator<Uint8Array | string> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let drained = false;
  try {
    for (;;) {
      const d = conn.deadline('writeDotBlock', options);
      let r: IteratorResult<Uint8Array | string>;
      try {
        r = await d.wait(Promise.resolve(it.next()), conn.protocol);
      } catch (e) {
        if (e instanceof TimeoutError || e instanceof AbortError) throw e;
        throw new InputError('the dot block source failed; the block was abandoned', { cause: e, protocol: conn.protocol, phase: 'body' });
      }
      if (r.done) break;
      const out = st.push(encodeText(r.value, conn.encoding));
      if (out.length > 0) await conn.send(out, d);
    }
    drained = true;
    await conn.send(st.end(), conn.deadline('writeDotBlock', options));
  } catch (e) {
    throw conn.settle(e, true);
  } finally {
    conn.writing = false;
    // Let a generator source run its own cleanup when we stop early.
    if (!drained) stopSource(it);
  }
}
