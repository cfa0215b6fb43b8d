import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AUTH_NONE,
  AUTH_USERPASS,
  decodeMethodChoice,
  decodeReply,
  decodeUserPassReply,
  encodeConnect,
  encodeGreeting,
  encodeUserPass,
  replyError,
  replyLength,
  SOCKS5_REPLIES,
} from '../../../../src/protocols/http/proxy/socks5-core.js';
import { ConnectError, InputError, ProtocolError, ReplyError } from '../../../../src/errors.js';

const bytes = (...b: number[]) => Buffer.from(b);

describe('requests', () => {
  test('greeting', () => {
    assert.deepEqual(Buffer.from(encodeGreeting([AUTH_NONE])), bytes(5, 1, 0));
    assert.deepEqual(Buffer.from(encodeGreeting([AUTH_NONE, AUTH_USERPASS])), bytes(5, 2, 0, 2));
    assert.throws(() => encodeGreeting([]), InputError);
  });
  test('user/password (RFC 1929), UTF-8, lengths bounded', () => {
    assert.deepEqual(Array.from(encodeUserPass('ab', 'xyz')), [1, 2, 97, 98, 3, 120, 121, 122]);
    assert.deepEqual(Array.from(encodeUserPass('\u00e9', '')), [1, 2, 0xc3, 0xa9, 0]);
    assert.throws(() => encodeUserPass('', 'p'), InputError);
    assert.throws(() => encodeUserPass('u'.repeat(256), 'p'), InputError);
    assert.throws(() => encodeUserPass('u', 'p'.repeat(256)), InputError);
    assert.equal(encodeUserPass('u'.repeat(255), 'p'.repeat(255)).length, 513);
  });
  test('CONNECT to IPv4, IPv6 (bracketed or not), and a name', () => {
    assert.deepEqual(encodeConnect('10.1.2.3', 443), bytes(5, 1, 0, 1, 10, 1, 2, 3, 1, 187));
    const v6 = bytes(5, 1, 0, 4, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80);
    assert.deepEqual(encodeConnect('2001:db8::1', 80), v6);
    assert.deepEqual(encodeConnect('[2001:db8::1]', 80), v6);
    assert.deepEqual(encodeConnect('::ffff:1.2.3.4', 1).subarray(4, 20), bytes(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4));
    assert.deepEqual(encodeConnect('ex.org', 65535), bytes(5, 1, 0, 3, 6, ...Buffer.from('ex.org'), 255, 255));
  });
  test('CONNECT bounds: name 1..255 bytes, port 1..65535', () => {
    assert.equal(encodeConnect('a'.repeat(255), 1).length, 4 + 1 + 255 + 2);
    assert.throws(() => encodeConnect('a'.repeat(256), 1), InputError);
    assert.throws(() => encodeConnect('', 1), InputError);
    assert.throws(() => encodeConnect('a', 0), InputError);
    assert.throws(() => encodeConnect('a', 70000), InputError);
  });
});

describe('replies', () => {
  test('method choice: the one offered; 0xFF is a refusal; a wrong version or an unoffered method is a protocol error', () => {
    assert.equal(decodeMethodChoice(bytes(5, 0), [0]), 0);
    assert.equal(decodeMethodChoice(bytes(5, 2), [0, 2]), 2);
    assert.throws(() => decodeMethodChoice(bytes(5, 0xff), [0]), (e: unknown) => e instanceof ReplyError && /requires authentication/.test(e.message));
    assert.throws(() => decodeMethodChoice(bytes(5, 0xff), [0, 2]), ReplyError);
    assert.throws(() => decodeMethodChoice(bytes(5, 2), [0]), ProtocolError);
    assert.throws(() => decodeMethodChoice(bytes(4, 0), [0]), ProtocolError);
    assert.throws(() => decodeMethodChoice(bytes(0x48, 0x54), [0]), /not a SOCKS5 server/); // "HT" from an HTTP server
    assert.throws(() => decodeMethodChoice(bytes(5), [0]), ProtocolError);
  });
  test('user/password status', () => {
    assert.doesNotThrow(() => decodeUserPassReply(bytes(1, 0)));
    assert.throws(() => decodeUserPassReply(bytes(1, 1)), (e: unknown) => e instanceof ReplyError && e.code === 'DIAL_E_REPLY');
    assert.throws(() => decodeUserPassReply(bytes(5, 0)), ProtocolError);
  });
  test('replyLength from the 5-byte prefix, per address type', () => {
    assert.equal(replyLength(bytes(5, 0, 0, 1, 0)), 10);
    assert.equal(replyLength(bytes(5, 0, 0, 4, 0)), 22);
    assert.equal(replyLength(bytes(5, 0, 0, 3, 7)), 14);
    assert.equal(replyLength(bytes(5, 0, 0, 3, 255)), 262);
    assert.throws(() => replyLength(bytes(5, 0, 0, 2, 0)), ProtocolError);
    assert.throws(() => replyLength(bytes(4, 90, 0, 1, 0)), ProtocolError);
    assert.throws(() => replyLength(bytes(5, 0, 0)), ProtocolError);
  });
  test('decodeReply: bound address of each type', () => {
    assert.deepEqual(decodeReply(bytes(5, 0, 0, 1, 127, 0, 0, 1, 0x1f, 0x90)), { code: 0, bound: { host: '127.0.0.1', port: 8080 } });
    assert.deepEqual(decodeReply(bytes(5, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 80)).bound, { host: '0:0:0:0:0:0:0:1', port: 80 });
    assert.deepEqual(decodeReply(bytes(5, 5, 0, 3, 1, 97, 0, 1)), { code: 5, bound: { host: 'a', port: 1 } });
    assert.throws(() => decodeReply(bytes(5, 0, 0, 1, 127, 0, 0, 1, 0)), ProtocolError);
  });
  test('every reply code maps to a typed error', () => {
    for (const code of [3, 4, 5, 6]) {
      const e = replyError(code, 'h:1');
      assert.ok(e instanceof ConnectError && e.code === 'DIAL_E_CONNECT', `code ${code}`);
      assert.equal(e.reply?.code, code);
      assert.match(e.message, new RegExp(SOCKS5_REPLIES[code]!));
    }
    for (const code of [1, 2, 7, 8]) assert.ok(replyError(code, 'h:1') instanceof ReplyError, `code ${code}`);
    for (const code of [0, 9, 0xff]) assert.ok(replyError(code, 'h:1') instanceof ProtocolError, `code ${code}`);
  });
});
