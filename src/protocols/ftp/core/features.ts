/**
 * FEAT replies (RFC 2389) and other small reply texts. Sans-IO.
 *
 * @module
 */

/**
 * The features a FEAT reply lists, keyed by upper-cased name, each with its
 * parameters (`MLST type*;size*;` → `type*;size*;`, `UTF8` → ''). `lines` is
 * the reply's lines as the line layer gives them: the first (`Features:`)
 * and the last (`End`) are not features.
 */
export function parseFeatures(lines: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 1; i < lines.length - 1; i++) {
    const l = lines[i]!.trim();
    if (!l) continue;
    const sp = l.indexOf(' ');
    const name = (sp < 0 ? l : l.slice(0, sp)).toUpperCase();
    out.set(name, sp < 0 ? '' : l.slice(sp + 1).trim());
  }
  return out;
}

/**
 * The directory a 257 reply names (`257 "/a ""quoted"" dir" created`), with
 * doubled quotes undone (RFC 959 appendix II); undefined without quotes.
 */
export function parsePwd(text: string): string | undefined {
  const m = /"((?:[^"]|"")*)"/.exec(text);
  return m ? m[1]!.replace(/""/g, '"') : undefined;
}

/** The size in a 213 reply to SIZE, or undefined. */
export function parseSizeReply(text: string): number | undefined {
  const m = /^\s*(\d{1,16})\s*$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
