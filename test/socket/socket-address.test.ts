import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as net from 'node:net';
import { addressOf, peerLabel } from '../../src/socket/socket-address.js';

/** Just the fields addressOf reads, as node:net reports them. */
function fakeSock(fields: Partial<Record<'localAddress' | 'localPort' | 'localFamily' | 'remoteAddress' | 'remotePort' | 'remoteFamily', unknown>>): net.Socket {
  return fields as unknown as net.Socket;
}

test('addressOf reads the chosen end of a TCP socket, with its family', () => {
  const s = fakeSock({ localAddress: '127.0.0.1', localPort: 40000, localFamily: 'IPv4', remoteAddress: '::1', remotePort: 80, remoteFamily: 'IPv6' });
  assert.deepEqual(addressOf(s, 'local', undefined), { address: '127.0.0.1', port: 40000, family: 'IPv4' });
  assert.deepEqual(addressOf(s, 'remote', undefined), { address: '::1', port: 80, family: 'IPv6' });
});

test('addressOf stands the given path in for a Unix socket, which reports no address', () => {
  const s = fakeSock({});
  assert.deepEqual(addressOf(s, 'remote', '/run/x.sock'), { path: '/run/x.sock' });
  assert.deepEqual(addressOf(s, 'local', undefined), { path: '' });
});

test('peerLabel: host:port, brackets around an IPv6 literal, the path, or a stand-in for an unknown path', () => {
  assert.equal(peerLabel({ address: '192.0.2.1', port: 21, family: 'IPv4' }), '192.0.2.1:21');
  assert.equal(peerLabel({ address: '2001:db8::1', port: 443, family: 'IPv6' }), '[2001:db8::1]:443');
  assert.equal(peerLabel({ path: '/tmp/s' }), '/tmp/s');
  assert.equal(peerLabel({ path: '' }), '(unix socket)');
});
