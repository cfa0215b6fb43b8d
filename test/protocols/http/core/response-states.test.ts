import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../../src/errors.js';
import { failedState, nextState, TRANSITIONS, type ParserInput, type ParserState } from '../../../../src/protocols/http/core/response-states.js';

const STATES = Object.keys(TRANSITIONS) as ParserState[];
const INPUTS: ParserInput[] = ['expect', 'interim', 'head', 'upgrade', 'end', 'eof', 'fail'];

test('nextState follows the table and refuses every move it lacks', () => {
  let moves = 0;
  for (const from of STATES) {
    const row: Partial<Record<ParserInput, ParserState>> = TRANSITIONS[from];
    for (const input of INPUTS) {
      const to = row[input];
      if (to === undefined) {
        assert.throws(() => nextState(from, input), (e: unknown) => e instanceof ProtocolError && e.message === `can't handle ${input} in state ${from}`);
      } else {
        assert.equal(nextState(from, input), to);
        moves++;
      }
    }
  }
  assert.equal(moves, 12);
});

test('failedState takes the fail edge where there is one, else error', () => {
  assert.deepEqual(
    STATES.map((s) => failedState(s)),
    STATES.map(() => 'error'),
  );
  assert.equal(TRANSITIONS.upgraded.eof, 'closed');
  assert.equal('fail' in TRANSITIONS.upgraded, false);
});
