import { test } from 'node:test';
import assert from 'node:assert/strict';
import type dgram from 'node:dgram';
import { bindDatagram, closeQuietly } from '../../src/socket/udp-bind.js';
import { checkBindOptions } from '../../src/socket/udp-options.js';
import { AbortError, ConnectError } from '../../src/errors.js';

const loopback = () => checkBindOptions({ host: '127.0.0.1' });

/** A port on 127.0.0.1 no socket holds (bound, then released). */
async function freePort(): Promise<number> {
  const s = await bindDatagram(loopback(), {});
  const port = s.address().port;
  await closeQuietly(s);
  return port;
}

test('port 0 ends bound to a kernel-chosen port by number, which a connect and disconnect do not move', async () => {
  const s = await bindDatagram(loopback(), {});
  try {
    const port = s.address().port;
    assert.ok(port > 0);
    const peer = await bindDatagram(loopback(), {});
    try {
      await new Promise<void>((resolve, reject) => s.connect(peer.address().port, '127.0.0.1', (err?: Error) => (err ? reject(err) : resolve())));
      s.disconnect();
      assert.equal(s.address().port, port, 'Linux would forget a port bound as 0 here');
    } finally {
      await closeQuietly(peer);
    }
  } finally {
    await closeQuietly(s);
  }
});

test('an explicit port is bound as given; the same port again is a ConnectError EADDRINUSE', async () => {
  const port = await freePort();
  const s = await bindDatagram(checkBindOptions({ host: '127.0.0.1', port }), {});
  try {
    assert.equal(s.address().port, port);
    await assert.rejects(bindDatagram(checkBindOptions({ host: '127.0.0.1', port }), {}), (e: unknown) => e instanceof ConnectError && e.sysCode === 'EADDRINUSE');
  } finally {
    await closeQuietly(s);
  }
});

test('a bind given up by its signal rejects with AbortError and leaves no socket holding the port', async () => {
  const port = await freePort();
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(bindDatagram(checkBindOptions({ host: '127.0.0.1', port }), { signal: ac.signal }), AbortError);
  // The withdrawn socket closes asynchronously: the port must come free within a bounded wait.
  let again: dgram.Socket | undefined;
  for (let i = 0; i < 100 && !again; i++) {
    try {
      again = await bindDatagram(checkBindOptions({ host: '127.0.0.1', port }), {});
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  assert.ok(again, `port ${port} stayed taken after the aborted bind`);
  await closeQuietly(again);
});

test('closeQuietly resolves for an open socket and again for a closed one', async () => {
  const s = await bindDatagram(loopback(), {});
  await closeQuietly(s);
  await closeQuietly(s);
  assert.throws(() => s.address(), 'the socket is closed');
});
