import { ProtocolError } from '../../../errors.js';

/**
 * The response parser's state machine, as data (h11's habit): the states,
 * the inputs that move between them, and the one table of moves.
 *
 * @module
 */

/**
 * 'idle': no response expected; 'head': reading a status line and fields;
 * 'body': reading a body; 'upgraded': the bytes now belong to another
 * protocol (101, or 2xx to CONNECT); 'closed': the transport ended;
 * 'error': the response was broken and the parser refuses more input.
 */
export type ParserState = 'idle' | 'head' | 'body' | 'upgraded' | 'closed' | 'error';

/** What moves the parser from one state to another. */
export type ParserInput = 'expect' | 'interim' | 'head' | 'upgrade' | 'end' | 'eof' | 'fail';

/**
 * The whole state machine: state → input → next state. A move not in the
 * table is a bug or a misuse and throws "can't handle X in state Y".
 * 'eof' in 'head' and in a 'body' that is not read-until-close is not a
 * move but a truncation: it takes the 'fail' edge.
 */
export const TRANSITIONS = {
  idle: { expect: 'head', eof: 'closed', fail: 'error' },
  head: { interim: 'head', head: 'body', upgrade: 'upgraded', fail: 'error' },
  body: { end: 'idle', eof: 'closed', fail: 'error' },
  upgraded: { eof: 'closed' },
  closed: { eof: 'closed' },
  error: {},
} as const satisfies Record<ParserState, Partial<Record<ParserInput, ParserState>>>;

/** The state `input` leads to from `state`; ProtocolError when the table has no such move. */
export function nextState(state: ParserState, input: ParserInput): ParserState {
  const row: Partial<Record<ParserInput, ParserState>> = TRANSITIONS[state];
  const next = row[input];
  if (next === undefined) throw new ProtocolError(`can't handle ${input} in state ${state}`, { protocol: 'http' });
  return next;
}

/** Where a failure leaves the parser: the 'fail' edge where the state has one, else 'error'. */
export function failedState(state: ParserState): ParserState {
  const row: Partial<Record<ParserInput, ParserState>> = TRANSITIONS[state];
  return row.fail ?? 'error';
}
