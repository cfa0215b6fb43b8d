import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMMANDS, hasBlock, succeeded, type NntpVerb } from '../../../../src/protocols/nntp/core/commands.js';

test('the table: every block code is a success code; RFC 3977 §3.4.1 multi-line responses are the ones with blocks', () => {
  for (const [verb, spec] of Object.entries(COMMANDS) as [NntpVerb, (typeof COMMANDS)[NntpVerb]][]) {
    for (const b of spec.block) assert.ok(spec.ok.includes(b), verb);
    for (const code of spec.ok) assert.equal(succeeded(verb, code), true);
  }
  const multi = new Set([101, 215, 220, 221, 222, 224]);
  for (const [verb, spec] of Object.entries(COMMANDS) as [NntpVerb, (typeof COMMANDS)[NntpVerb]][]) {
    for (const code of spec.ok) assert.equal(hasBlock(verb, code), multi.has(code), `${verb} ${code}`);
  }
  assert.equal(succeeded('GROUP', 411), false);
  assert.equal(succeeded('AUTHINFO USER', 381), true);
  assert.equal(hasBlock('STAT', 223), false);
});
