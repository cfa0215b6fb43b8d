import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSession, type LineProtocol } from '../../src/line/session.js';
import { InputError } from '../../src/errors.js';
import type { TraceEvent } from '../../src/trace.js';
import { rawPeer } from '../helpers/peers.js';

const checked: string[] = [];
const PROTO: LineProtocol = {
  name: 'pop3',
  port: 110,
  tlsPort: 995,
  check: (v, what) => {
    checked.push(what);
    if (typeof v !== 'string' || /[\r\n\0]/.test(v)) throw new InputError(`bad ${what}`, { protocol: 'pop3' });
    return v;
  },
  timeout: 5000,
};

test('openSession: host, user and password pass the protocol\'s check, and a bad one stops before any connection', async () => {
  await assert.rejects(openSession({ host: 'a\r\nb' }, PROTO), /bad host/);
  await assert.rejects(openSession({ host: '' }, PROTO), (e: unknown) => e instanceof InputError && /a POP3 host is required/.test(e.message));
  await assert.rejects(openSession({ host: '127.0.0.1', user: 'u\n' }, PROTO), /bad user name/);
  await assert.rejects(openSession({ host: '127.0.0.1', user: 'u', password: 'p\0' }, PROTO), /bad password/);
  await assert.rejects(openSession({ host: '127.0.0.1', secure: 'tls' as never }, PROTO), /secure must be/);
});

test('openSession: connects to the given port, traces under the protocol\'s name, and reports the protection chosen', async () => {
  const peer = await rawPeer((c) => c.end('+OK\r\n'));
  const events: TraceEvent[] = [];
  checked.length = 0;
  const { socket, host, secure } = await openSession({ host: '127.0.0.1', port: peer.port, user: 'u', password: 'p', trace: (e) => events.push(e) }, PROTO);
  await socket.close();
  await peer.close();
  assert.equal(host, '127.0.0.1');
  assert.equal(secure, false);
  assert.deepEqual(checked, ['host', 'user name', 'password']);
  const c = events.find((e) => e.event === 'connected');
  assert.equal(c?.protocol, 'pop3');
  assert.equal(c?.data?.remotePort, peer.port);
});
