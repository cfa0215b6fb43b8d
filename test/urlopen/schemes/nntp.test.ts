/**
 * openNntp against the scripted NNTP server: RFC 5538 URL forms, POST,
 * credentials, bounds and refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openNews, openNntp, parseNewsPath } from '../../../src/urlopen/schemes/nntp.js';
import { ConnectError, InputError, ReplyError, TimeoutError } from '../../../src/errors.js';
import { lineServers } from '../../helpers/fake-line-server.js';
import { ARTICLE, modeSwitchingNntp, nntpOptions, standardNntp } from '../../protocols/nntp/server.js';
import { makeTestPKI } from '../../interop/ca.js';

/** A scripted NNTP server (the well-behaved one unless given a script), closed in the file's `after`. */
const server = lineServers(nntpOptions);

test('parseNewsPath: message-ids, groups, numbers, wildmats (RFC 5538 §2)', () => {
  assert.deepEqual(parseNewsPath('news', '123@example.com'), { kind: 'article', messageId: '<123@example.com>' });
  assert.deepEqual(parseNewsPath('news', '/%3C123@example.com%3E'), { kind: 'article', messageId: '<123@example.com>' });
  assert.deepEqual(parseNewsPath('news', '/comp.lang.misc'), { kind: 'group', group: 'comp.lang.misc' });
  assert.deepEqual(parseNewsPath('news', '/comp.lang.misc/'), { kind: 'group', group: 'comp.lang.misc' });
  assert.deepEqual(parseNewsPath('news', '/comp.*'), { kind: 'groups', wildmat: 'comp.*' });
  assert.deepEqual(parseNewsPath('nntp', '/comp.lang.misc/42'), { kind: 'number', group: 'comp.lang.misc', number: 42 });
  assert.deepEqual(parseNewsPath('nntp', '/'), { kind: 'server' });
  for (const p of ['/a/b/c', '/g/x', '/g/0', '/a%20b', '/bad id@x']) assert.throws(() => parseNewsPath('nntp', p), InputError, p);
  assert.throws(() => parseNewsPath('nntp', '/id@host'), InputError);
});

test('news://server/id@host is the article; nntp://server/group/N too', async () => {
  const s = await server();
  const r = await openNews(new URL(`news://127.0.0.1:${s.port}/a1@news.test`), { timeout: 5000 });
  assert.equal(r.status, 200);
  assert.equal(r.protocol, 'nntp');
  assert.equal(r.info().get('content-type'), 'message/rfc822');
  assert.equal(r.info().get('message-id'), '<a1@news.test>');
  assert.equal(await r.text(), ARTICLE);
  const n = await openNntp(new URL(`nntp://127.0.0.1:${s.port}/local.test/1`), {});
  assert.equal(await n.text(), ARTICLE);
  assert.deepEqual(s.received.slice(-4), ['CAPABILITIES', 'GROUP local.test', 'ARTICLE 1', 'QUIT']);
});

test('news:id@host takes its server from NNTPSERVER; without it, an InputError', async () => {
  const saved = process.env.NNTPSERVER;
  try {
    delete process.env.NNTPSERVER;
    await assert.rejects(openNews(new URL('news:a1@news.test'), {}), InputError);
    process.env.NNTPSERVER = '127.0.0.1';
    // news: has no port: the client dials NNTPSERVER on 119, where nothing listens on a test machine.
    const err = await openNews(new URL('news:a1@news.test'), { timeout: 2000 }).catch((e: unknown) => e);
    assert.ok(err instanceof ConnectError && /127\.0\.0\.1 port 119/.test(err.message), String(err));
  } finally {
    if (saved === undefined) delete process.env.NNTPSERVER;
    else process.env.NNTPSERVER = saved;
  }
});

test('a group is its overview; a wildmat lists groups; POST posts (240)', async () => {
  const s = await server();
  const g = await openNews(new URL(`news://127.0.0.1:${s.port}/local.test`), {});
  assert.equal(await g.text(), '1\thello\ta@news.test\tWed, 25 Nov 2026 10:00:00 +0000\t<a1@news.test>\r\n');
  const w = await openNews(new URL(`news://127.0.0.1:${s.port}/local.*`), {});
  assert.equal(await w.text(), 'local.test 1 1 y\r\nlocal.moderated 0 1 m\r\n');
  assert.ok(s.received.includes('LIST ACTIVE local.*'));
  // A range cuts a listing (206), and its Content-Length is the part's.
  const part = await openNews(new URL(`news://127.0.0.1:${s.port}/local.*`), { range: { start: 6, end: 9 } });
  assert.equal(part.status, 206);
  assert.equal(part.info().get('content-length'), '4');
  assert.equal(await part.text(), 'test');
  const p = await openNews(new URL(`news://127.0.0.1:${s.port}/`), { method: 'POST', body: 'Subject: hi\r\nNewsgroups: local.test\r\n\r\n.body\r\n' });
  assert.equal(p.status, 240);
  assert.ok(s.received.includes('..body'));
  // An upload (dial -T) is a post too.
  const put = await openNntp(new URL(`nntp://127.0.0.1:${s.port}/`), { method: 'PUT', body: 'Subject: up\r\n\r\nuploaded\r\n' });
  assert.equal(put.status, 240);
  assert.ok(s.received.includes('uploaded'));
});

test('credentials log in with AUTHINFO; refusals are ReplyErrors; a silent server times out', async () => {
  const s = await server();
  const r = await openNntp(new URL(`nntp://joe:secret@127.0.0.1:${s.port}/local.test/1`), {});
  await r.text();
  assert.ok(s.received.includes('AUTHINFO USER joe') && s.received.includes('AUTHINFO PASS secret'));
  await assert.rejects(openNntp(new URL(`nntp://joe:bad@127.0.0.1:${s.port}/local.test/1`), {}), (e: unknown) => e instanceof ReplyError && e.reply?.code === 481);
  await assert.rejects(openNntp(new URL(`nntp://127.0.0.1:${s.port}/no.such/1`), {}), (e: unknown) => e instanceof ReplyError && e.reply?.code === 411);
  const silent = await server(() => undefined);
  await assert.rejects(openNntp(new URL(`nntp://127.0.0.1:${silent.port}/g/1`), { timeout: 200 }), TimeoutError);
});

test('refusals before anything is sent', async () => {
  const s = await server(standardNntp());
  const u = new URL(`nntp://127.0.0.1:${s.port}/g/1`);
  await assert.rejects(openNntp(u, { method: 'DELETE', body: 'x' }), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
  await assert.rejects(openNntp(u, { method: 'PUT' }), /needs the article/, 'an upload is a post, and a post needs a body');
  await assert.rejects(openNntp(u, { method: 'POST' }), InputError);
  await assert.rejects(openNntp(u, { method: 'GET', body: 'x' }), InputError);
  await assert.rejects(openNntp(u, { headers: [['a', 'b']] }), InputError);
  await assert.rejects(openNntp(new URL(`nntp://127.0.0.1:${s.port}/g/1?q`), {}), InputError);
  await assert.rejects(openNntp(new URL(`http://127.0.0.1/`), {}), InputError);
  assert.deepEqual(s.received, []);
});

test('a mode-switching server (RFC 3977 §5.3.3): MODE READER first, then the STARTTLS and login the reader session offers', async () => {
  const pki = makeTestPKI();
  try {
    const s = await server(modeSwitchingNntp({ cert: pki.server.cert, key: pki.server.key }));
    const tls = { ca: pki.ca.cert };
    const r = await openNntp(new URL(`nntp://joe:secret@localhost:${s.port}/local.test/1`), { tls, timeout: 5000 });
    assert.equal(await r.text(), ARTICLE);
    assert.deepEqual(s.received.slice(0, 4), ['CAPABILITIES', 'MODE READER', 'CAPABILITIES', 'STARTTLS']);
    assert.ok(s.received.indexOf('AUTHINFO USER joe') > s.received.indexOf('STARTTLS'), s.received.join('|'));
    // TLS required (--ssl-reqd): the transit mode has no STARTTLS, the reader session does.
    const q = await openNntp(new URL(`nntp://joe:secret@localhost:${s.port}/local.test/1`), { tls, requireTls: true, timeout: 5000 });
    assert.equal(await q.text(), ARTICLE);
  } finally {
    pki.cleanup();
  }
});

test('a group overview with raw 8-bit headers (Latin-1, common on Usenet) keeps every character, not U+FFFD', async () => {
  const base = standardNntp();
  const over = Buffer.from('224 overview\r\n1\tcaf\xe9 na\xefve\tJ\xfcrgen <j@x>\tdate\t<a1@news.test>\t\t120\t3\r\n.\r\n', 'latin1');
  const s = await server((line, conn) => (line.startsWith('OVER') ? (conn.send(over), undefined) : base(line, conn)));
  const g = await openNews(new URL(`news://127.0.0.1:${s.port}/local.test`), { timeout: 5000 });
  assert.equal(await g.text(), '1\tcaf\u00e9 na\u00efve\tJ\u00fcrgen <j@x>\tdate\t<a1@news.test>\r\n');
});

test('a group whose estimated count hides an empty range (OVER answers 423, RFC 3977 §8.3.2) is an empty listing, not an error', async () => {
  const base = standardNntp();
  const s = await server((line, conn) => (line.startsWith('GROUP') ? '211 2 3 4 local.test\r\n' : line.startsWith('OVER') ? '423 No articles in that range\r\n' : base(line, conn)));
  const g = await openNews(new URL(`news://127.0.0.1:${s.port}/local.test`), { timeout: 5000 });
  assert.equal(g.status, 200);
  assert.equal(await g.text(), '');
  assert.deepEqual(s.received.slice(-3), ['GROUP local.test', 'OVER 3-4', 'QUIT']);
});
