import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basicCredentials, urlCredentials } from '../../../../src/protocols/http/auth/basic.js';
import { InputError } from '../../../../src/errors.js';

test('RFC 7617 §2 example: Aladdin / open sesame', () => {
  assert.equal(basicCredentials('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==');
});

test('UTF-8 (RFC 7617 §2.1 example: test / 123£)', () => {
  assert.equal(basicCredentials('test', '123\u00a3'), 'Basic dGVzdDoxMjPCow==');
});

test('a colon is fine in the password, refused in the user', () => {
  assert.equal(Buffer.from(basicCredentials('u', 'a:b').slice(6), 'base64').toString(), 'u:a:b');
  assert.throws(() => basicCredentials('a:b', 'x'), InputError);
});

test('CR, LF and NUL are refused in either part', () => {
  for (const [u, p] of [['a\r', 'x'], ['a', 'x\n'], ['a\0', 'x'], ['a', '\0']] as const) assert.throws(() => basicCredentials(u, p), InputError);
});

test('empty user and password are allowed (curl -u :)', () => {
  assert.equal(basicCredentials('', ''), 'Basic Og==');
});

test('urlCredentials percent-decodes, and is undefined without userinfo', () => {
  assert.deepEqual(urlCredentials(new URL('http://us%65r:p%40ss%3Aw@h/')), { user: 'user', password: 'p@ss:w' });
  assert.deepEqual(urlCredentials(new URL('http://user@h/')), { user: 'user', password: '' });
  assert.equal(urlCredentials(new URL('http://h/')), undefined);
  assert.throws(() => urlCredentials(new URL('http://a%zz:b@h/')), InputError);
});
