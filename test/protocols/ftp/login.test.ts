/**
 * Login's fallbacks: alternativeToUser (curl --ftp-alternative-to-user) sent
 * once in place of a refused USER, its reply read as USER's.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { InputError, ReplyError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    users: { 'u@fw': 'p' },
    // A plain "u" is refused; "u@fw" (the alternative) goes on to PASS as usual.
    hooks: { USER: (a, s) => (a === 'u' || a === 'v' ? (s.reply(530, 'Not here.'), true) : false) },
  });
});
after(() => srv.close());

const connect = (extra: Partial<Parameters<typeof FtpClient.connect>[0]>) => FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: 5000, user: 'u', password: 'p', ...extra });

test('a refused USER is followed by alternativeToUser, whose 331 leads to PASS', async () => {
  const from = srv.commands.length;
  const c = await connect({ alternativeToUser: 'USER u@fw' });
  assert.deepEqual(srv.commands.slice(from, from + 3), ['USER u', 'USER u@fw', 'PASS p']);
  await c.quit();
});

test('without alternativeToUser the refusal stands (530, login denied); a refused alternative too, tried once', async () => {
  await assert.rejects(connect({}), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
  const from = srv.commands.length;
  await assert.rejects(connect({ alternativeToUser: 'USER v' }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
  assert.deepEqual(srv.commands.slice(from), ['USER u', 'USER v']);
});

test('alternativeToUser with CR or LF is an InputError before connecting', async () => {
  const before = srv.connections;
  await assert.rejects(connect({ alternativeToUser: 'USER a\r\nDELE x' }), InputError);
  assert.equal(srv.connections, before);
});
