import { LimitError } from '../../../errors.js';

/**
 * Pulls LF-terminated lines out of a byte stream that arrives in pieces, for
 * the parts of HTTP that are line-based (status line, fields, chunk sizes,
 * trailers). A CR before the LF is dropped; RFC 9112 §2.2 lets a recipient
 * accept a bare LF. A line longer than `max` is a LimitError, so a peer that
 * never sends LF costs at most `max` bytes.
 */
export class LineScanner {
  /** The line found by the last successful `scan`, decoded as latin1 (the octets of the wire). */
  line = '';
  #parts: Buffer[] = [];
  #partLen = 0;

  constructor(
    public max: number,
    private readonly what: string,
  ) {}

  /** Bytes held from an unfinished line. */
  get pending(): number {
    return this.#partLen;
  }

  /**
   * Looks for the end of a line in `buf` from `pos`. Returns the index just
   * past the LF and sets `line`, or returns -1 after keeping the partial line.
   */
  scan(buf: Buffer, pos: number): number {
    const nl = buf.indexOf(10, pos);
    if (nl === -1) {
      const n = buf.length - pos;
      if (this.#partLen + n > this.max) throw this.#tooLong();
      if (n > 0) {
        this.#parts.push(buf.subarray(pos));
        this.#partLen += n;
      }
      return -1;
    }
    if (this.#partLen + (nl - pos) > this.max + 1) throw this.#tooLong();
    if (this.#partLen === 0) {
      const end = nl > pos && buf[nl - 1] === 13 ? nl - 1 : nl;
      this.line = buf.toString('latin1', pos, end);
    } else {
      this.#parts.push(buf.subarray(pos, nl));
      const whole = Buffer.concat(this.#parts, this.#partLen + (nl - pos));
      const end = whole.length > 0 && whole[whole.length - 1] === 13 ? whole.length - 1 : whole.length;
      this.line = whole.toString('latin1', 0, end);
      this.#parts = [];
      this.#partLen = 0;
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
    return new LimitError(`${this.what} longer than ${this.max} bytes`, { limit: this.max, protocol: 'http' });
  }
}
