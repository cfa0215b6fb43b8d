/**
 * curl's --retry policy: which failures are worth another attempt, how long
 * to wait (Retry-After, else 1 s doubling up to 10 minutes, or
 * --retry-delay), and the warning curl prints before waiting.
 *
 * @module
 */
import { CliExit, EXIT, errorMessage, exitCodeFor } from './exit-codes.js';

/** HTTP statuses curl's --retry treats as transient. */
export const TRANSIENT_STATUS: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** Thrown inside an attempt to ask for another one, after Retry-After (`delayMs`) or the back-off. */
export class RetryStatus extends CliExit {
  readonly delayMs: number | undefined;
  constructor(status: number, delayMs: number | undefined) {
    super(EXIT.HTTP_RETURNED_ERROR, `HTTP error ${status}`);
    this.delayMs = delayMs;
  }
}

/** A failure no retry can mend (range refused, -f); `committed` when the body was kept on purpose. */
export class RetryAbandoned extends CliExit {
  readonly committed: boolean;
  constructor(code: number, message: string, committed = false) {
    super(code, message);
    this.committed = committed;
  }
}

/** The longest wait a timer holds: node fires a longer setTimeout after 1 ms instead. */
export const MAX_RETRY_WAIT_MS = 2 ** 31 - 1;

/**
 * Retry-After in seconds or as an HTTP date, as milliseconds from now, at
 * most {@link MAX_RETRY_WAIT_MS} (about 24.8 days).
 */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Math.min(Number(v) * 1000, MAX_RETRY_WAIT_MS);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.min(Math.max(0, t - now), MAX_RETRY_WAIT_MS);
}

/** The retry flags. */
export interface RetryOptions {
  retry: number;
  /** Seconds; undefined = back-off. */
  retryDelay: number | undefined;
  /** Seconds since the transfer began after which no retry starts. */
  retryMaxTime: number | undefined;
  retryConnrefused: boolean;
  /** --retry-all-errors: every failure is worth another attempt (an HTTP error under -f too). */
  retryAllErrors?: boolean | undefined;
}

/**
 * Transient as curl means it: timeouts and the HTTP statuses above; and,
 * because dial resumes instead of starting over, a connection that broke
 * mid-body (18/56). A refused connection only with --retry-connrefused;
 * anything at all with --retry-all-errors.
 */
export function isTransient(err: unknown, o: RetryOptions): boolean {
  if (o.retryAllErrors) return true;
  if (err instanceof RetryAbandoned) return false;
  if (err instanceof RetryStatus) return true;
  const code = exitCodeFor(err);
  return (
    code === EXIT.OPERATION_TIMEDOUT || code === EXIT.PARTIAL_FILE || code === EXIT.RECV_ERROR ||
    (code === EXIT.COULDNT_CONNECT && o.retryConnrefused)
  );
}

/** Decides, attempt by attempt, whether and when to try again. */
export class RetryPolicy {
  readonly #o: RetryOptions;
  #backoff = 1000;
  /** The last decision: asked again for the same failure of the same attempt, it answers the same. */
  #last: { err: unknown; attempt: number; wait: number | undefined } | undefined;
  constructor(options: RetryOptions) {
    this.#o = options;
  }

  /**
   * The wait before the next attempt, or undefined to give up. `attempt`
   * counts from 1. A transfer may ask before it lets go of an answer (so that
   * an answer not retried still stands) and again when it handles the failure.
   */
  next(err: unknown, attempt: number, elapsedSeconds: number): number | undefined {
    const last = this.#last;
    if (last && last.err === err && last.attempt === attempt) return last.wait;
    const wait = this.#decide(err, attempt, elapsedSeconds);
    this.#last = { err, attempt, wait };
    return wait;
  }

  #decide(err: unknown, attempt: number, elapsedSeconds: number): number | undefined {
    const o = this.#o;
    if (!isTransient(err, o) || attempt > o.retry) return undefined;
    if (o.retryMaxTime !== undefined && elapsedSeconds >= o.retryMaxTime) return undefined;
    // As curl, 'Retry-After: 0' (or a date now past) asks for no particular wait: the back-off applies,
    // so a server answering it every time is not hammered without a pause.
    const after = err instanceof RetryStatus && err.delayMs ? err.delayMs : undefined;
    // As curl: a Retry-After that would end past --retry-max-time ends the retries now, rather than a wait the user bounded.
    if (after !== undefined && o.retryMaxTime !== undefined && elapsedSeconds + after / 1000 > o.retryMaxTime) return undefined;
    const fixed = o.retryDelay !== undefined ? o.retryDelay * 1000 : undefined;
    const wait = after ?? fixed ?? this.#backoff;
    if (fixed === undefined) this.#backoff = Math.min(this.#backoff * 2, 600_000);
    return Math.min(wait, MAX_RETRY_WAIT_MS);
  }

  /** curl's line before a retry. */
  warning(err: unknown, waitMs: number, attempt: number): string {
    const left = this.#o.retry - attempt + 1;
    const secs = Math.round(waitMs / 1000);
    return `Warning: Problem : ${errorMessage(err)}. Will retry in ${secs} second${secs === 1 ? '' : 's'}. ${left} retr${left === 1 ? 'y' : 'ies'} left.`;
  }
}
