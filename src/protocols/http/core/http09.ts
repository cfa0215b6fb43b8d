/**
 * Telling an HTTP/0.9 response (no status line: the body from the first
 * byte, to the close) from an HTTP/1.x one by its first bytes, as curl does:
 * a response that does not begin with `HTTP/` is 0.9. Refused unless the
 * request allowed it (curl 7.88 refuses by default: "Received HTTP/0.9 when
 * not allowed", exit 1).
 *
 * @module
 */
import { ProtocolError } from '../../../errors.js';
import { HeaderList } from './headers.js';
import type { ResponseHead } from './response-types.js';

const PREFIX = 'HTTP/';

/**
 * What the bytes `buf[pos…]` (after `held`, the bytes of this response kept
 * from earlier feeds) say: `'1.x'` — they begin `HTTP/`, or with a blank
 * line, which the head reader skips; `'0.9'` — they cannot; `'more'` — too
 * few bytes to tell yet.
 */
export function sniffResponse(held: Buffer | undefined, buf: Buffer, pos: number): '1.x' | '0.9' | 'more' {
  const h = held?.length ?? 0;
  const n = Math.min(PREFIX.length, h + buf.length - pos);
  for (let i = 0; i < n; i++) {
    const c = i < h ? held![i]! : buf[pos + i - h]!;
    if (i === 0 && (c === 13 || c === 10)) return '1.x';
    if (c !== PREFIX.charCodeAt(i)) return '0.9';
  }
  return n === PREFIX.length ? '1.x' : 'more';
}

/** The head an accepted HTTP/0.9 response is reported with: status 0 (there is none; curl's `%{http_code}` says 000), no fields, read to the close. */
export function http09Head(): ResponseHead {
  return { type: 'head', status: 0, reason: '', version: '0.9', headers: new HeaderList(), bodyKind: 'close', contentLength: undefined, transferCodings: [], keepAlive: false, raw: '' };
}

/**
 * The refusal of an HTTP/0.9 response: one the request did not allow is
 * phase 'http09' (curl's exit 1); one allowed but to a HEAD, which can have
 * no body, is only a broken reply (curl's exit 8).
 */
export function http09Refused(allowed: boolean): ProtocolError {
  if (allowed) return new ProtocolError('HTTP/0.9 response (no status line) to HEAD', { protocol: 'http', phase: 'headers' });
  return new ProtocolError('Received HTTP/0.9 when not allowed', { protocol: 'http', phase: 'http09' });
}
