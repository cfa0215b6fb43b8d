import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeSocks4Reply, encodeSocks4Connect } from '../../../../src/protocols/http/proxy/socks4-core.js';
import { ConnectError, InputError, ProtocolError, ReplyError } from '../../../../src/errors.js';

test('SOCKS4 request to an IPv4 address, with and without a user id', () => {
  assert.deepEqual(Array.from(encodeSocks4Connect('10.0.0.1', 80)), [4, 1, 0, 80, 10, 0, 0, 1, 0]);
  assert.deepEqual(Array.from(encodeSocks4Connect('10.0.0.1', 443, 'bob')), [4, 1, 1, 187, 10, 0, 0, 1, 98, 111, 98, 0]);
});

test('SOCKS4a request carries the name after the user id, address 0.0.0.1', () => {
  assert.deepEqual(Array.from(encodeSocks4Connect('ex.org', 80, 'u')), [4, 1, 0, 80, 0, 0, 0, 1, 117, 0, ...Buffer.from('ex.org'), 0]);
});

test('refused inputs: IPv6 (unsupported), NUL in user id, bad port, over-long name', () => {
  assert.throws(() => encodeSocks4Connect('::1', 80), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
  assert.throws(() => encodeSocks4Connect('[::1]', 80), InputError);
  assert.throws(() => encodeSocks4Connect('1.2.3.4', 80, 'a\0b'), InputError);
  assert.throws(() => encodeSocks4Connect('1.2.3.4', 0), InputError);
  assert.throws(() => encodeSocks4Connect('a'.repeat(256), 1), InputError);
});

test('replies: 90 granted; 91 → ConnectError; 92/93 → ReplyError; bad version, undefined code, short → ProtocolError', () => {
  assert.doesNotThrow(() => decodeSocks4Reply(Uint8Array.of(0, 90, 0, 0, 0, 0, 0, 0), 't'));
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(0, 91, 0, 0, 0, 0, 0, 0), 't'), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT');
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(0, 92, 0, 0, 0, 0, 0, 0), 't'), ReplyError);
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(0, 93, 0, 0, 0, 0, 0, 0), 't'), ReplyError);
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(4, 90, 0, 0, 0, 0, 0, 0), 't'), ProtocolError);
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(5, 0, 0, 1, 0, 0, 0, 0), 't'), ProtocolError);
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(0, 17, 0, 0, 0, 0, 0, 0), 't'), ProtocolError);
  assert.throws(() => decodeSocks4Reply(Uint8Array.of(0, 90), 't'), ProtocolError);
});
