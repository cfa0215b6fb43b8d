/**
 * Strict UTF-8 decoding for bytes that are often not UTF-8 (listings, menus,
 * selectors, URL escapes): a caller that falls back to Latin-1 keeps every
 * byte, where a lenient decoder would patch them with U+FFFD for good.
 *
 * @module
 */

// fatal: bytes that are not UTF-8 must be noticed, not patched; ignoreBOM: a
// U+FEFF is text (part of a name, or opening one line of many), not a mark to drop.
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as text when they are valid UTF-8, else undefined. */
export function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
