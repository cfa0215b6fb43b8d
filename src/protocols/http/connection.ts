import { AbortError, DialError, LimitError, NetworkError, ProtocolError, toDialError } from '../../errors.js';
import type { ByteStream } from '../../socket/types.js';
import { abortError, retryable, withPhase } from './failures.js';
import { failExchanges, settle } from './exchange-end.js';
import { traceResponse } from './trace-lines.js';

export { isRetryable, withPhase } from './failures.js';
import { BodyStream } from './body-stream.js';
import { BodyFeed, type FeedHost } from './body-feed.js';
import { keepAliveTimeout } from './core/keep-alive.js';
import { ResponseParser, type ResponseEvent, type ResponseHead } from './core/response-parser.js';
import { newEntry, phaseOf, serializeExchangeHead, type ConnectionOptions, type Entry, type Exchange, type ExchangeResponse } from './exchange.js';
import { RequestSender, type SenderHost } from './connection-send.js';
import { Transport, type TransportSink } from './transport.js';
import { ConnectionTimer, type TimerHost } from './connection-timer.js';
import type { RawWriter } from './write-batch.js';

export { serializeExchangeHead, type ConnectionOptions, type Exchange, type ExchangeResponse, type HttpProgress } from './exchange.js';

/**
 * One HTTP/1.1 connection over any {@link ByteStream}: writes requests
 * (Content-Length or chunked, honouring the stream's back-pressure), feeds
 * every received Buffer to the sans-IO {@link ResponseParser} without copying,
 * and hands each response over as a head plus a {@link BodyStream}.
 *
 * Several requests may be in flight (pipelining); responses are matched in
 * order. The connection reads all the time, even when idle, so a server's
 * close is noticed before the connection is reused.
 */
export class HttpConnection {
  readonly stream: ByteStream;
  readonly #parser: ResponseParser;
  readonly #queue: Entry[] = [];
  readonly #opts: ConnectionOptions;
  readonly #label: string;
  #state: 'open' | 'closing' | 'closed' = 'open';
  #keepAlive = true;
  #expiresAt = Infinity;
  #completed = 0;
  #reserved = 0;
  #error: DialError | undefined;
  readonly #t: Transport;
  readonly #sender: RequestSender;
  /** The sender's, when over a raw socket: counted busy while requests are in flight. */
  readonly #writer: RawWriter | undefined;
  /** True while the bytes being parsed are views into a reused read buffer. */
  #lent = false;
  /** Bounds every wait of the exchange at the front (connection-timer.ts). */
  readonly #timer: ConnectionTimer;
  /** Feeds the response bodies and follows their readers' pace (body-feed.ts). */
  readonly #feed: BodyFeed;

  constructor(stream: ByteStream, options: ConnectionOptions = {}) {
    this.stream = stream;
    this.#opts = options;
    this.#label = options.label ?? 'server';
    this.#timer = new ConnectionTimer(this.#timerHost, this.#label, options);
    this.#parser = new ResponseParser(options.limits);
    this.#t = new Transport(stream, this.#sink, options.rawRead !== false);
    this.#sender = new RequestSender(this.#t, this.#sendHost, this.#label);
    this.#writer = this.#sender.writer;
    this.#feed = new BodyFeed(this.#t, this.#timer, this.#queue, this.#parser, this.#feedHost, options);
    this.#t.setRef(false);
  }

  /** Set when the server left a pipelined request unanswered (see ConnectionOptions.pipelineStall). */
  pipelineRefused = false;

  /** Requests sent (or reserved) whose responses have not ended. */
  get pending(): number {
    return this.#queue.length + this.#reserved;
  }
  /** Responses completed on this connection. */
  get completed(): number {
    return this.#completed;
  }
  /** False once closed, after `Connection: close`, or past the server's keep-alive timeout. */
  get reusable(): boolean {
    return this.#state === 'open' && this.#keepAlive && Date.now() < this.#expiresAt;
  }
  get closed(): boolean {
    return this.#state === 'closed';
  }
  /** When the server's Keep-Alive hint says the connection dies (ms since epoch), minus the margin. */
  get expiresAt(): number {
    return this.#expiresAt;
  }

  /** Holds a slot for a request about to be sent (the pool hands a connection over asynchronously). */
  reserve(): void {
    this.#reserved++;
  }
  /** Gives a reserved slot back unused. */
  unreserve(): void {
    if (this.#reserved > 0) this.#reserved--;
    this.#released();
  }

  /** A slot was given back without a request: an idle connection must go back to its pool. */
  #released(): void {
    if (this.#queue.length + this.#reserved === 0 && this.reusable) this.#opts.onFree?.(this);
  }

  /**
   * Sends one request and resolves with its response head. Caller input is
   * checked before any byte is written: an unsafe method, target or header
   * is an InputError and the connection is untouched.
   */
  request(x: Exchange): Promise<ExchangeResponse> {
    if (this.#reserved > 0) this.#reserved--;
    let head: Buffer;
    try {
      head = x.head ?? serializeExchangeHead(x);
    } catch (err) {
      this.#released();
      throw err;
    }
    if (this.#state !== 'open') {
      const err = this.#error ?? new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} is closed`, { protocol: 'http', phase: 'send' });
      const e = new NetworkError('DIAL_E_CLOSED', err.message, { protocol: 'http', phase: 'send', cause: err });
      if (this.#completed > 0) retryable.add(e);
      return Promise.reject(e);
    }
    if (x.signal?.aborted) {
      this.#released();
      return Promise.reject(new AbortError('request aborted', { cause: x.signal.reason, protocol: 'http', phase: 'send' }));
    }
    return new Promise<ExchangeResponse>((resolve, reject) => {
      const entry = newEntry(x, head, this.#completed > 0 || this.#queue.length > 0, this.#queue.length > 0, resolve, reject);
      if (x.signal) {
        entry.onAbort = () => this.#failOne(entry, abortError(x.signal!, phaseOf(entry)));
        x.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.#queue.push(entry);
      // HTTP/1.0 closes after the response unless both sides ask otherwise: nothing goes behind it, nothing reuses it.
      if (x.version === '1.0') this.#keepAlive = false;
      // The exchange carries the response options (http09, ignoreContentLength) itself.
      this.#parser.expect(x.method, x);
      if (this.#queue.length === 1) {
        this.#t.setRef(true);
        this.#writer?.busy(true);
      }
      this.#sender.send(entry, this.#queue.length > 1);
    });
  }

  /** Closes once in-flight responses are done (at once when idle). */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    if (this.#queue.length > 0) {
      this.#keepAlive = false;
      this.#state = 'closing';
      return;
    }
    this.#shut();
    await this.#t.close();
  }

  /** Drops the connection at once; anything in flight fails with `err`. */
  destroy(err?: DialError): void {
    this.#fail(err ?? new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} was destroyed`, { protocol: 'http' }));
  }

  // ---- sending -------------------------------------------------------------

  /** What the send side (connection-send.ts) asks of the connection. */
  readonly #sendHost: SenderHost = {
    front: () => this.#queue[0],
    responseStarted: () => this.#parser.responseStarted,
    closed: () => this.#state === 'closed',
    sent: (entry) => {
      if (entry.stage === 'sending') {
        entry.stage = 'waiting';
        if (this.#queue[0] === entry) this.#timer.arm(entry, entry.x.headersTimeout, 'headers');
      }
    },
    noReuse: () => {
      this.#keepAlive = false;
    },
    fail: (err) => this.#fail(err),
    closedError: () => this.#error ?? new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} is closed`, { protocol: 'http', phase: 'send' }),
    writing: (entry, waiting) => {
      if (this.#queue[0] === entry) this.#timer.sending(entry, waiting);
    },
  };

  // ---- receiving -----------------------------------------------------------

  readonly #sink: TransportSink = {
    bytes: (chunk, lent) => {
      if (this.#state === 'closed') return;
      this.#lent = lent;
      this.#onBytes(chunk);
      this.#lent = false;
    },
    eof: () => {
      if (this.#state !== 'closed') this.#onEof();
    },
    error: (err) => {
      if (this.#state === 'closed') return;
      const front = this.#queue[0];
      this.#fail(withPhase(toDialError(err, `connection to ${this.#label} failed`), front ? phaseOf(front) : 'headers'));
    },
  };

  #onBytes(chunk: Buffer): void {
    if (this.#queue.length === 0) {
      // Bytes nobody asked for: the stream is out of step and cannot be trusted again.
      this.#fail(new ProtocolError(`${chunk.length} unsolicited byte(s) from ${this.#label} while idle`, { protocol: 'http', phase: 'headers' }));
      return;
    }
    let events: ResponseEvent[];
    try {
      events = this.#parser.feed(chunk);
    } catch (err) {
      // What arrived intact before the fault reaches the reader first (no lost data); then the error.
      this.#dispatch(this.#parser.takeCompleted());
      if (this.#state !== 'closed') this.#fail(withPhase(toDialError(err, 'bad response'), this.#queue[0] ? phaseOf(this.#queue[0]) : 'body'));
      return;
    }
    this.#dispatch(events);
  }

  #onEof(): void {
    let events: ResponseEvent[] = [];
    const front = this.#queue[0];
    if (front) {
      try {
        events = this.#parser.eof();
      } catch (err) {
        const e = withPhase(toDialError(err, 'bad response'), phaseOf(front));
        return this.#fail(e);
      }
    }
    this.#dispatch(events);
    this.#keepAlive = false;
    if (this.#queue.length > 0) {
      this.#fail(new NetworkError('DIAL_E_RESET', `${this.#label} closed the connection before the response began`, { protocol: 'http', phase: 'empty' }));
    } else {
      this.#shut();
      void this.#t.close();
    }
  }

  #dispatch(events: ResponseEvent[]): void {
    this.#dispatchEvents(events);
    this.#feed.readDone();
  }

  #dispatchEvents(events: ResponseEvent[]): void {
    for (const ev of events) {
      const entry = this.#queue[0];
      if (!entry) return;
      switch (ev.type) {
        case 'informational':
          traceResponse(entry.x.trace, ev.status, ev.reason, ev.version, ev.headers, ev.raw);
          if (ev.status === 100) entry.gate?.();
          // Kept for the caller (curl -i prints every 1xx head); the parser bounds how many come.
          (entry.interim ??= []).push({ status: ev.status, reason: ev.reason, version: ev.version, headers: ev.headers, raw: ev.raw });
          break;
        case 'head':
          this.#onHead(entry, ev);
          break;
        case 'data':
          this.#feed.data(entry, ev.bytes, this.#lent);
          break;
        case 'end':
          if (entry.wire && ev.trailers && ev.trailers.size > 0) {
            entry.wire.fields = ev.trailers;
            entry.wire.lines = ev.trailerLines;
          }
          this.#onEnd(entry, ev.keepAlive);
          break;
        case 'upgrade':
          this.#fail(new ProtocolError(`${this.#label} switched protocols; this client speaks only HTTP/1.x here`, { protocol: 'http', phase: 'headers' }));
          return;
      }
      if (this.#state === 'closed') return;
    }
  }

  #onHead(entry: Entry, ev: ResponseHead): void {
    traceResponse(entry.x.trace, ev.status, ev.reason, ev.version, ev.headers, ev.raw);
    if (ev.bodyKind === 'upgrade') {
      // 101 or a 2xx to CONNECT: the bytes that follow are not HTTP; tunnels are opened by the proxy code, not here.
      this.#fail(new ProtocolError(`${this.#label} answered ${ev.status}: switching protocols is not supported on this connection`, { protocol: 'http', phase: 'headers' }));
      return;
    }
    if (!ev.keepAlive) this.#keepAlive = false;
    const ka = keepAliveTimeout(ev.headers);
    if (ka !== undefined) this.#expiresAt = Math.min(this.#expiresAt, Date.now() + ka - (this.#opts.keepAliveMargin ?? 1000));
    if (entry.gate) {
      // A final answer instead of 100 Continue: the body is not wanted.
      entry.skipBody = true;
      entry.gate();
    }
    if (!entry.sendDone) this.#keepAlive = false;
    const max = entry.x.maxBodySize;
    if (max !== undefined && ev.contentLength !== undefined && ev.contentLength > max) {
      this.#failOne(entry, new LimitError(`response body of ${ev.contentLength} bytes exceeds the limit of ${max}`, { limit: max, protocol: 'http', phase: 'headers' }));
      return;
    }
    const body = new BodyStream(entry.x.highWaterMark);
    body.attach(this.#feed);
    entry.body = body;
    entry.total = ev.contentLength;
    entry.stage = 'body';
    // Until the read is handled and the body's bound armed (BodyFeed.readDone), the head's may not fire for it.
    this.#timer.release(entry);
    this.#feed.started(entry);
    entry.resolve({
      status: ev.status,
      reason: ev.reason,
      version: ev.version,
      headers: ev.headers,
      contentLength: ev.contentLength,
      transferCodings: ev.transferCodings,
      body,
      reused: entry.reused,
      interim: entry.interim,
      raw: ev.raw,
      wire: (entry.wire = { received: 0 }),
    });
  }

  #onEnd(entry: Entry, keepAlive: boolean): void {
    this.#queue.shift();
    if (this.#queue.length === 0) this.#writer?.busy(false);
    settle(entry, this.#timer);
    const next = this.#queue[0];
    if (next && next.stage === 'waiting') this.#timer.armHead(next);
    this.#completed++;
    entry.body?.end();
    // Bytes beyond the last response nobody asked for: the server is out of step, so nothing more is read from it.
    if (!keepAlive || !entry.sendDone || (this.#queue.length === 0 && this.#parser.strayBytes > 0)) this.#keepAlive = false;
    if (!this.reusable || this.#state === 'closing') {
      if (this.#queue.length === 0) {
        this.#shut();
        void this.#t.close();
      }
      return;
    }
    if (this.#queue.length === 0) {
      // Idle: neither the socket nor the timer left armed may keep the process alive.
      this.#t.setRef(false);
      this.#timer.unref();
    }
    this.#opts.onFree?.(this);
  }

  /** What the body feed (body-feed.ts) asks of the connection. */
  readonly #feedHost: FeedHost = {
    fail: (err) => this.#fail(err),
    failOne: (entry, err) => this.#failOne(entry, err),
  };

  // ---- timing --------------------------------------------------------------

  /** What the timer (connection-timer.ts) asks of the connection. */
  readonly #timerHost: TimerHost = {
    responseStarted: () => this.#parser.responseStarted,
    fail: (err) => this.#fail(err),
    refusePipeline: (err) => {
      this.pipelineRefused = true;
      this.#fail(err);
    },
  };

  // ---- ending --------------------------------------------------------------

  /**
   * `entry` alone failed (aborted, its body cancelled or over maxBodySize) and takes the connection with it;
   * the other requests on it fail as its closing, not with `err` (retryable when nothing of theirs came).
   */
  #failOne(entry: Entry, err: DialError): void {
    if (this.#queue.length <= 1) return this.#fail(err);
    this.#fail(new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} was closed: another request on it failed (${err.message})`, { protocol: 'http', phase: phaseOf(this.#queue[0]!) }), { entry, err });
  }

  /** Fails everything in flight with `err` (`own.entry` with `own.err`) and drops the stream. */
  #fail(err: DialError, own?: { entry: Entry; err: DialError }): void {
    if (this.#state === 'closed') return;
    this.#error = err;
    const front = this.#queue[0];
    const frontStarted = front ? front.body !== undefined || this.#parser.responseStarted : false;
    const entries = this.#queue.splice(0);
    this.#writer?.busy(false);
    this.#shut();
    this.#t.destroy();
    failExchanges(entries, err, frontStarted, this.#timer, own);
  }

  #shut(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#timer.stop();
    this.#feed.stop();
    this.#opts.onClose?.(this);
  }
}
