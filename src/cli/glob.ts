/**
 * curl's URL globbing: `{a,b,c}` alternatives, `[1-9]`, `[01-10]` (zero
 * padded), `[a-z]` and `[1-100:10]` ranges, expanded left to right with the
 * rightmost pattern varying fastest; `#N` in an output name stands for the
 * N-th pattern's current value.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** One expanded URL and the value each pattern took, in pattern order. */
export interface GlobMatch {
  url: string;
  values: string[];
}

type Part = { kind: 'text'; text: string } | { kind: 'set'; values: string[] };

/** A bound so a typo like `[1-999999999]` fails fast instead of exhausting memory. */
export const MAX_GLOB_URLS = 100_000;

function bad(msg: string, pos: number): CliExit {
  return new CliExit(EXIT.URL_MALFORMAT, `bad URL glob: ${msg} in URL position ${pos + 1}`);
}

/** curl's rule: a step longer than the range is malformed ([1-3:5], [1-1:2]); a one-value range takes only step 1. */
function stepFits(span: bigint, step: bigint): boolean {
  return span === 0n ? step === 1n : step <= span;
}

function expandRange(body: string, pos: number): string[] {
  // As curl, blanks may follow a number range's '-' (not a letter range's).
  const m = /^(?:(\d+)-[ \t]*(\d+)|([a-z])-([a-z])|([A-Z])-([A-Z]))(?::(\d+))?$/.exec(body);
  if (!m) throw bad(`bad range [${body}]`, pos);
  const step = m[7] === undefined ? 1 : Number(m[7]);
  if (step < 1) throw bad('bad range step', pos);
  const out: string[] = [];
  if (m[1] !== undefined) {
    // BigInt: past 2^53 a Number cannot step by 1 (i + 1 === i), and the loop would never end.
    const a = BigInt(m[1]);
    const b = BigInt(m[2]!);
    const by = BigInt(m[7] ?? 1);
    if (b < a || !stepFits(b - a, by)) throw bad(`bad range [${body}]`, pos);
    // curl pads to the width of the first number when it starts with a zero.
    const width = m[1].length > 1 && m[1].startsWith('0') ? m[1].length : 0;
    if ((b - a) / by + 1n > BigInt(MAX_GLOB_URLS)) throw bad('range too large', pos);
    for (let i = a; i <= b; i += by) out.push(String(i).padStart(width, '0'));
  } else {
    const a = (m[3] ?? m[5])!.charCodeAt(0);
    const b = (m[4] ?? m[6])!.charCodeAt(0);
    if (b < a || !stepFits(BigInt(b - a), BigInt(step))) throw bad(`bad range [${body}]`, pos);
    for (let c = a; c <= b; c += step) out.push(String.fromCharCode(c));
  }
  return out;
}

/** An IPv6 literal such as `[::1]` or `[fe80::1%25eth0]` is a host, not a range. */
function isIPv6Literal(body: string): boolean {
  return body.includes(':') && /^[0-9a-fA-F:.]+(%25[\w.~-]+|%[\w.~-]+)?$/.test(body);
}

/**
 * Reads the `{…}` set opening at `start`, as curl: a backslash takes the next
 * character as it is (so `{a\,b,c}` is the two values `a,b` and `c`), a
 * bracket or brace inside is refused, and `{}` (no value at all) is an error
 * while `{,}` is two empty values.
 */
function parseSet(pattern: string, start: number): { values: string[]; end: number } {
  const values: string[] = [];
  let cur = '';
  for (let i = start + 1; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) {
      cur += pattern[++i];
    } else if (c === ',') {
      values.push(cur);
      cur = '';
    } else if (c === '}') {
      if (values.length === 0 && cur === '') throw bad('empty string within braces', i);
      values.push(cur);
      return { values, end: i };
    } else if (c === '{' || c === '[') {
      throw bad('nested brace', i);
    } else if (c === ']') {
      throw bad('unexpected close bracket', i);
    } else {
      cur += c;
    }
  }
  throw bad('unmatched brace', start);
}

function parse(pattern: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length && '[]{}'.includes(pattern[i + 1]!)) {
      text += pattern[++i];
      continue;
    }
    if (c === '{') {
      const set = parseSet(pattern, i);
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push({ kind: 'set', values: set.values });
      i = set.end;
      continue;
    }
    if (c === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw bad('unmatched close bracket', i);
      const body = pattern.slice(i + 1, end);
      // '[]' is no range: curl sends it as it is (PHP-style 'ids[]=1&ids[]=2' queries).
      if (body === '' || isIPv6Literal(body)) {
        text += pattern.slice(i, end + 1);
      } else {
        if (text) parts.push({ kind: 'text', text });
        text = '';
        parts.push({ kind: 'set', values: expandRange(body, i) });
      }
      i = end;
      continue;
    }
    if (c === '}' || c === ']') throw bad(`unmatched ${c}`, i);
    text += c;
  }
  if (text) parts.push({ kind: 'text', text });
  return parts;
}

/** The characters that make a URL a pattern (or escape one). */
const PATTERN_CHARS = /[[\]{}\\]/;

/**
 * Expands one URL pattern. Throws a {@link CliExit} with exit code 3 (as
 * curl) for a malformed pattern or one that expands past {@link MAX_GLOB_URLS}.
 */
export function expandGlob(pattern: string): GlobMatch[] {
  // Most URLs have nothing to expand (and no escape to undo): skip the parse.
  if (!PATTERN_CHARS.test(pattern)) return [{ url: pattern, values: [] }];
  const parts = parse(pattern);
  let total = 1;
  for (const p of parts) if (p.kind === 'set') total *= p.values.length;
  if (total > MAX_GLOB_URLS) throw bad(`expands to ${total} URLs, more than ${MAX_GLOB_URLS}`, 0);
  let acc: GlobMatch[] = [{ url: '', values: [] }];
  for (const p of parts) {
    if (p.kind === 'text') {
      for (const m of acc) m.url += p.text;
    } else {
      const next: GlobMatch[] = [];
      for (const m of acc) for (const v of p.values) next.push({ url: m.url + v, values: [...m.values, v] });
      acc = next;
    }
  }
  return acc;
}

/** Replaces `#1`, `#2`… in an output name by the glob values (unknown references stay as written, as curl). */
export function substituteOutput(name: string, values: readonly string[]): string {
  return name.replace(/#(\d+)/g, (all, n: string) => values[Number(n) - 1] ?? all);
}
