/**
 * Pop3Client against the real dovecot: STLS with a verified upgrade, AUTH
 * PLAIN and USER/PASS, STAT/LIST/UIDL, RETR streamed and compared byte for
 * byte with the maildir file and with curl, TOP, DELE + RSET, DELE + QUIT
 * (the message is gone), POP3S, refusals, a 20,000-byte body line, and
 * an OAuth 2.0 bearer login (OAUTHBEARER, XOAUTH2) as curl's.
 * A missing server or curl FAILS the suite; nothing is skipped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pop3Client, type Pop3ConnectOptions } from '../../src/protocols/pop3/index.js';
import { ReplyError, TLSError } from '../../src/errors.js';
import { openPop3 } from '../../src/urlopen/schemes/pop3.js';
import type { TraceEvent } from '../../src/trace.js';
import { LOOPBACK } from './harness.js';
import { curl } from './fixtures.js';
import { dovecotFixture } from './mail-servers.js';

const T = 15_000;

const FIRST = ['From: a@mail.test', 'Subject: first', '', '.starts with a dot', '.', '..', 'caf\u00e9', ''].join('\n');
const SECOND = ['From: a@mail.test', 'Subject: second', '', 'plain', ''].join('\n');
const LONG = ['From: a@mail.test', 'Subject: long', '', 'z'.repeat(20_000), 'end', ''].join('\n');
/** A message stored without a final newline: RETR ends its last line all the same, 2 bytes more than LIST says. */
const UNENDED = ['From: a@mail.test', 'Subject: unended', '', 'no final newline'].join('\n');

/** A stored LF message as POP3 sends it: CRLF endings. */
const crlf = (s: string) => Buffer.from(s.replace(/\n/g, '\r\n'), 'utf8');

describe('Pop3Client against dovecot', () => {
  const fx = dovecotFixture({
    alice: { password: 's3cret', messages: [FIRST, SECOND] },
    dave: { password: 'pw', messages: [SECOND, FIRST] },
    erin: { password: 'pw', messages: [FIRST, SECOND, FIRST] },
    carol: { password: 'pw', messages: [LONG] },
    frank: { password: 'pw', messages: [UNENDED] },
    // dovecot checks a bearer token as the password.
    gina: { password: 'ya29.gina-token', messages: [SECOND] },
  });
  const opts = (extra: Partial<Pop3ConnectOptions>): Pop3ConnectOptions => ({ host: LOOPBACK, port: fx.server.ports[0]!, timeout: T, ...extra });

  test('STLS verified, AUTH PLAIN (auto), STAT, LIST, UIDL, RETR = maildir file, TOP, DELE + RSET, QUIT; trace masked', async () => {
    const events: TraceEvent[] = [];
    const pop = await Pop3Client.connect(opts({ secure: 'starttls', tls: { ca: fx.pki.ca.cert }, user: 'alice', password: 's3cret', trace: (e) => events.push(e) }));
    try {
      assert.equal(pop.encrypted, true);
      assert.equal(pop.state, 'transaction');
      const caps = await pop.capa();
      assert.ok(caps.has('UIDL') && caps.has('TOP') && !caps.has('STLS'), [...caps.keys()].join(' '));
      const sizes = [crlf(FIRST).length, crlf(SECOND).length];
      assert.deepEqual(await pop.stat(), { count: 2, size: sizes[0]! + sizes[1]! });
      assert.deepEqual(await pop.list(), [
        { n: 1, size: sizes[0] },
        { n: 2, size: sizes[1] },
      ]);
      const names = readdirSync(join(fx.server.maildir('alice'), 'cur')).filter((f) => !f.startsWith('.')).sort();
      const uids = await pop.uidl();
      assert.equal(uids.length, 2);
      // pop3_uidl_format = %f: the maildir base name (before the ':2,' flags).
      assert.equal(uids[0]!.uid, names[0]!.split(':')[0]);
      const got = await (await pop.retr(1)).bytes();
      assert.ok(got.equals(crlf(FIRST)), JSON.stringify(got.toString()));
      assert.ok(readFileSync(join(fx.server.maildir('alice'), 'cur', names[0]!)).equals(Buffer.from(FIRST)));
      const head = (await (await pop.top(1, 0)).text()).split('\r\n');
      assert.ok(head.includes('Subject: first') && !head.includes('.starts with a dot'));
      await pop.dele(1);
      await assert.rejects(pop.retr(1), ReplyError);
      await pop.rset();
      assert.equal((await pop.stat()).count, 2);
      await pop.noop();
      await pop.quit();
    } finally {
      await pop.close();
    }
    const text = events.map((e) => `${e.kind} ${e.text}`).join('\n');
    assert.ok(!text.includes('s3cret') && text.includes('> AUTH PLAIN ****'), text);
    assert.ok(events.some((e) => e.event === 'tls' && /^TLSv1\.[23]$/.test(e.data?.tlsVersion ?? '')), text);
    assert.ok(events.some((e) => e.event === 'connected'));
  });

  test('RETR and the LIST/UIDL listings equal what curl gets', async () => {
    const pop = await Pop3Client.connect(opts({ user: 'alice', password: 's3cret', auth: 'user' }));
    let body: Buffer;
    let list: string;
    let uidl: string;
    try {
      body = await (await pop.retr(2)).bytes();
      list = (await pop.list()).map((e) => `${e.n} ${e.size}\r\n`).join('');
      uidl = (await pop.uidl()).map((e) => `${e.n} ${e.uid}\r\n`).join('');
      await pop.quit();
    } finally {
      await pop.close();
    }
    const base = `pop3://alice:s3cret@${LOOPBACK}:${fx.server.ports[0]}`;
    assert.ok(curl([`${base}/2`]).equals(body));
    assert.equal(curl([`${base}/`]).toString(), list);
    assert.equal(curl(['-X', 'UIDL', `${base}/`]).toString(), uidl);
  });

  test('DELE + QUIT removes the message (the UPDATE state commits it)', async () => {
    const a = await Pop3Client.connect(opts({ user: 'dave', password: 'pw' }));
    assert.equal((await a.stat()).count, 2);
    await a.dele(1);
    await a.quit();
    const b = await Pop3Client.connect(opts({ user: 'dave', password: 'pw' }));
    try {
      assert.equal((await b.stat()).count, 1);
      assert.ok((await (await b.retr(1)).bytes()).equals(crlf(FIRST)));
      await b.quit();
    } finally {
      await b.close();
    }
  });

  test('POP3S on the second port; an untrusted CA is a TLSError; a wrong password is a ReplyError (phase login)', async () => {
    const pop = await Pop3Client.connect(opts({ port: fx.server.ports[1]!, secure: 'implicit', tls: { ca: fx.pki.ca.cert }, user: 'alice', password: 's3cret', auth: 'user' }));
    assert.equal(pop.encrypted, true);
    assert.equal((await pop.stat()).count, 2);
    await pop.quit();
    await assert.rejects(Pop3Client.connect(opts({ port: fx.server.ports[1]!, secure: 'implicit', tls: { ca: fx.pki.untrustedCA.cert } })), TLSError);
    await assert.rejects(Pop3Client.connect(opts({ secure: 'starttls', tls: { ca: fx.pki.untrustedCA.cert } })), TLSError);
    const err = await Pop3Client.connect(opts({ user: 'alice', password: 'wrong', auth: 'user', timeout: 30_000 })).catch((e: unknown) => e);
    assert.ok(err instanceof ReplyError && err.phase === 'login', String(err));
  });

  test('urlopen pop3:// (STLS taken, verified) and pop3s:// give what curl gives: the message, and the LIST', async () => {
    const base = `alice:s3cret@${LOOPBACK}`;
    const events: TraceEvent[] = [];
    const r = await openPop3(new URL(`pop3://${base}:${fx.server.ports[0]}/1`), { tls: { ca: fx.pki.ca.cert }, timeout: T, trace: (e) => events.push(e) });
    assert.equal(r.info().get('content-type'), 'message/rfc822');
    const ours = await r.bytes();
    assert.equal(r.info().get('pop3-list-size'), String(ours.length));
    assert.ok(ours.equals(curl([`pop3://${base}:${fx.server.ports[0]}/1`])));
    assert.ok(events.some((e) => e.event === 'tls'), 'pop3:// upgraded with STLS as CAPA offered it');
    const list = await openPop3(new URL(`pop3s://${base}:${fx.server.ports[1]}/`), { tls: { ca: fx.pki.ca.cert }, timeout: T });
    const theirs = curl(['--cacert', fx.pki.ca.certPath, `pop3s://${base}:${fx.server.ports[1]}/`]);
    assert.ok((await list.bytes()).equals(theirs), theirs.toString());
  });

  test('urlopen UIDL and DELE as curl -X: the same UIDL text; DELE removes the message as curl -X DELE -I does', async () => {
    const base = `erin:pw@${LOOPBACK}:${fx.server.ports[0]}`;
    const ours = await (await openPop3(new URL(`pop3://${base}/`), { method: 'UIDL', tls: { ca: fx.pki.ca.cert }, timeout: T })).text();
    assert.equal(ours, curl(['-X', 'UIDL', `pop3://${base}/`]).toString());
    const before = (await openPop3(new URL(`pop3://${base}/`), { tls: { ca: fx.pki.ca.cert }, timeout: T }).then((r) => r.text())).split('\r\n').filter(Boolean).length;
    const del = await openPop3(new URL(`pop3://${base}/1`), { method: 'DELE', tls: { ca: fx.pki.ca.cert }, timeout: T });
    assert.equal((await del.bytes()).length, 0);
    const after1 = (await openPop3(new URL(`pop3://${base}/`), { tls: { ca: fx.pki.ca.cert }, timeout: T }).then((r) => r.text())).split('\r\n').filter(Boolean).length;
    assert.equal(after1, before - 1);
    // curl needs -I (no body) with -X DELE, or it waits for a multi-line answer that never comes; it prints nothing and deletes too.
    assert.equal(curl(['-X', 'DELE', '-I', `pop3://${base}/1`]).length, 0);
    assert.equal(curl([`pop3://${base}/`]).toString().split('\r\n').filter(Boolean).length, before - 2);
  });

  test('urlopen RETR of a message without a final newline: the body is curl\'s, and no header disagrees with it', async () => {
    const url = `pop3://frank:pw@${LOOPBACK}:${fx.server.ports[0]}/1`;
    const r = await openPop3(new URL(url), { tls: { ca: fx.pki.ca.cert }, timeout: T });
    const ours = await r.bytes();
    assert.ok(ours.equals(curl([url])), JSON.stringify(ours.toString()));
    assert.ok(ours.equals(crlf(`${UNENDED}\n`)));
    // dovecot's LIST size is the stored message's in CRLF form, without the line end RETR adds.
    assert.equal(r.info().get('pop3-list-size'), String(crlf(UNENDED).length));
    const length = r.info().get('content-length');
    assert.ok(length === null || Number(length) === ours.length, `Content-Length ${length} for ${ours.length} bytes`);
    const head = await openPop3(new URL(url), { method: 'HEAD', tls: { ca: fx.pki.ca.cert }, timeout: T });
    assert.deepEqual([...head.info()], [...r.info()]);
  });

  test('urlopen oauth2Bearer: AUTH OAUTHBEARER after STLS gives curl\'s message; ;AUTH=XOAUTH2 too; a wrong token is a login ReplyError with dovecot\'s reason', async () => {
    const url = (user: string) => `pop3://${user}@${LOOPBACK}:${fx.server.ports[0]}/1`;
    const events: TraceEvent[] = [];
    const o = { tls: { ca: fx.pki.ca.cert }, timeout: T, oauth2Bearer: 'ya29.gina-token' };
    const ours = await (await openPop3(new URL(url('gina')), { ...o, trace: (e) => events.push(e) })).bytes();
    assert.ok(ours.equals(crlf(SECOND)));
    assert.ok(ours.equals(curl(['--oauth2-bearer', 'ya29.gina-token', url('gina')])));
    const sent = events.filter((e) => e.kind === '>').map((e) => e.text);
    assert.ok(sent.includes('AUTH OAUTHBEARER') && !sent.join('\n').includes('gina-token'), sent.join('\n'));
    assert.ok((await (await openPop3(new URL(url('gina;AUTH=XOAUTH2')), o)).bytes()).equals(ours));
    const err = await openPop3(new URL(url('gina')), { ...o, oauth2Bearer: 'ya29.wrong', timeout: 30_000 }).catch((e: unknown) => e);
    assert.ok(err instanceof ReplyError && err.phase === 'login' && /invalid_token/.test(err.message), String(err));
  });

  test('a 20,000-byte body line streams through RETR at the default bounds', async () => {
    const pop = await Pop3Client.connect(opts({ user: 'carol', password: 'pw' }));
    try {
      const m = await pop.retr(1);
      assert.ok((await m.bytes()).equals(crlf(LONG)));
      await pop.quit();
    } finally {
      await pop.close();
    }
  });
});
