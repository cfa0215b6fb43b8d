/**
 * NntpClient against the real INN (innd + nnrpd): STARTTLS with a verified
 * upgrade, CAPABILITIES, MODE READER, GROUP, POST of an article whose lines
 * start with dots, ARTICLE/HEAD/BODY by message-id and by number (compared
 * with what we sent and with the spool file INN stored in wire format),
 * STAT, OVER, LIST ACTIVE, DATE, refusals. curl has no NNTP support, so INN
 * and its spool are the oracles. A missing server FAILS the suite.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { NntpClient, type NntpConnectOptions } from '../../src/protocols/nntp/index.js';
import { stuffDotBlock } from '../../src/line/index.js';
import { InputError, ReplyError, TLSError } from '../../src/errors.js';
import type { TraceEvent } from '../../src/trace.js';
import { openNews, openNntp } from '../../src/urlopen/schemes/nntp.js';
import { LOOPBACK } from './harness.js';
import { innFixture } from './news-server.js';

const T = 15_000;

const id = (tag: string) => `<${tag}.${Date.now()}.${randomBytes(4).toString('hex')}@dialtone.test>`;
const BODY = '.leading dot\n..two\r\n.\n. space\r\n\nh\u00e9llo\r\nlast line';
const BODY_CRLF = BODY.replace(/\r?\n/g, '\r\n') + '\r\n';

function article(mid: string, group: string, subject: string): string {
  return [`From: tester@news.test`, `Newsgroups: ${group}`, `Subject: ${subject}`, `Message-ID: ${mid}`, '', BODY].join('\r\n');
}

describe('NntpClient against INN', () => {
  const fx = innFixture();
  const opts = (extra: Partial<NntpConnectOptions> = {}): NntpConnectOptions => ({ host: LOOPBACK, port: fx.server.port, timeout: T, ...extra });

  test('STARTTLS verified; POST, then ARTICLE/HEAD/BODY/STAT by id and number equal what was sent and the spool file; OVER; LIST ACTIVE; DATE', async () => {
    const events: TraceEvent[] = [];
    const news = await NntpClient.connect(opts({ secure: 'starttls', tls: { ca: fx.pki.ca.cert }, trace: (e) => events.push(e) }));
    try {
      assert.equal(news.encrypted, true);
      assert.equal(news.postingAllowed, true);
      const caps = await news.capabilities();
      assert.deepEqual(caps.get('VERSION'), ['2']);
      assert.ok(caps.has('READER') && caps.has('POST') && !caps.has('STARTTLS'), [...caps.keys()].join(' '));

      const mid = id('client');
      await news.post(article(mid, fx.server.group, 'dots through NntpClient'));
      const g = await news.group(fx.server.group);
      assert.ok(g.count >= 1 && g.high >= g.low, JSON.stringify(g));

      const byId = await news.article(mid);
      assert.equal(byId.messageId, mid);
      const whole = await byId.bytes();
      const text = whole.toString('utf8');
      const sep = text.indexOf('\r\n\r\n');
      assert.equal(text.slice(sep + 4), BODY_CRLF, 'the body comes back unstuffed, CRLF-ended');
      assert.ok(text.slice(0, sep).split('\r\n').includes(`Message-ID: ${mid}`));

      const stat = await news.stat(mid);
      assert.equal(stat.messageId, mid);
      const n = stat.number || g.high;
      const byNumber = await news.article(n);
      assert.equal(byNumber.number, n);
      assert.ok((await byNumber.bytes()).equals(whole));
      // INN stores the article as it travels: stuffing our unstuffed bytes again gives the spool file.
      assert.equal(stuffDotBlock(whole).toString('utf8'), readFileSync(fx.server.articleFile(n)).toString('utf8'));

      assert.equal(await (await news.head(n)).text(), text.slice(0, sep + 2));
      assert.equal(await (await news.body(mid)).text(), BODY_CRLF);

      const over = await news.over({ from: g.low, to: n });
      const mine = over.find((o) => o.messageId === mid);
      assert.ok(mine, JSON.stringify(over));
      assert.equal(mine.subject, 'dots through NntpClient');
      assert.equal(mine.number, n);

      const active = await news.listActive(fx.server.group);
      assert.equal(active.length, 1);
      assert.equal(active[0]!.group, fx.server.group);
      assert.ok(active[0]!.high >= n);

      const when = await news.date();
      assert.ok(Math.abs(when.getTime() - Date.now()) < 5 * 60_000, when.toISOString());
      await news.quit();
    } finally {
      await news.close();
    }
    assert.ok(events.some((e) => e.event === 'tls'));
    assert.ok(events.some((e) => e.event === 'connected'));
  });

  test('MODE READER on request; refusals are ReplyErrors and the session goes on', async () => {
    const news = await NntpClient.connect(opts({ modeReader: true }));
    try {
      assert.equal(news.postingAllowed, true);
      await assert.rejects(news.group('no.such.group'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 411);
      await assert.rejects(news.article(id('missing')), (e: unknown) => e instanceof ReplyError && e.reply?.code === 430);
      await assert.rejects(news.post(`From: t@news.test\r\nSubject: nowhere\r\nMessage-ID: ${id('bad')}\r\n\r\nbody\r\n`), (e: unknown) => e instanceof ReplyError && e.reply?.code === 441);
      await assert.rejects(news.group('bad group'), InputError);
      // No AUTHINFO is configured: the server refuses it, with a typed error in the login phase.
      await assert.rejects(news.authinfo('joe', 'pw'), (e: unknown) => e instanceof ReplyError && e.phase === 'login' && e.reply!.code >= 400);
      const g = await news.group(fx.server.group);
      assert.equal(g.name, fx.server.group);
      await news.quit();
    } finally {
      await news.close();
    }
  });

  test('urlopen: news://server/id (STARTTLS taken, verified), nntp://server/group/N, the group overview, POST', async () => {
    const mid = id('urlopen');
    const posted = await openNews(new URL(`news://${LOOPBACK}:${fx.server.port}/`), { method: 'POST', body: article(mid, fx.server.group, 'via urlopen'), tls: { ca: fx.pki.ca.cert }, timeout: T });
    assert.equal(posted.status, 240);
    const events: TraceEvent[] = [];
    const r = await openNews(new URL(`news://${LOOPBACK}:${fx.server.port}/${encodeURIComponent(mid.slice(1, -1))}`), { tls: { ca: fx.pki.ca.cert }, timeout: T, trace: (e) => events.push(e) });
    assert.equal(r.info().get('message-id'), mid);
    const whole = await r.text();
    assert.ok(whole.endsWith(`\r\n\r\n${BODY_CRLF}`), whole);
    assert.ok(events.some((e) => e.event === 'tls'), 'STARTTLS taken as CAPABILITIES offered it');
    const news = await NntpClient.connect(opts());
    const n = (await news.stat(mid)).number || (await news.group(fx.server.group)).high;
    await news.quit();
    const byNumber = await openNntp(new URL(`nntp://${LOOPBACK}:${fx.server.port}/${fx.server.group}/${n}`), { tls: { ca: fx.pki.ca.cert }, timeout: T });
    assert.equal(await byNumber.text(), whole);
    const overview = await (await openNntp(new URL(`nntp://${LOOPBACK}:${fx.server.port}/${fx.server.group}`), { tls: { ca: fx.pki.ca.cert }, timeout: T })).text();
    assert.ok(overview.split('\r\n').some((l) => l.startsWith(`${n}\tvia urlopen\t`) && l.endsWith(`\t${mid}`)), overview);
  });

  test('STARTTLS against an untrusted CA is a TLSError', async () => {
    await assert.rejects(NntpClient.connect(opts({ secure: 'starttls', tls: { ca: fx.pki.untrustedCA.cert } })), TLSError);
  });
});
