import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCurvesAndCrl } from '../../src/socket/tls.js';
import { InputError } from '../../src/errors.js';

test('checkCurvesAndCrl refuses an unknown group (phase curves) and bytes that are no CRL (phase crl)', () => {
  assert.doesNotThrow(() => checkCurvesAndCrl({}));
  assert.doesNotThrow(() => checkCurvesAndCrl({ ecdhCurve: 'X25519:P-256' }));
  assert.throws(() => checkCurvesAndCrl({ ecdhCurve: 'nosuchcurve' }), (e) => e instanceof InputError && e.phase === 'curves' && /'nosuchcurve'/.test(e.message));
  assert.throws(() => checkCurvesAndCrl({ crl: 'not a CRL' }), (e) => e instanceof InputError && e.phase === 'crl');
});
