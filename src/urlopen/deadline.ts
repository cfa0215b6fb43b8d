/**
 * The whole-operation bound of an opener whose protocol has no deadline of
 * its own (ftp, pop3, nntp, smtp): `timeout` becomes a signal beside the
 * caller's, and an abort caused by it is reported as the timeout it is.
 *
 * @module
 */
import { AbortError, TimeoutError } from '../errors.js';
import { timerMs } from '../util/guard.js';
import type { OpenOptions } from './types.js';

/** The signal to pass down, and `translate`, which turns the deadline's abort into a TimeoutError. */
export interface OperationDeadline {
  signal: AbortSignal | undefined;
  translate: (e: unknown) => unknown;
}

/** `options.timeout` (whole operation, ms) combined with `options.signal`, for `protocol`'s errors. */
export function operationDeadline(options: Pick<OpenOptions, 'timeout' | 'signal'>, protocol: string): OperationDeadline {
  const deadline = options.timeout ? AbortSignal.timeout(timerMs(options.timeout)) : undefined;
  const signals = [options.signal, deadline].filter((s): s is AbortSignal => s !== undefined);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  // When the deadline fired (and not the caller's own signal), say "timeout", not "abort".
  const translate = (e: unknown): unknown =>
    e instanceof AbortError && deadline?.aborted && !options.signal?.aborted
      ? new TimeoutError(`the ${protocol} operation ran past ${options.timeout} ms`, { timeout: options.timeout, protocol, cause: e })
      : e;
  return { signal, translate };
}
