/**
 * Percent-decoding to bytes (RFC 3986 §2.1). Unlike decodeURIComponent it
 * never throws on a stray `%` or on escapes that are not UTF-8: URLs carry
 * bytes, and data: and gopher selectors are often not text.
 *
 * @module
 */

function hex(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Decodes `%XX` escapes; other characters are taken as their UTF-8 bytes and a `%` not followed by two hex digits stays as it is. */
export function percentDecode(text: string): Buffer {
  const src = Buffer.from(text, 'utf8');
  if (!src.includes(37)) return src;
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === 37 && i + 2 < src.length) {
      const hi = hex(src[i + 1]!);
      const lo = hex(src[i + 2]!);
      if (hi >= 0 && lo >= 0) {
        out[n++] = (hi << 4) | lo;
        i += 2;
        continue;
      }
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}
