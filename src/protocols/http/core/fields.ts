import { LimitError, ProtocolError } from '../../../errors.js';
import { HeaderList, isToken } from './headers.js';

/**
 * Collects header (or trailer) field lines into a HeaderList, applying the
 * RFC 9112 §5 rules a user agent must: obs-fold lines are unfolded into one
 * space, no whitespace may sit between name and colon, and a value may not
 * carry NUL or a bare CR. Counts and bytes are bounded by the caller's limits.
 */
export class FieldCollector {
  raw: string[] = [];
  bytes = 0;

  constructor(
    private readonly maxFields: number,
    private readonly maxBytes: number,
    private readonly what: string,
  ) {}

  /** Adds one line (without its line ending). */
  add(line: string): void {
    this.bytes += line.length + 2;
    if (this.bytes > this.maxBytes) throw new LimitError(`${this.what} larger than ${this.maxBytes} bytes`, { limit: this.maxBytes, protocol: 'http' });
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) {
      // obs-fold: a continuation of the previous value.
      if (this.raw.length === 0) throw new ProtocolError(`${this.what}: continuation line before any field`, { protocol: 'http' });
      const more = trimOws(line);
      checkValue(more, this.what);
      const i = this.raw.length - 1;
      this.raw[i] = more ? `${this.raw[i]} ${more}` : this.raw[i]!;
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ProtocolError(`${this.what}: malformed field line ${JSON.stringify(line.slice(0, 64))}`, { protocol: 'http' });
    const name = line.slice(0, colon);
    if (!isToken(name)) throw new ProtocolError(`${this.what}: invalid field name ${JSON.stringify(name.slice(0, 64))}`, { protocol: 'http' });
    const value = trimOws(line.slice(colon + 1));
    checkValue(value, this.what);
    if (this.raw.length / 2 >= this.maxFields) throw new LimitError(`${this.what}: more than ${this.maxFields} fields`, { limit: this.maxFields, protocol: 'http' });
    this.raw.push(name, value);
  }

  /** Hands over the fields collected and starts afresh. */
  take(): HeaderList {
    const h = new HeaderList(this.raw);
    this.raw = [];
    this.bytes = 0;
    return h;
  }
}

function checkValue(value: string, what: string): void {
  if (value.indexOf('\0') !== -1 || value.indexOf('\r') !== -1)
    throw new ProtocolError(`${what}: NUL or bare CR in a field value`, { protocol: 'http' });
}

/** Strips optional whitespace (SP, HTAB) from both ends without a regex. */
export function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}
