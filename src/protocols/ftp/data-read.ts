/**
 * The download side of a data connection: one read loop, fed in one of two
 * ways — the kernel's own chunks from 'data' events ({@link QueueFeed}), or
 * one reused read buffer ({@link LentFeed}). The loop owns what both share:
 * the end, close and error wiring, the idle bound, the abort and the cleanup.
 *
 * @module
 */
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
}

const EMPTY = Buffer.alloc(0);

/**
 * Flowing-mode 'data' events into a small queue, each chunk exactly as the
 * kernel delivered it (a Readable's own iterator may concatenate buffered
 * chunks: a copy). Past `highWater` queued bytes the socket is paused, so a
 * slow consumer pushes back on the server.
 */
export class QueueFeed implements Feed {
  readonly #highWater: number;
  readonly #queue: Buffer[] = [];
  #head = 0;
  #queued = 0;
  #sock: net.Socket | undefined;
  #poke: (() => void) | undefined;
  readonly #onData = (b: Buffer): void => {
    this.#queue.push(b);
    this.#queued += b.length;
    if (this.#queued >= this.#highWater) this.#sock?.pause();
    this.#poke?.();
  };

  constructor(highWater = 1024 * 1024) {
    this.#highWater = highWater;
  }

  attach(sock: net.Socket, poke: () => void): void {
    this.#sock = sock;
    this.#poke = poke;
    sock.on('data', this.#onData);
    // A tunnelled socket arrives explicitly paused (see connect.ts); a 'data' listener alone would not start it.
    if (this.#queued < this.#highWater) sock.resume();
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
    const s = this.#sock!;
    if (s.isPaused() && this.#queued < this.#highWater / 2) s.resume();
    return b;
  }

  done(): void {}

  detach(sock: net.Socket): void {
    sock.removeListener('data', this.#onData);
    this.#poke = undefined;
  }
}

/** Size of the reused read buffer: a loopback read rarely returns more. */
const LEND_SIZE = 256 * 1024;

/**
 * Reads into one reused buffer (node:net and node:tls `onread`): each read
 * fills it, reading stops until the consumer has moved past the chunk, then
 * resumes — no allocation per chunk, so a long download leaves no garbage
 * behind (with 'data' events Node allocates 64 KiB per read, and V8 collects
 * those only every few tens of MB). Give {@link onread} to the connect call.
 */
export class LentFeed implements Feed {
  #pending: Buffer | undefined;
  #poke: (() => void) | undefined;
  /** The connect option that routes every read here. */
  readonly onread: net.OnReadOpts = {
    buffer: Buffer.allocUnsafeSlow(LEND_SIZE),
    callback: (n: number, buf: Uint8Array): boolean => {
      this.#pending = (buf as Buffer).subarray(0, n);
      this.#poke?.();
      // Stop reading until the consumer has finished with this chunk.
      return false;
    },
  };

  attach(_sock: net.Socket, poke: () => void): void {
    this.#poke = poke;
  }

  take(): Buffer | undefined {
    const b = this.#pending;
    this.#pending = undefined;
    return b;
  }

  done(sock: net.Socket): void {
    sock.resume();
  }

  detach(): void {
    this.#poke = undefined;
  }
}

/**
 * Yields the bytes of `sock` up to the server's close, as `feed` delivers
 * them. `idle` (ms, 0 for none) bounds each silence; the signal destroys the
 * socket. The socket is half-open, so it is destroyed at the end: the server
 * waits for our side to close too.
 */
export async function* readAll(sock: net.Socket, feed: Feed, idle: number, signal: AbortSignal | undefined): AsyncGenerator<Buffer, void, undefined> {
  let ended = false;
  let failure: unknown;
  let wake: (() => void) | undefined;
  const poke = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onEnd = () => {
    ended = true;
    poke();
  };
  const onError = (e: unknown) => {
    failure ??= e;
    poke();
  };
  const onAbort = () => sock.destroy(toDialError(Object.assign(new Error('data transfer aborted'), { name: 'AbortError' }), 'data transfer'));
  sock.on('end', onEnd);
  sock.on('close', onEnd);
  sock.on('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });
  feed.attach(sock, poke);
  if (idle > 0) {
    sock.setTimeout(idle, () => sock.destroy(new TimeoutError(`the data connection was idle for ${idle} ms`, { timeout: idle, protocol: 'ftp', phase: 'data' })));
  }
  try {
    for (;;) {
      const b = feed.take();
      if (b) {
        yield b;
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
    sock.removeListener('end', onEnd);
    sock.removeListener('close', onEnd);
    sock.removeListener('error', onError);
    signal?.removeEventListener('abort', onAbort);
    sock.setTimeout(0);
  }
}
