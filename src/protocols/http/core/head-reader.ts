import { LimitError, ProtocolError } from '../../../errors.js';
import { FieldCollector } from './fields.js';
import type { HeaderList } from './headers.js';
import type { HttpLimits } from './limits.js';
import { LineScanner } from './lines.js';

const P = { protocol: 'http', phase: 'headers' } as const;
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * Reads one response head — a status line and its field lines, up to the
 * blank line — out of bytes that arrive in pieces, within the head bounds
 * of {@link HttpLimits}. It knows nothing of what the head means (1xx or
 * final, how the body is framed): that is the parser's. After `read` has
 * returned a position, `status`, `reason` and `version` describe the head
 * and {@link take} hands over its fields; {@link start} readies it for the
 * next head.
 *
 * Up to 4 empty lines before a status line are skipped (left over after a
 * previous body by sloppy servers).
 */
export class HeadReader {
  /** The status code, once the status line is read; 0 before. */
  status = 0;
  reason = '';
  version: '1.0' | '1.1' = '1.1';
  /**
   * The head just read as it came, from its status line through the blank
   * line, line ends and all (curl -i prints heads so); '' until one is read.
   * Bounded by the head limits, as the head itself.
   */
  raw = '';
  /** The lines of a head read a line at a time, with their line ends. */
  #rawLines: string[] = [];
  readonly #limits: Readonly<HttpLimits>;
  readonly #lines: LineScanner;
  readonly #fields: FieldCollector;
  #blankLines = 0;

  constructor(limits: Readonly<HttpLimits>) {
    this.#limits = limits;
    this.#lines = new LineScanner(limits.maxStatusLine, 'status line');
    this.#fields = new FieldCollector(limits.maxHeaders, limits.maxHeaderBytes, 'response header');
  }

  /** Whether any byte of the head being read has arrived. */
  get started(): boolean {
    return this.status !== 0 || this.#blankLines > 0 || this.#lines.pending > 0;
  }

  /** Forgets the head in progress, and any partial line: the next bytes begin a status line. */
  start(): void {
    this.status = 0;
    this.raw = '';
    this.#rawLines = [];
    this.#blankLines = 0;
    this.#lines.reset();
    this.#lines.setLimit(this.#limits.maxStatusLine, 'status line');
  }

  /** The fields of the head just read (then collecting starts afresh). */
  take(): HeaderList {
    return this.#fields.take();
  }

  /**
   * Reads on from `pos`. Returns the index just past the blank line that
   * ends the head, or -1 when `buf` ran out first (a partial line is kept,
   * copied). Throws ProtocolError for bad syntax, LimitError past a bound.
   */
  read(buf: Buffer, pos: number): number {
    const limits = this.#limits;
    while (this.status === 0 && this.#lines.pending === 0) {
      const end = buf.indexOf(HEAD_END, pos);
      // Bounded like the line path: a block past the limits is left to it, which fails at the first line over.
      if (end === -1 || end - pos > limits.maxStatusLine + limits.maxHeaderBytes) break;
      const next = this.#wholeHead(buf, pos, end + 4);
      if (next >= 0) return next;
      pos = ~next;
    }
    for (;;) {
      const next = this.#lines.scan(buf, pos);
      if (next === -1) return -1;
      pos = next;
      const line = this.#lines.line;
      if (this.status === 0) {
        if (line.length === 0) {
          if (++this.#blankLines > 4) throw new ProtocolError('blank lines instead of a status line', P);
          continue;
        }
        this.#statusLine(line);
        this.#rawLines.push(line, this.#lines.crlf ? '\r\n' : '\n');
        this.#fieldLimit();
        continue;
      }
      this.#rawLines.push(line, this.#lines.crlf ? '\r\n' : '\n');
      if (line.length > 0) {
        this.#fields.add(line);
        this.#fieldLimit();
        continue;
      }
      this.raw = this.#rawLines.join('');
      this.#rawLines = [];
      this.#ended();
      return pos;
    }
  }

  /**
   * One pass over a head that is all in `buf` up to `stop` (just past its
   * CRLF CRLF) — the usual case: decoded to a string once and split there,
   * instead of a search and a decode per line. The same checks and bounds as
   * the line-at-a-time path, in the same order; a bare-LF head ends where
   * its own blank line is. Only blank lines before the status line can use
   * the whole block up, and then the line scanner goes on.
   *
   * Returns the index past the head, or `~i` (negative) when the block held
   * only blank lines and reading goes on at `i`.
   */
  #wholeHead(buf: Buffer, pos: number, stop: number): number {
    const text = buf.toString('latin1', pos, stop);
    const limits = this.#limits;
    let at = 0;
    let from = 0;
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl === -1) return ~(pos + at);
      const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const len = end - at;
      if (this.status === 0) {
        if (len > limits.maxStatusLine) throw new LimitError(`status line larger than ${limits.maxStatusLine} bytes`, { limit: limits.maxStatusLine, protocol: 'http' });
        if (len === 0) {
          if (++this.#blankLines > 4) throw new ProtocolError('blank lines instead of a status line', P);
        } else {
          this.#statusLine(text.slice(at, end));
          from = at;
        }
      } else if (len > 0) {
        if (len > Math.max(0, this.#fields.remaining - 2))
          throw new LimitError(`response header larger than ${limits.maxHeaderBytes} bytes`, { limit: limits.maxHeaderBytes, protocol: 'http' });
        this.#fields.add(text, at, end);
      } else {
        this.raw = text.slice(from, nl + 1);
        this.#ended();
        return pos + nl + 1;
      }
      at = nl + 1;
    }
  }

  /** The blank line after the fields: whatever comes next starts with a status line. */
  #ended(): void {
    this.#lines.setLimit(this.#limits.maxStatusLine, 'status line');
  }

  /** The next field line may use what is left of the header byte budget (less its CRLF). */
  #fieldLimit(): void {
    this.#lines.setLimit(Math.max(0, this.#fields.remaining - 2), 'response header', this.#limits.maxHeaderBytes);
  }

  /**
   * `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4). The SP before an empty
   * reason may be missing; the reason may hold HTAB, SP, VCHAR and obs-text,
   * no other control byte. A minor version above 1 is read as 1.1 (§2.3).
   * Any three digits 100–999 pass, as curl and llhttp allow (999 is seen in
   * the wild); the client decides what an unknown class means.
   */
  #statusLine(line: string): void {
    if (line.length < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 32)
      throw new ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(line.slice(0, 64))}`, P);
    const minor = line.charCodeAt(7) - 48;
    if (minor < 0 || minor > 9) throw new ProtocolError(`bad HTTP version in ${JSON.stringify(line.slice(0, 64))}`, P);
    const d0 = line.charCodeAt(9) - 48;
    const d1 = line.charCodeAt(10) - 48;
    const d2 = line.charCodeAt(11) - 48;
    if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (line.length > 12 && line.charCodeAt(12) !== 32))
      throw new ProtocolError(`bad status code in ${JSON.stringify(line.slice(0, 64))}`, P);
    for (let i = 13; i < line.length; i++) {
      const c = line.charCodeAt(i);
      if ((c < 32 && c !== 9) || c === 127) throw new ProtocolError('control byte (NUL, CR…) in the status line', P);
    }
    this.version = minor === 0 ? '1.0' : '1.1';
    this.status = d0 * 100 + d1 * 10 + d2;
    this.reason = line.length > 13 ? line.slice(13) : '';
  }
}
