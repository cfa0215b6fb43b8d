import { ProtocolError } from '../../../errors.js';
import { FieldCollector } from './fields.js';
import { LineScanner } from './lines.js';
import type { HeaderList } from './headers.js';

/** What the chunked decoder produced from one piece of input. */
export interface ChunkedOutput {
  /** Body bytes (views into the input, no copy). */
  data: Buffer[];
  /** Index in the input just past the message, once it is complete; -1 while more is needed. */
  end: number;
  /** Trailer fields, once complete. */
  trailers: HeaderList | undefined;
  /** The trailer section's lines as received, without their line ends (curl -i prints them so); with `trailers`. */
  trailerLines?: string[] | undefined;
}

/**
 * 'size': reading a chunk-size line; 'data': inside a chunk; 'data-crlf':
 * after a chunk's data, expecting its CRLF; 'trailers': after the last chunk;
 * 'done': the body is complete.
 */
export type ChunkedState = 'size' | 'data' | 'data-crlf' | 'trailers' | 'done';

/** Every move the chunked decoder can make, as data: state → the states it may go to next. */
export const CHUNKED_TRANSITIONS = {
  size: ['data', 'trailers'],
  data: ['data-crlf'],
  'data-crlf': ['size'],
  trailers: ['done'],
  done: [],
} as const satisfies Record<ChunkedState, readonly ChunkedState[]>;

/** Bounds the chunked decoder applies. */
export interface ChunkedLimits {
  /** Longest chunk-size line, extensions included. */
  maxChunkLine: number;
  /** Bytes of trailer fields, each line counted with its CRLF. */
  maxTrailerBytes: number;
  /** Trailer fields. */
  maxHeaders: number;
}

/**
 * A sans-IO decoder for the chunked transfer coding (RFC 9112 §7.1): size
 * lines with extensions (checked, then ignored), data, CRLF after each chunk,
 * and trailer fields after the last. A malformed size line or a size of 16+
 * significant hex digits is a ProtocolError; line lengths and trailers are
 * bounded (LimitError). As in the head, a bare LF ends a line.
 */
export class ChunkedDecoder {
  /** Where the decoder is in the chunked body. */
  state: ChunkedState = 'size';
  #left = 0;
  #cr = false;
  readonly #lines: LineScanner;
  readonly #trailers: FieldCollector;
  #trailerLines: string[] = [];
  readonly #limits: ChunkedLimits;

  constructor(limits: ChunkedLimits) {
    this.#limits = limits;
    this.#lines = new LineScanner(limits.maxChunkLine, 'chunk size line');
    this.#trailers = new FieldCollector(limits.maxHeaders, limits.maxTrailerBytes, 'trailers');
  }

  /** Bytes of the current chunk not yet seen. */
  get remaining(): number {
    return this.#left;
  }

  /**
   * Decodes from `buf` at `pos`; see {@link ChunkedOutput}. Body bytes are
   * pushed to `data` as they are found, so a caller that passes its own list
   * still has the bytes before a fault when this throws.
   */
  decode(buf: Buffer, pos: number, data: Buffer[] = []): ChunkedOutput {
    while (pos < buf.length) {
      switch (this.state) {
        case 'size': {
          const next = this.#lines.scan(buf, pos);
          if (next === -1) return { data, end: -1, trailers: undefined };
          pos = next;
          this.#left = parseChunkSize(this.#lines.line);
          if (this.#left === 0) {
            this.#to('trailers');
            this.#lines.setLimit(Math.max(0, this.#trailers.remaining - 2), 'trailers', this.#limits.maxTrailerBytes);
          } else this.#to('data');
          break;
        }
        case 'data': {
          const n = Math.min(this.#left, buf.length - pos);
          data.push(buf.subarray(pos, pos + n));
          pos += n;
          this.#left -= n;
          if (this.#left === 0) this.#to('data-crlf');
          break;
        }
        case 'data-crlf': {
          // CRLF, or a bare LF; a CR must be followed by LF, even when a read splits the two.
          const c = buf[pos++];
          if (c === 10) {
            this.#to('size');
            this.#cr = false;
          } else if (c === 13 && !this.#cr) this.#cr = true;
          else throw new ProtocolError('chunk data not followed by CRLF', { protocol: 'http', phase: 'body' });
          break;
        }
        case 'trailers': {
          const next = this.#lines.scan(buf, pos);
          if (next === -1) return { data, end: -1, trailers: undefined };
          pos = next;
          if (this.#lines.line.length === 0) {
            this.#to('done');
            const trailerLines = this.#trailerLines;
            this.#trailerLines = [];
            return { data, end: pos, trailers: this.#trailers.take(), trailerLines };
          }
          this.#trailers.add(this.#lines.line);
          // Within maxTrailerBytes, as the fields: add() has checked the line against what is left.
          this.#trailerLines.push(this.#lines.line);
          this.#lines.setLimit(Math.max(0, this.#trailers.remaining - 2), 'trailers', this.#limits.maxTrailerBytes);
          break;
        }
        case 'done':
          return { data, end: pos, trailers: undefined };
      }
    }
    return { data, end: -1, trailers: undefined };
  }

  #to(next: ChunkedState): void {
    const allowed: readonly ChunkedState[] = CHUNKED_TRANSITIONS[this.state];
    if (!allowed.includes(next)) throw new ProtocolError(`chunked decoder can't go from ${this.state} to ${next}`, { protocol: 'http', phase: 'body' });
    this.state = next;
  }
}

/** Most hex digits a chunk size may have; 16 would already reach 2^64. */
const MAX_SIZE_DIGITS = 15;

/**
 * Parses a chunk-size line (`1a2b;name=value`) into a number. Hex digits
 * only, at least one; leading zeros are allowed, but 16 or more digits in all
 * are refused, and so is any value past 2^53 − 1: RFC 9112 §7.1 warns of
 * overflow, and a size that wrapped or rounded would desynchronise the
 * connection. The value is built with exact integer steps, never a float
 * parse. SP/HTAB may follow the digits (BWS before `;`, and padding some old
 * servers send); after `;` the extension is kept only to a sane byte set: no
 * control bytes but HTAB, so a bare CR or NUL cannot hide in it.
 */
export function parseChunkSize(line: string): number {
  let n = 0;
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    let d: number;
    if (c >= 48 && c <= 57) d = c - 48;
    else if (c >= 97 && c <= 102) d = c - 87;
    else if (c >= 65 && c <= 70) d = c - 55;
    else break;
    if (i >= MAX_SIZE_DIGITS) throw new ProtocolError(`chunk size has more than ${MAX_SIZE_DIGITS} hex digits`, { protocol: 'http', phase: 'body' });
    n = n * 16 + d;
  }
  if (n > Number.MAX_SAFE_INTEGER) throw new ProtocolError('chunk size overflows', { protocol: 'http', phase: 'body' });
  if (i === 0) throw badSizeLine(line);
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (i === line.length) return n;
  if (line.charCodeAt(i) !== 59) throw badSizeLine(line);
  for (i++; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) throw badSizeLine(line);
  }
  return n;
}

function badSizeLine(line: string): ProtocolError {
  return new ProtocolError(`invalid chunk size line ${JSON.stringify(line.slice(0, 32))}`, { protocol: 'http', phase: 'body' });
}
