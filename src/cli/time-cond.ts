/**
 * curl's -z/--time-cond: fetch only a document newer than a date (or, with a
 * leading '-', only one older than it) — the date of a local file, or one
 * written out. The request asks the server (If-Modified-Since or
 * If-Unmodified-Since), and the answer is checked here too, since a server
 * may ignore the question: a document that fails the condition is not
 * written, so `dial -z f -o f URL` leaves an up-to-date `f` alone.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import type { UrlResponse } from '../urlopen/response.js';

/** A time condition: the date, and which side of it the document must be. */
export interface TimeCond {
  at: Date;
  /** `-z -DATE`: only a document older than `at` (If-Unmodified-Since). */
  older: boolean;
}

/** What curl prints for a value that is neither a file nor a date it can read. */
const ILLEGAL = [
  'Warning: Illegal date format for -z, --time-cond (and not a file name). ',
  'Warning: Disabling time condition. See curl_getdate(3) for valid date syntax.',
];

/**
 * Reads -z's value: `[+|-]FILE` (its modification time) or `[+|-]DATE`. A
 * value that is neither is a warning and no condition, as in curl.
 */
export async function parseTimeCond(value: string, warn: (line: string) => void): Promise<TimeCond | undefined> {
  const older = value.startsWith('-');
  const rest = older || value.startsWith('+') ? value.slice(1) : value;
  const st = await fsp.stat(rest).catch(() => undefined);
  const at = st ? st.mtime : new Date(Date.parse(rest));
  if (Number.isNaN(at.getTime())) {
    for (const line of ILLEGAL) warn(line);
    return undefined;
  }
  return { at, older };
}

/** The request header that asks the server the condition. */
export function timeCondHeader(tc: TimeCond): [string, string] {
  return [tc.older ? 'If-Unmodified-Since' : 'If-Modified-Since', tc.at.toUTCString()];
}

/**
 * Why a response fails the condition, as curl's -v says it, or undefined when
 * it meets it (or cannot tell). A 304 is the server's own "not modified"; a
 * Last-Modified on the wrong side of the date is the check the server skipped.
 * Compared in whole seconds, as HTTP dates are.
 */
export function timeCondUnmet(tc: TimeCond, res: UrlResponse, http: boolean): string | undefined {
  if (http && res.status === 304 && !tc.older) return 'The requested document is not new enough';
  if (res.status < 200 || res.status >= 300) return undefined;
  const modified = Date.parse(res.headers.get('last-modified') ?? '');
  if (Number.isNaN(modified)) return undefined;
  const doc = Math.floor(modified / 1000);
  const at = Math.floor(tc.at.getTime() / 1000);
  if (!tc.older && doc <= at) return 'The requested document is not new enough';
  if (tc.older && doc >= at) return 'The requested document is not old enough';
  return undefined;
}
