/**
 * A small, Headers-compatible map for {@link UrlResponse.info}. The global
 * `Headers` would do, but in Node 20 touching it loads the whole bundled
 * undici (tens of milliseconds), and `dial` must start as fast as `node -e 0`.
 *
 * @module
 */

/** What the constructor takes: pairs, a record, or another header map. */
export type UrlHeadersInit = Iterable<readonly [string, string]> | Record<string, string | readonly string[] | undefined>;

/**
 * Response headers by case-insensitive name, iterated sorted by lower-cased
 * name with repeated fields joined by `, ` — as WHATWG `Headers` does, so code
 * written for fetch reads it unchanged. `Set-Cookie` values stay separate, in
 * iteration and in {@link getSetCookie}.
 */
export class UrlHeaders implements Iterable<[string, string]> {
  readonly #fields = new Map<string, string[]>();

  constructor(init?: UrlHeadersInit) {
    if (!init) return;
    if (Symbol.iterator in init) {
      for (const [name, value] of init as Iterable<readonly [string, string]>) this.append(name, value);
      return;
    }
    for (const [name, value] of Object.entries(init)) {
      if (value === undefined) continue;
      if (typeof value === 'string') this.append(name, value);
      else for (const v of value) this.append(name, v);
    }
  }

  /** The field's values joined by `, `, or null when absent. */
  get(name: string): string | null {
    const v = this.#fields.get(name.toLowerCase());
    return v ? v.join(', ') : null;
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  /** Replaces every value of the field. */
  set(name: string, value: string): void {
    this.#fields.set(name.toLowerCase(), [String(value)]);
  }

  /** Adds a value, keeping earlier ones. */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const list = this.#fields.get(key);
    if (list) list.push(String(value));
    else this.#fields.set(key, [String(value)]);
  }

  delete(name: string): void {
    this.#fields.delete(name.toLowerCase());
  }

  /** Each Set-Cookie value on its own (they cannot be joined with commas). */
  getSetCookie(): string[] {
    return [...(this.#fields.get('set-cookie') ?? [])];
  }

  *entries(): IterableIterator<[string, string]> {
    for (const key of [...this.#fields.keys()].sort()) {
      const list = this.#fields.get(key)!;
      if (key === 'set-cookie') for (const v of list) yield [key, v];
      else yield [key, list.join(', ')];
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }

  forEach(fn: (value: string, name: string, headers: UrlHeaders) => void): void {
    for (const [k, v] of this.entries()) fn(v, k, this);
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}
