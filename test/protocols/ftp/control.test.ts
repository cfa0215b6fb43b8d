/**
 * FtpControl, the session's control connection, against the in-process fake
 * server: the opening sequence, the transfer host it exposes, one operation
 * at a time, TYPE sent only on change, and a 421 ending the session.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { once } from 'node:events';
import { InputError, ReplyError, TimeoutError } from '../../../src/errors.js';
import { FtpControl } from '../../../src/protocols/ftp/control.js';
import { FakeFtpServer } from './fake-server.js';

const servers: FakeFtpServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});
async function server(opts: Parameters<typeof FakeFtpServer.start>[0] = {}): Promise<FakeFtpServer> {
  const s = await FakeFtpServer.start(opts);
  servers.push(s);
  return s;
}

test('open: greeting, login and FEAT, in that order; the transfer host points at the control peer', async () => {
  const s = await server({ features: ['MLST type*;size*;', 'UTF8'] });
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port, user: 'u', password: 'p', dataTimeout: 1234 });
  assert.equal(c.welcome?.code, 220);
  assert.ok(c.features.has('MLST'));
  assert.deepEqual(s.commands.slice(0, 4), ['USER u', 'PASS p', 'FEAT', 'OPTS UTF8 ON']);
  assert.equal(c.host.peerAddress, '127.0.0.1');
  assert.equal(c.host.hostname, '127.0.0.1');
  assert.equal(c.host.settings.dataTimeout, 1234);
  assert.equal(c.host.dataTLS(), undefined, 'PROT C: no TLS on data connections');
  assert.equal(c.dataProtected, false);
  await c.quit();
  assert.equal(s.commands.at(-1), 'QUIT');
  assert.equal(c.usable, false);
});

test('one operation at a time: take() twice is an InputError until release()', async () => {
  const s = await server();
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port });
  c.take();
  assert.throws(() => c.take(), InputError);
  await assert.rejects(c.exclusive(async () => 1), InputError);
  c.release();
  assert.equal(await c.exclusive(async () => 2), 2);
  // A failed operation frees the connection too.
  await assert.rejects(c.exclusive(() => c.command('DELE /missing', 2)), ReplyError);
  c.take();
  c.release();
  await c.close();
});

test('setType sends TYPE only when it changes', async () => {
  const s = await server();
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port });
  await c.setType('I');
  await c.setType('I');
  await c.setType('A');
  assert.deepEqual(
    s.commands.filter((l) => l.startsWith('TYPE')),
    ['TYPE I', 'TYPE A'],
  );
  await c.close();
});

test('a 421 reply ends the session: unusable, later commands refused without being sent', async () => {
  const s = await server({ hooks: { NOOP: (_a, x) => (x.reply(421, 'Timeout.'), true) } });
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port });
  await assert.rejects(c.command('NOOP', 2), (e: unknown) => e instanceof ReplyError && e.reply?.code === 421);
  assert.equal(c.usable, false);
  const sent = s.commands.length;
  await assert.rejects(c.command('PWD', 257));
  assert.equal(s.commands.length, sent);
  await c.quit();
});

test('a command with CR/LF is refused before it reaches the wire', async () => {
  const s = await server();
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port });
  const sent = s.commands.length;
  await assert.rejects(c.command('NOOP\r\nDELE x'), InputError);
  assert.equal(s.commands.length, sent);
  await c.close();
});

test('a server that keeps answering "120 ready in a moment" and never says 220: TimeoutError within the timeout, not a wait without end', async () => {
  const timers = new Set<NodeJS.Timeout>();
  const srv = net.createServer((sock) => {
    sock.on('error', () => {});
    const t = setInterval(() => sock.write('120 Service ready in 1 minute.\r\n'), 100);
    timers.add(t);
    sock.on('close', () => clearInterval(t));
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = (srv.address() as net.AddressInfo).port;
  try {
    // Each 120 came well within the bound, so before the fix the greeting was awaited for ever.
    const watchdog = new Promise((_, reject) => setTimeout(() => reject(new Error('open() still waiting for a 220')), 5_000).unref());
    await assert.rejects(Promise.race([FtpControl.open({ host: '127.0.0.1', port, timeout: 600 }), watchdog]), TimeoutError);
  } finally {
    for (const t of timers) clearInterval(t);
    srv.close();
  }
});

test('timeout 0 (no bound) still waits out a 120 before the 220', async () => {
  const s = await server({ greeting: '120 Service ready in 1 minute.\r\n220 Ready now.\r\n' });
  const c = await FtpControl.open({ host: '127.0.0.1', port: s.port, timeout: 0 });
  assert.equal(c.welcome?.code, 220);
  await c.quit();
});

test('the signal aborts a login still waiting for its reply: AbortError at once', async () => {
  const s = await server({
    hooks: {
      PASS: async (_a, x) => {
        await new Promise((r) => setTimeout(r, 3_000));
        x.reply(230, 'Logged in.');
        return true;
      },
    },
  });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  // Before the fix only the greeting heard the signal: the login's replies were awaited up to the timeout.
  const watchdog = new Promise((_, reject) => setTimeout(() => reject(new Error('the abort waited for the PASS reply')), 2_000).unref());
  await assert.rejects(Promise.race([FtpControl.open({ host: '127.0.0.1', port: s.port, timeout: 20_000, signal: ac.signal }), watchdog]), (e: unknown) => (e as { code?: string }).code === 'DIAL_E_ABORT');
});

test('a STOR aborted while it waits for its 150 ends the session once: one "Control connection closed" note, not two', async () => {
  const s = await server({
    dirs: ['/up'],
    hooks: {
      // Never answers: the client is left waiting for the 150 until the caller aborts.
      STOR: () => true,
    },
  });
  const notes: string[] = [];
  const { FtpClient } = await import('../../../src/protocols/ftp/client.js');
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, trace: (e) => e.kind === '*' && notes.push(e.text) });
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  await assert.rejects(c.store('/up/x', [Buffer.from('data')], { signal: ac.signal }), (e: unknown) => (e as { code?: string }).code === 'DIAL_E_ABORT');
  const closed = notes.filter((n) => /control connection closed/i.test(n));
  assert.equal(closed.length, 1, notes.join('\n'));
  assert.equal(c.usable, false);
  await c.close();
});
