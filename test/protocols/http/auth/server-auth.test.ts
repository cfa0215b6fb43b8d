import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ServerAuth } from '../../../../src/protocols/http/auth/server-auth.js';

const creds = { user: 'u', password: 'pw' };
const BASIC = `Basic ${Buffer.from('u:pw').toString('base64')}`;
const digest = (nonce: string, stale = false) => `Digest realm="r", nonce="${nonce}", qop="auth"${stale ? ', stale=true' : ''}`;

test('what goes with the first request: Basic by default and for basic, nothing for digest and any', () => {
  assert.equal(new ServerAuth(creds, undefined).authorization('GET', '/', undefined), BASIC);
  assert.equal(new ServerAuth(creds, 'basic').authorization('GET', '/', undefined), BASIC);
  assert.equal(new ServerAuth(creds, 'digest').authorization('GET', '/', undefined), undefined);
  assert.equal(new ServerAuth(creds, 'any').authorization('GET', '/', undefined), undefined);
});

test('a Digest challenge switches every later hop to Digest, with the nonce count going up', () => {
  const a = new ServerAuth(creds, undefined);
  assert.equal(a.challenged([digest('n1')]), 'digest');
  const first = a.authorization('GET', '/a', undefined)!;
  const second = a.authorization('GET', '/b', undefined)!;
  assert.match(first, /^Digest .*nc=00000001/);
  assert.match(second, /^Digest .*uri="\/b".*nc=00000002/);
});

test('a refusal ends it: a new challenge without stale=true after an answer, or only schemes the choice excludes', () => {
  const a = new ServerAuth(creds, 'any');
  assert.equal(a.challenged([digest('n1')]), 'digest');
  a.authorization('GET', '/', undefined);
  assert.equal(a.challenged([digest('n2'), 'Basic realm="r"']), undefined, 'no fall back to Basic once Digest was refused');
  assert.equal(new ServerAuth(creds, 'digest').challenged(['Basic realm="r"']), undefined);
  assert.equal(new ServerAuth(creds, 'basic').challenged([digest('n1')]), undefined);
  assert.equal(new ServerAuth(creds, undefined).challenged(['Bearer realm="r"']), undefined);
});

test('stale=true is answered again with the new nonce, and at most three answers in all', () => {
  const a = new ServerAuth(creds, 'digest');
  let answers = 0;
  for (let i = 0; i < 10; i++) {
    if (a.challenged([digest(`n${i}`, i > 0)]) !== 'digest') break;
    answers++;
    assert.match(a.authorization('GET', '/', undefined)!, new RegExp(`nonce="n${i}"`));
  }
  assert.equal(answers, 3);
});
