/**
 * Sans-IO dot framing for message bodies (SMTP DATA, POP3 RETR, NNTP ARTICLE
 * and POST): RFC 5321 §4.5.2 and RFC 1939 §3. A body is sent as lines, each
 * line starting with `.` gets a second `.`, and a lone `.` line ends it.
 *
 * @module
 */
import { InputError } from '../errors.js';

const CR = 13;
const LF = 10;
const DOT = 46;
const CRLF = Buffer.from('\r\n', 'latin1');
const DOT1 = Buffer.from('.', 'latin1');
const END_AFTER_LINE = Buffer.from('.\r\n', 'latin1');

/**
 * Undoes dot-stuffing for one received line (its ending already removed):
 * returns `null` for the terminating `.`, the line without its first dot when
 * it starts with `.`, the line itself otherwise.
 */
export function unstuffLine(line: Buffer): Buffer | null {
  if (line.length === 0 || line[0] !== DOT) return line;
  if (line.length === 1) return null;
  return line.subarray(1);
}

/**
 * Reads a dot block line by line and remembers whether it has ended, so a
 * caller can tell a complete body from one cut short.
 */
export class DotUnstuffer {
  #done = false;

  /** True once the terminating `.` line was seen. */
  get done(): boolean {
    return this.#done;
  }

  /**
   * The body line for a received line, or `null` at (and after) the
   * terminator.
   */
  push(line: Buffer): Buffer | null {
    if (this.#done) return null;
    const out = unstuffLine(line);
    if (out === null) this.#done = true;
    return out;
  }
}

/**
 * Dot-stuffs a body fed in chunks of any size. Every line ending — CRLF, a
 * bare LF or a bare CR — goes out as CRLF (RFC 5321 §2.3.8 forbids bare CR and
 * LF, and a receiver that honours them as endings could be fooled into ending
 * the body early: "SMTP smuggling"). A `.` is doubled wherever it starts a
 * line, including a line that starts in the next chunk.
 */
export class DotStuffer {
  /** The next byte starts a line. */
  #lineStart = true;
  /** The last byte was a CR already sent as CRLF: swallow an LF that follows. */
  #afterCR = false;
  #ended = false;

  /** Returns the stuffed bytes for `chunk` (possibly empty). */
  push(chunk: Uint8Array): Buffer {
    if (this.#ended) throw new InputError('DotStuffer.push after end');
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out: Buffer[] = [];
    let pos = 0;
    if (this.#afterCR && b.length > 0) {
      this.#afterCR = false;
      if (b[0] === LF) pos = 1;
    }
    // Cached next CR/LF positions (-1 = none left) keep the scan linear.
    let nextCR = b.indexOf(CR, pos);
    let nextLF = b.indexOf(LF, pos);
    while (pos < b.length) {
      if (this.#lineStart && b[pos] === DOT) out.push(DOT1);
      if (nextCR >= 0 && nextCR < pos) nextCR = b.indexOf(CR, pos);
      if (nextLF >= 0 && nextLF < pos) nextLF = b.indexOf(LF, pos);
      const brk = nextCR < 0 ? nextLF : nextLF < 0 ? nextCR : Math.min(nextCR, nextLF);
      if (brk < 0) {
        out.push(b.subarray(pos));
        this.#lineStart = false;
        break;
      }
      if (brk > pos) out.push(b.subarray(pos, brk));
      out.push(CRLF);
      this.#lineStart = true;
      pos = brk + 1;
      if (b[brk] === CR) {
        if (pos === b.length) this.#afterCR = true;
        else if (b[pos] === LF) pos++;
      }
    }
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** The closing bytes: a CRLF if the body did not end with one, then `.` CRLF. */
  end(): Buffer {
    this.#ended = true;
    return this.#lineStart ? END_AFTER_LINE : Buffer.concat([CRLF, END_AFTER_LINE]);
  }
}

/** Dot-stuffs a whole body in one call, terminator included. */
export function stuffDotBlock(body: Uint8Array): Buffer {
  const s = new DotStuffer();
  return Buffer.concat([s.push(body), s.end()]);
}
