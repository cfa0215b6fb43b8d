import type * as net from 'node:net';

/**
 * While several connections are busy, requests issued during one turn of the
 * event loop leave together, each connection's in one write, once the turn's
 * I/O callbacks have run (setImmediate). Answers that arrived together are
 * followed by their next requests together, so the server finds them in one
 * wake-up instead of waking for each — fewer wake-ups and system calls on
 * both sides (at 50 connections against nginx, 13 times fewer epoll waits),
 * at the cost of holding a request until the current callbacks are done. A
 * lone request is not held: with one connection there is nothing to batch.
 */

/** A connection holding writes until {@link scheduleFlush}'s turn ends. */
interface Flushable {
  /** Writes what it holds. */
  flushOutbox(): void;
}

let busyConnections = 0;
const flushing: Flushable[] = [];
let flushScheduled = false;

/** A connection starts (+1) or stops (-1) having requests in flight. */
function countBusy(delta: 1 | -1): void {
  busyConnections += delta;
}

/** Whether a request written now should wait for the end of the turn: others are busy, or a batch is open. */
function batching(): boolean {
  return busyConnections > 1 || flushScheduled;
}

/** `c` holds writes: flush it once this turn's callbacks are done. */
function scheduleFlush(c: Flushable): void {
  flushing.push(c);
  if (flushScheduled) return;
  flushScheduled = true;
  setImmediate(flushAll);
}

function flushAll(): void {
  flushScheduled = false;
  const list = flushing.splice(0);
  for (const c of list) c.flushOutbox();
}

/**
 * Writes whole requests to one connection's node:net socket: at once when
 * it is the only busy connection and nothing is pipelined, otherwise held
 * and written, joined, when the turn's batch is flushed.
 */
export class RawWriter implements Flushable {
  readonly #raw: net.Socket;
  readonly #onWritten: (err?: Error | null) => void;
  #outbox: Buffer[] = [];
  #counted = false;

  /** `onWritten` is every write's callback (one function, no closure per write). */
  constructor(raw: net.Socket, onWritten: (err?: Error | null) => void) {
    this.#raw = raw;
    this.#onWritten = onWritten;
  }

  /** Writes one request; `pipelined`: others of this connection are in flight. */
  write(data: Buffer, pipelined: boolean): void {
    if (pipelined || batching()) {
      this.#outbox.push(data);
      if (this.#outbox.length === 1) scheduleFlush(this);
    } else this.#raw.write(data, this.#onWritten);
  }

  /** Counts the connection among the busy ones (process-wide) while it has requests in flight. */
  busy(on: boolean): void {
    if (on === this.#counted) return;
    this.#counted = on;
    countBusy(on ? 1 : -1);
  }

  /** Writes what is held, in one write; before anything else is written to the socket. */
  flushOutbox(): void {
    const out = this.#outbox;
    if (out.length === 0) return;
    this.#outbox = [];
    if (this.#raw.destroyed) return;
    this.#raw.write(out.length === 1 ? out[0]! : Buffer.concat(out), this.#onWritten);
  }
}
