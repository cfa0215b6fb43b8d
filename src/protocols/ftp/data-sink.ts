/**
 * The synchronous download reader: every read of the data connection goes
 * to the caller's sink during node's read callback — no queue, no promise
 * and no copy per chunk, and, over a connection made with `onread`, no
 * allocation either. It is what {@link Download.consume} runs on; the
 * iterator (readAll in data-read.ts) has to stop reading at each chunk until
 * the consumer asks for the next, which costs a promise and a stop/start of
 * the socket per read.
 *
 * @module
 */
import type * as net from 'node:net';
import { toDialError } from '../../errors.js';
import { watchSocket, type Feed, type Taken } from './data-read.js';

/**
 * What {@link Download.consume} feeds: takes each chunk during the call. A
 * returned promise (any thenable) means "no more until it settles"; any
 * other value (`writeSync`'s count) is ignored.
 */
export type ConsumeSink = (chunk: Buffer) => unknown;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

/**
 * Hands every byte of `sock` up to the server's close to `sink`, first what
 * `feed` queued before, then each read as it lands. A sink's promise stops
 * reading until it settles (what node:tls decrypted meanwhile is copied and
 * delivered first). Resolves at the server's close (the half-open socket is
 * then destroyed); rejects with the connection's error as a DialError
 * (after what arrived before it was delivered), or with what the sink threw
 * or its promise rejected with, as it is (the socket is then destroyed).
 * `idle` (ms, 0 for none) bounds each silence; the signal destroys the socket.
 */
export function sinkAll(sock: net.Socket, feed: Feed, idle: number, signal: AbortSignal | undefined, sink: ConsumeSink): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    // With onread no byte passes through the Readable, so an end (or error) may have come before this began.
    let ended = sock.readableEnded || sock.closed;
    let failure: unknown = sock.errored ?? undefined;
    let settled = false;
    /** While the sink's promise is pending: the reads that landed meanwhile (copies). */
    let held: Buffer[] | undefined;

    const stop = (err: unknown, fromSink: boolean): void => {
      if (settled) return;
      settled = true;
      feed.direct(undefined);
      feed.detach(sock);
      watch.undo();
      sock.destroy();
      if (!fromSink) err = toDialError(err, 'the data connection broke', { protocol: 'ftp', phase: 'data' });
      reject(err);
    };
    /** Ends the read once nothing is held for the sink and the socket has ended or failed. */
    const settle = (): void => {
      if (settled || held) return;
      if (failure !== undefined) return stop(failure, false);
      if (!ended) return;
      settled = true;
      feed.direct(undefined);
      feed.detach(sock);
      watch.undo();
      sock.destroy();
      resolve();
    };
    /** One chunk to the sink; 'lent' when its promise holds it. */
    const give = (chunk: Buffer): Taken => {
      if (settled) return 'stop';
      if (held) {
        held.push(Buffer.from(chunk));
        return 'stop';
      }
      let r: unknown;
      try {
        r = sink(chunk);
      } catch (e) {
        stop(e, true);
        return 'stop';
      }
      if (!isThenable(r)) return 'next';
      held = [];
      r.then(release, (e: unknown) => stop(e, true));
      return 'lent';
    };
    /** The sink's promise settled: what landed meanwhile goes to it, then reading resumes (or the read ends). */
    const release = (): void => {
      const h = held!;
      held = undefined;
      watch.released();
      for (let i = 0; i < h.length; i++) {
        if (give(h[i]!) === 'next') continue;
        // Paused again (or stopped): the rest wait behind the new promise. (give() may have set `held`.)
        (held as Buffer[] | undefined)?.push(...h.slice(i + 1));
        return;
      }
      if (settled) return;
      settle();
      if (!settled) sock.resume();
    };

    const watch = watchSocket(sock, idle, signal, {
      end: () => {
        ended = true;
        settle();
      },
      error: (e) => {
        failure ??= e;
        settle();
      },
      holding: () => held !== undefined,
    });
    feed.attach(sock, () => {});
    // What arrived before consume() began goes first, copied (a lent feed's buffers are reused once let go);
    // every later read goes straight to the sink.
    const backlog: Buffer[] = [];
    for (let b = feed.take(); b; b = feed.take()) {
      backlog.push(Buffer.from(b));
      feed.done(sock);
    }
    feed.direct(give);
    held = backlog;
    release();
  });
}
