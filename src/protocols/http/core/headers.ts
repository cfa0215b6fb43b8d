import { InputError } from '../../../errors.js';

/** Header input a caller may pass: an object, a list of pairs, or anything iterable as pairs (a WHATWG Headers). */
export type HeadersInit = Record<string, string | readonly string[] | number | undefined> | Iterable<readonly [string, string]>;

// RFC 9110 §5.6.2 tchar; one anchored character class cannot backtrack.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A field value may hold visible characters, spaces, tabs and obs-text; never CR, LF or NUL.
const BAD_VALUE = /[\0\r\n]/;

/** True for a valid method or header name (an RFC 9110 token). */
export function isToken(s: string): boolean {
  return TOKEN.test(s);
}

/** Throws InputError unless `name` is a token and `value` holds no CR, LF or NUL. */
export function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new InputError(`invalid header name ${JSON.stringify(name)}`, { protocol: 'http' });
  if (BAD_VALUE.test(value)) throw new InputError(`header ${name} has CR, LF or NUL in its value`, { protocol: 'http' });
}

/**
 * An ordered list of header fields as they travel: names keep their case,
 * duplicates stay separate (Set-Cookie), and look-up ignores case. The
 * lower-cased index is built on first look-up, so a response whose headers
 * are never read costs one array.
 */
export class HeaderList implements Iterable<[string, string]> {
  /** Flat [name0, value0, name1, value1, …], as parsed or added. */
  readonly raw: string[];
  #index: Map<string, number[]> | undefined;

  constructor(raw: string[] = []) {
    this.raw = raw;
  }

  /** Builds a list from caller input, checking every name and value. */
  static from(init: HeadersInit | HeaderList | undefined): HeaderList {
    const h = new HeaderList();
    if (!init) return h;
    // A copy by slice: spreading the list into push() passes every entry as an argument, a
    // RangeError past ~120,000 of them (a response parsed with a raised maxHeaders).
    if (init instanceof HeaderList) return new HeaderList(init.raw.slice());
    if (Symbol.iterator in init) {
      for (const pair of init as Iterable<readonly [string, string]>) h.append(pair[0], pair[1]);
      return h;
    }
    for (const [name, v] of Object.entries(init)) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const one of v) h.append(name, String(one));
      else h.append(name, String(v));
    }
    return h;
  }

  /** The number of fields (repeats counted). */
  get size(): number {
    return this.raw.length / 2;
  }

  #lookup(): Map<string, number[]> {
    if (this.#index) return this.#index;
    const idx = new Map<string, number[]>();
    for (let i = 0; i < this.raw.length; i += 2) {
      const k = this.raw[i]!.toLowerCase();
      const at = idx.get(k);
      if (at) at.push(i);
      else idx.set(k, [i]);
    }
    return (this.#index = idx);
  }

  /** The value, with repeated fields joined by ", " (RFC 9110 §5.3); null when absent. */
  get(name: string): string | null {
    const at = this.#lookup().get(name.toLowerCase());
    if (!at) return null;
    if (at.length === 1) return this.raw[at[0]! + 1]!;
    return at.map((i) => this.raw[i + 1]!).join(', ');
  }

  /** Every value of a field, unjoined (Set-Cookie must never be joined). */
  getAll(name: string): string[] {
    const at = this.#lookup().get(name.toLowerCase());
    return at ? at.map((i) => this.raw[i + 1]!) : [];
  }

  /** The Set-Cookie values, as the WHATWG Headers API names it. */
  getSetCookie(): string[] {
    return this.getAll('set-cookie');
  }

  /** True when at least one field has this name (any case). */
  has(name: string): boolean {
    return this.#lookup().has(name.toLowerCase());
  }

  /** Adds a field after checking it. */
  append(name: string, value: string): this {
    checkHeader(name, value);
    this.raw.push(name, value);
    this.#index = undefined;
    return this;
  }

  /** Replaces every field of that name with one. */
  set(name: string, value: string): this {
    this.delete(name);
    return this.append(name, value);
  }

  /** Removes every field of that name (any case). */
  delete(name: string): this {
    const k = name.toLowerCase();
    // One pass that moves the kept fields down: a splice per match made deleting m of n fields O(n·m).
    const raw = this.raw;
    let w = 0;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.toLowerCase() === k) continue;
      raw[w] = raw[i]!;
      raw[w + 1] = raw[i + 1]!;
      w += 2;
    }
    raw.length = w;
    this.#index = undefined;
    return this;
  }

  /** The fields as [name, value] pairs, in order, repeats separate. */
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (let i = 0; i < this.raw.length; i += 2) yield [this.raw[i]!, this.raw[i + 1]!];
  }

  /** A plain object with lower-case names; repeated fields joined (Set-Cookie as an array). */
  toJSON(): Record<string, string | string[]> {
    const out: Record<string, string | string[]> = {};
    for (const k of this.#lookup().keys()) out[k] = k === 'set-cookie' ? this.getAll(k) : this.get(k)!;
    return out;
  }
}

/** Strips optional whitespace (SP, HTAB; RFC 9110 §5.6.3) from both ends. `String#trim` would also eat NBSP (0xA0), which is obs-text here. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/**
 * Splits a comma-separated field value into trimmed, non-empty, lower-cased
 * items (Connection, Transfer-Encoding, Content-Encoding). Empty list
 * elements are skipped, as RFC 9110 §5.6.1 asks of recipients.
 */
export function listTokens(value: string | null): string[] {
  if (!value) return [];
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const comma = value.indexOf(',', start);
    const t = trimOws(value.slice(start, comma === -1 ? value.length : comma)).toLowerCase();
    if (t) out.push(t);
    if (comma === -1) return out;
    start = comma + 1;
  }
}
