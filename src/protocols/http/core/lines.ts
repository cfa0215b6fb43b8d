import { LimitError } from '../../../errors.js';

/**
 * Pulls LF-terminated lines out of a byte stream that arrives in pieces, for
 * the parts of HTTP that are line-based (status line, fields, chunk sizes,
 * trailers).
 *
 * Line endings: CRLF is the norm; a bare LF is accepted too (RFC 9112 §2.2
 * lets a recipient do so, and every browser does). Only the one CR right
 * before the LF is dropped: a CR anywhere else stays in the line, and the
 * callers refuse it there (a bare CR is never treated as a line end, so
 * `a\rb` cannot split into two lines for us while being one for a proxy).
 *
 * A line whose content (without CR/LF) is longer than `max` is a LimitError,
 * so a peer that never sends LF costs at most `max` + 1 bytes.
 */
export class LineScanner {
  /** The line found by the last successful `scan`, decoded as latin1 (the octets of the wire). */
  line = '';
  /** Whether that line ended with CRLF (false: a bare LF), for callers that keep the bytes as received. */
  crlf = false;
  #parts: Buffer[] = [];
  #partLen = 0;
  #what: string;
  #reported: number | undefined;

  constructor(
    public max: number,
    what: string,
  ) {
    this.#what = what;
  }

  /** Bytes held from an unfinished line. */
  get pending(): number {
    return this.#partLen;
  }

  /**
   * Changes the bound for the next lines. `what` names them in the error and
   * `reported` is the limit the error quotes when `max` is what is left of a
   * larger budget (a header block's bytes).
   */
  setLimit(max: number, what: string, reported?: number): void {
    this.max = max;
    this.#what = what;
    this.#reported = reported;
  }

  /**
   * Looks for the end of a line in `buf` from `pos`. Returns the index just
   * past the LF and sets `line`, or returns -1 after keeping the partial line.
   */
  scan(buf: Buffer, pos: number): number {
    const nl = buf.indexOf(10, pos);
    if (nl === -1) {
      const n = buf.length - pos;
      // +1: the CR of a CRLF split across reads is not content.
      if (this.#partLen + n > this.max + 1) throw this.#tooLong();
      if (n > 0) {
        // A copy: the caller may reuse its buffer once scan returns (a socket's reused read buffer).
        this.#parts.push(Buffer.from(buf.subarray(pos)));
        this.#partLen += n;
      }
      return -1;
    }
    if (this.#partLen === 0) {
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end - pos > this.max) throw this.#tooLong();
      this.line = buf.toString('latin1', pos, end);
      this.crlf = end !== nl;
    } else {
      this.#parts.push(buf.subarray(pos, nl));
      const whole = Buffer.concat(this.#parts, this.#partLen + (nl - pos));
      this.#parts = [];
      this.#partLen = 0;
      const end = whole.length > 0 && whole[whole.length - 1] === 13 ? whole.length - 1 : whole.length;
      if (end > this.max) throw this.#tooLong();
      this.line = whole.toString('latin1', 0, end);
      this.crlf = end !== whole.length;
    }
    return nl + 1;
  }

  /** Drops any partial line (after an error or a reset). */
  reset(): void {
    this.#parts = [];
    this.#partLen = 0;
    this.line = '';
  }

  #tooLong(): LimitError {
    const limit = this.#reported ?? this.max;
    return new LimitError(`${this.#what} larger than ${limit} bytes`, { limit, protocol: 'http' });
  }
}
