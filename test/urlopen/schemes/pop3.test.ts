/**
 * openPop3 against the scripted POP3 server: RETR N, LIST without a path,
 * HEAD, RFC 2384 ;AUTH=, credentials, ranges, bounds and refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openPop3, parsePopPath, parsePopUser } from '../../../src/urlopen/schemes/pop3.js';
import { InputError, LimitError, ReplyError, TimeoutError } from '../../../src/errors.js';
import { lineServers } from '../../helpers/fake-line-server.js';
import { bearerPop3, MESSAGES, pop3Options, standard, type FakeServer } from '../../protocols/pop3/server.js';

/** A scripted POP3 server (the well-behaved one unless given a `reply`), closed in the file's `after`. */
const server = lineServers(pop3Options);
const base = (s: FakeServer, user = 'alice:secret') => `pop3://${user}@127.0.0.1:${s.port}`;

test('parsePopUser and parsePopPath: RFC 2384 ;AUTH= forms, message numbers', () => {
  assert.deepEqual(parsePopUser('alice'), { user: 'alice', auth: undefined });
  assert.deepEqual(parsePopUser('alice;AUTH=*'), { user: 'alice', auth: undefined });
  assert.deepEqual(parsePopUser('alice;auth=+APOP'), { user: 'alice', auth: 'apop' });
  assert.deepEqual(parsePopUser('al%40ice%3Bauth%3DPLAIN'), { user: 'al@ice', auth: 'plain' });
  assert.deepEqual(parsePopUser(''), { user: undefined, auth: undefined });
  assert.deepEqual(parsePopUser('alice;AUTH=OAUTHBEARER'), { user: 'alice', auth: 'oauthbearer' });
  assert.deepEqual(parsePopUser('alice;auth=xoauth2'), { user: 'alice', auth: 'xoauth2' });
  assert.throws(() => parsePopUser('alice;AUTH=GSSAPI'), InputError);
  assert.throws(() => parsePopUser('alice;AUTH=FOO'), (e: unknown) => e instanceof InputError && e.phase === 'url');
  // loginOptions (curl --login-options) win over the URL's ;AUTH=.
  assert.deepEqual(parsePopUser('alice;AUTH=USER', 'AUTH=+APOP'), { user: 'alice', auth: 'apop' });
  assert.deepEqual(parsePopUser('alice', 'AUTH=PLAIN;AUTH=*'), { user: 'alice', auth: undefined });
  assert.throws(() => parsePopUser('alice', 'FOO=1'), (e: unknown) => e instanceof InputError && e.phase === 'url');
  assert.equal(parsePopPath('/'), undefined);
  assert.equal(parsePopPath('/7'), 7);
  for (const p of ['/0', '/x', '/1/2', '/-1', '/99999999999999999']) assert.throws(() => parsePopPath(p), InputError, p);
});

test('pop3://…/N is the message (message/rfc822, LIST N\'s size as Pop3-List-Size, no Content-Length), then QUIT', async () => {
  const s = await server();
  const r = await openPop3(new URL(`${base(s)}/1`), { timeout: 5000 });
  assert.equal(r.status, 200);
  assert.equal(r.protocol, 'pop3');
  assert.equal(r.info().get('content-type'), 'message/rfc822');
  assert.equal(r.info().get('pop3-list-size'), String(MESSAGES[0]!.length));
  assert.equal(r.info().get('content-length'), null);
  assert.equal(await r.text(), MESSAGES[0]);
  // As curl: the PLAIN message after the `+ `, not with AUTH (that is saslIr, curl's --sasl-ir).
  assert.deepEqual(s.received, ['CAPA', 'AUTH PLAIN', Buffer.from('\0alice\0secret').toString('base64'), 'LIST 1', 'RETR 1', 'QUIT']);
});

test('saslIr sends the PLAIN message with AUTH (curl --sasl-ir); saslAuthzid is its authzid', async () => {
  const s = await server();
  const r = await openPop3(new URL(`${base(s)}/1`), { timeout: 5000, saslIr: true });
  assert.equal(await r.text(), MESSAGES[0]);
  assert.equal(s.received[1], 'AUTH PLAIN ' + Buffer.from('\0alice\0secret').toString('base64'));
  const z = await server((line, conn) => (line.startsWith('AUTH PLAIN ') ? '-ERR [AUTH] no\r\n' : standard(line, conn)));
  await assert.rejects(openPop3(new URL(`${base(z)}/1`), { timeout: 5000, saslIr: true, saslAuthzid: 'bob' }), ReplyError);
  assert.equal(z.received[1], 'AUTH PLAIN ' + Buffer.from('bob\0alice\0secret').toString('base64'));
});

test('no path lists the mailbox as curl prints it; HEAD has headers only; ;AUTH=USER and options credentials', async () => {
  const s = await server();
  const r = await openPop3(new URL(`${base(s, 'alice;AUTH=USER:wrong')}/`), { password: 'secret' });
  assert.equal(r.info().get('content-type'), 'text/plain');
  assert.equal(await r.text(), `1 ${MESSAGES[0]!.length}\r\n2 ${MESSAGES[1]!.length}\r\n`);
  assert.ok(s.received.includes('USER alice') && s.received.includes('PASS secret'));
  // HEAD answers the headers GET would: LIST N's size under its own name, no Content-Length.
  const h = await openPop3(new URL(`${base(s)}/2`), { method: 'HEAD' });
  assert.equal(h.info().get('pop3-list-size'), String(MESSAGES[1]!.length));
  assert.equal(h.info().get('content-length'), null);
  assert.equal((await h.bytes()).length, 0);
  assert.ok(!s.received.includes('RETR 2'), s.received.join('|'));
  const l = await openPop3(new URL(`${base(s)}/2`), { listOnly: true });
  assert.equal(l.info().get('pop3-list-size'), String(MESSAGES[1]!.length));
  assert.equal((await l.bytes()).length, 0);
});

test('a message without a final line end: RETR sends 2 bytes more than LIST N says, and no header claims LIST N\'s size as the body\'s', async () => {
  // As dovecot: the size is the stored message's, and the multi-line reply ends its last line with a CRLF it did not have.
  const stored = 'Subject: x\r\n\r\nno final newline';
  const s = await server((line, conn) => {
    if (line === 'LIST 1') return `+OK 1 ${stored.length}\r\n`;
    if (line === 'RETR 1') return `+OK ${stored.length} octets\r\n${stored}\r\n.\r\n`;
    return standard(line, conn);
  });
  const seen: (number | undefined)[] = [];
  const r = await openPop3(new URL(`${base(s)}/1`), { onProgress: (p) => seen.push(p.total) });
  const body = await r.bytes();
  assert.equal(body.toString('latin1'), `${stored}\r\n`);
  assert.equal(r.info().get('pop3-list-size'), String(stored.length));
  const length = r.info().get('content-length');
  assert.ok(length === null || Number(length) === body.length, `Content-Length ${length} for a body of ${body.length} bytes`);
  // The progress total is the body's own, never a hint it outgrows.
  assert.ok(seen.length > 0 && seen.every((t) => t === undefined || t >= body.length), JSON.stringify(seen));
  // A range is cut from what RETR sends, the added CRLF included.
  const tail = await openPop3(new URL(`${base(s)}/1`), { range: { start: stored.length - 2 } });
  assert.equal(tail.status, 206);
  assert.equal(await tail.text(), 'ne\r\n');
  assert.equal(tail.info().get('content-length'), null);
});

test('oauth2Bearer logs in with AUTH OAUTHBEARER (XOAUTH2 with ;AUTH=XOAUTH2); a refused token is a ReplyError', async () => {
  const s = await server(bearerPop3({ alice: 'tok-1' }, 'PLAIN OAUTHBEARER XOAUTH2'));
  const r = await openPop3(new URL(`pop3://alice@127.0.0.1:${s.port}/1`), { oauth2Bearer: 'tok-1' });
  assert.equal(await r.text(), MESSAGES[0]);
  assert.deepEqual([s.received[0], s.received[1], s.received[3]], ['CAPA', 'AUTH OAUTHBEARER', 'LIST 1']);
  const x = await openPop3(new URL(`pop3://alice;AUTH=XOAUTH2@127.0.0.1:${s.port}/1`), { oauth2Bearer: 'tok-1' });
  assert.equal(await x.text(), MESSAGES[0]);
  assert.ok(s.received.includes('AUTH XOAUTH2'));
  await assert.rejects(openPop3(new URL(`pop3://alice@127.0.0.1:${s.port}/1`), { oauth2Bearer: 'nope' }), (e: unknown) => e instanceof ReplyError && e.phase === 'login');
});

test('as curl -X: UIDL lists N uid lines; DELE N deletes and QUITs, with no body; each refused where it makes no sense', async () => {
  const s = await server();
  const u = await openPop3(new URL(`${base(s)}/`), { method: 'UIDL' });
  assert.equal(await u.text(), '1 uid-1\r\n2 uid-2\r\n');
  const d = await openPop3(new URL(`${base(s)}/2`), { method: 'DELE' });
  assert.equal((await d.bytes()).length, 0);
  assert.deepEqual(s.received.slice(-2), ['DELE 2', 'QUIT']);
  await assert.rejects(openPop3(new URL(`${base(s)}/`), { method: 'DELE' }), InputError);
  await assert.rejects(openPop3(new URL(`${base(s)}/1`), { method: 'UIDL' }), InputError);
  await assert.rejects(openPop3(new URL(`${base(s)}/1`), { method: 'TOP' }), InputError);
});

test('range cuts the message (206); maxBodySize stops it; a missing message is a ReplyError', async () => {
  const s = await server();
  const r = await openPop3(new URL(`${base(s)}/1`), { range: { start: 9, end: 11 } });
  assert.equal(r.status, 206);
  assert.equal(await r.text(), 'one');
  // The mailbox listing is cut the same way, and its Content-Length is the part's.
  const list = await openPop3(new URL(`${base(s)}/`), { range: { start: 2, end: 4 } });
  assert.equal(list.status, 206);
  assert.equal(list.info().get('content-length'), '3');
  assert.equal(await list.text(), `1 ${MESSAGES[0]!.length}\r\n`.slice(2, 5));
  const big = await openPop3(new URL(`${base(s)}/1`), { maxBodySize: 10 });
  await assert.rejects(big.bytes(), LimitError);
  await assert.rejects(openPop3(new URL(`${base(s)}/9`), {}), ReplyError);
});

test('refusals before anything is sent: methods, bodies, headers, no user, query', async () => {
  const s = await server();
  const u = new URL(`${base(s)}/1`);
  await assert.rejects(openPop3(u, { method: 'PUT', body: 'x' }), InputError);
  await assert.rejects(openPop3(u, { body: 'x' }), InputError);
  await assert.rejects(openPop3(u, { headers: { a: 'b' } }), InputError);
  await assert.rejects(openPop3(new URL(`pop3://127.0.0.1:${s.port}/1`), {}), InputError);
  await assert.rejects(openPop3(new URL(`${base(s)}/1?x`), {}), InputError);
  assert.deepEqual(s.received, []);
});

test('timeout bounds the whole operation: a silent server is a TimeoutError', async () => {
  const s = await server(() => undefined);
  await assert.rejects(openPop3(new URL(`${base(s)}/1`), { timeout: 200 }), TimeoutError);
});

test('a body left early drops the connection instead of reading on', async () => {
  const s = await server();
  const r = await openPop3(new URL(`${base(s)}/1`), {});
  for await (const chunk of r.body) {
    assert.ok(chunk.length > 0);
    break;
  }
  assert.ok(!s.received.includes('QUIT'));
  await r.cancel();
});
