import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStatus, refusal } from '../../../../src/protocols/nntp/core/status.js';
import { ProtocolError, ReplyError } from '../../../../src/errors.js';

test('parseStatus: ddd text, bare ddd; ddd- and non-codes are ProtocolErrors', () => {
  assert.deepEqual(parseStatus('200 ready'), { code: 200, text: 'ready' });
  assert.deepEqual(parseStatus('205'), { code: 205, text: '' });
  for (const l of ['', '20', '200-more', '+OK', '2000 x', '600 x', '099 x']) assert.throws(() => parseStatus(l), ProtocolError, l);
});

test('refusal: a ReplyError with the code and text', () => {
  const e = refusal({ code: 411, text: 'no such group' }, 'GROUP');
  assert.ok(e instanceof ReplyError);
  assert.deepEqual(e.reply, { code: 411, text: 'no such group' });
  assert.equal(e.protocol, 'nntp');
});
