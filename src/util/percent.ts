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

/**
 * A header value (a Location) arrives as latin1, one char per octet. Handed to the URL parser as it
 * is, each octet past 0x7F would be taken for a character and UTF-8-encoded again ("/ü" sent as
 * C3 BC became /%C3%83%C2%BC); escaped as %XX it keeps its octets, as curl sends them and a
 * browser reading the field as UTF-8 does too. A string holding chars past U+00FF is not octets
 * and is left alone.
 */
export function escapeHighOctets(location: string): string {
  let high = false;
  for (let i = 0; i < location.length; i++) {
    const c = location.charCodeAt(i);
    if (c > 0xff) return location;
    if (c > 0x7f) high = true;
  }
  if (!high) return location;
  let out = '';
  for (let i = 0; i < location.length; i++) {
    const c = location.charCodeAt(i);
    out += c > 0x7f ? `%${c.toString(16).toUpperCase()}` : location[i];
  }
  return out;
}
