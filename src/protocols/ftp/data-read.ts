/**
 * The download side of a data connection: one read loop, fed fresh chunks
 * ({@link QueueFeed}: 'data' events, or reads copied out of one read buffer)
 * or views of reused read buffers ({@link LentFeed}). What every reader
 * shares — the end, close and error wiring, the idle bound, the abort and
 * the cleanup — is {@link watchSocket}; the synchronous reader (consume) is
 * in data-sink.ts and has each feed hand it reads directly ({@link Feed.direct}).
 *
 * @module
 */
import { timerMs } from '../../util/guard.js';
import type * as net from 'node:net';
import { TimeoutError, toDialError } from '../../errors.js';

/** Where the read loop's chunks come from. */
export interface Feed {
  /** Starts delivery on `sock`; `poke` is called whenever a chunk is waiting. */
  attach(sock: net.Socket, poke: () => void): void;
  /** The next waiting chunk, or undefined when there is none yet. */
  take(): Buffer | undefined;
  /** The consumer has moved past the chunk `take` returned. */
  done(sock: net.Socket): void;
  /** Stops delivery (the loop is over). */
  detach(sock: net.Socket): void;
  /**
   * From now on hands each read to `sink` during the read itself, with no
   * queue and no copy (undefined: back to queueing). Call it with nothing
   * left to {@link take}.
   */
  direct(sink: DirectSink | undefined): void;
}

/**
 * What a {@link DirectSink} did with a read: `next` — done with it, read on;
 * `stop` — done with it (copied), stop reading; `lent` — stop reading, and
 * the bytes stay in use until the socket is resumed, so the feed reads into
 * another buffer meanwhile (node:tls goes on handing over what it has
 * decrypted after reading stops).
 */
export type Taken = 'next' | 'stop' | 'lent';

/** Takes one read, a view valid only during the call unless it answers `lent`. */
export type DirectSink = (view: Buffer) => Taken;

const EMPTY = Buffer.alloc(0);

/** Size of a reused read buffer: a loopback read rarely returns more. */
const READ_SIZE = 256 * 1024;

/**
 * Fresh chunks in a small queue: the kernel's own from 'data' events, or,
 * with `copyReads`, each read copied out of one reused read buffer (its
 * {@link onread} given to the connect call) — a read may then fill 256 KiB
 * where a 'data' read stops at 64 KiB, so a long download takes a quarter of
 * the trips through the loop. (A Readable's own iterator is not used: it may
 * concatenate buffered chunks, a copy of everything.) Past `highWater`
 * queued bytes reading stops, so a slow consumer pushes back on the server.
 */
export class QueueFeed implements Feed {
  readonly #highWater: number;
  readonly #queue: Buffer[] = [];
  #head = 0;
  #queued = 0;
  /** Reading stopped at the high-water mark. */
  #held = false;
  #sock: net.Socket | undefined;
  #poke: (() => void) | undefined;
  #direct: DirectSink | undefined;
  /** With `copyReads`, the connect option that routes every read here. */
  readonly onread: net.OnReadOpts | undefined;
  readonly #onData = (b: Buffer): void => {
    // A 'data' chunk is the stream's own: lending it needs no other buffer.
    if (this.#direct ? this.#direct(b) !== 'next' : !this.#push(b)) this.#sock?.pause();
  };

  constructor(highWater = 1024 * 1024, copyReads = false) {
    this.#highWater = highWater;
    const bufs = copyReads ? new ReadBuffers(READ_SIZE) : undefined;
    this.onread = bufs
      ? {
          buffer: bufs.next,
          // Returning false stops reading until take() resumes it.
          callback: (n: number, buf: Uint8Array): boolean => {
            if (this.#direct) return bufs.after(this.#direct((buf as Buffer).subarray(0, n)));
            const b = Buffer.allocUnsafe(n);
            b.set(buf.subarray(0, n));
            return this.#push(b);
          },
        }
      : undefined;
  }

  direct(sink: DirectSink | undefined): void {
    this.#direct = sink;
  }

  /** Queues a chunk; false once the queue is past the high-water mark (the caller stops reading). */
  #push(b: Buffer): boolean {
    this.#queue.push(b);
    this.#queued += b.length;
    this.#poke?.();
    if (this.#queued < this.#highWater) return true;
    this.#held = true;
    return false;
  }

  attach(sock: net.Socket, poke: () => void): void {
    this.#sock = sock;
    this.#poke = poke;
    if (!this.onread) sock.on('data', this.#onData);
    // A tunnelled socket arrives explicitly paused (see connect.ts), and a TLS socket reading into onread
    // would not report an end that came before any byte: read on unless the queue is full.
    if (!this.#held) sock.resume();
  }

  take(): Buffer | undefined {
    const q = this.#queue;
    if (this.#head >= q.length) return undefined;
    const b = q[this.#head]!;
    q[this.#head++] = EMPTY;
    if (this.#head > 1024) {
      q.splice(0, this.#head);
      this.#head = 0;
    }
    this.#queued -= b.length;
    if (this.#held && this.#queued < this.#highWater / 2) {
      this.#held = false;
      this.#sock!.resume();
    }
    return b;
  }

  done(): void {}

  detach(sock: net.Socket): void {
    sock.removeListener('data', this.#onData);
    this.#poke = undefined;
    this.#direct = undefined;
  }
}

/**
 * The buffer node:net or node:tls reads into next (the `onread` buffer
 * function: asked after every read), and a spare for while a direct sink
 * holds the current one (`lent`). The sink is called again only after it let
 * go, so two buffers are enough.
 */
class ReadBuffers {
  #cur: Buffer;
  #spare: Buffer | undefined;
  readonly #size: number;
  readonly next = (): Buffer => this.#cur;

  constructor(size: number) {
    this.#size = size;
    this.#cur = Buffer.allocUnsafeSlow(size);
  }

  /** Swaps buffers when the read was lent; true to read on. */
  after(t: Taken): boolean {
    if (t === 'next') return true;
    if (t === 'lent') {
      const lent = this.#cur;
      this.#cur = this.#spare ?? Buffer.allocUnsafeSlow(this.#size);
      this.#spare = lent;
    }
    return false;
  }
}


/** Free read buffers a {@link LentFeed} keeps for reuse; more are left to the collector. */
const MAX_KEPT = 8;

/** A buffer for one TLS piece (node:tls hands over at most 16 KiB at a time; a smaller buffer would only split them). */
const TLS_PIECE_BUFFER = 64 * 1024;

/**
 * Reads into reused buffers (node:net and node:tls `onread`): no allocation
 * per chunk, so a long download leaves no garbage behind (with 'data'
 * events Node allocates 64 KiB per read, and V8 collects those only every
 * few tens of MB). Reading stops at each chunk until the consumer has moved
 * past it. Over TCP that is one chunk at a time, in one buffer. node:tls
 * (`tlsPieces`) hands over what it decrypted from one TCP read in pieces of
 * up to 16 KiB, one callback each, without waiting for the consumer; each
 * piece then lands in a buffer of its own (the `buffer` function names the
 * next one) and queues — a few buffers, kept for reuse. Give {@link onread}
 * to the connect call.
 */
export class LentFeed implements Feed {
  /** Filled chunks the consumer has not taken yet, in order, and the buffers they are views of. */
  #ready: Buffer[] = [];
  #readyBufs: Buffer[] = [];
  #head = 0;
  /** The buffer of the chunk the consumer holds (valid until it asks for the next). */
  #out: Buffer | undefined;
  /** Buffers free for the next read (TLS pieces only). */
  readonly #free: Buffer[] | undefined;
  #poke: (() => void) | undefined;
  #direct: DirectSink | undefined;
  /** A TLS piece's buffer a direct sink holds (`lent`): free again by the sink's next call. */
  #lent: Buffer | undefined;
  /** The connect option that routes every read here. */
  readonly onread: net.OnReadOpts;

  constructor(tlsPieces = false, size = tlsPieces ? TLS_PIECE_BUFFER : READ_SIZE) {
    const free: Buffer[] | undefined = tlsPieces ? [] : undefined;
    this.#free = free;
    // Over TCP one buffer is enough even when lent: reading stops, and no byte lands until the socket resumes.
    this.onread = {
      buffer: free ? () => free.pop() ?? Buffer.allocUnsafeSlow(size) : Buffer.allocUnsafeSlow(size),
      callback: (n: number, buf: Uint8Array): boolean => {
        if (this.#direct) return this.#toDirect(this.#direct, buf as Buffer, n);
        this.#ready.push((buf as Buffer).subarray(0, n));
        this.#readyBufs.push(buf as Buffer);
        this.#poke?.();
        // Stop reading until the consumer has finished with this chunk.
        return false;
      },
    };
  }

  #toDirect(sink: DirectSink, buf: Buffer, n: number): boolean {
    const free = this.#free;
    if (free && this.#lent) {
      // The sink is called again only once it has let go of the piece it held.
      if (free.length < MAX_KEPT) free.push(this.#lent);
      this.#lent = undefined;
    }
    const t = sink(buf.subarray(0, n));
    if (free) {
      if (t === 'lent') this.#lent = buf;
      else if (free.length < MAX_KEPT) free.push(buf);
    }
    return t === 'next';
  }

  direct(sink: DirectSink | undefined): void {
    this.#direct = sink;
  }

  attach(sock: net.Socket, poke: () => void): void {
    this.#poke = poke;
    // Nothing held: read on (a TLS socket would otherwise not report an end that came before any byte).
    if (this.#head >= this.#ready.length) sock.resume();
  }

  take(): Buffer | undefined {
    const i = this.#head;
    if (i >= this.#ready.length) return undefined;
    const b = this.#ready[i]!;
    this.#out = this.#readyBufs[i];
    if (++this.#head === this.#ready.length) {
      this.#ready.length = 0;
      this.#readyBufs.length = 0;
      this.#head = 0;
    }
    return b;
  }

  done(sock: net.Socket): void {
    const b = this.#out;
    this.#out = undefined;
    if (b && this.#free && this.#free.length < MAX_KEPT) this.#free.push(b);
    if (this.#head >= this.#ready.length) sock.resume();
  }

  detach(): void {
    this.#poke = undefined;
    this.#direct = undefined;
  }
}

/** How a reader learns what happens to its socket. */
export interface SocketWatch {
  /** The server's FIN, or the socket closed. */
  end(): void;
  error(err: unknown): void;
  /** True while the consumer holds what came (reading stopped by us): a silence then is ours, not the server's. */
  holding(): boolean;
}

/** What {@link watchSocket} gives back. */
export interface Watching {
  /** The consumer let go: an idle bound that ran out while it held starts again from now. */
  released(): void;
  /** Removes every listener and the idle bound. */
  undo(): void;
}

/**
 * Wires a reader to `sock`: end and close, errors, the abort (the signal
 * destroys the socket with an AbortError) and the idle bound (`idle` ms, 0
 * for none: a silence that long destroys it with a TimeoutError). The bound
 * counts only waits for the server: one that runs out while the consumer
 * holds a chunk (so reading is stopped) is put off until it lets go, as
 * undici's bodyTimeout does not run while its parser is paused.
 */
export function watchSocket(sock: net.Socket, idle: number, signal: AbortSignal | undefined, on: SocketWatch): Watching {
  const onEnd = () => on.end();
  const onError = (e: unknown) => on.error(e);
  const onAbort = () => sock.destroy(toDialError(Object.assign(new Error('data transfer aborted'), { name: 'AbortError' }), 'data transfer'));
  let deferred = false;
  const onTimeout = () => {
    if (on.holding()) {
      deferred = true;
      return;
    }
    sock.destroy(new TimeoutError(`the data connection was idle for ${idle} ms`, { timeout: idle, protocol: 'ftp', phase: 'data' }));
  };
  sock.on('end', onEnd);
  sock.on('close', onEnd);
  sock.on('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (idle > 0) {
    sock.on('timeout', onTimeout);
    sock.setTimeout(timerMs(idle));
  }
  // An 'abort' listener added to a signal already aborted never runs: the transfer would be read whole.
  if (signal?.aborted) onAbort();
  return {
    released: () => {
      if (!deferred) return;
      deferred = false;
      sock.setTimeout(timerMs(idle));
    },
    undo: () => {
      sock.removeListener('end', onEnd);
      sock.removeListener('close', onEnd);
      sock.removeListener('error', onError);
      sock.removeListener('timeout', onTimeout);
      signal?.removeEventListener('abort', onAbort);
      sock.setTimeout(0);
    },
  };
}

/**
 * Yields the bytes of `sock` up to the server's close, as `feed` delivers
 * them. `idle` (ms, 0 for none) bounds each silence; the signal destroys the
 * socket. The socket is half-open, so it is destroyed at the end: the server
 * waits for our side to close too.
 */
export async function* readAll(sock: net.Socket, feed: Feed, idle: number, signal: AbortSignal | undefined): AsyncGenerator<Buffer, void, undefined> {
  // With onread no byte passes through the Readable, so an end (or error) may have come before this loop began.
  let ended = sock.readableEnded || sock.closed;
  let failure: unknown = sock.errored ?? undefined;
  let wake: (() => void) | undefined;
  /** Suspended at a yield: the consumer holds a chunk. */
  let lent = false;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const watch = watchSocket(sock, idle, signal, {
    end: () => {
      ended = true;
      poke();
    },
    error: (e) => {
      failure ??= e;
      poke();
    },
    holding: () => lent,
  });
  feed.attach(sock, poke);
  try {
    for (;;) {
      const b = feed.take();
      if (b) {
        lent = true;
        yield b;
        lent = false;
        watch.released();
        feed.done(sock);
        continue;
      }
      if (failure !== undefined) throw failure;
      if (ended) {
        sock.destroy();
        return;
      }
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } catch (e) {
    throw toDialError(e, 'the data connection broke', { protocol: 'ftp', phase: 'data' });
  } finally {
    feed.detach(sock);
    watch.undo();
  }
}
