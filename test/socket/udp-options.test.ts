import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bindError,
  checkBindOptions,
  checkHost,
  checkPort,
  DEFAULT_MAX_QUEUE,
  familyOf,
  MAX_DATAGRAM_V4,
  MAX_DATAGRAM_V6,
  sendError,
  toBuffer,
} from '../../src/socket/udp-options.js';
import { ConnectError, InputError } from '../../src/errors.js';

test('checkPort: integers in range pass; zero only where allowed; anything else is an InputError', () => {
  assert.equal(checkPort(53, 'x', false), 53);
  assert.equal(checkPort(0, 'x', true), 0);
  assert.equal(checkPort(65535, 'x', false), 65535);
  for (const bad of [0, -1, 65536, 1.5, NaN, '53', undefined]) {
    assert.throws(() => checkPort(bad, 'UDP send', false), (e: unknown) => e instanceof InputError && /UDP send: bad port/.test(e.message), String(bad));
  }
});

test('checkHost: refuses empty, non-string and control characters before the resolver sees them', () => {
  assert.equal(checkHost('::1', 'x'), '::1');
  for (const bad of ['', 'a\0b', 'host\n', 'x\x7f', 42]) {
    assert.throws(() => checkHost(bad, 'UDP connect'), InputError, JSON.stringify(bad));
  }
});

test('toBuffer: strings become UTF-8, views keep their window without a copy, other types are refused', () => {
  assert.deepEqual(toBuffer('é'), Buffer.from([0xc3, 0xa9]));
  const backing = new Uint8Array([1, 2, 3, 4]);
  const view = toBuffer(backing.subarray(1, 3));
  assert.deepEqual([...view], [2, 3]);
  backing[1] = 9;
  assert.equal(view[0], 9, 'shares memory with the caller');
  assert.throws(() => toBuffer(42 as unknown as string), InputError);
});

test('familyOf: both the string and the numeric forms', () => {
  assert.equal(familyOf('IPv6'), 'IPv6');
  assert.equal(familyOf(6), 'IPv6');
  assert.equal(familyOf('IPv4'), 'IPv4');
  assert.equal(familyOf(4), 'IPv4');
});

test('bindError: EADDRINUSE stays a bind failure with its system code; sendError: EMSGSIZE is the caller\'s input', () => {
  const inUse = Object.assign(new Error('bind EADDRINUSE'), { code: 'EADDRINUSE' });
  const b = bindError(inUse, 'UDP bind');
  assert.equal(b.sysCode, 'EADDRINUSE');
  assert.equal(b.phase, 'bind');
  const reset = Object.assign(new Error('reset'), { code: 'ECONNRESET' });
  assert.ok(bindError(reset, 'UDP bind') instanceof ConnectError, 'a reset at bind is a connect failure, not a broken connection');
  const big = Object.assign(new Error('send EMSGSIZE'), { code: 'EMSGSIZE' });
  const s = sendError(big, 'UDP send');
  assert.ok(s instanceof InputError);
  assert.match(s.message, /nothing was sent/);
  const down = Object.assign(new Error('send ENETUNREACH'), { code: 'ENETUNREACH' });
  const d = sendError(down, 'UDP send');
  assert.ok(!(d instanceof InputError), 'an unreachable network is not the caller\'s input');
  assert.equal(d.sysCode, 'ENETUNREACH');
  assert.equal(d.phase, 'send');
});

test('checkBindOptions fills in the defaults: IPv4 wildcard, system port, the family\'s largest datagram', () => {
  assert.deepEqual(checkBindOptions({}), { host: '0.0.0.0', port: 0, family: 4, reuseAddr: false, maxQueue: DEFAULT_MAX_QUEUE, maxDatagram: MAX_DATAGRAM_V4 });
  assert.deepEqual(checkBindOptions({ family: 6 }), { host: '::', port: 0, family: 6, reuseAddr: false, maxQueue: DEFAULT_MAX_QUEUE, maxDatagram: MAX_DATAGRAM_V6 });
  const v6 = checkBindOptions({ host: '::1', port: 5353, reuseAddr: true, maxQueue: 0, maxDatagram: 512 });
  assert.deepEqual(v6, { host: '::1', port: 5353, family: 6, reuseAddr: true, maxQueue: 0, maxDatagram: 512 }, 'an IPv6 literal picks family 6');
});

test('checkBindOptions refuses a bad port, host, family, maxDatagram or maxQueue with an InputError naming it', () => {
  const bad: Array<[Record<string, unknown>, RegExp]> = [
    [{ port: 70000 }, /bad port/],
    [{ host: 'a\nb' }, /bad host/],
    [{ family: 5 }, /family must be 4 or 6/],
    [{ maxDatagram: MAX_DATAGRAM_V4 + 1 }, /maxDatagram must be an integer in 0\.\.65507/],
    [{ family: 6, maxDatagram: -1 }, /maxDatagram must be an integer in 0\.\.65527/],
    [{ maxQueue: 1.5 }, /maxQueue must be a non-negative integer/],
  ];
  for (const [options, message] of bad) {
    assert.throws(() => checkBindOptions(options), (e: unknown) => e instanceof InputError && message.test(e.message), JSON.stringify(options));
  }
});
