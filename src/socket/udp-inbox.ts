/**
 * Where a DatagramSocket (udp.ts) puts what node:dgram pushes at it, so a
 * caller can ask for the next datagram with a time bound instead.
 *
 * Callers already waiting get each datagram first, in call order; otherwise
 * it waits in a queue of at most `maxQueue` (past that it is dropped and
 * counted: UDP may lose it anyway, and a flooding peer must not grow memory).
 * A socket error that arrives with nobody waiting is kept for the next
 * receive. A wait given up (timeout, abort) is withdrawn without losing the
 * datagram it may have been handed in the same tick.
 *
 * @module
 */
import type { DialError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import type { Datagram } from './udp-options.js';

interface Waiter {
  resolve(d: Datagram): void;
  reject(e: Error): void;
  /** Set when a datagram was handed over, so a late cancel can put it back. */
  delivered?: Datagram;
}

/** The datagrams and errors received for one socket, and the callers waiting for them. */
export class DatagramInbox {
  readonly #maxQueue: number;
  readonly #queue: Datagram[] = [];
  readonly #waiters: Waiter[] = [];
  /** An asynchronous socket error (ICMP unreachable) that arrived with nobody waiting; the next receive throws it. */
  #pendingError: DialError | undefined;
  #closed = false;
  #dropped = 0;

  /** `maxQueue`: the most datagrams held while nobody is waiting. */
  constructor(maxQueue: number) {
    this.#maxQueue = maxQueue;
  }

  /** Datagrams held, not yet taken. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Datagrams thrown away: the queue was full, or the socket counted one with {@link drop}. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Hands `d` to the first waiting caller, else queues it, else drops it. */
  deliver(d: Datagram): void {
    if (this.#closed) return;
    const w = this.#waiters.shift();
    if (w) {
      w.delivered = d;
      w.resolve(d);
    } else if (this.#queue.length < this.#maxQueue) {
      this.#queue.push(d);
    } else {
      this.#dropped++;
    }
  }

  /** Counts a datagram the socket refused before delivery (too large). */
  drop(): void {
    this.#dropped++;
  }

  /** Fails the first waiting caller with `e`, or keeps it for the next {@link next}. */
  fail(e: DialError): void {
    if (this.#closed) return;
    const w = this.#waiters.shift();
    if (w) w.reject(e);
    else this.#pendingError = e;
  }

  /** Forgets a kept error (it belonged to a peer the socket no longer talks to). */
  clearError(): void {
    this.#pendingError = undefined;
  }

  /** Discards queued datagrams for which `keep` is false. */
  filter(keep: (d: Datagram) => boolean): void {
    for (let i = this.#queue.length - 1; i >= 0; i--) {
      if (!keep(this.#queue[i]!)) this.#queue.splice(i, 1);
    }
  }

  /**
   * The kept error, else the oldest queued datagram, else the next to arrive,
   * within `options` (a TimeoutError/AbortError withdraws the wait).
   */
  next(options: WaitOptions): Promise<Datagram> {
    if (this.#pendingError) {
      const e = this.#pendingError;
      this.#pendingError = undefined;
      return Promise.reject(e);
    }
    const first = this.#queue.shift();
    if (first) return Promise.resolve(first);
    let waiter!: Waiter;
    const p = new Promise<Datagram>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    this.#waiters.push(waiter);
    return guard(p, options, 'UDP recv', () => {
      const i = this.#waiters.indexOf(waiter);
      if (i >= 0) this.#waiters.splice(i, 1);
      // Handed a datagram in the same tick the timer fired: put it back, first in line.
      else if (waiter.delivered && !this.#closed) this.#queue.unshift(waiter.delivered);
    });
  }

  /** Discards the queue and fails every waiting caller with `err`; later datagrams and errors are ignored. */
  close(err: DialError): void {
    this.#closed = true;
    this.#queue.length = 0;
    for (const w of this.#waiters.splice(0)) w.reject(err);
  }
}
