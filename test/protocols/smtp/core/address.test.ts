import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.js';
import { checkAddress, checkHeloName, isNonAscii, mailFromLine, rcptToLine, unbracket, xtext } from '../../../../src/protocols/smtp/core/address.js';

test('checkAddress accepts ordinary, plus, quoted-less, UTF-8 and postmaster-style addresses', () => {
  for (const a of ['a@b.example', 'first.last+tag@sub.example.org', 'Postmaster', 'ü@bücher.example', 'x@[192.0.2.1]']) assert.equal(checkAddress(a, 'recipient'), a);
  assert.equal(checkAddress('', 'sender'), '', 'the null reverse-path');
});

test('checkAddress refuses CR, LF, NUL, controls, space, angle brackets and empty parts with InputError', () => {
  const bad = ['a@b\r\nRCPT TO:<evil@x>', 'a@b\n', 'a\0@b', 'a@b\x7f', 'a b@c', 'a@b\t', '<a@b>', 'a@b> SIZE=1', 'a@b>', '@b', 'a@', ''];
  for (const a of bad) assert.throws(() => checkAddress(a, 'recipient'), InputError, JSON.stringify(a));
});

test('checkAddress enforces RFC 5321 lengths: local part 64, domain 255, path 256', () => {
  assert.doesNotThrow(() => checkAddress(`${'l'.repeat(64)}@d.example`, 'recipient'));
  assert.throws(() => checkAddress(`${'l'.repeat(65)}@d.example`, 'recipient'), /local part is 65 bytes/);
  assert.throws(() => checkAddress(`a@${'d'.repeat(256)}`, 'recipient'), InputError);
  assert.throws(() => checkAddress(`${'l'.repeat(60)}@${'d'.repeat(200)}`, 'recipient'), /RFC 5321 allows 254/);
  assert.throws(() => checkAddress(`${'é'.repeat(33)}@d`, 'recipient'), /local part is 66 bytes/, 'bytes, not characters');
});

test('mailFromLine / rcptToLine build the commands with SIZE, BODY and SMTPUTF8', () => {
  assert.equal(mailFromLine('a@b'), 'MAIL FROM:<a@b>');
  assert.equal(mailFromLine(''), 'MAIL FROM:<>');
  assert.equal(mailFromLine('a@b', { size: 1234, body: '8BITMIME', smtpUtf8: true }), 'MAIL FROM:<a@b> SIZE=1234 BODY=8BITMIME SMTPUTF8');
  assert.throws(() => mailFromLine('a@b', { size: -1 }), InputError);
  assert.throws(() => mailFromLine('a@b', { body: 'BINARYMIME' as '7BIT' }), InputError);
  assert.equal(rcptToLine('c@d'), 'RCPT TO:<c@d>');
  assert.throws(() => rcptToLine('c@d\r\nDATA'), InputError);
});

test('unbracket strips one surrounding pair only; isNonAscii; checkHeloName', () => {
  assert.equal(unbracket('<a@b>'), 'a@b');
  assert.equal(unbracket('a@b'), 'a@b');
  assert.equal(unbracket('<<a@b>>'), '<a@b>');
  assert.equal(isNonAscii('a@b'), false);
  assert.equal(isNonAscii('ü@b'), true);
  assert.equal(checkHeloName('client.example'), 'client.example');
  assert.equal(checkHeloName('[127.0.0.1]'), '[127.0.0.1]');
  for (const bad of ['', 'a b', 'a\r\nMAIL', 'é.example', 'x'.repeat(256)]) assert.throws(() => checkHeloName(bad), InputError, bad);
});

test('xtext (RFC 3461 §4) encodes +, =, controls, space and non-ASCII bytes as +XX; mailFromLine puts AUTH= first', () => {
  assert.equal(xtext('<a@b.example>'), '<a@b.example>');
  assert.equal(xtext('<x+y=z@b>'), '<x+2By+3Dz@b>');
  assert.equal(xtext(' \r\n\0~!'), '+20+0D+0A+00~!');
  assert.equal(xtext('ü'), '+C3+BC');
  assert.equal(mailFromLine('a@b', { auth: 'x+1@b', size: 5 }), 'MAIL FROM:<a@b> AUTH=<x+2B1@b> SIZE=5');
  assert.equal(mailFromLine('a@b', { auth: '' }), 'MAIL FROM:<a@b> AUTH=<>');
  assert.throws(() => mailFromLine('a@b', { auth: 'a@b> SIZE=1' }), InputError);
  assert.throws(() => mailFromLine('a@b', { auth: 'a\r\n@b' }), InputError);
});
