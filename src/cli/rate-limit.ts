/**
 * curl's --limit-rate: the average speed of a transfer held at a number of
 * bytes per second, both ways. A download pauses its reading (the consume
 * sink returns a promise, so TCP holds the sender back); an upload's body is
 * handed out in pieces no faster than the rate.
 *
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DialOpenOptions } from './request.js';

/** Keeps a byte count on schedule: `after(n)` says how long to wait once `n` more bytes have gone. */
export class Pace {
  readonly #rate: number;
  readonly #now: () => number;
  #start: number | undefined;
  #bytes = 0;

  /** `rate` in bytes per second; `now` in ms (a clock for tests). */
  constructor(rate: number, now: () => number = () => performance.now()) {
    this.#rate = rate;
    this.#now = now;
  }

  /** The bytes per second it keeps to. */
  get rate(): number {
    return this.#rate;
  }

  /** Milliseconds to wait after `n` more bytes so that the average stays at the rate (0: none). */
  after(n: number): number {
    const now = this.#now();
    this.#start ??= now;
    this.#bytes += n;
    return Math.max(0, this.#start + (this.#bytes * 1000) / this.#rate - now);
  }
}

/** The largest piece an upload is cut into: about an eighth of a second's worth, at least 1 KiB, at most 64 KiB. */
function pieceSize(rate: number): number {
  return Math.min(64 * 1024, Math.max(1024, Math.floor(rate / 8)));
}

/** Waits `ms` unless `signal` ends the transfer first. */
export function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return sleep(ms, undefined, signal ? { signal } : undefined);
}

/** An upload body handed out at the pace's rate, in pieces small enough to keep it even. */
export async function* paced(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array> | Uint8Array, pace: Pace, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array> {
  const chunks = body instanceof Uint8Array ? [body] : body;
  const most = pieceSize(pace.rate);
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.length; at += most) {
      const piece = chunk.subarray(at, Math.min(chunk.length, at + most));
      yield piece;
      const ms = pace.after(piece.length);
      if (ms > 0) await wait(ms, signal);
    }
  }
}

/** --limit-rate on what an attempt sends: its body (and the body a redirect sends again) handed out at the pace. */
export function limitUpload(options: Pick<DialOpenOptions, 'body' | 'reopenBody'>, pace: Pace, signal: AbortSignal): void {
  const body = options.body;
  if (body === undefined) return;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  options.body = paced(bytes, pace, signal);
  const again = options.reopenBody ?? (bytes instanceof Uint8Array ? () => [bytes] : undefined);
  if (again) options.reopenBody = () => paced(again(), pace, signal);
}
