/**
 * Turning a caller's command into wire bytes, safely: the one place that
 * decides a line is fit to send.
 *
 * @module
 */
import { InputError } from '../errors.js';

/** How lines are decoded and string commands encoded. */
export type LineEncoding = 'utf8' | 'latin1';

const CRLF = Buffer.from('\r\n', 'latin1');
const NOT_LATIN1 = /[^\x00-\xff]/;

/**
 * Encodes a string (or passes bytes through) for the wire. Refuses characters
 * latin1 cannot hold instead of mangling them, since a silently altered path
 * or address is worse than an error.
 */
export function encodeText(s: string | Uint8Array, encoding: LineEncoding = 'utf8'): Buffer {
  checkType(s);
  if (typeof s !== 'string') return Buffer.isBuffer(s) ? s : Buffer.from(s.buffer, s.byteOffset, s.length);
  if (encoding === 'latin1' && NOT_LATIN1.test(s)) {
    throw new InputError('the text has characters outside latin1; nothing was sent', { phase: 'send' });
  }
  return Buffer.from(s, encoding);
}

/** Untyped callers can pass anything; it must fail as an InputError, not a TypeError from deep inside. */
function checkType(v: unknown, protocol?: string): asserts v is string | Uint8Array {
  if (typeof v !== 'string' && !(v instanceof Uint8Array)) {
    throw new InputError(`expected a string or bytes, got ${v === null ? 'null' : typeof v}; nothing was sent`, { protocol, phase: 'send' });
  }
}

/**
 * Throws InputError when `line` holds a CR, LF or NUL: any of them would let
 * the caller's data end the command early and smuggle in another one.
 */
export function validateLine(line: string | Uint8Array, protocol?: string): void {
  checkType(line, protocol);
  const bad =
    typeof line === 'string'
      ? line.includes('\r') || line.includes('\n') || line.includes('\0')
      : line.indexOf(13) >= 0 || line.indexOf(10) >= 0 || line.indexOf(0) >= 0;
  if (bad) {
    throw new InputError('a line to send holds CR, LF or NUL; nothing was sent', { protocol, phase: 'send' });
  }
}

/**
 * The wire form of one command line: validated, encoded, CRLF appended, as a
 * single buffer so it goes out in one write.
 */
export function encodeLine(line: string | Uint8Array, encoding: LineEncoding = 'utf8', protocol?: string): Buffer {
  validateLine(line, protocol);
  return Buffer.concat([encodeText(line, encoding), CRLF]);
}
