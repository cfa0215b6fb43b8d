import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError, ReplyError } from '../../../../src/errors.js';
import { classifyReply, parseEnhancedStatus, SmtpReplyError, unexpectedReply } from '../../../../src/protocols/smtp/core/reply.js';

test('classifyReply: each first digit names its class; codes outside 100-599 are a ProtocolError', () => {
  const table: [number, string][] = [[199, 'preliminary'], [250, 'positive'], [354, 'intermediate'], [334, 'intermediate'], [421, 'transient'], [452, 'transient'], [550, 'permanent'], [599, 'permanent']];
  for (const [code, cls] of table) assert.equal(classifyReply(code), cls, String(code));
  for (const bad of [0, 99, 600, 250.5, NaN]) assert.throws(() => classifyReply(bad), ProtocolError);
});

test('parseEnhancedStatus: class.subject.detail at the start of the text, class agreeing with the code', () => {
  const table: [string, number | undefined, string | undefined][] = [
    ['2.0.0 OK', 250, '2.0.0'],
    ['5.1.1 <x@y>: no such user', 550, '5.1.1'],
    ['4.7.0', 421, '4.7.0'],
    ['5.123.999 long', 554, '5.123.999'],
    ['5.7.8 bad creds', undefined, '5.7.8'],
    ['2.0.0 OK', 550, undefined], // class disagrees with the code
    ['3.0.0 x', undefined, undefined], // 3 is not an RFC 3463 class
    ['5.1234.1 x', 550, undefined], // four digits
    ['5.1. x', 550, undefined],
    ['5.1.1x', 550, undefined],
    ['OK 5.1.1', 550, undefined],
    ['', 250, undefined],
  ];
  for (const [text, code, want] of table) assert.equal(parseEnhancedStatus(text, code), want, text);
});

test('SmtpReplyError is a ReplyError with the code, the enhanced code and transient/permanent', () => {
  const e = new SmtpReplyError('no', { reply: { code: 450, text: '4.2.1 mailbox busy' }, command: 'RCPT TO:<a@b>', phase: 'rcpt' });
  assert.ok(e instanceof ReplyError);
  assert.equal(e.code, 'DIAL_E_REPLY');
  assert.equal(e.protocol, 'smtp');
  assert.equal(e.reply?.code, 450);
  assert.equal(e.enhancedCode, '4.2.1');
  assert.equal(e.transient, true);
  assert.equal(e.command, 'RCPT TO:<a@b>');
  assert.deepEqual(e.rejected, []);
  const p = new SmtpReplyError('no', { reply: { code: 554, text: 'rejected' } });
  assert.equal(p.transient, false);
  assert.equal(p.enhancedCode, undefined);
});

test('unexpectedReply: 4xx/5xx become SmtpReplyError, a success out of place a ProtocolError', () => {
  const e = unexpectedReply({ code: 550, lines: ['5.7.1 relay denied'], text: '5.7.1 relay denied' }, 'RCPT TO:<x@y>', 'rcpt');
  assert.ok(e instanceof SmtpReplyError);
  assert.equal(e.phase, 'rcpt');
  assert.match(e.message, /RCPT refused: 550 5\.7\.1 relay denied/);
  const p = unexpectedReply({ code: 354, lines: ['go'], text: 'go' }, 'MAIL FROM:<a@b>', 'mail');
  assert.ok(p instanceof ProtocolError);
  assert.equal(p.reply?.code, 354);
});
