import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError } from '../../src/errors.js';
import { checkCiphers } from '../../src/socket/tls.js';

const refused = (list: string) => (e: unknown) => e instanceof InputError && e.phase === 'ciphers' && e.message.includes(list);

test('checkCiphers takes lists OpenSSL knows, of either kind', () => {
  checkCiphers({});
  checkCiphers({ ciphers: 'ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384' });
  checkCiphers({ ciphers: 'HIGH:!aNULL' });
  checkCiphers({ tls13Ciphers: 'TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256' });
});

test('checkCiphers refuses a list naming nothing known, a TLS 1.3 name that is not TLS_…, and a TLS 1.2 list of TLS 1.3 names only', () => {
  assert.throws(() => checkCiphers({ ciphers: 'NOPE' }), refused('cipher list: NOPE'));
  assert.throws(() => checkCiphers({ ciphers: 'TLS_AES_128_GCM_SHA256' }), refused('cipher list'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'NOPE' }), refused('TLS 1.3 cipher suite: NOPE'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'TLS_NOPE' }), refused('TLS_NOPE'));
  assert.throws(() => checkCiphers({ tls13Ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' }), refused('TLS 1.3'));
});
