/**
 * Sans-IO reading of a Gopher text item (RFC 1436 §3.8: "a period on a line
 * by itself" ends it, and a line starting with a period has it doubled).
 * Same rules as the line layer's {@link DotUnstuffer}, but byte-wise: the
 * text passes through with its own line endings and no line is ever held
 * whole, so a file with one enormous line costs no memory. Servers that send
 * no terminator (gophernicus) or do not double periods are tolerated: the
 * text then simply runs to end of stream, and a single period that starts a
 * longer line is kept.
 *
 * @module
 */

const LF = 10;
const CR = 13;
const DOT = 46;
const EMPTY = Buffer.alloc(0);
const ONE_DOT = Buffer.from('.');
const DOT_CR = Buffer.from('.\r');

/** Where in a line the last byte left the filter. */
type State = 'lineStart' | 'inLine' | 'dot' | 'dotCR' | 'done';

/** Un-stuffs a text item fed in chunks; {@link done} once the lone `.` line was read. */
export class TextUnstuffer {
  #state: State = 'lineStart';

  /** True once the terminating `.` line was seen: later bytes are dropped. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** The text bytes for `chunk` (possibly empty); may share memory with it. */
  push(chunk: Uint8Array): Buffer {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    const out: Buffer[] = [];
    let pos = 0;
    while (pos < b.length && this.#state !== 'done') {
      switch (this.#state) {
        case 'lineStart':
          if (b[pos] === DOT) {
            this.#state = 'dot';
            pos++;
          } else this.#state = 'inLine';
          break;
        case 'inLine': {
          const lf = b.indexOf(LF, pos);
          const end = lf < 0 ? b.length : lf + 1;
          out.push(b.subarray(pos, end));
          pos = end;
          if (lf >= 0) this.#state = 'lineStart';
          break;
        }
        case 'dot': {
          const c = b[pos]!;
          if (c === LF) {
            this.#state = 'done';
          } else if (c === CR) {
            this.#state = 'dotCR';
            pos++;
          } else {
            // `..x` → `.x` (stuffed); `.x` → `.x` (an unstuffed server): either way one dot stays.
            out.push(ONE_DOT);
            if (c === DOT) pos++;
            this.#state = 'inLine';
          }
          break;
        }
        case 'dotCR':
          if (b[pos] === LF) this.#state = 'done';
          else {
            out.push(DOT_CR);
            this.#state = 'inLine';
          }
          break;
      }
    }
    if (out.length === 0) return EMPTY;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** At end of stream: a `.` held back as a possible terminator is the terminator. */
  end(): Buffer {
    if (this.#state === 'dot' || this.#state === 'dotCR') this.#state = 'done';
    return EMPTY;
  }
}
