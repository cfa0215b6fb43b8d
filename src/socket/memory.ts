/**
 * An in-memory, connected pair of {@link ByteStream}s for tests: what one side
 * sends, the other receives. Every protocol client and the line layer are
 * tested over it, so it models the parts of a TCP stream that those layers
 * depend on — partial reads, half-close, reset, back-pressure, timeouts and
 * aborts — and makes them deterministic.
 *
 * @module
 */
import { InputError, NetworkError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import type { ByteStream, ShutdownHow } from './types.js';

/** Options for {@link memoryPair}. */
export interface MemoryPairOptions {
  /**
   * Cuts every send into slices of these sizes (a number: at most that many
   * bytes per slice; an array: the sizes in turn, cycling, continued across
   * sends), so a reader sees a message split at chosen boundaries. Each
   * `recv` returns bytes from one slice at most. Without it, one send is one
   * slice.
   */
  chunking?: number | readonly number[];
  /**
   * Bytes a direction may hold unread before `send` waits for the reader
   * (back-pressure). Default: unbounded, so `send` resolves at once.
   */
  highWaterMark?: number;
}

/** Largest recv when the caller gives no `max`, as a socket's read size would be. */
const DEFAULT_RECV = 65536;

interface Reader {
  max: number;
  resolve(b: Buffer): void;
  reject(e: Error): void;
}

/** One direction of the pair: a queue of slices plus its end-of-stream state. */
class Channel {
  readonly slices: Buffer[] = [];
  queued = 0;
  /** The writer half-closed or closed: the reader sees EOF after the queue. */
  ended = false;
  /** The reader stopped reading: further data is dropped. */
  dropped = false;
  /** Set by a reset: reads and writes on this direction fail with it. */
  broken: NetworkError | undefined;
  readers: Reader[] = [];
  drains: Array<() => void> = [];

  /** Hands queued data to waiting readers, then EOF or the reset to the rest. */
  pump(): void {
    while (this.readers.length > 0) {
      if (this.broken) {
        const r = this.readers.shift()!;
        r.reject(this.broken);
      } else if (this.slices.length > 0) {
        const r = this.readers.shift()!;
        r.resolve(this.take(r.max));
      } else if (this.ended || this.dropped) {
        this.readers.shift()!.resolve(Buffer.alloc(0));
      } else {
        return;
      }
    }
  }

  take(max: number): Buffer {
    const head = this.slices[0]!;
    let out: Buffer;
    if (head.length <= max) {
      this.slices.shift();
      out = head;
    } else {
      out = head.subarray(0, max);
      this.slices[0] = head.subarray(max);
    }
    this.queued -= out.length;
    this.wakeDrains();
    return out;
  }

  discard(): void {
    this.slices.length = 0;
    this.queued = 0;
    this.wakeDrains();
  }

  wakeDrains(): void {
    const d = this.drains;
    this.drains = [];
    for (const f of d) f();
  }
}

function checkSize(n: number, what: string): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new InputError(`${what} must be a positive integer, got ${n}`);
}

/**
 * One end of a {@link memoryPair}. Beyond {@link ByteStream} it offers
 * {@link MemoryStream.reset} (an abrupt break, like a TCP RST) and a few
 * read-only facts tests assert on, e.g. that nothing was sent.
 */
export class MemoryStream implements ByteStream {
  #closed = false;
  #writeShut = false;
  #chunkIndex = 0;
  /** Set once by {@link memoryPair}; the other end. */
  #peer!: MemoryStream;

  /** @internal Use {@link memoryPair}. */
  constructor(
    private readonly inbound: Channel,
    private readonly outbound: Channel,
    private readonly options: MemoryPairOptions,
  ) {}

  /** @internal */
  static link(a: MemoryStream, b: MemoryStream): void {
    a.#peer = b;
    b.#peer = a;
  }

  /** The other end of the pair. */
  get peer(): MemoryStream {
    return this.#peer;
  }

  /** Bytes received by this end and not yet read. */
  get readableLength(): number {
    return this.inbound.queued;
  }

  /** True once {@link close} or {@link reset} was called on this end. */
  get closed(): boolean {
    return this.#closed;
  }

  /** True once this end can no longer send (shutdown('write'), close or reset). */
  get writableEnded(): boolean {
    return this.#writeShut || this.#closed;
  }

  /** True when the peer has ended its writing side (a read would reach EOF after the queue). */
  get readableEnded(): boolean {
    return this.inbound.ended;
  }

  /**
   * Resolves with 1..`max` bytes from one slice; an empty buffer once the peer
   * has shut its writing side (or this end its reading side) and the queue is
   * drained. Rejects with NetworkError DIAL_E_RESET after a reset and
   * DIAL_E_CLOSED after this end's own close. A timeout or abort withdraws the
   * wait without consuming any byte, so the next recv gets them.
   */
  recv(max: number = DEFAULT_RECV, options: WaitOptions = {}): Promise<Buffer> {
    try {
      checkSize(max, 'recv max');
    } catch (e) {
      return Promise.reject(e);
    }
    if (this.#closed) return Promise.reject(new NetworkError('DIAL_E_CLOSED', 'recv on a closed stream', { phase: 'recv' }));
    const ch = this.inbound;
    let reader!: Reader;
    const p = new Promise<Buffer>((resolve, reject) => {
      reader = { max, resolve, reject };
    });
    ch.readers.push(reader);
    ch.pump();
    return guard(p, options, 'recv', () => {
      const i = ch.readers.indexOf(reader);
      if (i >= 0) ch.readers.splice(i, 1);
    });
  }

  /**
   * Queues a copy of `data` for the peer, cut per `chunking`. Rejects with
   * NetworkError DIAL_E_CLOSED after this end's shutdown('write') or close,
   * and DIAL_E_RESET after a reset. Bytes sent to a peer that has closed are
   * dropped silently, as a TCP stack accepts a write before it learns of the
   * close. With `highWaterMark`, resolves once the peer has read the queue
   * down to it (the bytes stay queued if the wait times out).
   */
  send(data: Uint8Array | string, options: WaitOptions = {}): Promise<void> {
    const ch = this.outbound;
    if (ch.broken) return Promise.reject(ch.broken);
    if (this.#closed || this.#writeShut) {
      return Promise.reject(new NetworkError('DIAL_E_CLOSED', 'send on a closed stream', { phase: 'send' }));
    }
    // Copy: the caller may reuse its buffer as soon as send resolves.
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
    // An empty slice would read as EOF, so an empty send queues nothing.
    if (bytes.length === 0 || ch.dropped) return Promise.resolve();
    for (const s of this.#slice(bytes)) ch.slices.push(s);
    ch.queued += bytes.length;
    ch.pump();
    const hwm = this.options.highWaterMark;
    if (hwm === undefined || ch.queued <= hwm) return Promise.resolve();
    let waiter!: () => void;
    const p = new Promise<void>((resolve) => {
      waiter = () => {
        if (ch.queued <= hwm || ch.dropped || ch.broken) resolve();
        else ch.drains.push(waiter);
      };
    });
    ch.drains.push(waiter);
    return guard(p, options, 'send', () => {
      const i = ch.drains.indexOf(waiter);
      if (i >= 0) ch.drains.splice(i, 1);
    });
  }

  #slice(bytes: Buffer): Buffer[] {
    const c = this.options.chunking;
    if (c === undefined) return [bytes];
    const out: Buffer[] = [];
    let at = 0;
    while (at < bytes.length) {
      const size = typeof c === 'number' ? c : c[this.#chunkIndex++ % c.length]!;
      out.push(bytes.subarray(at, at + size));
      at += size;
    }
    return out;
  }

  /**
   * 'write' sends EOF to the peer after the queued bytes; 'read' drops what is
   * queued and all that arrives later, and makes recv return EOF.
   */
  shutdown(how: ShutdownHow): Promise<void> {
    if (how === 'write' || how === 'both') {
      this.#writeShut = true;
      this.outbound.ended = true;
      this.outbound.pump();
    }
    if (how === 'read' || how === 'both') {
      this.inbound.dropped = true;
      this.inbound.discard();
      this.inbound.pump();
    }
    return Promise.resolve();
  }

  /**
   * Closes both directions: the peer reads EOF after what was already sent,
   * and this end's pending and later recv/send reject with DIAL_E_CLOSED.
   * Safe to call twice.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closed = true;
    const err = new NetworkError('DIAL_E_CLOSED', 'the stream was closed while a recv was waiting', { phase: 'recv' });
    const waiting = this.inbound.readers;
    this.inbound.readers = [];
    for (const r of waiting) r.reject(err);
    return this.shutdown('both');
  }

  /**
   * Breaks the connection abruptly, like a TCP RST: queued bytes in both
   * directions are lost, and every pending or later recv/send on either end
   * rejects with NetworkError DIAL_E_RESET.
   */
  reset(): void {
    const err = new NetworkError('DIAL_E_RESET', 'connection reset by peer', { phase: 'recv' });
    for (const ch of [this.inbound, this.outbound]) {
      ch.broken ??= err;
      ch.discard();
      ch.pump();
    }
    this.#closed = true;
  }
}

/**
 * Creates two connected in-memory streams `[a, b]`: `a.send(x)` is received
 * by `b.recv()` and the reverse. Both ends share `options`.
 *
 * @example
 * const [client, server] = memoryPair({ chunking: [1, 3] });
 * await server.send('220 ready\r\n');
 * await client.recv(); // '2', then '20 ', then 'r' …
 */
export function memoryPair(options: MemoryPairOptions = {}): [MemoryStream, MemoryStream] {
  const { chunking, highWaterMark } = options;
  if (typeof chunking === 'number') checkSize(chunking, 'chunking');
  else if (chunking !== undefined) {
    if (chunking.length === 0) throw new InputError('chunking must list at least one size');
    for (const n of chunking) checkSize(n, 'a chunking size');
  }
  if (highWaterMark !== undefined && !(highWaterMark >= 0)) throw new InputError('highWaterMark must be >= 0');
  const ab = new Channel();
  const ba = new Channel();
  const opts = { ...options, chunking: Array.isArray(chunking) ? [...chunking] : chunking };
  const a = new MemoryStream(ba, ab, opts);
  const b = new MemoryStream(ab, ba, opts);
  MemoryStream.link(a, b);
  return [a, b];
}
