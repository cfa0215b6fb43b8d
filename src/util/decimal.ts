/**
 * Numbers a server sends as plain decimal digits (POP3 sizes, NNTP article
 * numbers): read without `Number()` or `parseInt`, which accept signs,
 * spaces, exponents and hex, and bounded to 15 digits so every value stays an
 * exact JavaScript number — a longer one is refused, never rounded.
 *
 * @module
 */

/** Most digits accepted: 10^15 − 1 is below 2^53, so every accepted value is exact. */
export const MAX_DECIMAL_DIGITS = 15;

/** Plain decimal digits (1 to 15 of them) as a safe integer; undefined for anything else. */
export function parseDecimal(s: string | undefined): number | undefined {
  if (s === undefined || s.length === 0 || s.length > MAX_DECIMAL_DIGITS) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  return n;
}
