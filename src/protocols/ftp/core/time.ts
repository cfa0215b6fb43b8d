/**
 * The FTP time stamp of RFC 3659 (`YYYYMMDDHHMMSS[.sss]`, always UTC), used
 * by MDTM, MFMT and MLSD `modify` facts. Sans-IO.
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import { utcDate } from '../../../util/utc-date.js';

/** Parses `YYYYMMDDHHMMSS[.fraction]`; undefined when malformed or out of range. */
export function parseFtpTime(s: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/.exec(s.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || se > 60) return undefined;
  const ms = m[7] ? Math.floor(Number(`0.${m[7]}`) * 1000) : 0;
  // A leap second (60) is read as 59: Date cannot hold it.
  return utcDate(y, mo - 1, d, h, mi, Math.min(se, 59), ms);
}

/**
 * Formats a Date as `YYYYMMDDHHMMSS` in UTC (MFMT's argument). InputError for
 * an invalid Date or a year outside 0–9999, which the format cannot hold.
 */
export function formatFtpTime(date: Date): string {
  const year = date instanceof Date ? date.getUTCFullYear() : NaN;
  if (!(year >= 0 && year <= 9999)) throw new InputError(`an FTP time needs a valid Date with a year 0-9999, got ${String(date)}`, { protocol: 'ftp' });
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    p(date.getUTCFullYear(), 4) + p(date.getUTCMonth() + 1) + p(date.getUTCDate()) + p(date.getUTCHours()) + p(date.getUTCMinutes()) + p(date.getUTCSeconds())
  );
}
