import { timerMs } from '../../util/guard.js';
import type { Entry } from './exchange.js';

/** Which wait of an exchange a timer bounds. */
/** `pipeline`: the wait of a pipelined request for its first response byte (see ConnectionOptions.pipelineStall). */
/** `send`: a write of the request waiting for the server to take it (a server that stopped reading the upload). */
export type TimedPhase = 'send' | 'headers' | 'body' | 'pipeline';

/**
 * The one timer of a connection, for the exchange at the front of its queue
 * (responses arrive in order, so only the front can be late): the wait for
 * the response head, then each silence in the body. Re-armed with
 * `refresh()` — no timer per request — and unreferenced while the connection
 * is idle, so it never keeps the process alive.
 */
export class ExchangeTimer {
  #timer: NodeJS.Timeout | undefined;
  #ms = 0;
  #timed: Entry | undefined;
  #phase: TimedPhase = 'headers';
  readonly #onTimeout: (entry: Entry, phase: TimedPhase, ms: number) => void;

  /** `onTimeout` runs when the armed exchange waited `ms` without progress. */
  constructor(onTimeout: (entry: Entry, phase: TimedPhase, ms: number) => void) {
    this.#onTimeout = onTimeout;
  }

  /** Bounds `entry`'s wait for `phase` by `ms` (none when `ms` is 0 or unset); replaces what was armed. */
  arm(entry: Entry, ms: number | undefined, phase: TimedPhase): void {
    this.#timed = undefined;
    if (!ms || ms <= 0) return;
    this.#timed = entry;
    this.#phase = phase;
    if (this.#timer && this.#ms === ms) {
      this.#timer.refresh().ref();
      return;
    }
    if (this.#timer) clearTimeout(this.#timer);
    this.#ms = ms;
    this.#timer = setTimeout(this.#fire, timerMs(ms));
  }

  /** Progress on `entry` (a piece of body): its bound starts again. */
  touch(entry: Entry): void {
    if (this.#timed === entry) this.#timer!.refresh();
  }

  /** Stops bounding `entry` (done, or waiting on its reader rather than the server). */
  release(entry: Entry): void {
    if (this.#timed === entry) this.#timed = undefined;
  }

  /** The connection went idle: the timer may not keep the process alive. */
  unref(): void {
    this.#timer?.unref();
  }

  /** For good (the connection closed). */
  stop(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timed = undefined;
  }

  readonly #fire = (): void => {
    const entry = this.#timed;
    if (!entry || entry.stage === 'done') return;
    this.#onTimeout(entry, this.#phase, this.#ms);
  };
}
