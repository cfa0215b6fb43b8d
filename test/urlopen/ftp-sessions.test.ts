import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeIdleFtpSessions, park, parkedSessions, sessionKey, takeSession } from '../../src/urlopen/ftp-sessions.js';
import { closeIdleSessions } from '../../src/urlopen/idle.js';
import type { FtpClient } from '../../src/protocols/ftp/client.js';

/** Just what the cache touches of an FtpClient, recording what was done to it. */
function stub(usable = true): FtpClient & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    usable,
    idle: () => log.push('idle'),
    quit: async () => {
      log.push('quit');
    },
    close: async () => {
      log.push('close');
    },
  } as unknown as FtpClient & { log: string[] };
}

afterEach(() => closeIdleFtpSessions());

test('a parked session goes to the next taker of the same key, once; its place is kept', async () => {
  const c = stub();
  park('k', { client: c, home: '/home/u', away: true });
  assert.deepEqual(c.log, ['idle'], 'parked sessions do not hold the process');
  assert.equal(parkedSessions(), 1);
  assert.equal(takeSession('other'), undefined);
  const s = takeSession('k');
  assert.equal(s?.client, c);
  assert.equal(s?.home, '/home/u');
  assert.equal(s?.away, true);
  assert.equal(takeSession('k'), undefined, 'one caller at a time');
  assert.equal(parkedSessions(), 0);
});

test('an unusable session is never handed out; one that left its directory without knowing it is not parked', async () => {
  const dead = stub(true);
  park('k', { client: dead, home: undefined, away: false });
  (dead as { usable: boolean }).usable = false;
  assert.equal(takeSession('k'), undefined);
  assert.ok(dead.log.includes('close'));
  const lost = stub();
  park('k', { client: lost, home: undefined, away: true });
  assert.deepEqual(lost.log, ['quit']);
  assert.equal(parkedSessions(), 0);
});

test('at most 4 sessions per key; the rest are ended; closeIdleSessions (urlopen\'s) sends QUIT to every parked one', async () => {
  const clients = Array.from({ length: 6 }, () => stub());
  for (const c of clients) park('k', { client: c, home: undefined, away: false });
  assert.equal(parkedSessions(), 4);
  assert.deepEqual(clients.slice(4).map((c) => c.log), [['quit'], ['quit']]);
  await closeIdleSessions();
  assert.equal(parkedSessions(), 0);
  assert.ok(clients.slice(0, 4).every((c) => c.log.at(-1) === 'quit'));
});

test('sessionKey: only identical connections share — server, login, protection, proxy, and the TLS settings object itself', () => {
  const tls = { ca: 'x' };
  const base = { host: 'h', port: 21, user: 'u', password: 'p', secure: false as const, tls };
  assert.equal(sessionKey(base), sessionKey({ ...base }));
  for (const other of [{ host: 'g' }, { port: 2121 }, { user: 'v' }, { password: 'q' }, { secure: 'explicit' as const }, { proxy: 'socks5://p:1' }, { tls: { ca: 'x' } }]) {
    assert.notEqual(sessionKey({ ...base, ...other }), sessionKey(base), JSON.stringify(other));
  }
});
