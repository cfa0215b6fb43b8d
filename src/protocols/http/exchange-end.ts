import type { DialError } from '../../errors.js';
import type { Entry } from './exchange.js';
import type { ExchangeTimer } from './exchange-timer.js';
import { cloneFor, isTransportFailure, retryable } from './failures.js';

/**
 * How an exchange on a connection ends, whether its response completed or
 * its connection failed.
 *
 * @module
 */

/** Ends `entry` for good: no bound on it any more, a wait for 100 Continue let go, its abort listener removed. */
export function settle(entry: Entry, timer: ExchangeTimer): void {
  entry.stage = 'done';
  timer.release(entry);
  entry.gate?.();
  if (entry.onAbort) entry.x.signal?.removeEventListener('abort', entry.onAbort);
}

/**
 * Ends the exchanges of a failed connection, front first, with `err`. One
 * whose head was handed over has its body fail (unless it was being drained
 * after its reader dropped it); one still waiting for its head is rejected.
 * `frontStarted`: some of the front exchange's response had arrived.
 *
 * A request on a reused connection that got nothing of its response before
 * a transport failure may be sent again on a fresh connection: it is
 * rejected with its own copy of the error, marked retryable (per request,
 * so pipelined requests are each marked on their own).
 */
export function failExchanges(entries: Entry[], err: DialError, frontStarted: boolean, timer: ExchangeTimer, own?: { entry: Entry; err: DialError }): void {
  const front = entries[0];
  for (const entry of entries) {
    const wasDone = entry.stage === 'done';
    const hadHead = entry.body !== undefined;
    // `own`: the exchange whose failure this is (an abort) gets its own error; the others, that of their connection.
    const its = own && own.entry === entry ? own.err : err;
    settle(entry, timer);
    if (wasDone) continue;
    if (hadHead) {
      if (!entry.discarding) entry.body!.fail(its);
      continue;
    }
    const started = entry === front && frontStarted;
    let e: Error = its;
    if (entry.reused && !started && isTransportFailure(its)) {
      e = cloneFor(its);
      retryable.add(e);
    }
    entry.reject(e);
  }
}
