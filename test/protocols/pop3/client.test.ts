/**
 * Pop3Client against a scripted in-process server: every command, login
 * method, refusal and bound, as whole transcripts (Go's smtp-test style).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Client } from '../../../src/protocols/pop3/client.js';
import { AbortError, InputError, ProtocolError, ReplyError, TimeoutError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { lineServers, type LineServer as FakeServer } from '../../helpers/fake-line-server.js';
import { MESSAGES, pop3Options, standard } from './server.js';

const server = lineServers(pop3Options);

const connect = (s: FakeServer, extra: Partial<Parameters<typeof Pop3Client.connect>[0]> = {}) =>
  Pop3Client.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, ...extra });

describe('Pop3Client', () => {
  test('USER/PASS, STAT, LIST, UIDL, RETR unstuffed, TOP, DELE, RSET, NOOP, QUIT', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    assert.equal(pop.state, 'transaction');
    assert.match(pop.greeting, /^POP3 ready/);
    assert.deepEqual(await pop.stat(), { count: 2, size: MESSAGES[0]!.length + MESSAGES[1]!.length });
    assert.deepEqual(await pop.list(), [
      { n: 1, size: MESSAGES[0]!.length },
      { n: 2, size: MESSAGES[1]!.length },
    ]);
    assert.deepEqual(await pop.list(2), { n: 2, size: MESSAGES[1]!.length });
    assert.deepEqual(await pop.uidl(), [
      { n: 1, uid: 'uid-1' },
      { n: 2, uid: 'uid-2' },
    ]);
    assert.deepEqual(await pop.uidl(1), { n: 1, uid: 'uid-1' });
    const m = await pop.retr(1);
    assert.equal(m.size, MESSAGES[0]!.length);
    assert.equal(await m.text(), MESSAGES[0]);
    assert.equal(m.complete, true);
    const top = await pop.top(2, 0);
    assert.equal(await top.text(), 'Subject: two\r\n\r\n');
    await pop.dele(1);
    await pop.rset();
    await pop.noop();
    await pop.quit();
    assert.equal(pop.state, 'closed');
    assert.deepEqual(s.received, ['USER alice', 'PASS secret', 'STAT', 'LIST', 'LIST 2', 'UIDL', 'UIDL 1', 'RETR 1', 'TOP 2 0', 'DELE 1', 'RSET', 'NOOP', 'QUIT']);
  });

  test("auth 'auto' uses AUTH PLAIN when CAPA offers it; 'apop' sends the RFC 1939 digest", async () => {
    const s = await server();
    const a = await connect(s, { user: 'alice', password: 'secret' });
    assert.deepEqual(a.state, 'transaction');
    await a.quit();
    assert.deepEqual(s.received.slice(0, 2), ['CAPA', `AUTH PLAIN ${Buffer.from('\0alice\0secret').toString('base64')}`]);
    const b = await connect(s, { user: 'mrose', password: 'tanstaaf', auth: 'apop' });
    await b.quit();
    assert.ok(s.received.includes('APOP mrose f27a555c06e8f09f3577661941653f88'));
  });

  test('a user name with a space logs in with AUTH PLAIN (base64 carries it); USER and APOP, which cannot, refuse it before sending', async () => {
    const plain = `AUTH PLAIN ${Buffer.from('\0John Doe\0pw').toString('base64')}`;
    const s = await server((line, conn) => (line === plain ? '+OK welcome\r\n' : standard(line, conn)));
    const a = await connect(s, { user: 'John Doe', password: 'pw' });
    assert.equal(a.state, 'transaction');
    await a.quit();
    assert.ok(s.received.includes(plain));
    const n = s.received.length;
    for (const auth of ['user', 'apop'] as const) await assert.rejects(connect(s, { user: 'John Doe', password: 'pw', auth }), InputError);
    // An untyped caller's auth that is not even a string: still the InputError, not a TypeError from building its text.
    await assert.rejects(connect(s, { user: 'John Doe', password: 'pw', auth: 5 as unknown as 'user' }), InputError);
    assert.ok(!s.received.slice(n).some((l) => l.startsWith('USER') || l.startsWith('APOP')), s.received.slice(n).join('|'));
  });

  test('a refused login is a ReplyError (phase login, RFC 2449 code kept); the session stays in AUTHORIZATION', async () => {
    const s = await server();
    const pop = await connect(s);
    const err = await pop.login('alice', 'wrong', { auth: 'user' }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplyError, String(err));
    assert.equal(err.phase, 'login');
    assert.equal(err.reply?.text, '[AUTH] invalid login');
    assert.equal(pop.state, 'authorization');
    await pop.login('alice', 'secret', { auth: 'user' });
    await pop.quit();
  });

  test('-ERR to a command is a ReplyError and the session goes on', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    await assert.rejects(pop.retr(9), (e: unknown) => e instanceof ReplyError && /no such message/.test(e.message));
    await assert.rejects(pop.list(9), ReplyError);
    assert.equal((await pop.stat()).count, 2);
    await pop.quit();
  });

  test('commands out of state, bad numbers and CR/LF in credentials are InputErrors; nothing is sent', async () => {
    const s = await server();
    const pop = await connect(s);
    await assert.rejects(pop.stat(), InputError);
    await assert.rejects(pop.login('alice', 'secret\r\nDELE 1', { auth: 'user' }), InputError);
    await assert.rejects(pop.login('al ice', 'secret', { auth: 'user' }), InputError);
    await pop.login('alice', 'secret', { auth: 'user' });
    await assert.rejects(pop.retr(0), InputError);
    await assert.rejects(pop.retr(1.5), InputError);
    await assert.rejects(pop.top(1, -1), InputError);
    await assert.rejects(pop.stls(), InputError); // STLS is only valid before login
    await pop.quit();
    assert.deepEqual(s.received, ['USER alice', 'PASS secret', 'QUIT']);
    await assert.rejects(Pop3Client.connect({ host: '127.0.0.1\r\n', port: s.port }), InputError);
  });

  test('an unread body blocks the next command; skip() keeps the session, cancel() closes it', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    const m = await pop.retr(1);
    await assert.rejects(pop.noop(), (e: unknown) => e instanceof InputError && /unread/.test(e.message));
    await m.skip();
    await pop.noop();
    const m2 = await pop.retr(2);
    await m2.cancel();
    await assert.rejects(pop.noop(), (e: unknown) => e instanceof InputError || (e as { code?: string }).code === 'DIAL_E_CLOSED');
  });

  test('QUIT with a body unread cannot be sent in step: the error says the connection was closed instead and the DELEs kept', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    await pop.dele(1);
    await pop.retr(2);
    await assert.rejects(pop.quit(), (e: unknown) => e instanceof InputError && /QUIT was not sent: a message body was still unread, so the connection was closed instead and the messages marked with DELE were kept/.test(e.message));
    assert.equal(pop.state, 'closed');
    assert.deepEqual(s.received.slice(-2), ['DELE 1', 'RETR 2']);
  });

  test('a consumer that stops early leaves the block drained: the next command is in step', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    const m = await pop.retr(1);
    for await (const chunk of m.body) {
      assert.ok(chunk.length > 0);
      break;
    }
    assert.equal((await pop.stat()).count, 2);
    await pop.quit();
  });

  test('trace: the shared event shape, connected event, PASS and AUTH PLAIN masked, body summarized', async () => {
    const s = await server();
    const events: TraceEvent[] = [];
    const pop = await connect(s, { user: 'alice', password: 'secret', trace: (e) => events.push(e) });
    await (await pop.retr(1)).bytes();
    await pop.quit();
    const again = await connect(s, { user: 'alice', password: 'secret', auth: 'user', trace: (e) => events.push(e) });
    await again.quit();
    const text = events.map((e) => `${e.kind} ${e.text}`).join('\n');
    assert.ok(!text.includes('secret') && !text.includes(Buffer.from('\0alice\0secret').toString('base64')), text);
    assert.ok(events.some((e) => e.event === 'connected' && e.data?.remotePort === s.port));
    assert.ok(text.includes('> PASS ****') && text.includes('> AUTH PLAIN ****'), text);
    assert.ok(events.some((e) => e.kind === '<' && e.bytes === MESSAGES[0]!.length));
    assert.ok(events.every((e) => e.protocol === 'pop3' || e.protocol === 'tls'));
  });

  test('a silent server is a TimeoutError; an aborted signal is an AbortError', async () => {
    const s = await server(() => undefined);
    const pop = await connect(s);
    await assert.rejects(pop.capa({ timeout: 50 }), TimeoutError);
    await pop.close();
    const ac = new AbortController();
    const p = connect(s, { user: 'a', password: 'b', auth: 'user', signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, AbortError);
  });

  test('a status that comes after its timeout is never read as the next command\'s: the session is closed', async () => {
    const s = await server((line, conn) => {
      if (line !== 'STAT') return standard(line, conn);
      setTimeout(() => conn.socket.write('+OK 7 9999\r\n'), 200);
      return undefined;
    });
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    await assert.rejects(pop.stat({ timeout: 50 }), TimeoutError);
    await new Promise((r) => setTimeout(r, 300));
    // Before: LIST 1 resolved with STAT's late '+OK 7 9999' as { n: 7, size: 9999 }.
    await assert.rejects(pop.list(1));
    assert.equal(pop.state, 'closed');
    const ac = new AbortController();
    const t = await server((line, conn) => (line === 'NOOP' ? undefined : standard(line, conn)));
    const pop2 = await connect(t, { user: 'alice', password: 'secret', auth: 'user' });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(pop2.noop({ signal: ac.signal }), AbortError);
    assert.equal(pop2.state, 'closed');
  });

  test('a second command while one runs is an InputError and is not sent: later answers stay in step', async () => {
    const s = await server();
    const pop = await connect(s, { user: 'alice', password: 'secret', auth: 'user' });
    const sent = s.received.length;
    const [stat, list1, all] = await Promise.allSettled([pop.stat(), pop.list(1), pop.list()]);
    assert.equal(stat.status === 'fulfilled' && stat.value.count, 2);
    for (const r of [list1, all]) assert.ok(r.status === 'rejected' && r.reason instanceof InputError && /STAT is still running/.test(String(r.reason)), String(r.status));
    assert.deepEqual(s.received.slice(sent), ['STAT']);
    // Before: LIST 1 went out too, its status was left unread, and LIST 2 then returned message 1's size.
    assert.deepEqual(await pop.list(2), { n: 2, size: MESSAGES[1]!.length });
    // A listing holds the session until its last line; a body until it is read.
    const listing = pop.list();
    await assert.rejects(pop.noop(), InputError);
    assert.equal((await listing).length, 2);
    const m = await pop.retr(1);
    await assert.rejects(pop.noop(), InputError);
    await m.skip();
    await pop.noop();
    await pop.quit();
  });

  test('a greeting that is -ERR is a ReplyError; one that is not POP3 is a ProtocolError', async () => {
    const s = await server(standard, '-ERR go away\r\n');
    await assert.rejects(connect(s), (e: unknown) => e instanceof ReplyError && /go away/.test(e.message));
    const t = await server(standard, '220 smtp.example ESMTP\r\n');
    await assert.rejects(connect(t), ProtocolError);
  });

  test('CAPA refused by an old server gives an empty map; STLS refused is a ReplyError, never a silent plain-text session', async () => {
    const s = await server((line, conn) => (line === 'CAPA' || line === 'STLS' ? '-ERR unknown\r\n' : standard(line, conn)));
    const pop = await connect(s);
    assert.equal((await pop.capa()).size, 0);
    await pop.close();
    await assert.rejects(connect(s, { secure: 'starttls' }), ReplyError);
  });

  test('CAPA after login asks again: RFC 2449 §5 lets the TRANSACTION state announce more (a per-user EXPIRE, LOGIN-DELAY)', async () => {
    let loggedIn = false;
    const s = await server((line, conn) => {
      if (line === 'CAPA') return loggedIn ? '+OK\r\nUSER\r\nUIDL\r\nEXPIRE 30 USER\r\n.\r\n' : '+OK\r\nUSER\r\nUIDL\r\nEXPIRE 0\r\nSASL PLAIN\r\n.\r\n';
      if (line.startsWith('PASS')) loggedIn = true;
      return standard(line, conn);
    });
    const pop = await connect(s);
    assert.deepEqual((await pop.capa()).get('EXPIRE'), ['0']);
    await pop.login('alice', 'secret', { auth: 'user' });
    const after = await pop.capa();
    assert.deepEqual(after.get('EXPIRE'), ['30', 'USER']);
    assert.equal(after.has('SASL'), false);
    await pop.quit();
  });
});
