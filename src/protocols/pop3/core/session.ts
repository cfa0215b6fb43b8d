/**
 * The POP3 session states (RFC 1939 §3) as data: which commands each state
 * allows and what moves the session on. The client consults this table
 * before anything is sent, so a STAT before login is an InputError, not a
 * round trip to a `-ERR`.
 *
 * @module
 */
import { InputError } from '../../../errors.js';

/** Where a POP3 session stands. `update` is entered by QUIT from `transaction`. */
export type Pop3State = 'authorization' | 'transaction' | 'update' | 'closed';

/** The commands this library sends. */
export type Pop3Verb = 'CAPA' | 'STLS' | 'USER' | 'PASS' | 'APOP' | 'AUTH' | 'STAT' | 'LIST' | 'UIDL' | 'RETR' | 'TOP' | 'DELE' | 'RSET' | 'NOOP' | 'QUIT';

/** What moves a session from one state to another. */
export type Pop3Event = 'login' | 'quit' | 'close';

/** Commands each state accepts (RFC 1939 §4–§6; CAPA in both, RFC 2449 §5; STLS before login, RFC 2595 §4). */
export const ALLOWED: { readonly [S in Pop3State]: ReadonlySet<Pop3Verb> } = {
  authorization: new Set<Pop3Verb>(['CAPA', 'STLS', 'USER', 'PASS', 'APOP', 'AUTH', 'QUIT']),
  transaction: new Set<Pop3Verb>(['CAPA', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'QUIT']),
  update: new Set<Pop3Verb>(),
  closed: new Set<Pop3Verb>(),
};

/** Every transition; an event missing from a state's row cannot happen there. */
export const TRANSITIONS: { readonly [S in Pop3State]: Readonly<Partial<Record<Pop3Event, Pop3State>>> } = {
  authorization: { login: 'transaction', quit: 'closed', close: 'closed' },
  transaction: { quit: 'update', close: 'closed' },
  update: { close: 'closed' },
  closed: { close: 'closed' },
};

/** Throws InputError when `verb` is not allowed in `state`. */
export function checkAllowed(state: Pop3State, verb: Pop3Verb): void {
  if (!ALLOWED[state].has(verb)) {
    const why = state === 'authorization' ? 'before login' : state === 'transaction' ? 'after login' : `in the ${state} state`;
    throw new InputError(`POP3 ${verb} cannot be sent ${why}; nothing was sent`, { protocol: 'pop3' });
  }
}

/** The state after `event`; InputError for an event that cannot happen in `state`. */
export function transition(state: Pop3State, event: Pop3Event): Pop3State {
  const next = TRANSITIONS[state][event];
  if (next === undefined) throw new InputError(`POP3: can't handle ${event} in state ${state}`, { protocol: 'pop3' });
  return next;
}

/** Checks a message number the caller passed: a positive safe integer. */
export function messageNumber(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new InputError(`a POP3 message number must be a positive integer, got ${String(n)}`, { protocol: 'pop3' });
  }
  return n;
}

/** Checks a line count for TOP: a non-negative safe integer. */
export function lineCount(n: unknown): number {
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
    throw new InputError(`TOP's line count must be a non-negative integer, got ${String(n)}`, { protocol: 'pop3' });
  }
  return n;
}

/**
 * Checks a text argument (user name, password): a string without CR, LF or
 * NUL, which would end the command early and smuggle in another.
 */
export function textArg(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new InputError(`the ${what} must be a string`, { protocol: 'pop3' });
  if (v.includes('\r') || v.includes('\n') || v.includes('\0')) {
    throw new InputError(`the ${what} holds CR, LF or NUL; nothing was sent`, { protocol: 'pop3' });
  }
  return v;
}
