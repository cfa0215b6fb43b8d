import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, ProtocolError } from '../../../../src/errors.js';
import { checkCredentials, chooseMechanism, cramMd5Response, decodeChallenge, initialResponseLine, loginResponse, plainResponse } from '../../../../src/protocols/smtp/core/auth.js';

const c = { user: 'tim', password: 'tanstaaftanstaaf' };

test('chooseMechanism: the first preferred mechanism the server offers', () => {
  assert.equal(chooseMechanism(['PLAIN', 'LOGIN', 'CRAM-MD5']), 'CRAM-MD5');
  assert.equal(chooseMechanism(['LOGIN', 'PLAIN']), 'PLAIN');
  assert.equal(chooseMechanism(['LOGIN']), 'LOGIN');
  assert.equal(chooseMechanism(['XOAUTH2']), undefined);
  assert.equal(chooseMechanism(['PLAIN', 'LOGIN'], ['LOGIN']), 'LOGIN');
});

test('plainResponse: authzid NUL user NUL password (RFC 4616 example)', () => {
  assert.equal(Buffer.from(plainResponse(c), 'base64').toString(), '\0tim\0tanstaaftanstaaf');
  assert.equal(Buffer.from(plainResponse({ ...c, authzid: 'Ursel' }), 'base64').toString(), 'Ursel\0tim\0tanstaaftanstaaf');
});

test('cramMd5Response: the RFC 2195 example', () => {
  const challenge = Buffer.from('<1896.697170952@postoffice.reston.mci.net>').toString('base64');
  assert.equal(Buffer.from(cramMd5Response(challenge, c), 'base64').toString(), 'tim b913a602c7eda7a495b4e6e7334d3890');
});

test('loginResponse: user then password; a third prompt is a ProtocolError', () => {
  assert.equal(Buffer.from(loginResponse(0, c), 'base64').toString(), 'tim');
  assert.equal(Buffer.from(loginResponse(1, c), 'base64').toString(), 'tanstaaftanstaaf');
  assert.throws(() => loginResponse(2, c), ProtocolError);
});

test('decodeChallenge refuses text that is not base64', () => {
  assert.equal(decodeChallenge('VXNlcm5hbWU6').toString(), 'Username:');
  assert.throws(() => decodeChallenge('not base64!'), ProtocolError);
  assert.throws(() => decodeChallenge('='.repeat(5000) + '!'), ProtocolError);
});

test('checkCredentials refuses NUL (PLAIN field forgery), non-strings and an empty user', () => {
  assert.doesNotThrow(() => checkCredentials(c));
  assert.throws(() => checkCredentials({ user: 'a\0b', password: 'x' }), InputError);
  assert.throws(() => checkCredentials({ user: 'a', password: 'x\0admin' }), InputError);
  assert.throws(() => checkCredentials({ user: '', password: 'x' }), InputError);
  assert.throws(() => checkCredentials({ user: 'a', password: 5 as unknown as string }), InputError);
});

test('initialResponseLine: AUTH mech response while it fits the bound with CRLF, an empty response as =, else undefined', () => {
  assert.equal(initialResponseLine('PLAIN', 'AGEAYg==', 512), 'AUTH PLAIN AGEAYg==');
  assert.equal(initialResponseLine('X', '', 512), 'AUTH X =');
  const r = 'a'.repeat(512 - 'AUTH PLAIN '.length - 2);
  assert.equal(initialResponseLine('PLAIN', r, 512), `AUTH PLAIN ${r}`);
  assert.equal(initialResponseLine('PLAIN', `${r}a`, 512), undefined);
});
