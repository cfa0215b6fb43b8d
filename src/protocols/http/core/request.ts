import { InputError } from '../../../errors.js';
import { type HeaderList, isToken } from './headers.js';

/** How the request body is framed on the wire. */
export type RequestFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

// A request-target may hold any visible ASCII; space, controls and DEL would split or smuggle.
const BAD_TARGET = /[\0-\x20\x7f]/;
// Header bytes are sent as latin1: anything past U+00FF cannot be represented and is refused, not mangled.
const NOT_LATIN1 = /[^\0-\xff]/;

/** Throws InputError unless `method` is a token and `target` is safe to put on the request line. */
export function checkRequestLine(method: string, target: string): void {
  if (!isToken(method)) throw new InputError(`invalid HTTP method ${JSON.stringify(method)}`, { protocol: 'http', phase: 'send' });
  if (target.length === 0 || BAD_TARGET.test(target))
    throw new InputError(`invalid request target ${JSON.stringify(target.slice(0, 100))}: spaces and control characters must be percent-encoded`, {
      protocol: 'http',
      phase: 'send',
    });
}

/**
 * Serialises a request head. The caller's headers were validated when the
 * HeaderList was built; Host and the framing headers are written here so
 * they always agree with how the body is actually sent.
 */
export function serializeHead(method: string, target: string, host: string, headers: HeaderList, framing: RequestFraming): Buffer {
  checkRequestLine(method, target);
  let s = `${method} ${target} HTTP/1.1\r\nHost: ${host}\r\n`;
  const raw = headers.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.length === 4 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
    if (lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    s += `${name}: ${raw[i + 1]}\r\n`;
  }
  if (framing.kind === 'length') s += `Content-Length: ${framing.length}\r\n`;
  else if (framing.kind === 'chunked') s += 'Transfer-Encoding: chunked\r\n';
  s += '\r\n';
  if (NOT_LATIN1.test(s)) throw new InputError('request head holds characters outside latin1; percent-encode or RFC 8187-encode them', { protocol: 'http', phase: 'send' });
  return Buffer.from(s, 'latin1');
}

const CRLF = Buffer.from('\r\n');
const LAST_CHUNK = Buffer.from('0\r\n\r\n');

/** The bytes that frame one chunk of a chunked body: size line, data, CRLF. An empty chunk frames to nothing (it would end the body). */
export function frameChunk(data: Uint8Array): Uint8Array[] {
  if (data.length === 0) return [];
  return [Buffer.from(`${data.length.toString(16)}\r\n`, 'latin1'), data, CRLF];
}

/** The last chunk, with optional trailer fields. */
export function lastChunk(trailers?: HeaderList): Buffer {
  if (!trailers || trailers.size === 0) return LAST_CHUNK;
  let s = '0\r\n';
  for (const [k, v] of trailers) s += `${k}: ${v}\r\n`;
  return Buffer.from(`${s}\r\n`, 'latin1');
}
