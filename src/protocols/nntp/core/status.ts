/**
 * NNTP status lines (RFC 3977 §3.2): a three-digit code, then a space and
 * text or nothing. There are no `ddd-` continuation lines in NNTP; one is a
 * ProtocolError, not the start of a reply we would wait on.
 *
 * @module
 */
import { ProtocolError, ReplyError } from '../../../errors.js';
import { parseCodeLine } from '../../../line/replies.js';

/** One status line. */
export interface NntpStatus {
  code: number;
  text: string;
}

/** Parses a status line; ProtocolError for anything that is not one. */
export function parseStatus(line: string): NntpStatus {
  const p = parseCodeLine(line);
  if (!p || p.more) throw new ProtocolError(`not an NNTP status line: ${JSON.stringify(line.slice(0, 80))}`, { protocol: 'nntp', phase: 'reply' });
  return { code: p.code, text: p.text };
}

/** The ReplyError for a status the command did not want (4xx/5xx, or an unexpected 2xx/3xx). */
export function refusal(st: NntpStatus, command: string, phase = 'reply'): ReplyError {
  return new ReplyError(`${command}: the server replied ${st.code} ${st.text}`.trimEnd(), {
    reply: { code: st.code, text: st.text },
    protocol: 'nntp',
    phase,
  });
}
