/**
 * The line layer against a real news server, INN 2 (innd handing readers to
 * nnrpd), before any NNTP client exists: every command is a LineClient call
 * over a dialtone Socket. Greeting, CAPABILITIES as a dot block, GROUP, POST
 * of an article whose lines start with dots (writeDotBlock), ARTICLE back as
 * a dot block — compared with what we sent and, byte for byte, with the
 * spool file INN stored in wire format — and STARTTLS with the test CA.
 * A missing server FAILS the suite (requireBinary); nothing is skipped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { stuffDotBlock, type LineClient } from '../../src/line/index.js';
import type { Socket } from '../../src/socket/index.js';
import { ReplyError, TLSError } from '../../src/errors.js';
import { innFixture } from './news-server.js';
import { dialLine, dotLines } from '../helpers/line-dial.js';

const dial = (port: number): Promise<LineClient> => dialLine(port, 'nntp');

const text = (lines: Buffer[]) => lines.map((l) => l.toString('utf8'));

function messageId(tag: string): string {
  return `<${tag}.${Date.now()}.${randomBytes(4).toString('hex')}@dialtone.test>`;
}

/** Body lines that need stuffing (a lone dot would end the block), plus a bare LF and a bare-LF blank line. */
const BODY = '.leading dot\n..two leading dots\r\n.\n..\n. a dot, a space\r\n\nh\u00e9llo\r\nlast line';
const BODY_LINES = BODY.split(/\r\n|\n/);

function article(id: string, group: string, subject: string): string {
  return [`From: tester@news.test`, `Newsgroups: ${group}`, `Subject: ${subject}`, `Message-ID: ${id}`, '', BODY].join('\r\n');
}

/** Splits an article's lines at the first empty one. */
function split(lines: string[]): { head: string[]; body: string[] } {
  const blank = lines.indexOf('');
  assert.ok(blank > 0, `no header/body separator in ${JSON.stringify(lines.slice(0, 20))}`);
  return { head: lines.slice(0, blank), body: lines.slice(blank + 1) };
}

async function post(line: LineClient, art: string): Promise<void> {
  await line.command('POST', { expect: 340 });
  await line.writeDotBlock(art);
  await line.readReply({ expect: 240 });
}

describe('INN through the line layer', () => {
  const fx = innFixture();

  test('greeting, CAPABILITIES, GROUP, POST of a dotted article, ARTICLE back equal to what we sent and to the spool file', async () => {
    const line = await dial(fx.server.port);
    try {
      const greeting = await line.readReply({ expect: [200, 201] });
      assert.equal(greeting.code, 200, `posting should be allowed: ${greeting.text}`);

      await line.command('CAPABILITIES', { expect: 101 });
      const caps = text(await dotLines(line));
      assert.equal(caps[0], 'VERSION 2');
      for (const c of ['READER', 'POST', 'STARTTLS']) assert.ok(caps.some((l) => l.split(' ')[0] === c), `no ${c} in ${caps.join(' | ')}`);

      const empty = await line.command(`GROUP ${fx.server.group}`, { expect: 211 });
      assert.match(empty.text, new RegExp(`^0 \\d+ \\d+ ${fx.server.group.replace('.', '\\.')}$`));

      const id = messageId('dots');
      await post(line, article(id, fx.server.group, 'lines that start with dots'));

      const group = await line.command(`GROUP ${fx.server.group}`, { expect: 211 });
      const [count, first, last] = group.text.split(' ').map(Number);
      assert.equal(count, 1);
      assert.equal(first, last);

      const byId = await line.command(`ARTICLE ${id}`, { expect: 220 });
      // RFC 3977 §6.2.1: by message-id, the number may be 0 (INN sends 0 when no group is implied).
      assert.match(byId.text, /^\d+ </);
      assert.equal(byId.text.split(' ')[1], id);
      const lines = await dotLines(line);
      const { head, body } = split(text(lines));
      assert.deepEqual(body, BODY_LINES, 'the body comes back unstuffed, line for line');
      assert.ok(head.includes(`Message-ID: ${id}`) && head.includes(`Newsgroups: ${fx.server.group}`), head.join(' | '));
      assert.ok(head.some((h) => h.startsWith('Path: ')), 'INN added its Path:');

      // INN stores the article as it travels (wireformat): CRLF lines, dots stuffed, the final dot.
      // Our unstuffed lines, stuffed again, must give those bytes exactly.
      const stored = readFileSync(fx.server.articleFile(first!));
      const rebuilt = stuffDotBlock(Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\r\n')])));
      assert.equal(rebuilt.toString('utf8'), stored.toString('utf8'));

      const byNumber = await line.command(`ARTICLE ${first}`, { expect: 220 });
      assert.ok(byNumber.text.startsWith(`${first} ${id}`), byNumber.text);
      assert.deepEqual(text(await dotLines(line)), text(lines));

      await line.command('QUIT', { expect: 205 });
      assert.equal(await line.readLine(), null, 'the server closes after QUIT');
    } finally {
      await line.close();
    }
  });

  test('STARTTLS then a verified upgrade; POST and BODY over TLS', async () => {
    const line = await dial(fx.server.port);
    try {
      await line.readReply({ expect: 200 });
      await line.command('STARTTLS', { expect: 382 });
      assert.equal(line.bufferedLength, 0);
      await line.startTLS({ ca: fx.pki.ca.cert });
      assert.equal((line.stream as Socket).encrypted, true);

      await line.command('CAPABILITIES', { expect: 101 });
      const caps = text(await dotLines(line));
      assert.ok(!caps.includes('STARTTLS'), `STARTTLS offered again over TLS: ${caps.join(' | ')}`);

      const id = messageId('tls');
      await post(line, article(id, fx.server.group, 'posted over TLS'));
      await line.command(`BODY ${id}`, { expect: 222 });
      assert.deepEqual(text(await dotLines(line)), BODY_LINES);
      await line.command('QUIT', { expect: 205 });
    } finally {
      await line.close();
    }
  });

  test('STARTTLS against an untrusted CA is refused (TLSError)', async () => {
    const line = await dial(fx.server.port);
    try {
      await line.readReply({ expect: 200 });
      await line.command('STARTTLS', { expect: 382 });
      await assert.rejects(line.startTLS({ ca: fx.pki.untrustedCA.cert }), (e: unknown) => e instanceof TLSError);
    } finally {
      await line.close();
    }
  });

  test('refusals are ReplyErrors and the session goes on: an unknown group, an article with no Newsgroups', async () => {
    const line = await dial(fx.server.port);
    try {
      await line.readReply({ expect: 200 });
      await assert.rejects(line.command('GROUP no.such.group', { expect: 211 }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 411);
      await line.command('POST', { expect: 340 });
      await line.writeDotBlock(`From: tester@news.test\r\nSubject: nowhere\r\nMessage-ID: ${messageId('bad')}\r\n\r\nbody\r\n`);
      await assert.rejects(line.readReply({ expect: 240 }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 441);
      await line.command(`GROUP ${fx.server.group}`, { expect: 211 });
      await line.command('QUIT', { expect: 205 });
    } finally {
      await line.close();
    }
  });
});
