/**
 * The smtp:/smtps: opener against the in-process FakeSmtpServer, called
 * directly (the registry wiring is the lead's): curl's --mail-from /
 * --mail-rcpt / -T semantics, the EHLO name from the path, credentials from
 * the URL (and its ;AUTH=), an OAuth 2.0 bearer token, VRFY without a body,
 * the whole-operation timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, TimeoutError } from '../../../src/errors.js';
import { SmtpReplyError, type SendResult } from '../../../src/protocols/smtp/index.js';
import { openSmtp, parseSmtpUser, type MailOpenOptions } from '../../../src/urlopen/schemes/smtp.js';
import { makeTestPKI, type TestPKI } from '../../interop/ca.js';
import { FakeSmtpServer } from '../../protocols/smtp/fake-server.js';

let pki: TestPKI;
let plain: FakeSmtpServer;
let tls: FakeSmtpServer;
let smtps: FakeSmtpServer;
const open = (u: string, o: MailOpenOptions) => openSmtp(new URL(u), { timeout: 5000, ...o });

before(async () => {
  pki = makeTestPKI();
  const cert = { cert: pki.server.cert, key: pki.server.key };
  plain = await FakeSmtpServer.start({ reject: ['nobody@x.test'] });
  tls = await FakeSmtpServer.start({ tls: cert, users: { 'ann@x.test': 'p w' }, tokens: { 'ann@x.test': 'tok-1' }, ehlo: ['PIPELINING', 'SIZE 1000000', '8BITMIME', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN CRAM-MD5 XOAUTH2 OAUTHBEARER'] });
  smtps = await FakeSmtpServer.start({ tls: cert, implicit: true });
});
after(async () => {
  await plain?.close();
  await tls?.close();
  await smtps?.close();
  pki?.cleanup();
});

test('smtp: the body is sent to mailRcpt from mailFrom, EHLO names the URL path, status is the final reply', async () => {
  const events: string[] = [];
  const progress: number[] = [];
  const r = await open(`smtp://127.0.0.1:${plain.port}/client.example`, {
    mailFrom: '<a@x.test>',
    mailRcpt: ['b@x.test', '<c@x.test>'],
    body: 'Subject: hi\n\n.dot\n',
    trace: (e) => events.push(`${e.kind} ${e.text}`),
    onProgress: (p) => progress.push(p.transferred),
  });
  assert.equal(r.status, 250);
  assert.equal(r.protocol, 'smtp');
  assert.equal(r.statusText, '2.0.0 OK queued as FAKE1');
  assert.equal((await r.bytes()).length, 0);
  assert.deepEqual((r.raw as SendResult).accepted, ['b@x.test', 'c@x.test']);
  assert.ok(plain.commands.includes('EHLO client.example'));
  const m = plain.messages.at(-1)!;
  assert.equal(m.from, 'a@x.test');
  assert.equal(m.raw.toString(), 'Subject: hi\r\n\r\n..dot\r\n');
  assert.ok(events.includes('> QUIT'));
  assert.deepEqual(progress, [18]);
});

test('smtp: no mailFrom is the null sender; a stream body; any refused recipient fails it all, as curl', async () => {
  await open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['b@x.test'], body: [Buffer.from('x\n')], bodyLength: 2 });
  assert.equal(plain.messages.at(-1)!.mailLine, 'MAIL FROM:<> SIZE=2');
  const n = plain.messages.length;
  await assert.rejects(open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['b@x.test', 'nobody@x.test'], body: 'x' }), SmtpReplyError);
  assert.equal(plain.messages.length, n);
});

test('smtp: mailRcptAllowFails sends to the accepted recipients and lists the refused ones in raw.rejected; all refused still fails', async () => {
  const r = await open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['b@x.test', 'nobody@x.test'], body: 'x', mailRcptAllowFails: true });
  assert.equal(r.status, 250);
  const result = r.raw as SendResult;
  assert.deepEqual(result.accepted, ['b@x.test']);
  assert.deepEqual(result.rejected.map((x) => [x.address, x.code, x.enhancedCode]), [['nobody@x.test', 550, '5.1.1']]);
  assert.deepEqual(plain.messages.at(-1)!.to, ['b@x.test']);
  const n = plain.messages.length;
  await assert.rejects(open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['nobody@x.test'], body: 'x', mailRcptAllowFails: true }), (e: unknown) => e instanceof SmtpReplyError && e.rejected.length === 1);
  assert.equal(plain.messages.length, n);
  // A refusal ends the session with QUIT, not a hang-up.
  assert.equal(plain.commands.at(-1), 'QUIT');
});

test('smtp: credentials from the URL log in after STARTTLS (verified against the given CA)', async () => {
  const r = await open(`smtp://ann%40x.test:p%20w@localhost:${tls.port}/`, { tls: { ca: pki.ca.cert }, mailRcpt: ['b@x.test'], body: 'x' });
  assert.equal(r.status, 250);
  const i = tls.commands.indexOf('STARTTLS');
  assert.ok(i >= 0 && tls.commands.findIndex((l) => l.startsWith('AUTH')) > i, tls.commands.join('|'));
});

test('smtp: parseSmtpUser reads curl\'s ;AUTH= login option; an unknown mechanism is refused', () => {
  assert.deepEqual(parseSmtpUser('ann'), { user: 'ann', mechanism: undefined });
  assert.deepEqual(parseSmtpUser('ann;auth=xoauth2'), { user: 'ann', mechanism: 'XOAUTH2' });
  assert.deepEqual(parseSmtpUser('ann;AUTH=*'), { user: 'ann', mechanism: undefined });
  assert.throws(() => parseSmtpUser('ann;AUTH=GSSAPI'), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
  // A name curl does not know is a malformed option (its exit 3), not an unsupported one.
  assert.throws(() => parseSmtpUser('ann;AUTH=FOO'), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT' && e.phase === 'url');
});

test('smtp: loginOptions (curl --login-options) name the mechanism as ;AUTH= does, win over the URL\'s, the last AUTH= winning; other options are malformed', () => {
  assert.deepEqual(parseSmtpUser('ann', 'AUTH=LOGIN'), { user: 'ann', mechanism: 'LOGIN' });
  assert.deepEqual(parseSmtpUser('ann;AUTH=LOGIN', 'AUTH=PLAIN'), { user: 'ann', mechanism: 'PLAIN' });
  assert.deepEqual(parseSmtpUser('ann', 'AUTH=PLAIN;AUTH=*'), { user: 'ann', mechanism: undefined });
  assert.deepEqual(parseSmtpUser('ann;AUTH=LOGIN', ''), { user: 'ann', mechanism: undefined });
  for (const bad of ['FOO=1', 'AUTH', 'AUTH=', 'AUTH=PLAIN;X=1']) {
    assert.throws(() => parseSmtpUser('ann', bad), (e: unknown) => e instanceof InputError && e.phase === 'url', bad);
  }
});

test('smtp: oauth2Bearer logs the user in with OAUTHBEARER (XOAUTH2 with ;AUTH=XOAUTH2) after STARTTLS; no user is an InputError', async () => {
  const ca = { ca: pki.ca.cert };
  const send = { mailRcpt: ['b@x.test'], body: 'Subject: t\n\nx\n', tls: ca, oauth2Bearer: 'tok-1' };
  const from = tls.commands.length;
  assert.equal((await open(`smtp://ann%40x.test@localhost:${tls.port}/c.test`, send)).status, 250);
  assert.ok(tls.commands.slice(from).includes('AUTH OAUTHBEARER'), tls.commands.slice(from).join('|'));
  const next = tls.commands.length;
  assert.equal((await open(`smtp://ann%40x.test;AUTH=XOAUTH2@localhost:${tls.port}/c.test`, send)).status, 250);
  const mine = tls.commands.slice(next);
  assert.equal(Buffer.from(mine[mine.indexOf('AUTH XOAUTH2') + 1]!, 'base64').toString(), 'user=ann@x.test\x01auth=Bearer tok-1\x01\x01');
  await assert.rejects(open(`smtp://ann%40x.test@localhost:${tls.port}/c.test`, { ...send, oauth2Bearer: 'wrong' }), (e: unknown) => e instanceof SmtpReplyError && e.reply?.code === 535);
  await assert.rejects(open(`smtp://localhost:${tls.port}/c.test`, send), InputError);
});

test('smtps: TLS from the first byte', async () => {
  const r = await open(`smtps://localhost:${smtps.port}/`, { tls: { ca: pki.ca.cert }, mailRcpt: ['b@x.test'], body: 'x' });
  assert.equal(r.status, 250);
  assert.equal(smtps.messages.length, 1);
});

test('smtp without a body: VRFY each mailRcpt, the replies as the body, line for line as curl writes them (CRLF)', async () => {
  const r = await open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['alice@x.test', 'bob@x.test'] });
  assert.equal(await r.text(), '250 2.1.5 Alice <alice@x.test>\r\n252 2.1.5 cannot verify\r\n');
  // A multi-line reply keeps its lines and their 250- prefixes, as curl prints it.
  const multi = await FakeSmtpServer.start({ hook: (l) => (l.startsWith('VRFY') ? '250-Ann One <ann@x.test>\r\n250 Ann Two <ann2@x.test>\r\n' : undefined) });
  try {
    const m = await open(`smtp://127.0.0.1:${multi.port}`, { mailRcpt: ['ann'] });
    assert.equal(await m.text(), '250-Ann One <ann@x.test>\r\n250 Ann Two <ann2@x.test>\r\n');
  } finally {
    await multi.close();
  }
});

test('smtp: unusable requests are InputErrors before connecting', async () => {
  const bad: [string, MailOpenOptions][] = [
    ['smtp://127.0.0.1:1', { body: 'x' }],
    ['smtp://127.0.0.1:1', {}],
    ['smtp://127.0.0.1:1', { method: 'DELETE', mailRcpt: ['a@b'], body: 'x' }],
    ['smtp://127.0.0.1:1', { method: 'PUT', mailRcpt: ['a@b'] }],
    ['smtp://127.0.0.1:1', { headers: { 'X-A': '1' }, mailRcpt: ['a@b'], body: 'x' }],
    ['smtp://127.0.0.1:1?x=1', { mailRcpt: ['a@b'], body: 'x' }],
    ['http://127.0.0.1:1', { mailRcpt: ['a@b'], body: 'x' }],
    ['smtp://127.0.0.1:1/bad%20name', { mailRcpt: ['a@b'], body: 'x' }],
  ];
  for (const [u, o] of bad) await assert.rejects(open(u, o), InputError, `${u} ${JSON.stringify(o)}`);
  const n = plain.commands.length;
  await assert.rejects(open(`smtp://127.0.0.1:${plain.port}`, { mailRcpt: ['a@b\r\nDATA'], body: 'x' }), InputError);
  assert.ok(!plain.commands.slice(n).some((l) => l.startsWith('MAIL')));
});

test('smtp: the timeout bounds the whole operation (TimeoutError, not AbortError)', async () => {
  const silent = await FakeSmtpServer.start({ hook: (l) => (l === 'DATA' ? '' : undefined) });
  try {
    await assert.rejects(open(`smtp://127.0.0.1:${silent.port}`, { mailRcpt: ['b@x'], body: 'x', timeout: 300 }), TimeoutError);
  } finally {
    await silent.close();
  }
});

test('smtp: connectTimeout bounds connecting only, as curl --connect-timeout: a slow RCPT reply within timeout succeeds', async () => {
  // A recipient check that takes a while (a callout, greylisting) is part of the transfer, not of connecting.
  const slow = await FakeSmtpServer.start({
    hook: (l, conn) => {
      // Corked: the usual reply goes out 600 ms late.
      if (l.startsWith('RCPT')) {
        conn.socket.cork();
        setTimeout(() => conn.socket.uncork(), 600);
      }
      return undefined;
    },
  });
  try {
    const r = await open(`smtp://127.0.0.1:${slow.port}`, { mailRcpt: ['b@x.test'], body: 'x\n', connectTimeout: 200, timeout: 5000 });
    assert.equal(r.status, 250);
    assert.equal(slow.messages.length, 1);
  } finally {
    await slow.close();
  }
});

test('smtp: mailAuth is MAIL FROM\'s AUTH=<…> after the login (one pair of brackets dropped), as curl --mail-auth', async () => {
  await open(`smtp://ann%40x.test:p%20w@localhost:${tls.port}/`, { tls: { ca: pki.ca.cert }, mailRcpt: ['b@x.test'], body: 'x', mailAuth: '<sub@x.test>' });
  assert.equal(tls.messages.at(-1)!.mailLine, 'MAIL FROM:<> AUTH=<sub@x.test> SIZE=3');
});
