/**
 * Calendar dates a server sends (listing dates, RFC 3659 times, NNTP DATE),
 * made into a Date only when they name a real moment.
 *
 * @module
 */

/**
 * The UTC Date of the given fields (`month` 0–11), or undefined when any
 * field is out of range. `Date.UTC` is not used directly for two reasons:
 * it reads years 0–99 as 1900–1999, and it rolls an impossible date (31
 * February, hour 25) into a real one; a server's nonsense must not become a
 * date nobody sent.
 */
export function utcDate(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): Date | undefined {
  const d = new Date(0);
  d.setUTCFullYear(year, month, day);
  d.setUTCHours(hour, minute, second, ms);
  const same =
    d.getUTCFullYear() === year &&
    d.getUTCMonth() === month &&
    d.getUTCDate() === day &&
    d.getUTCHours() === hour &&
    d.getUTCMinutes() === minute &&
    d.getUTCSeconds() === second;
  return same ? d : undefined;
}
