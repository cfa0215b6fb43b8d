import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ALLOWED, TRANSITIONS, checkAllowed, lineCount, messageNumber, textArg, transition, type Pop3Event, type Pop3State } from '../../../../src/protocols/pop3/core/session.js';
import { InputError } from '../../../../src/errors.js';

test('every transition in the table is taken by transition(); every missing one is refused', () => {
  const events: Pop3Event[] = ['login', 'quit', 'close'];
  for (const state of Object.keys(TRANSITIONS) as Pop3State[]) {
    for (const ev of events) {
      const want = TRANSITIONS[state][ev];
      if (want === undefined) assert.throws(() => transition(state, ev), InputError, `${state} ${ev}`);
      else assert.equal(transition(state, ev), want, `${state} ${ev}`);
    }
  }
  assert.equal(transition('authorization', 'login'), 'transaction');
  assert.equal(transition('transaction', 'quit'), 'update');
});

test('ALLOWED: transaction commands refused before login, login commands after, nothing once closed', () => {
  for (const [state, verbs] of Object.entries(ALLOWED) as [Pop3State, ReadonlySet<string>][]) {
    for (const v of ['CAPA', 'STLS', 'USER', 'PASS', 'APOP', 'AUTH', 'STAT', 'LIST', 'UIDL', 'RETR', 'TOP', 'DELE', 'RSET', 'NOOP', 'QUIT'] as const) {
      if (verbs.has(v)) checkAllowed(state, v);
      else assert.throws(() => checkAllowed(state, v), InputError, `${state} ${v}`);
    }
  }
  assert.throws(() => checkAllowed('authorization', 'RETR'), /before login/);
  assert.throws(() => checkAllowed('transaction', 'STLS'), /after login/);
});

test('argument checks', () => {
  assert.equal(messageNumber(3), 3);
  for (const n of [0, -1, 1.5, NaN, Infinity, 2 ** 53, '1']) assert.throws(() => messageNumber(n), InputError, String(n));
  assert.equal(lineCount(0), 0);
  assert.throws(() => lineCount(-1), InputError);
  assert.equal(textArg('pass word', 'password'), 'pass word');
  for (const s of ['a\r', 'a\nb', 'a\0', 5]) assert.throws(() => textArg(s, 'x'), InputError);
});
