/**
 * How a response's body is delimited, from its framing fields (RFC 9112
 * §6.3): Content-Length read strictly, Connection / Transfer-Encoding /
 * Content-Length picked out of the raw fields in one pass, and whether the
 * connection persists after it (§9.3).
 *
 * @module
 */
import { ProtocolError } from '../../../errors.js';
import { listTokens } from './headers.js';

const HEAD_PHASE = { protocol: 'http', phase: 'headers' } as const;

/**
 * RFC 9110 §8.6 / RFC 9112 §6.3: digits only (leading zeros allowed); a list
 * or repeated field is accepted only when every member is the same number.
 * Anything else — empty members, signs, spaces inside, more than 15
 * significant digits — is a ProtocolError, since a wrong length
 * desynchronises the connection (response smuggling).
 */
export function parseContentLength(values: string[]): number {
  let result = -1;
  for (const v of values) {
    // Each comma-separated member in place, by index: no substring per member.
    let start = 0;
    for (;;) {
      const comma = v.indexOf(',', start);
      let a = start;
      let b = comma === -1 ? v.length : comma;
      while (a < b && (v.charCodeAt(a) === 32 || v.charCodeAt(a) === 9)) a++;
      while (b > a && (v.charCodeAt(b - 1) === 32 || v.charCodeAt(b - 1) === 9)) b--;
      if (a === b) throw badLength(v);
      let n = 0;
      let digits = 0;
      for (let i = a; i < b; i++) {
        const c = v.charCodeAt(i);
        if (c < 48 || c > 57) throw badLength(v);
        if (n > 0 || c !== 48) digits++;
        if (digits > 15) throw badLength(v);
        n = n * 10 + (c - 48);
      }
      if (result !== -1 && n !== result) throw new ProtocolError('conflicting Content-Length values', HEAD_PHASE);
      result = n;
      if (comma === -1) break;
      start = comma + 1;
    }
  }
  return result;
}

function badLength(v: string): ProtocolError {
  return new ProtocolError(`invalid Content-Length ${JSON.stringify(v.slice(0, 32))}`, HEAD_PHASE);
}

/**
 * Connection, Transfer-Encoding (each joined as a list, as HeaderList.get
 * does) and every Content-Length, in one pass over the raw fields: asking
 * the list by name would build its lookup index for every response, which
 * the caller usually never needs. Names are compared only when the length fits.
 */
export function framingFields(raw: readonly string[]): { connection: string | null; te: string | null; cl: string[] } {
  let connection: string | null = null;
  let te: string | null = null;
  const cl: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = raw[i]!.length;
    if (n !== 10 && n !== 14 && n !== 17) continue;
    // All three begin with c or t: other names of those lengths (Keep-Alive, Set-Cookie…) are not lower-cased.
    const c0 = raw[i]!.charCodeAt(0) | 0x20;
    if (c0 !== 0x63 && c0 !== 0x74) continue;
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === 'connection') connection = connection === null ? value : `${connection}, ${value}`;
    else if (name === 'content-length') cl.push(value);
    else if (name === 'transfer-encoding') te = te === null ? value : `${te}, ${value}`;
  }
  return { connection, te, cl };
}

/**
 * Whether the Connection field lets the connection live on (RFC 9112 §9.3):
 * HTTP/1.1 unless it says `close`, HTTP/1.0 only if it says `keep-alive`
 * (and not `close`). The usual values are answered without splitting the list.
 */
export function connectionKeepsAlive(connection: string | null, version: '1.0' | '1.1'): boolean {
  if (connection === null) return version === '1.1';
  if (connection === 'keep-alive') return true;
  if (connection === 'close') return false;
  const tokens = listTokens(connection);
  return !tokens.includes('close') && (version === '1.1' || tokens.includes('keep-alive'));
}
