import { DialError, InputError, LimitError, ProtocolError } from '../../../errors.js';
import { ChunkedDecoder } from './chunked.js';
import { FieldCollector } from './fields.js';
import { type HeaderList, listTokens } from './headers.js';
import { LineScanner } from './lines.js';
import { connectionKeepsAlive, framingFields, parseContentLength } from './framing.js';
import { DEFAULT_LIMITS, type HttpLimits } from './limits.js';

export { DEFAULT_LIMITS, parseContentLength, type HttpLimits };

/** How the body of a response is delimited (RFC 9112 §6.3). */
export type BodyKind = 'none' | 'length' | 'chunked' | 'close' | 'upgrade';

/** The final response's head. */
export interface ResponseHead {
  type: 'head';
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  headers: HeaderList;
  bodyKind: BodyKind;
  /** The Content-Length, when the body is length-delimited. */
  contentLength: number | undefined;
  /**
   * Transfer codings still applied to the body bytes, in the order the
   * server applied them (chunked, which the parser removes, is not listed).
   * Usually empty; `Transfer-Encoding: gzip, chunked` gives `['gzip']`. Decode
   * them like content codings (see decode.ts) before the content codings.
   */
  transferCodings: string[];
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;
}

/** Events the parser yields, in order, for each response. */
export type ResponseEvent =
  | { type: 'informational'; status: number; reason: string; headers: HeaderList }
  | ResponseHead
  | { type: 'data'; bytes: Buffer }
  | { type: 'end'; trailers: HeaderList | undefined; keepAlive: boolean }
  | { type: 'upgrade'; rest: Buffer };

/**
 * 'idle': no response expected; 'head': reading a status line and fields;
 * 'body': reading a body; 'upgraded': the bytes now belong to another
 * protocol (101, or 2xx to CONNECT); 'closed': the transport ended;
 * 'error': the response was broken and the parser refuses more input.
 */
export type ParserState = 'idle' | 'head' | 'body' | 'upgraded' | 'closed' | 'error';

/** What moves the parser from one state to another. */
export type ParserInput = 'expect' | 'interim' | 'head' | 'upgrade' | 'end' | 'eof' | 'fail';

/**
 * The whole state machine, as data: state → input → next state. A move not
 * in the table is a bug or a misuse and throws "can't handle X in state Y".
 * 'eof' in 'head' and in a 'body' that is not read-until-close is not a
 * move but a truncation: it takes the 'fail' edge.
 */
export const TRANSITIONS = {
  idle: { expect: 'head', eof: 'closed', fail: 'error' },
  head: { interim: 'head', head: 'body', upgrade: 'upgraded', fail: 'error' },
  body: { end: 'idle', eof: 'closed', fail: 'error' },
  upgraded: { eof: 'closed' },
  closed: { eof: 'closed' },
  error: {},
} as const satisfies Record<ParserState, Partial<Record<ParserInput, ParserState>>>;

const P = { protocol: 'http', phase: 'headers' } as const;
const HEAD_END = Buffer.from('\r\n\r\n');

/**
 * A sans-IO HTTP/1.x response parser: bytes in, events out. `expect(method)`
 * queues the method of each request sent (HEAD and CONNECT change framing);
 * several can be queued for pipelining and one `feed` may complete several
 * responses. Body bytes come out as views into the input, never copied.
 *
 * Every response yields zero or more `informational`, one `head`, zero or
 * more `data` and one `end` (or, for 101 and a 2xx to CONNECT, `head` then
 * `upgrade` carrying the bytes that followed the head). Framing follows
 * RFC 9112 §6.3; see {@link ResponseParser.feed} for the choices made where
 * the RFC leaves room. Once `feed` or `eof` has thrown, the parser is in
 * state 'error' and throws the same error again.
 */
export class ResponseParser {
  /** Where the parser is; moves only along {@link TRANSITIONS}. */
  state: ParserState = 'idle';
  /** The bounds in force (defaults merged with the constructor's argument). */
  readonly limits: Readonly<HttpLimits>;
  #methods: string[] = [];
  #method = '';
  #lines: LineScanner;
  #fields: FieldCollector;
  #status = 0;
  #reason = '';
  #version: '1.0' | '1.1' = '1.1';
  #interim = 0;
  #blankLines = 0;
  #kind: BodyKind = 'none';
  #left = 0;
  #keepAlive = true;
  #chunked: ChunkedDecoder | undefined;
  #stray: Buffer | undefined;
  #error: DialError | undefined;

  constructor(limits: Partial<HttpLimits> = {}) {
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...limits });
    for (const [k, v] of Object.entries(this.limits))
      if (!(Number.isSafeInteger(v) && v >= 0)) throw new InputError(`HTTP limit ${k} must be a non-negative integer, not ${String(v)}`, { protocol: 'http' });
    this.#lines = new LineScanner(this.limits.maxStatusLine, 'status line');
    this.#fields = new FieldCollector(this.limits.maxHeaders, this.limits.maxHeaderBytes, 'response header');
  }

  /** Responses expected but not yet complete (pipelining depth). After EOF, those that never came. */
  get outstanding(): number {
    return this.#methods.length + (this.state === 'head' || this.state === 'body' ? 1 : 0);
  }

  /** Bytes received while no response was expected; a connection holding any is not reused. */
  get strayBytes(): number {
    return this.#stray?.length ?? 0;
  }

  /**
   * Whether any byte of the response now awaited has arrived. A request whose
   * connection closes before that may be retried safely on a new connection.
   */
  get responseStarted(): boolean {
    if (this.state === 'body') return true;
    if (this.state !== 'head') return false;
    return this.#status !== 0 || this.#interim > 0 || this.#blankLines > 0 || this.#lines.pending > 0;
  }

  /**
   * Announces the request whose response comes next (in send order); call it
   * before the request goes out. Bytes that arrived while nothing was
   * expected (see {@link strayBytes}) are parsed by the next `feed` (an
   * empty one will do). InputError once the parser is closed, upgraded or
   * failed.
   */
  expect(method: string): void {
    if (this.state === 'closed' || this.state === 'upgraded' || this.state === 'error')
      throw new InputError(`cannot expect a response: the parser is ${this.state}`, { protocol: 'http' });
    this.#methods.push(method.toUpperCase());
    if (this.state === 'idle') this.#begin();
  }

  /**
   * Parses `chunk`; returns the events it completes. Throws ProtocolError
   * (broken framing or syntax) or LimitError (a bound of {@link HttpLimits});
   * events completed earlier in the same call are then dropped with it (the
   * response is unusable anyway), and the parser stays in state 'error'.
   * `chunk` is not copied: body events are views into it, so the caller must
   * not reuse its memory while they are alive. Nothing else keeps a view:
   * the part of a line or stray bytes held for the next call are copies, so
   * a caller that reads into one reused buffer may refill it once the events
   * are handled.
   *
   * Choices where RFC 9112 leaves room:
   * - bare LF ends a line (§2.2 MAY); a bare CR anywhere is an error;
   * - obs-fold is unfolded into one SP (§5.2, the user-agent rule);
   * - up to 4 empty lines before a status line are skipped (left over
   *   after a previous body by sloppy servers);
   * - Transfer-Encoding with Content-Length: Transfer-Encoding wins and the
   *   connection is not reused (§6.3 item 3);
   * - Transfer-Encoding not ending in chunked: read until close (§6.3),
   *   the codings reported in `transferCodings`; chunked anywhere but last,
   *   or twice, is an error;
   * - Content-Length: a list or repeated field of one same value is that
   *   value; differing or malformed values are an error (§6.3 item 5);
   * - HTTP/1.0: keep-alive only with `Connection: keep-alive`, and never
   *   after a chunked body (§6.1: TE in a 1.0 message is faulty framing);
   * - 1xx (100, 103…) are reported as `informational`, at most
   *   `maxInformational` per response; 101 ends HTTP on the connection.
   */
  feed(chunk: Uint8Array): ResponseEvent[] {
    if (this.#error) throw this.#error;
    if (this.state === 'upgraded' || this.state === 'closed')
      throw new InputError(`the parser is ${this.state}; HTTP parsing is over`, { protocol: 'http' });
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: ResponseEvent[] = [];
    try {
      if (this.#stray) {
        buf = Buffer.concat([this.#stray, buf]);
        this.#stray = undefined;
      }
      let pos = 0;
      while (pos < buf.length) {
        if (this.state === 'idle') {
          if (!this.#begin()) {
            // A copy: it outlives this call, and the caller may reuse its buffer.
            this.#stray = Buffer.from(buf.subarray(pos));
            if (this.#stray.length > this.limits.maxStatusLine) throw new ProtocolError('unsolicited bytes with no request outstanding', { protocol: 'http' });
            break;
          }
        }
        pos = this.state === 'head' ? this.#head(buf, pos, out) : this.#body(buf, pos, out);
        if (pos === -1) break;
        if ((this.state as ParserState) === 'upgraded') {
          out.push({ type: 'upgrade', rest: buf.subarray(pos) });
          break;
        }
      }
    } catch (err) {
      throw this.#fail(err);
    }
    return out;
  }

  /**
   * The transport reached end of stream. Completes a read-until-close body;
   * anything else unfinished is a ProtocolError naming what was cut short
   * (never a silent end). Calling it again is harmless.
   */
  eof(): ResponseEvent[] {
    if (this.#error) throw this.#error;
    switch (this.state) {
      case 'body':
        if (this.#kind === 'close') {
          this.#go('eof');
          return [{ type: 'end', trailers: undefined, keepAlive: false }];
        }
        throw this.#fail(
          new ProtocolError(
            `truncated response: ${this.#kind === 'chunked' ? 'chunked body ended before its last chunk' : `body ended ${this.#left} bytes short of its Content-Length`}`,
            { protocol: 'http', phase: 'body' },
          ),
        );
      case 'head':
        throw this.#fail(
          // 'empty': nothing of a response arrived (curl's "empty reply"), which callers tell apart by phase, not by message.
          this.responseStarted
            ? new ProtocolError('connection closed in the middle of the response head', P)
            : new ProtocolError('connection closed before the response began', { protocol: 'http', phase: 'empty' }),
        );
      default:
        this.#go('eof');
        return [];
    }
  }

  #go(input: ParserInput): void {
    const row: Partial<Record<ParserInput, ParserState>> = TRANSITIONS[this.state];
    const next = row[input];
    if (next === undefined) throw new ProtocolError(`can't handle ${input} in state ${this.state}`, { protocol: 'http' });
    this.state = next;
  }

  #fail(err: unknown): unknown {
    if (!(err instanceof DialError) || err instanceof InputError) return err;
    this.#error = err;
    this.#lines.reset();
    this.#chunked = undefined;
    const row: Partial<Record<ParserInput, ParserState>> = TRANSITIONS[this.state];
    this.state = row.fail ?? 'error';
    return err;
  }

  #begin(): boolean {
    const m = this.#methods.shift();
    if (m === undefined) return false;
    this.#go('expect');
    this.#method = m;
    this.#status = 0;
    this.#interim = 0;
    this.#blankLines = 0;
    this.#lines.reset();
    this.#lines.setLimit(this.limits.maxStatusLine, 'status line');
    return true;
  }

  #head(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    // A loop, not a call from #wholeHead back to here: a feed holding thousands of 1xx heads
    // (maxInformational raised) must not grow the stack by two frames per head.
    while (this.#status === 0 && this.#lines.pending === 0) {
      const end = buf.indexOf(HEAD_END, pos);
      // Bounded like the line path: a block past the limits is left to it, which fails at the first line over.
      if (end === -1 || end - pos > this.limits.maxStatusLine + this.limits.maxHeaderBytes) break;
      const next = this.#wholeHead(buf, pos, end + 4, out);
      if (next >= 0) return next;
      pos = ~next;
    }
    for (;;) {
      const next = this.#lines.scan(buf, pos);
      if (next === -1) return -1;
      pos = next;
      const line = this.#lines.line;
      if (this.#status === 0) {
        if (line.length === 0) {
          if (++this.#blankLines > 4) throw new ProtocolError('blank lines instead of a status line', P);
          continue;
        }
        this.#statusLine(line);
        this.#fieldLimit();
        continue;
      }
      if (line.length > 0) {
        this.#fields.add(line);
        this.#fieldLimit();
        continue;
      }
      if (this.#headEnded(out)) return pos;
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
   * Returns the index past a final head, or `~i` (negative) when the head
   * read was a 1xx, or only blank lines, and reading goes on at `i`.
   */
  #wholeHead(buf: Buffer, pos: number, stop: number, out: ResponseEvent[]): number {
    const text = buf.toString('latin1', pos, stop);
    let at = 0;
    for (;;) {
      const nl = text.indexOf('\n', at);
      if (nl === -1) return ~(pos + at);
      const end = nl > at && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      const len = end - at;
      if (this.#status === 0) {
        if (len > this.limits.maxStatusLine) throw new LimitError(`status line larger than ${this.limits.maxStatusLine} bytes`, { limit: this.limits.maxStatusLine, protocol: 'http' });
        if (len === 0) {
          if (++this.#blankLines > 4) throw new ProtocolError('blank lines instead of a status line', P);
        } else this.#statusLine(text.slice(at, end));
      } else if (len > 0) {
        if (len > Math.max(0, this.#fields.remaining - 2))
          throw new LimitError(`response header larger than ${this.limits.maxHeaderBytes} bytes`, { limit: this.limits.maxHeaderBytes, protocol: 'http' });
        this.#fields.add(text, at, end);
      } else {
        const next = pos + nl + 1;
        return this.#headEnded(out) ? next : ~next;
      }
      at = nl + 1;
    }
  }

  /** The blank line after the fields: a 1xx is reported and another head awaited (false); a final head is framed (true). */
  #headEnded(out: ResponseEvent[]): boolean {
    this.#lines.setLimit(this.limits.maxStatusLine, 'status line');
    const headers = this.#fields.take();
    if (this.#status < 200 && this.#status !== 101) {
      if (++this.#interim > this.limits.maxInformational)
        throw new LimitError(`more than ${this.limits.maxInformational} interim (1xx) responses`, { limit: this.limits.maxInformational, ...P });
      this.#go('interim');
      out.push({ type: 'informational', status: this.#status, reason: this.#reason, headers });
      this.#status = 0;
      this.#blankLines = 0;
      return false;
    }
    this.#frame(headers, out);
    return true;
  }

  /** The next field line may use what is left of the header byte budget (less its CRLF). */
  #fieldLimit(): void {
    this.#lines.setLimit(Math.max(0, this.#fields.remaining - 2), 'response header', this.limits.maxHeaderBytes);
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
    this.#version = minor === 0 ? '1.0' : '1.1';
    this.#status = d0 * 100 + d1 * 10 + d2;
    this.#reason = line.length > 13 ? line.slice(13) : '';
  }

  #frame(headers: HeaderList, out: ResponseEvent[]): void {
    const status = this.#status;
    const f = framingFields(headers.raw);
    let keepAlive = connectionKeepsAlive(f.connection, this.#version);
    const te = f.te;
    const cl = f.cl;
    let kind: BodyKind;
    let length: number | undefined;
    let codings: string[] = [];
    if (status === 101 || (this.#method === 'CONNECT' && status >= 200 && status < 300)) {
      kind = 'upgrade';
      keepAlive = false;
    } else if (this.#method === 'HEAD' || status === 204 || status === 304) kind = 'none';
    else if (te !== null) {
      codings = listTokens(te);
      const at = codings.indexOf('chunked');
      if (codings.length === 0) throw new ProtocolError('empty Transfer-Encoding', P);
      if (at !== -1 && (at !== codings.length - 1 || codings.indexOf('chunked', at + 1) !== -1))
        throw new ProtocolError(`chunked must be the last transfer coding, and only once: ${JSON.stringify(te.slice(0, 64))}`, P);
      if (at === -1) {
        kind = 'close';
        keepAlive = false;
      } else {
        kind = 'chunked';
        codings.pop();
        if (cl.length > 0 || this.#version === '1.0') keepAlive = false;
      }
    } else if (cl.length > 0) {
      length = parseContentLength(cl);
      kind = 'length';
    } else {
      kind = 'close';
      keepAlive = false;
    }
    this.#kind = kind;
    this.#keepAlive = keepAlive;
    out.push({ type: 'head', status, reason: this.#reason, version: this.#version, headers, bodyKind: kind, contentLength: length, transferCodings: codings, keepAlive });
    if (kind === 'upgrade') {
      this.#go('upgrade');
      return;
    }
    this.#go('head');
    if (kind === 'length') this.#left = length!;
    if (kind === 'chunked') this.#chunked = new ChunkedDecoder(this.limits);
    if (kind === 'none' || (kind === 'length' && length === 0)) this.#finish(undefined, out);
  }

  #body(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    switch (this.#kind) {
      case 'length': {
        const n = Math.min(this.#left, buf.length - pos);
        out.push({ type: 'data', bytes: buf.subarray(pos, pos + n) });
        this.#left -= n;
        pos += n;
        if (this.#left === 0) this.#finish(undefined, out);
        return pos;
      }
      case 'chunked': {
        const r = this.#chunked!.decode(buf, pos);
        for (const bytes of r.data) out.push({ type: 'data', bytes });
        if (r.end === -1) return -1;
        this.#finish(r.trailers, out);
        return r.end;
      }
      default:
        out.push({ type: 'data', bytes: pos === 0 ? buf : buf.subarray(pos) });
        return buf.length;
    }
  }

  #finish(trailers: HeaderList | undefined, out: ResponseEvent[]): void {
    out.push({ type: 'end', trailers, keepAlive: this.#keepAlive });
    this.#chunked = undefined;
    this.#go('end');
    this.#begin();
  }
}
