import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isContinuation, parseStatus, refusal } from '../../../../src/protocols/pop3/core/status.js';
import { ProtocolError, ReplyError } from '../../../../src/errors.js';

test('parseStatus: +OK and -ERR, with and without text, RFC 2449 response codes', () => {
  const cases: [string, ReturnType<typeof parseStatus>][] = [
    ['+OK', { ok: true, text: '' }],
    ['+OK 2 320', { ok: true, text: '2 320' }],
    ['-ERR', { ok: false, text: '' }],
    ['-ERR no such message', { ok: false, text: 'no such message' }],
    ['-ERR [IN-USE] mailbox locked', { ok: false, text: 'mailbox locked', code: 'IN-USE' }],
    ['-ERR [SYS/TEMP] try later', { ok: false, text: 'try later', code: 'SYS/TEMP' }],
    ['-ERR [not a code] text', { ok: false, text: '[not a code] text' }],
    ['-ERR [' + 'x'.repeat(100) + '] long', { ok: false, text: '[' + 'x'.repeat(100) + '] long' }],
    ['+OK [unclosed', { ok: true, text: '[unclosed' }],
  ];
  for (const [line, want] of cases) assert.deepEqual(parseStatus(line), want, line);
});

test('parseStatus: anything else is a ProtocolError', () => {
  for (const line of ['', 'OK', '+ok', '+OKAY', '-ERROR', '220 ready', '* OK imap', '+ challenge']) {
    assert.throws(() => parseStatus(line), ProtocolError, line);
  }
});

test('refusal: a ReplyError with code 0 and the text, phase as given', () => {
  const e = refusal({ ok: false, text: 'bad', code: 'AUTH' }, 'PASS', 'login');
  assert.ok(e instanceof ReplyError);
  assert.deepEqual(e.reply, { code: 0, text: '[AUTH] bad' });
  assert.equal(e.phase, 'login');
  assert.equal(e.protocol, 'pop3');
});

test('isContinuation: "+ " and a bare "+" only', () => {
  assert.equal(isContinuation('+ '), true);
  assert.equal(isContinuation('+ YWJj'), true);
  assert.equal(isContinuation('+'), true);
  assert.equal(isContinuation('+OK'), false);
});
