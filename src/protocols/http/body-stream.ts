import { AbortError, InputError, ProtocolError } from '../../errors.js';
import { collectBody, DEFAULT_COLLECT_LIMIT } from '../../util/collect.js';

/** Hooks the producer (a connection) gives the stream. */
export interface BodySource {
  /** The consumer has caught up: reading may resume. */
  resume(): void;
  /** The consumer gave up on `body`: drain what is cheap, otherwise drop the connection. */
  cancel(body: BodyStream): void;
}

/**
 * What {@link BodyStream.consume} feeds: takes each chunk during the call.
 * A returned promise (any thenable) means "no more until it settles"; any
 * other value (`writeSync`'s count) is ignored.
 */
export type ConsumeSink = (chunk: Buffer) => unknown;

const GO = 0;
const PAUSED = 1;
const THREW = 2;

/**
 * A response body as it arrives: an async iterator of Buffers with
 * back-pressure (past `highWaterMark` queued bytes the producer is told to
 * pause) and helpers that collect it. Read it, or call `cancel()`/`dump()`:
 * a body nobody reads holds its connection (and its agent's `close()`) for as
 * long as it is left unread. `bodyTimeout` bounds the server's silence, not
 * the reader's: it is not counted while the reader is behind.
 */
export class BodyStream implements AsyncIterableIterator<Buffer> {
  #queue: Buffer[] = [];
  #head = 0;
  #queued = 0;
  #done = false;
  #error: Error | undefined;
  #waiter: { resolve(r: IteratorResult<Buffer>): void; reject(e: Error): void } | undefined;
  #source: BodySource | undefined;
  #used = false;
  #received = 0;
  #onFinish: Array<() => void> | undefined;
  #sink: ConsumeSink | undefined;
  /** True after push() told the producer to pause, until it is told to resume: a paused connection reads nothing else, the next response included. */
  #pausedSource = false;
  /** While the sink's promise is pending: the chunks that arrived meanwhile (copies), delivered when it settles. */
  #held: Buffer[] | undefined;
  #sunk: { resolve(): void; reject(e: Error): void } | undefined;
  readonly #highWater: number;

  constructor(highWaterMark = 1024 * 1024) {
    this.#highWater = highWaterMark;
  }

  /** Connects the producer's hooks. */
  attach(source: BodySource): void {
    this.#source = source;
  }

  /** True once reading has started. */
  get bodyUsed(): boolean {
    return this.#used;
  }
  /** Bytes delivered by the producer so far. */
  get received(): number {
    return this.#received;
  }
  /** True once the body ended or failed. */
  get finished(): boolean {
    return this.#done || this.#error !== undefined;
  }

  /** Runs `fn` once the producer is finished (ended, failed or cancelled); at once if it already is. */
  onFinish(fn: () => void): void {
    if (this.#done || this.#error) fn();
    else (this.#onFinish ??= []).push(fn);
  }

  #finished(): void {
    const hooks = this.#onFinish;
    this.#onFinish = undefined;
    if (hooks) for (const fn of hooks) fn();
  }

  /**
   * Producer: adds bytes. Returns false when the consumer is behind and the
   * producer should pause. `lent`: the chunk is a view into a buffer the
   * producer reuses after this call, so it is copied unless a
   * {@link consume} sink takes it at once.
   */
  push(chunk: Buffer, lent = false): boolean {
    if (this.#done || this.#error) return true;
    this.#received += chunk.length;
    if (this.#sink) {
      if (this.#held) {
        // Read before the pause took hold (a TLS layer hands over what it has decrypted): kept for the sink.
        this.#held.push(lent ? Buffer.from(chunk) : chunk);
        return this.#pause();
      }
      return this.#toSink(chunk) === PAUSED ? this.#pause() : true;
    }
    if (lent) chunk = Buffer.from(chunk);
    const w = this.#waiter;
    if (w && this.#queued === 0) {
      this.#waiter = undefined;
      w.resolve({ value: chunk, done: false });
      return true;
    }
    this.#queue.push(chunk);
    this.#queued += chunk.length;
    return this.#queued < this.#highWater || this.#pause();
  }

  /** push()'s false: the producer stops until {@link #resumeSource}. */
  #pause(): false {
    this.#pausedSource = true;
    return false;
  }

  /** Lets a producer paused for this body read on (nothing when it was not paused). */
  #resumeSource(): void {
    if (!this.#pausedSource) return;
    this.#pausedSource = false;
    this.#source?.resume();
  }

  /** Producer: the body is complete. */
  end(): void {
    if (this.#done || this.#error) return;
    this.#done = true;
    if (this.#queued === 0 && !this.#held) this.#settle();
    this.#finished();
  }

  /** Producer: the body failed; queued bytes are still delivered first. */
  fail(err: Error): void {
    if (this.#done || this.#error) return;
    this.#error = err;
    if (this.#queued === 0 && !this.#held) this.#settle();
    this.#finished();
  }

  /**
   * Reads the whole body into a `sink` — a file descriptor, a hash, a
   * counter: each chunk is passed the moment it arrives, with no promise or
   * queue per chunk, and is **valid only during the call** (over plain HTTP
   * and HTTPS it is a view into the connection's one reused read buffer;
   * copy what you keep). A sink that cannot take more at once (a full pipe)
   * returns a promise: reading stops until it settles, and the sink is not
   * called again before. Resolves with the byte count once the body has
   * ended; rejects with the body's error, or with what `sink` threw or its
   * promise rejected with (the body is then cancelled). A body being
   * iterated cannot be consumed, and the reverse.
   *
   * @example
   * const res = await request(url);
   * const fd = openSync('out.bin', 'w');
   * await res.body.consume((chunk) => writeSync(fd, chunk));
   */
  consume(sink: ConsumeSink): Promise<number> {
    if (this.#waiter || this.#sink) return Promise.reject(new InputError('the body is already being read'));
    this.#used = true;
    let n = 0;
    return new Promise<number>((resolve, reject) => {
      this.#sink = (chunk) => {
        n += chunk.length;
        return sink(chunk);
      };
      this.#sunk = { resolve: () => resolve(n), reject };
      // What queued before consume() goes to the sink first, in order.
      const queued = this.#queue.slice(this.#head);
      this.#queue = [];
      this.#head = 0;
      this.#queued = 0;
      if (!this.#deliver(queued)) return;
      if (this.#error || this.#done) this.#settle();
      // Even when the body is complete: the connection may have paused for it.
      this.#resumeSource();
    });
  }

  /** Hands `chunks` to the sink in order; false when it paused (the rest are held) or threw. */
  #deliver(chunks: Buffer[]): boolean {
    for (let i = 0; i < chunks.length; i++) {
      const r = this.#toSink(chunks[i]!);
      if (r === THREW) return false;
      if (r === PAUSED) {
        this.#held!.push(...chunks.slice(i + 1));
        return false;
      }
    }
    return true;
  }

  /** One chunk to the sink: GO on, PAUSED until its promise settles, or THREW (the body is then cancelled). */
  #toSink(chunk: Buffer): number {
    let r: unknown;
    try {
      r = this.#sink!(chunk);
    } catch (err) {
      this.#sinkFailed(err);
      return THREW;
    }
    if (typeof (r as PromiseLike<unknown> | undefined)?.then !== 'function') return GO;
    this.#held = [];
    (r as PromiseLike<unknown>).then(
      () => this.#unhold(),
      (err: unknown) => this.#sinkFailed(err),
    );
    return PAUSED;
  }

  /** The sink's promise settled: what arrived meanwhile goes to it, then reading resumes (or the body settles). */
  #unhold(): void {
    const held = this.#held;
    this.#held = undefined;
    if (!held || !this.#sink || !this.#sunk) return;
    if (!this.#deliver(held)) return;
    if (this.#error || this.#done) this.#settle();
    // Even when the body is complete: the connection may have paused for it.
    this.#resumeSource();
  }

  #sinkFailed(err: unknown): void {
    const s = this.#sunk;
    this.#sunk = undefined;
    this.cancel();
    s?.reject(err as Error);
  }

  #settle(): void {
    const c = this.#sunk;
    if (c) {
      this.#sunk = undefined;
      if (this.#error) c.reject(this.#error);
      else c.resolve();
      return;
    }
    const w = this.#waiter;
    if (!w) return;
    this.#waiter = undefined;
    if (this.#error) w.reject(this.#error);
    else w.resolve({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Buffer>> {
    this.#used = true;
    if (this.#queued > 0) {
      const chunk = this.#queue[this.#head]!;
      this.#queue[this.#head++] = undefined as unknown as Buffer;
      if (this.#head === this.#queue.length) {
        this.#queue = [];
        this.#head = 0;
      }
      this.#queued -= chunk.length;
      if (this.#queued < this.#highWater) this.#resumeSource();
      return Promise.resolve({ value: chunk, done: false });
    }
    if (this.#error) return Promise.reject(this.#error);
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    if (this.#waiter || this.#sink) return Promise.reject(new InputError('the body is already being read'));
    return new Promise((resolve, reject) => (this.#waiter = { resolve, reject }));
  }

  /** Leaving a for-await loop early cancels the body. */
  return(): Promise<IteratorResult<Buffer>> {
    this.cancel();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  /** Stops reading: the connection drains what is cheap or is closed. Later reads end at once. */
  cancel(): void {
    // A body read to its end, or one the producer is done with, drops nothing at the source;
    // but the connection may still be paused for it, and would never read the next response.
    if (this.#done && this.#queued === 0 && !this.#held) return this.#resumeSource();
    this.#queue = [];
    this.#head = 0;
    this.#queued = 0;
    this.#held = undefined;
    const wasDone = this.#done || this.#error !== undefined;
    this.#done = true;
    this.#error = undefined;
    // A consume() in progress learns that its body will not end.
    const c = this.#sunk;
    this.#sunk = undefined;
    c?.reject(new AbortError('the response body was cancelled', { phase: 'body' }));
    this.#settle();
    if (wasDone) this.#resumeSource();
    else {
      // The producer drains what is cheap (and reads on) or closes the connection.
      this.#pausedSource = false;
      this.#source?.cancel(this);
    }
    this.#finished();
  }

  /** Alias of cancel, in undici's words. */
  dump(): void {
    this.cancel();
  }

  /** Collects the whole body; past `maxBytes` (default 256 MiB) a LimitError, and the body is cancelled. */
  async bytes(maxBytes = DEFAULT_COLLECT_LIMIT): Promise<Buffer> {
    if (this.#used) throw new InputError('the body was already read');
    return collectBody(this, maxBytes, () => this.cancel(), 'http');
  }

  /** The whole body decoded as UTF-8 (or another Buffer encoding). */
  async text(encoding: BufferEncoding = 'utf8', maxBytes?: number): Promise<string> {
    return (await this.bytes(maxBytes)).toString(encoding);
  }

  /** The whole body parsed as JSON; malformed JSON is a ProtocolError. */
  async json<T = unknown>(maxBytes?: number): Promise<T> {
    const text = await this.text('utf8', maxBytes);
    try {
      return JSON.parse(text) as T;
    } catch (err) {
      throw new ProtocolError(`response body is not valid JSON: ${(err as Error).message}`, { cause: err, phase: 'body' });
    }
  }
}
