import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apopDigest, apopTimestamp, saslPlain } from '../../../../src/protocols/pop3/core/auth.js';
import { InputError } from '../../../../src/errors.js';

test('APOP: the RFC 1939 §7 example digest', () => {
  const stamp = apopTimestamp('POP3 server ready <1896.697170952@dbc.mtview.ca.us>');
  assert.equal(stamp, '<1896.697170952@dbc.mtview.ca.us>');
  assert.equal(apopDigest(stamp!, 'tanstaaf'), 'c4c9334bac560ecc979e58001b3e22fb');
});

test('apopTimestamp: none without a bracketed msg-id', () => {
  for (const g of ['Dovecot ready.', 'ready <no-at-sign>', 'ready <unclosed@x', 'ready <a b@c>', `ready <${'x'.repeat(600)}@y>`]) assert.equal(apopTimestamp(g), undefined, g);
});

test('saslPlain: authzid NUL user NUL password in base64; NUL inside a field refused', () => {
  assert.equal(Buffer.from(saslPlain('tim', 'tanstaaftanstaaf'), 'base64').toString(), '\0tim\0tanstaaftanstaaf');
  assert.equal(Buffer.from(saslPlain('u', 'p', 'admin'), 'base64').toString(), 'admin\0u\0p');
  assert.throws(() => saslPlain('u\0x', 'p'), InputError);
});

test('chooseLogin: a token takes OAUTHBEARER, else XOAUTH2, never a password login; without one PLAIN, else USER', async () => {
  const { chooseLogin } = await import('../../../../src/protocols/pop3/core/auth.js');
  assert.equal(chooseLogin(['PLAIN', 'XOAUTH2', 'OAUTHBEARER'], true), 'oauthbearer');
  assert.equal(chooseLogin(['XOAUTH2'], true), 'xoauth2');
  assert.throws(() => chooseLogin(['PLAIN'], true), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
  assert.equal(chooseLogin(['PLAIN', 'OAUTHBEARER'], false), 'plain');
  assert.equal(chooseLogin([], false), 'user');
});
