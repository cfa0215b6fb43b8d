import { AbortError, DialError, InputError, LimitError, NetworkError, ProtocolError, TimeoutError, toDialError } from '../../errors.js';
import type * as net from 'node:net';
import { Socket } from '../../socket/socket.js';
import type { ByteStream } from '../../socket/types.js';
import type { Tracer } from '../../trace.js';
import { abortError, cloneFor, isTransportFailure, retryable, withPhase } from './failures.js';
import { traceHead, traceResponse } from './trace-lines.js';

export { isRetryable, withPhase } from './failures.js';
import { BodyStream } from './body-stream.js';
import type { HeaderList } from './core/headers.js';
import { frameChunk, lastChunk, serializeHead, type RequestFraming } from './core/request.js';
import { ResponseParser, type HttpLimits, type ResponseEvent, type ResponseHead } from './core/response-parser.js';
import { chunksOf, type PreparedBody } from './request-body.js';

/** How far a transfer has got; `total` is undefined when unknown. */
export interface HttpProgress {
  direction: 'upload' | 'download';
  transferred: number;
  total: number | undefined;
}

/** One request as the connection sends it: everything already validated and resolved. */
export interface Exchange {
  method: string;
  /** The request-target: origin-form `/path?q`, or absolute-form through a forward proxy. */
  target: string;
  /** The Host header value. */
  host: string;
  headers: HeaderList;
  body: PreparedBody;
  /** The head already serialised (by {@link serializeExchangeHead}), so input errors surface before a connection is chosen. */
  head?: Buffer | undefined;
  /** Send the head, then wait for 100 Continue (or `continueTimeout`) before the body. */
  expectContinue?: boolean | undefined;
  /** How long to wait for 100 Continue before sending the body anyway (default 1000 ms). */
  continueTimeout?: number | undefined;
  signal?: AbortSignal | undefined;
  /** Bound from the end of sending to the response head, ms. */
  headersTimeout?: number | undefined;
  /** Bound on the silence between two pieces of the body, ms. */
  bodyTimeout?: number | undefined;
  /** Bytes of body accepted before a LimitError. */
  maxBodySize?: number | undefined;
  trace?: Tracer | undefined;
  onUploadProgress?: ((p: HttpProgress) => void) | undefined;
  onDownloadProgress?: ((p: HttpProgress) => void) | undefined;
  /** Bytes a body may queue unread before reading pauses (default 1 MiB). */
  highWaterMark?: number | undefined;
}

/** The response to one exchange: its head and a streaming body. */
export interface ExchangeResponse {
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  headers: HeaderList;
  contentLength: number | undefined;
  /** Transfer codings other than chunked still on the body bytes, in the order applied (usually empty). */
  transferCodings: string[];
  body: BodyStream;
  /** Whether the connection had carried an earlier request. */
  reused: boolean;
}

/** Connection-wide settings. */
export interface ConnectionOptions {
  limits?: Partial<HttpLimits> | undefined;
  /** Subtracted from a server's `Keep-Alive: timeout` so we never race its close (default 1000 ms). */
  keepAliveMargin?: number | undefined;
  /** Bytes of an abandoned body read and thrown away to save the connection (default 64 KiB). */
  drainCap?: number | undefined;
  /** Called when the connection can take another request. */
  onFree?: ((c: HttpConnection) => void) | undefined;
  /** Called once when the connection is closed for good. */
  onClose?: ((c: HttpConnection) => void) | undefined;
  /** For messages: `host:port`. */
  label?: string | undefined;
  /**
   * Over a dialtone Socket, take its node:net 'data' events straight into the
   * parser instead of a recv() loop (default true): no promise per chunk.
   */
  rawRead?: boolean | undefined;
}


type Stage = 'sending' | 'waiting' | 'body' | 'done';

interface Entry {
  x: Exchange;
  head: Buffer;
  stage: Stage;
  reused: boolean;
  resolve(r: ExchangeResponse): void;
  reject(e: Error): void;
  body: BodyStream | undefined;
  total: number | undefined;
  received: number;
  sendDone: boolean;
  skipBody: boolean;
  gate: (() => void) | undefined;
  discarding: boolean;
  discarded: number;
  onAbort: (() => void) | undefined;
}

const CHUNK_COALESCE = 16 * 1024;
const KEEP_ALIVE_TIMEOUT = /timeout\s*=\s*(\d{1,9})/i;

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
  #sendChain: Promise<void> = Promise.resolve();
  #state: 'open' | 'closing' | 'closed' = 'open';
  #keepAlive = true;
  #expiresAt = Infinity;
  #completed = 0;
  #reading = false;
  #paused = false;
  #resumeReading: (() => void) | undefined;
  #reserved = 0;
  #error: DialError | undefined;
  #raw: net.Socket | undefined;
  #pausedEntry: Entry | undefined;
  /** Sends queued on #sendChain and not finished; at 0 a request may be written at once. */
  #chained = 0;
  // One timer per connection, for the response at the front of the queue
  // (responses arrive in order, so only the front can be late); refresh()
  // re-arms it without a new timer per request.
  #timer: NodeJS.Timeout | undefined;
  #timerMs = 0;
  #timed: Entry | undefined;
  #timedPhase: 'headers' | 'body' = 'headers';

  constructor(stream: ByteStream, options: ConnectionOptions = {}) {
    this.stream = stream;
    this.#opts = options;
    this.#label = options.label ?? 'server';
    this.#parser = new ResponseParser(options.limits);
    if (stream instanceof Socket && stream.bufferedLength === 0 && !stream.detached && options.rawRead !== false) this.#readRaw(stream);
    else void this.#readLoop();
    this.#setRef(false);
  }

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
      const entry: Entry = {
        x,
        head,
        stage: 'sending',
        reused: this.#completed > 0 || this.#queue.length > 0,
        resolve,
        reject,
        body: undefined,
        total: undefined,
        received: 0,
        sendDone: false,
        skipBody: false,
        gate: undefined,
        discarding: false,
        discarded: 0,
        onAbort: undefined,
      };
      if (x.signal) {
        entry.onAbort = () => this.#fail(abortError(x.signal!, phaseOf(entry)));
        x.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.#queue.push(entry);
      this.#parser.expect(x.method);
      if (this.#queue.length === 1) this.#setRef(true);
      if (this.#chained === 0 && this.#raw && this.#sendsInOneWrite(x)) {
        this.#writeNow(entry);
        return;
      }
      this.#chained++;
      this.#sendChain = this.#sendChain.then(() => this.#send(entry)).finally(() => this.#chained--);
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
    await this.#closeStream();
  }

  /** Drops the connection at once; anything in flight fails with `err`. */
  destroy(err?: DialError): void {
    this.#fail(err ?? new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} was destroyed`, { protocol: 'http' }));
  }

  // ---- sending -------------------------------------------------------------

  /** True when head and body go out in one write with nothing to wait for in between. */
  #sendsInOneWrite(x: Exchange): boolean {
    const b = x.body;
    return b.kind === 'none' || (b.kind === 'bytes' && !x.expectContinue && b.data.length <= CHUNK_COALESCE);
  }

  /**
   * The hot path over a raw socket: head (and a small body) written at once,
   * corked so they leave in one segment; no promise, no wait for the kernel.
   * A write error arrives through #onWriteError.
   */
  #writeNow(entry: Entry): void {
    const { x } = entry;
    const raw = this.#raw!;
    traceHead(x.trace, entry.head);
    entry.sendDone = true;
    const body = x.body;
    // Pipelined requests issued in the same tick leave in one write: corked
    // until the tick ends (only when others are in flight, so a lone request
    // is not held back).
    if (this.#queue.length > 1 && !this.#corked) {
      this.#corked = true;
      raw.cork();
      process.nextTick(this.#uncork);
    }
    if (body.kind === 'bytes' && body.data.length > 0) {
      raw.cork();
      raw.write(entry.head, this.#onWritten);
      raw.write(body.data, this.#onWritten);
      raw.uncork();
      x.onUploadProgress?.({ direction: 'upload', transferred: body.data.length, total: body.data.length });
    } else {
      raw.write(entry.head, this.#onWritten);
    }
    if (entry.stage === 'sending') {
      entry.stage = 'waiting';
      if (this.#queue[0] === entry) this.#arm(entry, x.headersTimeout, 'headers');
    }
  }

  #corked = false;
  readonly #uncork = (): void => {
    this.#corked = false;
    if (this.#raw && !this.#raw.destroyed) this.#raw.uncork();
  };

  /** One callback for every raw write of the connection (a closure per write would be garbage per request). */
  readonly #onWritten = (err?: Error | null): void => {
    if (!err || this.#state === 'closed') return;
    // The server may have answered and closed before reading all we sent (an early 413): the response wins.
    const front = this.#queue[0];
    if (front && (front.stage === 'body' || this.#parser.responseStarted)) {
      this.#keepAlive = false;
      return;
    }
    this.#fail(withPhase(toDialError(err, `sending the request to ${this.#label} failed`), 'send'));
  };

  /** Writes `data` and resolves once the kernel has it. */
  #output(data: Uint8Array): Promise<void> {
    const raw = this.#raw;
    if (!raw) return this.stream.send(data);
    return new Promise<void>((resolve, reject) => {
      if (raw.destroyed) return reject(this.#error ?? new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} is closed`, { protocol: 'http', phase: 'send' }));
      raw.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  async #send(entry: Entry): Promise<void> {
    if (entry.stage === 'done' || this.#state === 'closed') return;
    const { x } = entry;
    const s = { send: (d: Uint8Array) => this.#output(d) };
    traceHead(x.trace, entry.head);
    try {
      const body = x.body;
      const total = body.kind === 'bytes' ? body.data.length : body.kind === 'stream' ? body.length : 0;
      let sent = 0;
      const progress = (n: number) => {
        sent += n;
        x.onUploadProgress?.({ direction: 'upload', transferred: sent, total });
      };
      if (body.kind === 'none' || (body.kind === 'bytes' && !x.expectContinue && body.data.length <= CHUNK_COALESCE)) {
        // Everything goes in one write; once handed over, the request is complete as far as framing goes.
        entry.sendDone = true;
        await s.send(body.kind === 'bytes' && body.data.length ? Buffer.concat([entry.head, body.data]) : entry.head);
        if (body.kind === 'bytes' && body.data.length) progress(body.data.length);
      } else {
        await s.send(entry.head);
        if (x.expectContinue) await this.#awaitContinue(entry);
        if (entry.skipBody || (entry.stage as Stage) === 'done') {
          this.#keepAlive = false;
        } else if (body.kind === 'bytes') {
          await s.send(body.data);
          progress(body.data.length);
        } else if (body.kind === 'stream') {
          await this.#sendStream(entry, body.source, body.length, progress);
        }
      }
      entry.sendDone = true;
      if (entry.stage === 'sending') {
        entry.stage = 'waiting';
        if (this.#queue[0] === entry) this.#arm(entry, x.headersTimeout, 'headers');
      }
    } catch (err) {
      // The server may have answered and closed before reading all we sent
      // (an early 413): then the response, not the write error, is the outcome.
      const stage = entry.stage as Stage;
      if (stage === 'body' || stage === 'done' || (this.#queue[0] === entry && this.#parser.responseStarted)) {
        this.#keepAlive = false;
        return;
      }
      const e = err instanceof InputError ? err : withPhase(toDialError(err, `sending the request to ${this.#label} failed`), 'send');
      this.#fail(e);
    }
  }

  async #sendStream(entry: Entry, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, length: number | undefined, progress: (n: number) => void): Promise<void> {
    const s = { send: (d: Uint8Array) => this.#output(d) };
    let n = 0;
    for await (const chunk of chunksOf(source)) {
      if (entry.stage === 'done' || this.#state === 'closed') return;
      if (chunk.length === 0) continue;
      n += chunk.length;
      if (length !== undefined) {
        if (n > length) throw new InputError(`request body is longer than its declared length ${length}`, { protocol: 'http', phase: 'send' });
        await s.send(chunk);
      } else if (chunk.length <= CHUNK_COALESCE) {
        await s.send(Buffer.concat(frameChunk(chunk)));
      } else {
        for (const part of frameChunk(chunk)) await s.send(part);
      }
      progress(chunk.length);
    }
    if (length !== undefined && n !== length)
      throw new InputError(`request body ended after ${n} of its declared ${length} bytes`, { protocol: 'http', phase: 'send' });
    if (length === undefined) await s.send(lastChunk());
  }

  #awaitContinue(entry: Entry): Promise<void> {
    return new Promise<void>((resolve) => {
      const t = setTimeout(() => {
        entry.gate = undefined;
        resolve();
      }, entry.x.continueTimeout ?? 1000);
      entry.gate = () => {
        clearTimeout(t);
        entry.gate = undefined;
        resolve();
      };
    });
  }

  // ---- receiving -----------------------------------------------------------

  /**
   * The fast path: the Socket's own queue is bypassed and every Buffer node:net
   * reads goes to the parser as it is. Back-pressure is `raw.pause()`.
   */
  #readRaw(sock: Socket): void {
    const { socket: raw, ended: already } = sock.detach();
    this.#raw = raw;
    raw.on('data', (chunk: Buffer) => {
      if (this.#state === 'closed') return;
      this.#onBytes(chunk);
      if (this.#paused && (this.#state as string) !== 'closed') raw.pause();
    });
    const ended = () => {
      if (this.#state !== 'closed') this.#onEof();
    };
    raw.on('end', ended);
    raw.on('close', ended);
    raw.on('error', (err: Error) => {
      if (this.#state === 'closed') return;
      const front = this.#queue[0];
      this.#fail(withPhase(toDialError(err, `connection to ${this.#label} failed`), front ? phaseOf(front) : 'headers'));
    });
    raw.resume();
    if (already) queueMicrotask(ended);
  }

  /** Flushes what was written, then closes the transport (forced after 2 s). */
  #closeStream(): Promise<void> {
    const raw = this.#raw;
    if (!raw) return this.stream.close().catch(() => {});
    if (raw.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const force = setTimeout(() => raw.destroy(), 2000);
      force.unref();
      raw.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      raw.destroySoon();
    });
  }

  async #readLoop(): Promise<void> {
    if (this.#reading) return;
    this.#reading = true;
    const s = this.stream;
    try {
      while (this.#state !== 'closed') {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#resumeReading = resolve));
          continue;
        }
        const chunk = await s.recv(65536);
        if ((this.#state as string) === 'closed') return;
        if (chunk.length === 0) return this.#onEof();
        this.#onBytes(chunk);
      }
    } catch (err) {
      if (this.#state === 'closed') return;
      const front = this.#queue[0];
      this.#fail(withPhase(toDialError(err, `connection to ${this.#label} failed`), front ? phaseOf(front) : 'headers'));
    } finally {
      this.#reading = false;
    }
  }

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
      this.#fail(withPhase(toDialError(err, 'bad response'), phaseOf(this.#queue[0]!)));
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
      void this.#closeStream();
    }
  }

  #dispatch(events: ResponseEvent[]): void {
    for (const ev of events) {
      const entry = this.#queue[0];
      if (!entry) return;
      switch (ev.type) {
        case 'informational':
          traceResponse(entry.x.trace, ev.status, ev.reason, '1.1', ev.headers);
          if (ev.status === 100) entry.gate?.();
          break;
        case 'head':
          this.#onHead(entry, ev);
          break;
        case 'data':
          this.#onData(entry, ev.bytes);
          break;
        case 'end':
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
    traceResponse(entry.x.trace, ev.status, ev.reason, ev.version, ev.headers);
    if (ev.bodyKind === 'upgrade') {
      // 101 or a 2xx to CONNECT: the bytes that follow are not HTTP; tunnels are opened by the proxy code, not here.
      this.#fail(new ProtocolError(`${this.#label} answered ${ev.status}: switching protocols is not supported on this connection`, { protocol: 'http', phase: 'headers' }));
      return;
    }
    if (!ev.keepAlive) this.#keepAlive = false;
    const ka = keepAliveHint(ev.headers);
    if (ka) {
      const m = KEEP_ALIVE_TIMEOUT.exec(ka);
      if (m) this.#expiresAt = Math.min(this.#expiresAt, Date.now() + Number(m[1]) * 1000 - (this.#opts.keepAliveMargin ?? 1000));
    }
    if (entry.gate) {
      // A final answer instead of 100 Continue: the body is not wanted.
      entry.skipBody = true;
      entry.gate();
    }
    if (!entry.sendDone) this.#keepAlive = false;
    const max = entry.x.maxBodySize;
    if (max !== undefined && ev.contentLength !== undefined && ev.contentLength > max) {
      this.#fail(new LimitError(`response body of ${ev.contentLength} bytes exceeds the limit of ${max}`, { limit: max, protocol: 'http', phase: 'headers' }));
      return;
    }
    const body = new BodyStream(entry.x.highWaterMark);
    body.attach({ resume: () => this.#resume(), cancel: () => this.#cancelBody(entry) });
    entry.body = body;
    entry.total = ev.contentLength;
    entry.stage = 'body';
    this.#arm(entry, entry.x.bodyTimeout, 'body');
    entry.resolve({
      status: ev.status,
      reason: ev.reason,
      version: ev.version,
      headers: ev.headers,
      contentLength: ev.contentLength,
      transferCodings: ev.transferCodings,
      body,
      reused: entry.reused,
    });
  }

  #onData(entry: Entry, bytes: Buffer): void {
    if (this.#timed === entry) this.#timer!.refresh();
    if (entry.discarding) {
      entry.discarded += bytes.length;
      if (entry.discarded > (this.#opts.drainCap ?? 65536)) this.#fail(new NetworkError('DIAL_E_CLOSED', 'abandoned body too large to drain', { protocol: 'http', phase: 'body' }));
      return;
    }
    entry.received += bytes.length;
    const max = entry.x.maxBodySize;
    if (max !== undefined && entry.received > max) {
      this.#fail(new LimitError(`response body exceeds the limit of ${max} bytes`, { limit: max, protocol: 'http', phase: 'body' }));
      return;
    }
    entry.x.onDownloadProgress?.({ direction: 'download', transferred: entry.received, total: entry.total });
    if (!entry.body!.push(bytes)) {
      this.#paused = true;
      // A consumer taking its time is not a silent server: the idle bound waits while reading is paused.
      this.#pausedEntry = entry;
      if (this.#timed === entry) this.#timed = undefined;
    }
  }

  #onEnd(entry: Entry, keepAlive: boolean): void {
    this.#queue.shift();
    this.#settle(entry);
    const next = this.#queue[0];
    if (next && next.stage === 'waiting') this.#arm(next, next.x.headersTimeout, 'headers');
    this.#completed++;
    entry.body?.end();
    // Bytes beyond the last response nobody asked for: the server is out of step, so nothing more is read from it.
    if (!keepAlive || !entry.sendDone || (this.#queue.length === 0 && this.#parser.strayBytes > 0)) this.#keepAlive = false;
    if (!this.reusable || this.#state === 'closing') {
      if (this.#queue.length === 0) {
        this.#shut();
        void this.#closeStream();
      }
      return;
    }
    if (this.#queue.length === 0) {
      // Idle: neither the socket nor the timer left armed may keep the process alive.
      this.#setRef(false);
      this.#timer?.unref();
    }
    this.#opts.onFree?.(this);
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#raw && this.#state !== 'closed') this.#raw.resume();
    const e = this.#pausedEntry;
    this.#pausedEntry = undefined;
    if (e && e.stage === 'body' && !e.discarding) this.#arm(e, e.x.bodyTimeout, 'body');
    const r = this.#resumeReading;
    this.#resumeReading = undefined;
    r?.();
  }

  /** The consumer dropped the body: read a little more to keep the connection, or drop it. */
  #cancelBody(entry: Entry): void {
    if (entry.stage === 'done') return;
    const cap = this.#opts.drainCap ?? 65536;
    const left = entry.total === undefined ? undefined : entry.total - entry.received;
    if (left === undefined || left > cap || this.#parser.state === 'idle') {
      this.#fail(new AbortError('the response body was cancelled', { protocol: 'http', phase: 'body' }));
      return;
    }
    entry.discarding = true;
    entry.discarded = 0;
    this.#arm(entry, 1000, 'body');
    this.#resume();
  }

  // ---- ending --------------------------------------------------------------

  #arm(entry: Entry, ms: number | undefined, phase: 'headers' | 'body'): void {
    this.#timed = undefined;
    if (!ms || ms <= 0 || this.#state === 'closed') return;
    this.#timed = entry;
    this.#timedPhase = phase;
    if (this.#timer && this.#timerMs === ms) {
      this.#timer.refresh().ref();
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#timerMs = ms;
    this.#timer = setTimeout(this.#onTimer, ms);
  }

  readonly #onTimer = (): void => {
    const entry = this.#timed;
    if (!entry || entry.stage === 'done') return;
    const phase = this.#timedPhase;
    const ms = this.#timerMs;
    const what = phase === 'headers' ? 'waiting for the response head' : entry.discarding ? 'draining an abandoned body' : 'waiting for more of the body';
    this.#fail(new TimeoutError(`${what} from ${this.#label}: nothing for ${ms} ms`, { timeout: ms, protocol: 'http', phase }));
  };

  #settle(entry: Entry): void {
    entry.stage = 'done';
    if (this.#timed === entry) this.#timed = undefined;
    entry.gate?.();
    if (entry.onAbort) entry.x.signal?.removeEventListener('abort', entry.onAbort);
  }

  /** Fails everything in flight with `err` and drops the stream. */
  #fail(err: DialError): void {
    if (this.#state === 'closed') return;
    this.#error = err;
    const front = this.#queue[0];
    const frontStarted = front ? front.body !== undefined || this.#parser.responseStarted : false;
    const entries = this.#queue.splice(0);
    this.#shut();
    const s = this.stream as ByteStream & { destroy?: (e?: DialError) => void };
    if (this.#raw) this.#raw.destroy();
    else if (typeof s.destroy === 'function') s.destroy();
    else void s.close().catch(() => {});
    for (const entry of entries) {
      const wasDone = entry.stage === 'done';
      const hadHead = entry.body !== undefined;
      this.#settle(entry);
      if (wasDone) continue;
      if (hadHead) {
        if (!entry.discarding) entry.body!.fail(err);
        continue;
      }
      const started = entry === front && frontStarted;
      let e: Error = err;
      if (entry.reused && !started && isTransportFailure(err)) {
        // Pipelined or reused: give each waiter its own error so the retry mark is per request.
        e = cloneFor(err);
        retryable.add(e);
      }
      entry.reject(e);
    }
  }

  #shut(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timed = undefined;
    this.#resume();
    this.#opts.onClose?.(this);
  }

  #setRef(on: boolean): void {
    const raw = this.#raw ?? (this.stream as { raw?: { ref?: () => void; unref?: () => void } }).raw;
    if (!raw) return;
    if (on) raw.ref?.();
    else raw.unref?.();
  }
}

/** The request head for `x`; throws InputError for an unsafe method, target or header. */
export function serializeExchangeHead(x: Exchange): Buffer {
  return serializeHead(x.method, x.target, x.host, x.headers, framingOf(x.body));
}

function framingOf(body: PreparedBody): RequestFraming {
  if (body.kind === 'none') return { kind: 'none' };
  if (body.kind === 'bytes') return { kind: 'length', length: body.data.length };
  return body.length === undefined ? { kind: 'chunked' } : { kind: 'length', length: body.length };
}

/**
 * The Keep-Alive field, found by a scan of the raw list: asking the list by
 * name would build its lookup index for every response, which the caller
 * usually never needs.
 */
function keepAliveHint(headers: HeaderList): string | undefined {
  const raw = headers.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 10 && name.toLowerCase() === 'keep-alive') return raw[i + 1];
  }
  return undefined;
}

function phaseOf(entry: Entry): string {
  if (entry.stage === 'sending') return 'send';
  if (entry.stage === 'waiting') return 'headers';
  return 'body';
}
