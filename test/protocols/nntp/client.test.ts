/**
 * NntpClient against a scripted in-process server: every command, the
 * article forms, POST, AUTHINFO, refusals, masking and bounds.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NntpClient } from '../../../src/protocols/nntp/client.js';
import { AbortError, InputError, LimitError, ProtocolError, ReplyError, TimeoutError } from '../../../src/errors.js';
import type { TraceEvent } from '../../../src/trace.js';
import { ARTICLE, modeSwitchingNntp, nntpOptions, standardNntp } from './server.js';
import { makeTestPKI } from '../../interop/ca.js';
import { rawPeer, within } from '../../helpers/peers.js';
import { flood, lineServers, type LineServer as FakeServer } from '../../helpers/fake-line-server.js';

const server = lineServers(nntpOptions);

const connect = (s: FakeServer, extra: Partial<Parameters<typeof NntpClient.connect>[0]> = {}) =>
  NntpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 5000, ...extra });

describe('NntpClient', () => {
  test('CAPABILITIES, GROUP, ARTICLE/HEAD/BODY by number and message-id, STAT, LIST ACTIVE, OVER, DATE, QUIT', async () => {
    const s = await server();
    const news = await connect(s);
    assert.equal(news.postingAllowed, true);
    const caps = await news.capabilities();
    assert.deepEqual(caps.get('VERSION'), ['2']);
    assert.deepEqual(await news.group('local.test'), { name: 'local.test', count: 1, low: 1, high: 1 });
    const a = await news.article(1);
    assert.equal(a.number, 1);
    assert.equal(a.messageId, '<a1@news.test>');
    assert.equal(await a.text(), ARTICLE);
    const h = await news.head('<a1@news.test>');
    assert.equal(h.number, 0);
    assert.match(await h.text(), /^From: a@news\.test\r\n[^]*Message-ID: <a1@news\.test>\r\n$/);
    assert.equal(await (await news.body()).text(), '.dotted\r\nbody\r\n');
    assert.deepEqual(await news.stat(1), { number: 1, messageId: '<a1@news.test>' });
    assert.deepEqual(await news.listActive(), [
      { group: 'local.test', high: 1, low: 1, status: 'y' },
      { group: 'local.moderated', high: 0, low: 1, status: 'm' },
    ]);
    const [o] = await news.over({ from: 1, to: 5 });
    assert.equal(o?.subject, 'hello');
    assert.equal(o?.bytes, 120);
    assert.deepEqual(o?.extra, ['Xref: news.test local.test:1']);
    assert.equal((await news.date()).toISOString(), '2026-11-25T10:30:00.000Z');
    await news.quit();
    assert.deepEqual(s.received, ['CAPABILITIES', 'GROUP local.test', 'ARTICLE 1', 'HEAD <a1@news.test>', 'BODY', 'STAT 1', 'LIST ACTIVE', 'OVER 1-5', 'DATE', 'QUIT']);
  });

  test('POST stuffs dots and makes endings CRLF; 441 is a ReplyError', async () => {
    const s = await server();
    const news = await connect(s);
    assert.match(await news.post('Subject: x\n\n.dot\nend'), /received/);
    await assert.rejects(news.post('No-Subject: x\r\n\r\nbody'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 441);
    await news.quit();
    assert.deepEqual(s.received.slice(0, 6), ['CAPABILITIES', 'POST', 'Subject: x', '', '..dot', 'end']);
  });

  test('AUTHINFO USER/PASS, masked in the trace; a wrong password is a ReplyError with phase login', async () => {
    const s = await server();
    const events: TraceEvent[] = [];
    const news = await connect(s, { user: 'joe', password: 'secret', trace: (e) => events.push(e) });
    await news.quit();
    const text = events.map((e) => `${e.kind} ${e.text}`).join('\n');
    assert.ok(text.includes('> AUTHINFO PASS ****') && !text.includes('secret'), text);
    assert.ok(events.some((e) => e.event === 'connected'));
    const err = await connect(s, { user: 'joe', password: 'nope' }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplyError && err.reply?.code === 481 && err.phase === 'login', String(err));
  });

  test('MODE READER: sent when asked, or when CAPABILITIES lists MODE-READER', async () => {
    const s = await server();
    await (await connect(s, { modeReader: true })).quit();
    assert.deepEqual(s.received.slice(0, 1), ['MODE READER']);
    const base = standardNntp();
    const t = await server((line, conn) => (line === 'CAPABILITIES' ? '101 caps\r\nVERSION 2\r\nMODE-READER\r\n.\r\n' : base(line, conn)), '201 transit only\r\n');
    const news = await connect(t);
    assert.equal(news.postingAllowed, true);
    await news.quit();
    assert.deepEqual(t.received.slice(0, 2), ['CAPABILITIES', 'MODE READER']);
  });

  test('a mode-switching server: MODE READER comes before STARTTLS and AUTHINFO, which it would undo (RFC 3977 §5.3)', async () => {
    const pki = makeTestPKI();
    try {
      const s = await server(modeSwitchingNntp({ cert: pki.server.cert, key: pki.server.key }));
      const news = await NntpClient.connect({ host: 'localhost', port: s.port, timeout: 5000, secure: 'starttls', tls: { ca: pki.ca.cert }, user: 'joe', password: 'secret' });
      assert.equal(news.encrypted, true);
      assert.equal((await news.group('local.test')).count, 1);
      await news.quit();
      assert.deepEqual(s.received.slice(0, 5), ['CAPABILITIES', 'MODE READER', 'STARTTLS', 'AUTHINFO USER joe', 'AUTHINFO PASS secret']);
    } finally {
      pki.cleanup();
    }
  });

  test('refusals are ReplyErrors and the session goes on; bad arguments are InputErrors and nothing is sent', async () => {
    const s = await server();
    const news = await connect(s);
    await assert.rejects(news.group('no.such'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 411);
    await assert.rejects(news.article('<nope@x>'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 430);
    for (const bad of ['no-brackets', '<a b@c>', '<a>b@c>', '<\r\n>', `<${'x'.repeat(300)}>`]) await assert.rejects(news.article(bad), InputError, bad);
    await assert.rejects(news.article(0), InputError);
    await assert.rejects(news.group('a b'), InputError);
    await assert.rejects(news.group('a\r\nQUIT'), InputError);
    await assert.rejects(news.over({ from: 5, to: 1 }), InputError);
    await assert.rejects(news.authinfo('joe', 'x\r\nPOST'), InputError);
    // An untyped caller's article that is no text, bytes or iterable: refused before POST, so the server never waits for it.
    for (const bad of [42, null, {}] as unknown[]) await assert.rejects(news.post(bad as string), InputError);
    await news.quit();
    assert.deepEqual(s.received, ['CAPABILITIES', 'GROUP no.such', 'ARTICLE <nope@x>', 'QUIT']);
  });

  test('an unread article blocks the next command; skip() keeps the session in step', async () => {
    const s = await server();
    const news = await connect(s);
    const a = await news.article(1);
    await assert.rejects(news.stat(1), InputError);
    await a.skip();
    assert.equal((await news.stat(1)).number, 1);
    await news.quit();
  });

  test('QUIT with an article unread cannot be sent in step: the error says the connection was closed instead', async () => {
    const s = await server();
    const news = await connect(s);
    await news.article(1);
    await assert.rejects(news.quit(), (e: unknown) => e instanceof InputError && /QUIT was not sent: an article was still unread, so the connection was closed instead/.test(e.message));
    assert.equal(news.error?.code, 'DIAL_E_CLOSED');
    assert.deepEqual(s.received.slice(-1), ['ARTICLE 1']);
  });

  test('greeting 400/502 is a ReplyError; a non-NNTP greeting a ProtocolError; a silent server a TimeoutError; abort an AbortError', async () => {
    await assert.rejects(connect(await server(standardNntp(), '400 service unavailable\r\n')), (e: unknown) => e instanceof ReplyError && e.reply?.code === 400);
    await assert.rejects(connect(await server(standardNntp(), '+OK pop3\r\n')), ProtocolError);
    await assert.rejects(connect(await server(standardNntp(), '200-continued\r\n')), ProtocolError);
    const silent = await server(() => undefined);
    const news = await connect(silent, { modeReader: false });
    await assert.rejects(news.date({ timeout: 50 }), TimeoutError);
    await news.close();
    const ac = new AbortController();
    const p = connect(silent, { modeReader: true, signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await assert.rejects(p, AbortError);
  });

  test('a status that comes after its timeout is never read as the next command\'s: the session is closed', async () => {
    const std = standardNntp();
    const s = await server((line, conn) => {
      if (line !== 'GROUP slow') return std(line, conn);
      setTimeout(() => conn.socket.write('211 5 1 5 slow\r\n'), 200);
      return undefined;
    });
    const news = await connect(s);
    await assert.rejects(news.group('slow', { timeout: 50 }), TimeoutError);
    await new Promise((r) => setTimeout(r, 300));
    // Before: this resolved with the late reply for 'slow'.
    await assert.rejects(news.group('local.test'), (e: unknown) => (e as { code?: string }).code === 'DIAL_E_CLOSED');
    assert.equal(news.currentGroup, undefined);
  });

  test('a server older than RFC 3977 (CAPABILITIES refused with 500) can still be used: an empty capability map', async () => {
    const std = standardNntp();
    const s = await server((line, conn) => (line === 'CAPABILITIES' ? '500 What?\r\n' : std(line, conn)));
    // Before: connect (which asks for capabilities to decide on MODE READER) failed with ReplyError 500.
    const news = await connect(s);
    assert.deepEqual([...(await news.capabilities())], []);
    assert.equal((await news.group('local.test')).name, 'local.test');
    const t = await server((line, conn) => (line === 'CAPABILITIES' ? '480 authentication required\r\n' : std(line, conn)));
    await assert.rejects(connect(t), (e: unknown) => e instanceof ReplyError && e.reply?.code === 480);
    await news.quit();
  });

  test('a second command while one runs is an InputError and is not sent: later answers stay in step', async () => {
    const s = await server();
    const news = await connect(s);
    const sent = s.received.length;
    const [group, date] = await Promise.allSettled([news.group('local.test'), news.date()]);
    assert.ok(group.status === 'fulfilled' && group.value.name === 'local.test');
    assert.ok(date.status === 'rejected' && date.reason instanceof InputError && /GROUP is still running/.test(String(date.reason)));
    assert.deepEqual(s.received.slice(sent), ['GROUP local.test']);
    // Before: DATE went out too, and its 111 answered the next command.
    assert.equal((await news.stat(1)).number, 1);
    // A listing holds the session until its last line.
    const listing = news.listActive();
    await assert.rejects(news.date(), InputError);
    assert.ok((await listing).length > 0);
    await news.quit();
  });

  test('STARTTLS refused is a ReplyError, never a silent plain-text session', async () => {
    const base = standardNntp();
    const s = await server((line, conn) => (line === 'STARTTLS' ? '580 cannot initiate TLS\r\n' : base(line, conn)));
    await assert.rejects(connect(s, { secure: 'starttls' }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 580);
  });
});

describe('NntpClient against hostile servers', () => {
  test('an endless LIST ACTIVE stops at maxListEntries; an endless OVER line at maxBodyLine', async () => {
    const base = standardNntp();
    const counter = { sent: 0 };
    const s = await server((line, conn) => (line === 'LIST ACTIVE' ? flood(conn.socket, 'g 1 1 y\r\n'.repeat(1000), 1e9, counter, '215 go\r\n') : base(line, conn)));
    const news = await connect(s, { maxListEntries: 5000 });
    const err = await within(news.listActive().catch((e: unknown) => e), 10_000, 'LIST');
    assert.ok(err instanceof LimitError && err.limit === 5000, String(err));
    const c2 = { sent: 0 };
    const t = await server((line, conn) => (line === 'OVER' ? flood(conn.socket, 'x'.repeat(65536), 1e9, c2, '224 go\r\n') : base(line, conn)));
    const n2 = await connect(t, { maxBodyLine: 200_000 });
    const err2 = await within(n2.over().catch((e: unknown) => e), 10_000, 'OVER');
    assert.ok(err2 instanceof LimitError && err2.limit === 200_000, String(err2));
    assert.ok(c2.sent < 32 * 1024 * 1024);
  });

  test('an endless greeting line is a LimitError at maxLine, the server cut off early; a 5xx line inside an article is text', async () => {
    const counter = { sent: 0 };
    const peer = await rawPeer((c) => flood(c, 'x'.repeat(65536), 1e9, counter, '200 '));
    try {
      const err = await within(NntpClient.connect({ host: '127.0.0.1', port: peer.port, timeout: 5000 }).catch((e: unknown) => e), 10_000, 'greeting');
      assert.ok(err instanceof LimitError && err.limit === 8192, String(err));
      assert.ok(counter.sent < 32 * 1024 * 1024, `sent ${counter.sent}`);
    } finally {
      await peer.close();
    }
    const base = standardNntp();
    const s = await server((line, conn) => (line === 'BODY 1' ? '222 1 <a1@news.test>\r\n503 this is text\r\n.\r\n' : base(line, conn)));
    const news = await connect(s);
    assert.equal(await (await news.body(1)).text(), '503 this is text\r\n');
    await news.quit();
  });

  test('a close mid-article is a ProtocolError; a 2xx the table does not expect ends the session', async () => {
    const base = standardNntp();
    const s = await server((line, conn) => {
      if (line === 'ARTICLE 1') {
        conn.end('220 1 <a1@news.test>\r\nFrom: x\r\n\r\npartial\r\n');
        return undefined;
      }
      if (line === 'GROUP odd') return '215 list follows\r\nsurprise\r\n.\r\n';
      return base(line, conn);
    });
    const news = await connect(s);
    const a = await news.article(1);
    await assert.rejects(a.text(), ProtocolError);
    const n2 = await connect(s);
    await assert.rejects(n2.group('odd'), ProtocolError);
    await assert.rejects(n2.date());
  });

  test('a line injected after the STARTTLS go-ahead is refused (DIAL_E_INJECTION)', async () => {
    const base = standardNntp();
    const s = await server((line, conn) => (line === 'STARTTLS' ? '382 go ahead\r\n211 1 1 1 injected\r\n' : base(line, conn)));
    const err = await connect(s, { secure: 'starttls' }).catch((e: unknown) => e);
    assert.ok(err instanceof ProtocolError && err.code === 'DIAL_E_INJECTION', String(err));
  });

  test('bare LF endings are read; huge numbers in GROUP and OVER are ProtocolErrors', async () => {
    const base = standardNntp();
    const s = await server((line, conn) => {
      if (line === 'GROUP huge') return '211 99999999999999999999 1 18446744073709551616 huge\r\n';
      if (line === 'OVER') return '224 go\r\n1e400\ts\tf\td\t<m@x>\t\t1\t1\r\n.\r\n';
      return base(line, conn)?.replace(/\r\n/g, '\n');
    }, '200 lf\n');
    const news = await connect(s);
    assert.equal(await (await news.article(1)).text(), ARTICLE);
    await assert.rejects(news.group('huge'), ProtocolError);
    const n2 = await connect(s);
    await assert.rejects(n2.over(), ProtocolError);
  });
});
