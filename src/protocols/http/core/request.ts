import { InputError } from '../../../errors.js';
import { checkHeader, type HeaderList, isToken } from './headers.js';

/** How the request body is framed on the wire. */
export type RequestFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' };

/** The protocol version on a request line. */
export type HttpVersion = '1.0' | '1.1';

// A request-target is visible ASCII (RFC 9112 §3.2); space, controls and DEL would split or
// smuggle, and bytes past 0x7E must arrive percent-encoded rather than be guessed at.
const BAD_TARGET = /[^\x21-\x7e]/;
// A Host value is an authority: no whitespace, controls, or anything that ends the field.
const BAD_HOST = /[^\x21-\x7e]/;
// Header bytes are sent as latin1: anything past U+00FF cannot be represented and is refused, not mangled.
const NOT_LATIN1 = /[^\0-\xff]/;

/** Throws InputError unless `method` is a token and `target` is safe to put on the request line. */
export function checkRequestLine(method: string, target: string): void {
  if (!isToken(method)) throw new InputError(`invalid HTTP method ${JSON.stringify(method)}`, { protocol: 'http', phase: 'send' });
  if (target.length === 0 || BAD_TARGET.test(target))
    throw new InputError(`invalid request target ${JSON.stringify(target.slice(0, 100))}: spaces, control characters and non-ASCII must be percent-encoded`, {
      protocol: 'http',
      phase: 'send',
    });
}

/**
 * Serialises a request head. Every header is checked again here (a HeaderList
 * built with `new HeaderList(raw)` skips the checks of `append`), so no CR,
 * LF or NUL reaches the wire. Host and the framing headers are written here
 * so they always agree with how the body is actually sent; the caller's own
 * Host, Content-Length and Transfer-Encoding are dropped. An HTTP/1.0
 * request cannot be chunked (the coding is 1.1's, RFC 9112 §7): its body
 * needs a length.
 */
export function serializeHead(method: string, target: string, host: string, headers: HeaderList, framing: RequestFraming, version: HttpVersion = '1.1'): Buffer {
  checkRequestLine(method, target);
  if (version !== '1.1' && (version !== '1.0' || framing.kind === 'chunked'))
    throw new InputError(version === '1.0' ? 'an HTTP/1.0 request cannot send a body chunked: give it a length (Content-Length)' : `unsupported HTTP version ${JSON.stringify(version)}`, {
      protocol: 'http',
      phase: 'send',
    });
  if (host.length === 0 || BAD_HOST.test(host)) throw new InputError(`invalid Host ${JSON.stringify(host.slice(0, 100))}`, { protocol: 'http', phase: 'send' });
  if (framing.kind === 'length' && !(Number.isSafeInteger(framing.length) && framing.length >= 0))
    throw new InputError(`invalid request body length ${String(framing.length)}`, { protocol: 'http', phase: 'send' });
  let s = `${method} ${target} HTTP/${version}\r\nHost: ${host}\r\n`;
  const raw = headers.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    checkHeader(name, value);
    const lower = name.length === 4 || name.length === 14 || name.length === 17 ? name.toLowerCase() : '';
    if (lower === 'host' || lower === 'content-length' || lower === 'transfer-encoding') continue;
    // An empty value goes as `Name:` with no space after it, byte for byte what curl sends for -H 'Name;'.
    s += value === '' ? `${name}:\r\n` : `${name}: ${value}\r\n`;
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

/** The last chunk, with optional trailer fields (checked like headers). */
export function lastChunk(trailers?: HeaderList): Buffer {
  if (!trailers || trailers.size === 0) return LAST_CHUNK;
  let s = '0\r\n';
  for (const [k, v] of trailers) {
    checkHeader(k, v);
    s += `${k}: ${v}\r\n`;
  }
  if (NOT_LATIN1.test(s)) throw new InputError('trailers hold characters outside latin1', { protocol: 'http', phase: 'send' });
  return Buffer.from(`${s}\r\n`, 'latin1');
}
