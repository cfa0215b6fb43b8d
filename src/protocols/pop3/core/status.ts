/**
 * POP3 status lines (RFC 1939 §3): `+OK text` or `-ERR text`, with the
 * optional RFC 2449 §8 response code in brackets (`-ERR [IN-USE] …`), and
 * the `+ ` continuation of RFC 5034 SASL exchanges.
 *
 * @module
 */
import { ProtocolError, ReplyError } from '../../../errors.js';

/** One parsed status line. */
export interface Pop3Status {
  ok: boolean;
  /** The text after the indicator, without the bracketed response code. */
  text: string;
  /** RFC 2449 extended response code, e.g. 'IN-USE', 'AUTH', 'SYS/TEMP'. */
  code?: string | undefined;
}

/** The longest response code we keep; a longer bracket is kept as text. */
const MAX_CODE = 64;

function splitCode(text: string): { text: string; code?: string } {
  if (text[0] !== '[') return { text };
  const close = text.indexOf(']');
  if (close < 2 || close > MAX_CODE) return { text };
  const code = text.slice(1, close);
  // RFC 2449: atoms separated by '/'; anything else is ordinary text.
  for (let i = 0; i < code.length; i++) {
    const c = code.charCodeAt(i);
    if (c <= 0x20 || c >= 0x7f || c === 0x5b || c === 0x5d) return { text };
  }
  return { text: text.slice(close + 1).trimStart(), code };
}

/**
 * Parses a status line. The indicator must be `+OK` or `-ERR` (case
 * sensitive as in RFC 1939), followed by the end of the line or a space;
 * anything else is a ProtocolError.
 */
export function parseStatus(line: string): Pop3Status {
  let ok: boolean;
  let rest: string;
  if (line.startsWith('+OK')) {
    ok = true;
    rest = line.slice(3);
  } else if (line.startsWith('-ERR')) {
    ok = false;
    rest = line.slice(4);
  } else {
    throw new ProtocolError(`not a POP3 status line: ${JSON.stringify(line.slice(0, 80))}`, { protocol: 'pop3', phase: 'reply' });
  }
  if (rest.length > 0 && rest[0] !== ' ') {
    throw new ProtocolError(`not a POP3 status line: ${JSON.stringify(line.slice(0, 80))}`, { protocol: 'pop3', phase: 'reply' });
  }
  const { text, code } = splitCode(rest.trimStart());
  return code === undefined ? { ok, text } : { ok, text, code };
}

/**
 * The ReplyError for a `-ERR`. POP3 has no numeric codes: `reply.code` is
 * 0 and `reply.text` the server's whole text, response code included.
 */
export function refusal(status: Pop3Status, command: string, phase = 'reply'): ReplyError {
  const shown = status.code ? `[${status.code}] ${status.text}` : status.text;
  return new ReplyError(`${command}: the server said -ERR ${shown}`.trimEnd(), {
    reply: { code: 0, text: shown },
    protocol: 'pop3',
    phase,
  });
}

/** True for an RFC 5034 continuation line (`+ ` and a base64 challenge, or a bare `+`). */
export function isContinuation(line: string): boolean {
  return line === '+' || line.startsWith('+ ');
}
