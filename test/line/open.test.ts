import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openSocket, tlsFor } from '../../src/line/open.js';
import { ConnectError } from '../../src/errors.js';
import type { TraceEvent } from '../../src/trace.js';
import { rawPeer } from '../helpers/peers.js';

test('tlsFor: SNI and the name check use the host name; an IP literal gets no SNI; an explicit servername wins', () => {
  assert.deepEqual(tlsFor('mail.example', undefined), { servername: 'mail.example' });
  assert.deepEqual(tlsFor('127.0.0.1', { ca: 'x' }), { ca: 'x' });
  assert.deepEqual(tlsFor('::1', undefined), {});
  assert.deepEqual(tlsFor('mail.example', { servername: 'other' }), { servername: 'other' });
});

test('openSocket: traces connecting and the structured connected event; a refused port is a ConnectError', async () => {
  const peer = await rawPeer((c) => c.end());
  const events: TraceEvent[] = [];
  const s = await openSocket({ host: '127.0.0.1', port: peer.port, timeout: 5000, trace: (e) => events.push(e) }, 'pop3');
  await s.close();
  await peer.close();
  assert.equal(events[0]?.kind, '*');
  const c = events.find((e) => e.event === 'connected');
  assert.equal(c?.data?.remotePort, peer.port);
  assert.equal(c?.protocol, 'pop3');
  const err = await openSocket({ host: '127.0.0.1', port: peer.port, timeout: 5000 }, 'nntp').catch((e: unknown) => e);
  assert.ok(err instanceof ConnectError && err.code === 'DIAL_E_CONNECT', String(err));
});
