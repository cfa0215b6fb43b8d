import { DialError, InputError, LimitError, ProtocolError } from '../../../errors.js';
import { ChunkedDecoder, type ChunkedOutput } from './chunked.js';
import { type HeaderList, listTokens } from './headers.js';
import { HeadReader } from './head-reader.js';
import { connectionKeepsAlive, framingFields, parseContentLength } from './framing.js';
import { DEFAULT_LIMITS, type HttpLimits } from './limits.js';
import { http09Head, http09Refused, sniffResponse } from './http09.js';
import { failedState, nextState, type ParserInput, type ParserState } from './response-states.js';
import type { BodyKind, ResponseEvent, ResponseOptions } from './response-types.js';

export { DEFAULT_LIMITS, parseContentLength, type HttpLimits };
export { TRANSITIONS, type ParserInput, type ParserState } from './response-states.js';
export type { BodyKind, ResponseEvent, ResponseHead, ResponseOptions } from './response-types.js';

const P = { protocol: 'http', phase: 'headers' } as const;

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
  /** Where the parser is; moves only along {@link TRANSITIONS} (see response-states.ts). */
  state: ParserState = 'idle';
  /** The bounds in force (defaults merged with the constructor's argument). */
  readonly limits: Readonly<HttpLimits>;
  #methods: string[] = [];
  #method = '';
  /** The ResponseOptions of each expected response (undefined: none), in step with #methods. */
  #optionQueue: Array<ResponseOptions | undefined> = [];
  #options: ResponseOptions | undefined;
  /** The first bytes of the response awaited are still to be checked for HTTP/0.9. */
  #sniff = false;
  readonly #reader: HeadReader;
  #interim = 0;
  #kind: BodyKind = 'none';
  #left = 0;
  #keepAlive = true;
  #chunked: ChunkedDecoder | undefined;
  #stray: Buffer | undefined;
  #error: DialError | undefined;
  #completed: ResponseEvent[] | undefined;

  constructor(limits: Partial<HttpLimits> = {}) {
    this.limits = Object.freeze({ ...DEFAULT_LIMITS, ...limits });
    for (const [k, v] of Object.entries(this.limits))
      if (!(Number.isSafeInteger(v) && v >= 0)) throw new InputError(`HTTP limit ${k} must be a non-negative integer, not ${String(v)}`, { protocol: 'http' });
    this.#reader = new HeadReader(this.limits);
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
    return this.#interim > 0 || this.#reader.started || (this.#sniff && this.#stray !== undefined);
  }

  /**
   * Announces the request whose response comes next (in send order); call it
   * before the request goes out. Bytes that arrived while nothing was
   * expected (see {@link strayBytes}) are parsed by the next `feed` (an
   * empty one will do). InputError once the parser is closed, upgraded or
   * failed.
   */
  expect(method: string, options?: ResponseOptions): void {
    if (this.state === 'closed' || this.state === 'upgraded' || this.state === 'error')
      throw new InputError(`cannot expect a response: the parser is ${this.state}`, { protocol: 'http' });
    // As sent: methods are case-sensitive (RFC 9110 §9.1), and a server answers "head" as some method that is not HEAD, body and all.
    this.#methods.push(method);
    this.#optionQueue.push(options);
    if (this.state === 'idle') this.#begin();
  }

  /**
   * Parses `chunk`; returns the events it completes. Throws ProtocolError
   * (broken framing or syntax) or LimitError (a bound of {@link HttpLimits})
   * and stays in state 'error'; the events the same call completed before
   * the fault (a head, the body bytes that arrived intact) are kept for
   * {@link takeCompleted}, so a caller can hand them on before the error.
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
      this.#completed = out;
      throw this.#fail(err);
    }
    return out;
  }

  /**
   * The events a failed {@link feed} completed before its fault, once (then
   * an empty list). As curl does, the bytes before a broken chunk line reach
   * the reader, and the error follows them.
   */
  takeCompleted(): ResponseEvent[] {
    const events = this.#completed ?? [];
    this.#completed = undefined;
    return events;
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
        // A few bytes, then the close: too short to be a status line, so a 0.9 body (or its refusal).
        if (this.#sniff && this.#stray) {
          const out: ResponseEvent[] = [];
          try {
            this.#http09(this.#stray, 0, out);
          } catch (err) {
            throw this.#fail(err);
          }
          out.push({ type: 'data', bytes: this.#stray }, { type: 'end', trailers: undefined, keepAlive: false });
          this.#stray = undefined;
          this.#go('eof');
          return out;
        }
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
    this.state = nextState(this.state, input);
  }

  #fail(err: unknown): unknown {
    if (!(err instanceof DialError) || err instanceof InputError) return err;
    // Field and line errors know nothing of where they were met: a bad trailer is the body's, however the bytes were split.
    if (err.phase === undefined) (err as { phase: string | undefined }).phase = this.state === 'body' ? 'body' : 'headers';
    this.#error = err;
    this.#reader.start();
    this.#chunked = undefined;
    this.state = failedState(this.state);
    return err;
  }

  #begin(): boolean {
    const m = this.#methods.shift();
    if (m === undefined) return false;
    this.#go('expect');
    this.#method = m;
    this.#options = this.#optionQueue.shift();
    // A proxy's answer to CONNECT is no document: one without a status line is only a broken reply.
    this.#sniff = m !== 'CONNECT';
    this.#interim = 0;
    this.#reader.start();
    return true;
  }

  /**
   * Reads heads from `pos`: each 1xx is reported and the next head awaited;
   * a final head is framed. Returns the index past the final head, or -1
   * when `buf` ran out first. A loop, not recursion: a feed holding
   * thousands of 1xx heads (maxInformational raised) keeps a flat stack.
   */
  #head(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    const reader = this.#reader;
    if (this.#sniff) {
      const kind = sniffResponse(this.#stray, buf, pos);
      if (kind === 'more') {
        // Fewer bytes than `HTTP/`: kept (copied) for the next feed, which puts them first.
        this.#stray = Buffer.concat([this.#stray ?? Buffer.alloc(0), buf.subarray(pos)]);
        return -1;
      }
      this.#sniff = false;
      if (kind === '0.9') return this.#http09(buf, pos, out);
    }
    for (;;) {
      const next = reader.read(buf, pos);
      if (next === -1) return -1;
      const headers = reader.take();
      const status = reader.status;
      if (status >= 200 || status === 101) {
        this.#frame(headers, out);
        return next;
      }
      if (++this.#interim > this.limits.maxInformational)
        throw new LimitError(`more than ${this.limits.maxInformational} interim (1xx) responses`, { limit: this.limits.maxInformational, ...P });
      this.#go('interim');
      out.push({ type: 'informational', status, reason: reader.reason, version: reader.version, headers, raw: reader.raw });
      reader.start();
      pos = next;
    }
  }

  /** An HTTP/0.9 response from `pos`: its head, then every byte is body to the close; or its refusal. */
  #http09(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    if (!this.#options?.http09 || this.#method === 'HEAD') throw http09Refused(this.#options?.http09 === true);
    this.#kind = 'close';
    this.#keepAlive = false;
    out.push(http09Head());
    this.#go('head');
    return pos;
  }

  /** How the final head's body is delimited (RFC 9112 §6.3), reported with the head. */
  #frame(headers: HeaderList, out: ResponseEvent[]): void {
    const { status, reason, version, raw } = this.#reader;
    const f = framingFields(headers.raw);
    let keepAlive = connectionKeepsAlive(f.connection, version);
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
        if (cl.length > 0 || version === '1.0') keepAlive = false;
      }
    } else if (cl.length > 0 && !this.#options?.ignoreContentLength) {
      length = parseContentLength(cl);
      kind = 'length';
    } else {
      kind = 'close';
      keepAlive = false;
    }
    this.#kind = kind;
    this.#keepAlive = keepAlive;
    out.push({ type: 'head', status, reason, version, headers, bodyKind: kind, contentLength: length, transferCodings: codings, keepAlive, raw });
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
        if (this.#options?.raw) return this.#rawChunked(buf, pos, out);
        const data: Buffer[] = [];
        let r: ChunkedOutput;
        try {
          r = this.#chunked!.decode(buf, pos, data);
        } finally {
          // Before a broken chunk line too: the chunks before it arrived intact.
          for (const bytes of data) out.push({ type: 'data', bytes });
        }
        if (r.end === -1) return -1;
        this.#finish(r.trailers, out, r.trailerLines);
        return r.end;
      }
      default:
        out.push({ type: 'data', bytes: pos === 0 ? buf : buf.subarray(pos) });
        return buf.length;
    }
  }

  /** A chunked body's bytes as they came (framing and all), up to the end the decoder finds. */
  #rawChunked(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    const r = this.#chunked!.decode(buf, pos, []);
    const end = r.end === -1 ? buf.length : r.end;
    if (end > pos) out.push({ type: 'data', bytes: buf.subarray(pos, end) });
    if (r.end === -1) return -1;
    this.#finish(undefined, out);
    return r.end;
  }

  #finish(trailers: HeaderList | undefined, out: ResponseEvent[], trailerLines?: string[]): void {
    out.push(trailerLines && trailerLines.length > 0 ? { type: 'end', trailers, keepAlive: this.#keepAlive, trailerLines } : { type: 'end', trailers, keepAlive: this.#keepAlive });
    this.#chunked = undefined;
    this.#go('end');
    this.#begin();
  }
}
