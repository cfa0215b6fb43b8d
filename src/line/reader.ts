/**
 * Sans-IO line framing: bytes in, lines out. {@link LineSplitter} holds the
 * bytes received but not yet consumed, so the same buffer serves line reads
 * and raw reads (`take`) in any order, as chat protocols switch between them.
 *
 * @module
 */
import { InputError, LimitError, ProtocolError } from '../errors.js';

/**
 * Which line endings a reader accepts.
 * - `'crlf'`: only CRLF; a bare CR or LF anywhere is a ProtocolError (strict,
 *   for peers that must speak CRLF — accepting more is how smuggling starts).
 * - `'lf'`: LF ends a line and one CR just before it is dropped, so CRLF and
 *   LF both work (Go's textproto behaviour; the default).
 * - `'any'`: CRLF, LF or a bare CR each end a line.
 */
export type Eol = 'crlf' | 'lf' | 'any';

/** Options for {@link LineSplitter}. */
export interface LineSplitterOptions {
  /** Accepted line endings. Default `'lf'`. */
  eol?: Eol | undefined;
  /** Longest line, in bytes without its ending. Default 8192. */
  maxLine?: number | undefined;
  /** Names the protocol in errors. */
  protocol?: string | undefined;
}

const CR = 13;
const LF = 10;
const DOT = 46;
const EMPTY = Buffer.alloc(0);

/** Checks a user-supplied size option. */
export function positiveInt(n: number, what: string): number {
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${what} must be a positive integer, got ${n}`);
  return n;
}

/**
 * Splits a byte stream into lines. Feed it with {@link push}, pull lines with
 * {@link next} until it returns `undefined` (more bytes needed), and call
 * {@link end} at end of stream for the unterminated rest.
 *
 * It never scans a byte twice while waiting for an ending, and it throws
 * LimitError as soon as the unterminated part outgrows `maxLine`, so a caller
 * that feeds it in bounded chunks holds at most `maxLine` plus one chunk.
 * Returned buffers may share memory with the pushed chunks.
 */
export class LineSplitter {
  readonly eol: Eol;
  readonly maxLine: number;
  private readonly protocol: string | undefined;
  private buf: Buffer = EMPTY;
  private start = 0;
  /** Bytes from `start` up to here hold no line ending. */
  private scanned = 0;
  /** Our own backing store for `buf` when chunks had to be joined; it has room to append. */
  private store: Buffer | undefined;
  /** Pushed chunks not yet merged into `buf` (merged lazily, once per pull). */
  private chunks: Buffer[] = [];
  private chunkBytes = 0;
  /** The last line ended in a CR that was the last byte seen ('any' mode): drop an LF that follows. */
  private skipLF = false;

  constructor(options: LineSplitterOptions = {}) {
    this.eol = options.eol ?? 'lf';
    if (this.eol !== 'crlf' && this.eol !== 'lf' && this.eol !== 'any') throw new InputError(`unknown eol mode ${String(this.eol)}`);
    this.maxLine = positiveInt(options.maxLine ?? 8192, 'maxLine');
    this.protocol = options.protocol;
  }

  /** Bytes held: pushed and not yet returned as a line or taken. */
  get bufferedLength(): number {
    return this.buf.length - this.start + this.chunkBytes;
  }

  /** Adds received bytes. An empty chunk is ignored. */
  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    let b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    if (this.skipLF) {
      this.skipLF = false;
      if (b[0] === LF) b = b.subarray(1);
      if (b.length === 0) return;
    }
    this.chunks.push(b);
    this.chunkBytes += b.length;
  }

  private merge(): void {
    if (this.chunks.length === 0) return;
    const restLength = this.buf.length - this.start;
    if (restLength === 0 && this.chunks.length === 1) {
      this.buf = this.chunks[0]!;
      this.start = this.scanned = 0;
    } else {
      // A long line arriving in small chunks must not be copied again with each one (that was
      // quadratic): new bytes go after the held ones in a store of our own with room to grow.
      // Only bytes past buf's end are written, never those of a line already returned.
      const store = this.store;
      const inStore = store !== undefined && this.buf.buffer === store.buffer && this.buf.byteOffset === store.byteOffset;
      let at: number;
      if (inStore && this.buf.length + this.chunkBytes <= store.length) {
        at = this.buf.length;
      } else {
        // Room for as much again as is held: the held bytes are copied at most once per doubling.
        const next = Buffer.allocUnsafe(Math.max(4096, 2 * restLength + this.chunkBytes));
        this.buf.copy(next, 0, this.start);
        this.scanned -= this.start;
        this.start = 0;
        this.store = next;
        at = restLength;
      }
      for (const c of this.chunks) {
        c.copy(this.store!, at);
        at += c.length;
      }
      this.buf = this.store!.subarray(0, at);
    }
    this.chunks = [];
    this.chunkBytes = 0;
  }

  /**
   * The next whole line without its ending, or `undefined` when more bytes
   * are needed. Throws LimitError for a line longer than `limit` (default
   * `maxLine`; a dot block's body lines take a larger one) and, in `'crlf'`
   * mode, ProtocolError for a bare CR or LF.
   */
  next(limit: number = this.maxLine): Buffer | undefined {
    this.merge();
    const buf = this.buf;
    const start = this.start;
    const from = Math.max(this.scanned, start);
    const lf = buf.indexOf(LF, from);
    let end: number; // end of the line's content
    let after: number; // first byte of the next line
    if (this.eol === 'any') {
      // Search CR only up to the LF, so a buffer of many LF lines is not rescanned for CR.
      const cr = buf.subarray(from, lf < 0 ? buf.length : lf).indexOf(CR);
      if (cr >= 0) {
        end = from + cr;
        if (end + 1 < buf.length) after = buf[end + 1] === LF ? end + 2 : end + 1;
        else {
          after = end + 1;
          this.skipLF = true; // the LF of a CRLF may be in the next chunk
        }
      } else if (lf >= 0) {
        end = lf;
        after = lf + 1;
      } else return this.needMore(0, limit);
      if (end - start > limit) throw this.limitError(limit);
    } else {
      if (lf < 0) return this.needMore(1, limit);
      after = lf + 1;
      end = lf > start && buf[lf - 1] === CR ? lf - 1 : lf;
      // The length first: needMore may already have refused this line for it before its LF came,
      // and the same bytes must fail the same way however they were split.
      if (end - start > limit) throw this.limitError(limit);
      if (this.eol === 'crlf') {
        if (end === lf) throw this.protocolError('a bare LF ended a line where CRLF is required');
        if (buf.subarray(start, end).indexOf(CR) >= 0) throw this.protocolError('a bare CR inside a line where CRLF is required');
      }
    }
    this.start = after;
    this.scanned = after;
    return buf.subarray(start, end);
  }

  /**
   * A run of whole buffered lines that need no rewriting — each ended by
   * CRLF, none starting with `.`, none over `limit` — taken at once, ending
   * included, from about `maxBytes` on: how a dot block's body passes
   * through without a step per line. Undefined when the next line is not
   * such a line (the caller takes it with {@link next}, which also raises
   * any error for it) or in `'any'` mode.
   */
  nextRun(limit: number, maxBytes: number): { bytes: Buffer; lines: number } | undefined {
    if (this.eol === 'any') return undefined;
    this.merge();
    const buf = this.buf;
    const start = this.start;
    const strict = this.eol === 'crlf';
    let pos = start;
    let lines = 0;
    while (pos - start < maxBytes) {
      if (buf[pos] === DOT) break;
      // No ending lies before `scanned`: a long line still arriving is not searched again.
      const lf = buf.indexOf(LF, Math.max(pos, this.scanned));
      if (lf < 0) {
        if (pos === start) this.scanned = buf.length;
        break;
      }
      if (lf === pos || buf[lf - 1] !== CR || lf - 1 - pos > limit) break;
      if (strict && buf.subarray(pos, lf - 1).indexOf(CR) >= 0) break;
      pos = lf + 1;
      lines++;
    }
    if (lines === 0) return undefined;
    this.start = pos;
    this.scanned = pos;
    return { bytes: buf.subarray(start, pos), lines };
  }

  private needMore(slack: number, limit: number): undefined {
    this.scanned = this.buf.length;
    // 'crlf'/'lf' may hold a CR whose LF has not arrived, hence the slack.
    if (this.buf.length - this.start > limit + slack) throw this.limitError(limit);
    return undefined;
  }

  /**
   * Removes and returns up to `max` buffered bytes, whatever they hold (for
   * raw reads between lines). Returns an empty buffer when nothing is held.
   */
  take(max: number = Infinity): Buffer {
    this.merge();
    const n = Math.min(max, this.buf.length - this.start);
    const out = this.buf.subarray(this.start, this.start + n);
    this.start += n;
    this.scanned = Math.max(this.scanned, this.start);
    if (this.start === this.buf.length) {
      this.buf = EMPTY;
      this.start = this.scanned = 0;
    }
    return out;
  }

  /**
   * At end of stream: returns the unterminated rest (an empty buffer if the
   * data ended on a line ending) and empties the splitter. Throws LimitError
   * when that rest is longer than `limit` (default `maxLine`).
   */
  end(limit: number = this.maxLine): Buffer {
    this.merge();
    const rest = this.take();
    if (rest.length > limit) throw this.limitError(limit);
    this.skipLF = false;
    return rest;
  }

  /** Drops everything held, e.g. after a fatal error. */
  clear(): void {
    this.store = undefined;
    this.buf = EMPTY;
    this.start = this.scanned = 0;
    this.chunks = [];
    this.chunkBytes = 0;
    this.skipLF = false;
  }

  private limitError(limit: number): LimitError {
    return new LimitError(`a line exceeded the ${limit}-byte limit`, {
      limit,
      phase: 'line',
      protocol: this.protocol,
    });
  }

  private protocolError(msg: string): ProtocolError {
    return new ProtocolError(msg, { phase: 'line', protocol: this.protocol });
  }
}

/**
 * Splits a whole byte string into lines in one call — a convenience over
 * {@link LineSplitter} for tests and small inputs. The unterminated rest, if
 * any, is returned as `rest`.
 */
export function splitLines(data: Uint8Array, options?: LineSplitterOptions): { lines: Buffer[]; rest: Buffer } {
  const s = new LineSplitter(options);
  s.push(data);
  const lines: Buffer[] = [];
  for (let l = s.next(); l !== undefined; l = s.next()) lines.push(l);
  return { lines, rest: s.end() };
}
