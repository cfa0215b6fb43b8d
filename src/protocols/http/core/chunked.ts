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
}

type State = 'size' | 'data' | 'data-crlf' | 'trailers' | 'done';

/**
 * A sans-IO decoder for the chunked transfer coding (RFC 9112 §7.1): size
 * lines with extensions (ignored, bounded), data, CRLF after each chunk, and
 * trailer fields after the last. A size beyond 2^53 or a malformed line is a
 * ProtocolError; line lengths and trailers are bounded.
 */
export class ChunkedDecoder {
  state: State = 'size';
  #left = 0;
  #crlfSeen = 0;
  readonly #lines: LineScanner;
  readonly #trailers: FieldCollector;

  constructor(limits: { maxChunkLine: number; maxTrailerBytes: number; maxHeaders: number }) {
    this.#lines = new LineScanner(limits.maxChunkLine, 'chunk size line');
    this.#trailers = new FieldCollector(limits.maxHeaders, limits.maxTrailerBytes, 'trailers');
  }

  /** Decodes from `buf` at `pos`; see {@link ChunkedOutput}. */
  decode(buf: Buffer, pos: number): ChunkedOutput {
    const data: Buffer[] = [];
    while (pos < buf.length) {
      switch (this.state) {
        case 'size': {
          const next = this.#lines.scan(buf, pos);
          if (next === -1) return { data, end: -1, trailers: undefined };
          pos = next;
          this.#left = parseChunkSize(this.#lines.line);
          this.state = this.#left === 0 ? 'trailers' : 'data';
          break;
        }
        case 'data': {
          const n = Math.min(this.#left, buf.length - pos);
          data.push(buf.subarray(pos, pos + n));
          pos += n;
          this.#left -= n;
          if (this.#left === 0) {
            this.state = 'data-crlf';
            this.#crlfSeen = 0;
          }
          break;
        }
        case 'data-crlf': {
          const c = buf[pos++];
          if (c === 13 && this.#crlfSeen === 0) this.#crlfSeen = 1;
          else if (c === 10) this.state = 'size';
          else throw new ProtocolError('chunk data not followed by CRLF', { protocol: 'http', phase: 'body' });
          break;
        }
        case 'trailers': {
          const next = this.#lines.scan(buf, pos);
          if (next === -1) return { data, end: -1, trailers: undefined };
          pos = next;
          if (this.#lines.line.length === 0) {
            this.state = 'done';
            return { data, end: pos, trailers: this.#trailers.take() };
          }
          this.#trailers.add(this.#lines.line);
          break;
        }
        case 'done':
          return { data, end: pos, trailers: undefined };
      }
    }
    return { data, end: -1, trailers: undefined };
  }
}

/**
 * Parses `1a2b;ext=1` into a number. Hex digits only, at least one, and the
 * value kept within 2^53 so no size silently wraps (16+ digit attacks).
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
    n = n * 16 + d;
    if (n > Number.MAX_SAFE_INTEGER) throw new ProtocolError('chunk size overflows', { protocol: 'http', phase: 'body' });
  }
  if (i === 0) throw new ProtocolError(`invalid chunk size line ${JSON.stringify(line.slice(0, 32))}`, { protocol: 'http', phase: 'body' });
  // After the digits: optional whitespace, then nothing or ';' extensions.
  while (i < line.length && (line.charCodeAt(i) === 32 || line.charCodeAt(i) === 9)) i++;
  if (i < line.length && line.charCodeAt(i) !== 59) throw new ProtocolError(`invalid chunk size line ${JSON.stringify(line.slice(0, 32))}`, { protocol: 'http', phase: 'body' });
  return n;
}
