/**
 * What to do with an HTTP answer to a request that asked to start at byte
 * `from` (-C, or a retry resuming): curl's rules, plus the retry case where
 * dial already holds part of the body.
 *
 * @module
 */
import { parseContentRange } from '../protocols/http/core/content-range.js';
import { EXIT } from './exit-codes.js';
import { RetryAbandoned } from './retry.js';

/** The facts of the answer the decision needs. */
export interface ResumeAnswer {
  status: number;
  contentLength: string | null;
  contentRange: string | null;
}

/**
 * `write`: append the body, dropping its first `skip` bytes (a server that
 * ignored the range on a retry); `complete`: nothing left to fetch.
 * Throws {@link RetryAbandoned} (exit 33) when resuming cannot work.
 */
export type ResumeDecision = { action: 'write'; skip: number } | { action: 'complete' };

/**
 * Decides for an HTTP answer. `resumed` = bytes this run already wrote (a
 * retry); `userResume` = the user asked for -C.
 */
export function decideResume(a: ResumeAnswer, from: number, resumed: number, userResume: boolean): ResumeDecision {
  if (from <= 0) return { action: 'write', skip: 0 };
  if (a.status === 200) {
    if (resumed > 0) return { action: 'write', skip: from };
    // curl: a full answer exactly as long as what we hold means the file is complete.
    if (userResume && Number(a.contentLength ?? NaN) === from) return { action: 'complete' };
    throw new RetryAbandoned(EXIT.RANGE_ERROR, "HTTP server doesn't seem to support byte ranges. Cannot resume.");
  }
  if (a.status === 206) {
    // Appending a different range than asked for — or one that cannot be read — would corrupt the file.
    const start = parseContentRange(a.contentRange)?.first;
    if (start !== from) {
      const what = start === undefined ? `an unreadable Content-Range (${JSON.stringify(a.contentRange)})` : `bytes from ${start}`;
      throw new RetryAbandoned(EXIT.RANGE_ERROR, `the server sent ${what}, not bytes from ${from} as asked`);
    }
    return { action: 'write', skip: 0 };
  }
  if (a.status === 416) {
    const cr = parseContentRange(a.contentRange);
    if (cr && cr.first === undefined && cr.complete === from) return { action: 'complete' };
    throw new RetryAbandoned(EXIT.RANGE_ERROR, 'Requested range was not delivered by the server (HTTP 416)');
  }
  return { action: 'write', skip: 0 };
}
