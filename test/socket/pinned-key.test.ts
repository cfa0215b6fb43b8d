import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { matchesPin, parsePins, pinOfPublicKeyFile, pinOfSpki } from '../../src/socket/pinned-key.js';

const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const spki = publicKey.export({ type: 'spki', format: 'der' });
const pin = createHash('sha256').update(spki).digest('base64');

test('a pin is the base64 SHA-256 of the SubjectPublicKeyInfo', () => {
  assert.equal(pinOfSpki(spki), pin);
});

test('parsePins splits at ;sha256// only, as curl; text without the prefix is a file name (undefined)', () => {
  assert.deepEqual(parsePins('sha256//A='), ['A=']);
  assert.deepEqual(parsePins('sha256//A=;sha256//B='), ['A=', 'B=']);
  assert.deepEqual(parsePins('sha256//A=;junk'), ['A=;junk']);
  assert.deepEqual(parsePins('sha256//'), ['']);
  assert.equal(parsePins('key.pem'), undefined);
  assert.equal(parsePins('SHA256//A='), undefined);
});

test('pinOfPublicKeyFile reads a PEM or DER public key, and nothing else', () => {
  assert.equal(pinOfPublicKeyFile(Buffer.from(publicKey.export({ type: 'spki', format: 'pem' }))), pin);
  assert.equal(pinOfPublicKeyFile(spki), pin);
  assert.equal(pinOfPublicKeyFile(Buffer.from(privateKey.export({ type: 'pkcs8', format: 'pem' }))), undefined);
  assert.equal(pinOfPublicKeyFile(privateKey.export({ type: 'pkcs8', format: 'der' })), undefined);
  assert.equal(pinOfPublicKeyFile(Buffer.from('not a key')), undefined);
  assert.equal(pinOfPublicKeyFile(Buffer.alloc(0)), undefined);
});

test('matchesPin: one of the pins; none for an empty list or a missing key', () => {
  assert.equal(matchesPin(spki, [pin]), true);
  assert.equal(matchesPin(spki, ['AAAA', pin]), true);
  assert.equal(matchesPin(spki, ['AAAA']), false);
  assert.equal(matchesPin(spki, []), false);
  assert.equal(matchesPin(undefined, [pin]), false);
  assert.equal(matchesPin(Buffer.alloc(0), [pin]), false);
});
