/**
 * The two waits of a transfer that the run bounds: one attempt's `-m`
 * (--max-time) deadline, and the pause before a retry, which the run's
 * abort (Ctrl-C) cuts short.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';
import { timerMs } from '../util/guard.js';
import { watchLowSpeed, type LowSpeed } from './low-speed.js';

/** Waits `ms`, or rejects with the signal's reason once it aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(done, timerMs(ms));
    function done(): void {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }
    function onAbort(): void {
      clearTimeout(t);
      reject(signal.reason);
    }
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** One attempt's signal, and the `-m` (or --speed-limit) expiry once it has fired. */
export interface AttemptDeadline {
  readonly signal: AbortSignal;
  /** The exit-28 error the `-m` timer or the low-speed check aborted the attempt with; undefined until one fires. */
  readonly timedOut: CliExit | undefined;
  /** Stops the timer and stops following the run's signal. */
  dispose(): void;
}

/**
 * The signal for one attempt. It needs one of its own only for `-m` (or
 * when the run is already aborted, which an own signal does not inherit);
 * otherwise the run's signal is what the attempt's would follow, and it is
 * used as is. `received` tells the timeout message how far the body got.
 * With `lowSpeed`, an attempt moving fewer bytes (its `moved()`, both ways)
 * than the limit for its time is aborted too (curl's --speed-limit).
 */
export function attemptDeadline(run: AbortSignal, maxTime: number | undefined, received: () => number, lowSpeed?: LowSpeed & { moved: () => number }): AttemptDeadline {
  if (maxTime === undefined && !lowSpeed && !run.aborted) return { signal: run, timedOut: undefined, dispose: () => {} };
  const ac = new AbortController();
  const onRun = (): void => ac.abort(run.reason);
  run.addEventListener('abort', onRun, { once: true });
  let timedOut: CliExit | undefined;
  const started = performance.now();
  const timer =
    maxTime !== undefined
      ? setTimeout(() => {
          timedOut = new CliExit(EXIT.OPERATION_TIMEDOUT, `Operation timed out after ${Math.round(performance.now() - started)} milliseconds with ${received()} bytes received`);
          ac.abort(timedOut);
        }, timerMs(maxTime * 1000))
      : undefined;
  const stopWatch = lowSpeed
    ? watchLowSpeed(lowSpeed, lowSpeed.moved, (e) => {
        timedOut ??= e;
        ac.abort(e);
      })
    : undefined;
  return {
    signal: ac.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      if (timer) clearTimeout(timer);
      stopWatch?.();
      run.removeEventListener('abort', onRun);
    },
  };
}
