import { LimitError, ProtocolError } from '../../../errors.js';
import { HeaderList, isToken, trimOws } from './headers.js';

export { trimOws };

/**
 * Collects header (or trailer) field lines into a HeaderList, applying the
 * RFC 9112 §5 rules a user agent must:
 *
 * - obs-fold (a line starting with SP/HTAB) is *unfolded*: RFC 9112 §5.2
 *   says a user agent MUST replace it with SP before interpreting the value,
 *   so rejecting it would break servers that still fold. The fold joins the
 *   previous value with one SP. A fold before any field (whitespace right
 *   after the status line, §2.2) is refused.
 * - No whitespace between name and colon (§5.1): the name must be a token.
 * - NUL or CR inside a value is a ProtocolError (RFC 9110 §5.5 lets a
 *   recipient reject or replace; we reject, since such bytes only appear in
 *   splitting attacks). Other control bytes and obs-text (0x80–0xFF) are
 *   kept as latin1, as browsers do.
 *
 * Field count and bytes (each line counted with its CRLF) are bounded.
 */
export class FieldCollector {
  /** Flat [name, value, …] collected so far. */
  raw: string[] = [];
  /** Bytes of the lines added so far, each counted with a CRLF. */
  bytes = 0;

  constructor(
    private readonly maxFields: number,
    private readonly maxBytes: number,
    private readonly what: string,
  ) {}

  /** Bytes still allowed before the byte limit is reached. */
  get remaining(): number {
    return this.maxBytes - this.bytes;
  }

  /**
   * Adds one line (without its line ending): `text`, or the part of it from
   * `start` to `end` — a head decoded whole is read in place, so only the
   * name and the value become strings of their own.
   */
  add(text: string, start = 0, end = text.length): void {
    this.bytes += end - start + 2;
    if (this.bytes > this.maxBytes) throw new LimitError(`${this.what} larger than ${this.maxBytes} bytes`, { limit: this.maxBytes, protocol: 'http' });
    const c0 = text.charCodeAt(start);
    if (c0 === 32 || c0 === 9) {
      if (this.raw.length === 0) throw new ProtocolError(`${this.what}: continuation line before any field`, { protocol: 'http' });
      const more = trimOws(text.slice(start, end));
      checkValue(more, this.what);
      const i = this.raw.length - 1;
      if (more) this.raw[i] = this.raw[i] ? `${this.raw[i]} ${more}` : more;
      return;
    }
    const colon = text.indexOf(':', start);
    if (colon <= start || colon >= end) throw new ProtocolError(`${this.what}: malformed field line ${JSON.stringify(text.slice(start, Math.min(end, start + 64)))}`, { protocol: 'http' });
    const name = text.slice(start, colon);
    if (!isToken(name)) throw new ProtocolError(`${this.what}: invalid field name ${JSON.stringify(name.slice(0, 64))}`, { protocol: 'http' });
    // The value without its optional whitespace (RFC 9112 §5.1), cut once.
    let a = colon + 1;
    let b = end;
    while (a < b && (text.charCodeAt(a) === 32 || text.charCodeAt(a) === 9)) a++;
    while (b > a && (text.charCodeAt(b - 1) === 32 || text.charCodeAt(b - 1) === 9)) b--;
    const value = text.slice(a, b);
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
  if (value.indexOf('\0') !== -1 || value.indexOf('\r') !== -1) throw new ProtocolError(`${what}: NUL or bare CR in a field value`, { protocol: 'http' });
}
