/**
 * TYPE A line endings (RFC 959 §3.1.1.1): the wire uses CRLF. Both
 * directions stream, keeping the one byte of state a CRLF split across two
 * chunks needs. Sans-IO.
 *
 * @module
 */

const CR = 13;
const LF = 10;

/** Wire → local: CRLF becomes LF; a lone CR is kept. */
export class AsciiDecoder {
  #pendingCR = false;

  /** Converts one chunk; a CR at its end is held until the next byte is seen. */
  push(chunk: Uint8Array): Buffer {
    if (chunk.length === 0) return Buffer.alloc(0);
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let n = 0;
    let i = 0;
    if (this.#pendingCR) {
      this.#pendingCR = false;
      if (chunk[0] === LF) {
        out[n++] = LF;
        i = 1;
      } else out[n++] = CR;
    }
    for (; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === CR) {
        if (i + 1 === chunk.length) {
          this.#pendingCR = true;
          break;
        }
        if (chunk[i + 1] === LF) continue;
      }
      out[n++] = b;
    }
    return out.subarray(0, n);
  }

  /** Flushes a held CR at end of data. */
  end(): Buffer {
    if (!this.#pendingCR) return Buffer.alloc(0);
    this.#pendingCR = false;
    return Buffer.from([CR]);
  }
}

/** Local → wire: a LF not already preceded by CR becomes CRLF. */
export class AsciiEncoder {
  #lastWasCR = false;

  /** Converts one chunk. */
  push(chunk: Uint8Array): Buffer {
    let lfs = 0;
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === LF) lfs++;
    const out = Buffer.allocUnsafe(chunk.length + lfs);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i]!;
      if (b === LF && !this.#lastWasCR) out[n++] = CR;
      out[n++] = b;
      this.#lastWasCR = b === CR;
    }
    return out.subarray(0, n);
  }
}

/** Whole-buffer wire → local conversion. */
export function asciiToLocal(data: Uint8Array): Buffer {
  const d = new AsciiDecoder();
  const a = d.push(data);
  const b = d.end();
  return b.length ? Buffer.concat([a, b]) : a;
}

/** Whole-buffer local → wire conversion. */
export function asciiToWire(data: Uint8Array): Buffer {
  return new AsciiEncoder().push(data);
}

/**
 * Every LF becomes CRLF, one already after a CR too — curl's `--crlf`, which
 * turns `\r\n` into `\r\r\n`. Needs no state across chunks, so each chunk of
 * a stream converts on its own.
 */
export function lfToCrlf(chunk: Uint8Array): Buffer {
  let lfs = 0;
  for (let i = 0; i < chunk.length; i++) if (chunk[i] === LF) lfs++;
  if (lfs === 0) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
  const out = Buffer.allocUnsafe(chunk.length + lfs);
  let n = 0;
  for (let i = 0; i < chunk.length; i++) {
    if (chunk[i] === LF) out[n++] = CR;
    out[n++] = chunk[i]!;
  }
  return out;
}
