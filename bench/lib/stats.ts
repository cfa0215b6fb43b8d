/** Small statistics over a tool's samples. */

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Half the min–max range as a percentage of the median: "±x %". */
export function spreadPct(xs: number[]): number {
  if (xs.length < 2) return 0;
  const m = median(xs);
  return ((Math.max(...xs) - Math.min(...xs)) / 2 / m) * 100;
}
