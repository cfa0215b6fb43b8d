/**
 * dial's --rate N/U (curl 7.88's form): at most N transfer starts per unit
 * (s, m, h or d; an hour when none is given) for URLs run one after another.
 * Parallel transfers (-Z) are not paced, as in curl.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** The time between two transfer starts, ms; a value curl refuses is exit 2 with curl's words. */
export function parseRate(text: string): number {
  const slash = text.indexOf('/');
  const count = slash < 0 ? text : text.slice(0, slash);
  const unit = slash < 0 ? 'h' : text.slice(slash + 1);
  if (!/^-?\d+$/.test(count)) throw new CliExit(EXIT.FAILED_INIT, 'option --rate: expected a proper numerical parameter');
  const n = Number(count);
  if (n < 0) throw new CliExit(EXIT.FAILED_INIT, 'option --rate: expected a positive numerical parameter');
  const ms = UNIT_MS[unit];
  if (n === 0 || ms === undefined) throw new CliExit(EXIT.FAILED_INIT, 'option --rate: is badly used here');
  return ms / n;
}

/** Waits until `interval` ms after `lastStart` (resolves at once when that has passed or the run is aborted). */
export function paceStart(lastStart: number, interval: number, signal: AbortSignal): Promise<void> {
  const wait = lastStart + interval - Date.now();
  if (wait <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, wait);
    signal.addEventListener('abort', done, { once: true });
  });
}
