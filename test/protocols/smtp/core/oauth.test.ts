/**
 * The bearer-token SASL messages against the bytes curl 7.88 sent with
 * `--oauth2-bearer TOK -u alice` (captured from a fake server on
 * 127.0.0.1:33755), the checks that keep a token from adding fields, and
 * the failure answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../../../src/errors.js';
import { defaultMechanisms, DEFAULT_MECHANISMS } from '../../../../src/protocols/smtp/core/auth.js';
import {
  BEARER_MECHANISMS, bearerAbort, bearerErrorText, bearerResponse, checkBearer, isBearerMechanism, oauthBearerResponse, xoauth2Response,
} from '../../../../src/protocols/smtp/core/oauth.js';

const login = { user: 'alice', token: 'TOK', host: '127.0.0.1', port: 33755 };

test('OAUTHBEARER and XOAUTH2 messages are the bytes curl 7.88 sends', () => {
  assert.equal(oauthBearerResponse(login), 'bixhPWFsaWNlLAFob3N0PTEyNy4wLjAuMQFwb3J0PTMzNzU1AWF1dGg9QmVhcmVyIFRPSwEB');
  assert.equal(xoauth2Response(login), 'dXNlcj1hbGljZQFhdXRoPUJlYXJlciBUT0sBAQ==');
  assert.equal(bearerResponse('OAUTHBEARER', login), oauthBearerResponse(login));
  assert.equal(bearerResponse('XOAUTH2', login), xoauth2Response(login));
  assert.equal(Buffer.from(oauthBearerResponse(login), 'base64').toString(), 'n,a=alice,\x01host=127.0.0.1\x01port=33755\x01auth=Bearer TOK\x01\x01');
});

test('OAUTHBEARER escapes , and = in the GS2 authzid (RFC 5801 saslname); curl does not', () => {
  const text = Buffer.from(oauthBearerResponse({ ...login, user: 'a,b=c@x' }), 'base64').toString();
  assert.ok(text.startsWith('n,a=a=2Cb=3Dc@x,\x01'), JSON.stringify(text));
});

test('the answers to an error challenge: %x01 for OAUTHBEARER (RFC 7628 §3.2.3), empty for XOAUTH2', () => {
  assert.equal(bearerAbort('OAUTHBEARER'), 'AQ==');
  assert.equal(Buffer.from(bearerAbort('OAUTHBEARER'), 'base64').toString('latin1'), '\x01');
  assert.equal(bearerAbort('XOAUTH2'), '');
});

test('bearerErrorText: the error JSON, printable and bounded; nothing readable is undefined', () => {
  const json = '{"status":"invalid_token","scope":"mail"}';
  assert.equal(bearerErrorText(Buffer.from(json).toString('base64')), json);
  assert.equal(bearerErrorText(Buffer.from('ok\r\nINJECTED\x1b[31m').toString('base64')), 'ok INJECTED [31m');
  const long = bearerErrorText(Buffer.from('x'.repeat(5000)).toString('base64'))!;
  assert.ok(long.length <= 201 && long.endsWith('…'), String(long.length));
  assert.equal(bearerErrorText(''), undefined);
  assert.equal(bearerErrorText(Buffer.from('\x01\x02').toString('base64')), undefined);
});

test('checkBearer refuses a token or user that could add fields or lines; the mechanisms and their order', () => {
  for (const token of ['', 'a b', 'a\x01b', 'a\r\nb', 'caf\u00e9', 'a\0']) assert.throws(() => checkBearer('alice', token, 'smtp', 'auth'), InputError, JSON.stringify(token));
  assert.throws(() => checkBearer('al\x01ice', 'TOK', 'pop3', 'login'), InputError);
  assert.doesNotThrow(() => checkBearer('alice@example.com', 'ya29.a0-_~+/=', 'smtp', 'auth'));
  assert.deepEqual(BEARER_MECHANISMS, ['OAUTHBEARER', 'XOAUTH2']);
  assert.ok(isBearerMechanism('XOAUTH2') && !isBearerMechanism('PLAIN'));
  assert.deepEqual(defaultMechanisms({ user: 'a', bearer: 'T' }), BEARER_MECHANISMS);
  assert.deepEqual(defaultMechanisms({ user: 'a', password: 'p' }), DEFAULT_MECHANISMS);
});
