/**
 * Sans-IO facts about a message body before it is sent: its size once every
 * line ending is CRLF (RFC 1870 SIZE), and whether it needs 8BITMIME.
 *
 * The bytes themselves are normalised on the way out by the line layer's
 * DotStuffer, which turns every bare LF or CR into CRLF and doubles leading
 * dots; these helpers only predict the result.
 *
 * @module
 */

const CR = 13;
const LF = 10;

/**
 * The size of `body` after line-ending normalisation (bare LF and bare CR
 * each become CRLF) and with a final CRLF, as SIZE counts it. Dot-stuffing is
 * transparency and is not counted (RFC 1870 §3).
 */
export function wireSize(body: Uint8Array): number {
  let n = body.length;
  for (let i = 0; i < body.length; i++) {
    const b = body[i];
    if (b === LF && (i === 0 || body[i - 1] !== CR)) n++;
    else if (b === CR && body[i + 1] !== LF) n++;
  }
  const last = body[body.length - 1];
  if (body.length > 0 && last !== LF && last !== CR) n += 2;
  return n;
}

/** True when some byte has its high bit set: the body needs BODY=8BITMIME (RFC 6152). */
export function has8bit(body: Uint8Array): boolean {
  for (let i = 0; i < body.length; i++) if (body[i]! > 127) return true;
  return false;
}
