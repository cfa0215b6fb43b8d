/**
 * Quote commands (curl -Q): raw commands sent in order, `*` letting one
 * fail, a refusal otherwise a ReplyError in phase 'quote'; CR/LF refused
 * before anything is sent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FtpClient, parseQuotes, sendQuotes } from '../../../src/protocols/ftp/index.js';
import { InputError, ReplyError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    hooks: {
      BAD: (_a, s) => (s.reply(550, 'Refused.'), true),
      BYE: (_a, s) => (s.reply(421, 'Closing.'), true),
    },
  });
});
after(() => srv.close());

const connect = () => FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: 5000 });

test('parseQuotes: a leading * marks a command that may fail; the * is not sent', () => {
  assert.deepEqual(parseQuotes(['NOOP', '*SITE CHMOD 644 f']), [
    { line: 'NOOP', mayFail: false },
    { line: 'SITE CHMOD 644 f', mayFail: true },
  ]);
});

test('parseQuotes: CR, LF or NUL in a command, or an empty one, is an InputError', () => {
  for (const bad of ['NOOP\r\nDELE x', 'NOOP\nX', 'A\0B', '', '*', '   ']) assert.throws(() => parseQuotes(['NOOP', bad]), InputError, JSON.stringify(bad));
});

test('sendQuotes sends each command in order and returns the replies; a refused * command is passed over', async () => {
  const c = await connect();
  const from = srv.commands.length;
  const replies = await sendQuotes(c, parseQuotes(['NOOP', '*BAD one', 'SITE x']));
  assert.deepEqual(srv.commands.slice(from), ['NOOP', 'BAD one', 'SITE x']);
  assert.deepEqual(replies.map((r) => r.code), [200, 550, 200]);
  await c.quit();
});

test('a refused command without * stops the list: ReplyError phase quote with the reply; the session stays usable', async () => {
  const c = await connect();
  const from = srv.commands.length;
  await assert.rejects(sendQuotes(c, parseQuotes(['BAD two', 'NOOP'])), (e: unknown) => e instanceof ReplyError && e.phase === 'quote' && e.reply?.code === 550);
  assert.deepEqual(srv.commands.slice(from), ['BAD two']);
  assert.equal(c.usable, true);
  await c.quit();
});

test('a 421 ends the list even after *: the session is over', async () => {
  const c = await connect();
  await assert.rejects(sendQuotes(c, parseQuotes(['*BYE', 'NOOP'])), (e: unknown) => e instanceof ReplyError && e.reply?.code === 421);
  assert.equal(c.usable, false);
  await c.close();
});

test('FtpClient.send refuses CR/LF with an InputError and sends nothing', async () => {
  const c = await connect();
  const from = srv.commands.length;
  await assert.rejects(c.send('NOOP\r\nDELE x'), InputError);
  assert.equal(srv.commands.length, from);
  await c.quit();
});
