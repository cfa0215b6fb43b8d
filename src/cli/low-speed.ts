/**
 * curl's low-speed check (--speed-limit, --speed-time): a transfer that
 * moves fewer than `limit` bytes a second for `time` seconds on end is cut
 * off with exit 28. The speed is curl's "current speed": the bytes moved
 * (down and up) over the last few seconds, sampled once a second.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** The check's settings: bytes per second, and seconds below it before giving up. */
export interface LowSpeed {
  limit: number;
  time: number;
}

/** How many one-second samples the current speed averages over (curl keeps about five seconds). */
const WINDOW = 5;

/**
 * Samples `moved()` (bytes so far, both ways) once a second and calls
 * `tooSlow` with curl's exit-28 error once the speed has stayed below the
 * limit for `time` seconds. The clock starts slow, as curl's does: a server
 * that sends nothing at all is cut off after `time` seconds. Returns the
 * function that stops the sampling.
 */
export function watchLowSpeed(s: LowSpeed, moved: () => number, tooSlow: (e: CliExit) => void, now: () => number = () => performance.now()): () => void {
  const samples: Array<{ at: number; bytes: number }> = [{ at: now(), bytes: moved() }];
  let slowSince: number | undefined = samples[0]!.at;
  const timer = setInterval(() => {
    const at = now();
    const bytes = moved();
    samples.push({ at, bytes });
    if (samples.length > WINDOW + 1) samples.shift();
    const first = samples[0]!;
    const speed = at > first.at ? ((bytes - first.bytes) * 1000) / (at - first.at) : 0;
    if (speed >= s.limit) slowSince = undefined;
    else if (slowSince === undefined) slowSince = at;
    else if (at - slowSince >= s.time * 1000) {
      clearInterval(timer);
      tooSlow(new CliExit(EXIT.OPERATION_TIMEDOUT, `Operation too slow. Less than ${s.limit} bytes/sec transferred the last ${s.time} seconds`));
    }
  }, Math.min(1000, s.time * 1000));
  return () => clearInterval(timer);
}
