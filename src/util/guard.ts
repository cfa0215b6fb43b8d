import { AbortError, TimeoutError } from '../errors.js';

/** A time bound and a cancel switch, accepted by every public async call. */
export interface WaitOptions {
  /** Aborts the wait; the promise rejects with an AbortError. */
  signal?: AbortSignal | undefined;
  /** Milliseconds before the wait rejects with a TimeoutError; 0 or undefined = no limit. */
  timeout?: number | undefined;
}

/** The longest delay one setTimeout holds. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A caller's bound as a timer can hold it. node fires a setTimeout (and
 * AbortSignal.timeout) longer than 2^31-1 ms after 1 ms instead: a 30-day
 * `--max-time` would end the transfer at once. Past that, 24.8 days is as
 * good as the bound asked for.
 */
export function timerMs(ms: number): number {
  return ms > MAX_TIMER_MS ? MAX_TIMER_MS : ms;
}

/** Throws the AbortError for an already-aborted signal. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted) throw new AbortError(`${what} aborted`, { cause: signal.reason });
}

/**
 * Races `promise` against `options.timeout` and `options.signal`. When either
 * wins, `cancel` runs (to withdraw a waiter or destroy an attempt) and the
 * result rejects with a TimeoutError or AbortError naming `what`. The timer and
 * the abort listener are always removed, so nothing keeps the process alive.
 */
export function guard<T>(promise: Promise<T>, options: WaitOptions, what: string, cancel?: () => void): Promise<T> {
  const { signal, timeout } = options;
  if (!signal && !timeout) return promise;
  if (signal?.aborted) {
    cancel?.();
    promise.catch(() => {});
    return Promise.reject(new AbortError(`${what} aborted`, { cause: signal.reason }));
  }
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const fail = (err: Error) => {
      done();
      cancel?.();
      promise.catch(() => {});
      reject(err);
    };
    const onAbort = () => fail(new AbortError(`${what} aborted`, { cause: signal?.reason }));
    if (timeout && timeout > 0) {
      // node fires a setTimeout longer than 2^31-1 ms after 1 ms: a longer bound is kept in steps.
      const at = Date.now() + timeout;
      const arm = (): void => {
        const left = at - Date.now();
        timer = left > MAX_TIMER_MS ? setTimeout(arm, MAX_TIMER_MS) : setTimeout(() => fail(new TimeoutError(`${what} timed out after ${timeout} ms`, { timeout })), left);
      };
      arm();
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (v) => { done(); resolve(v); },
      (e) => { done(); reject(e); },
    );
  });
}
