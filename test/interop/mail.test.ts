/**
 * The line layer against real mail servers, before any SMTP or POP3 client
 * exists: every command here is a LineClient call over a dialtone Socket.
 *
 * - dovecot (POP3): greeting, CAPA as a dot block, STLS then a verified TLS
 *   upgrade, USER/PASS, STAT, LIST, RETR of a message whose lines start with
 *   dots (unstuffed lines checked byte for byte against the maildir file),
 *   POP3S on its own port, QUIT.
 * - exim (SMTP): 220 greeting, multi-line EHLO, STARTTLS then a verified
 *   upgrade, EHLO again, MAIL/RCPT/DATA with writeDotBlock of a body holding
 *   leading dots and bare LFs; the delivered maildir file equals what we sent.
 *
 * curl is the second oracle: it sends the same body over SMTP and fetches
 * the same message over POP3. A missing server or curl FAILS the suite
 * (requireBinary); nothing is skipped.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LineClient } from '../../src/line/index.js';
import type { Socket } from '../../src/socket/index.js';
import { LimitError, ReplyError, TLSError } from '../../src/errors.js';
import { LOOPBACK } from './harness.js';
import type { TestPKI } from './ca.js';
import { curl } from './fixtures.js';
import { dovecotFixture, eximFixture, waitForDelivery, type SmtpServer } from './mail-servers.js';
import { dialLine as dial, dotLines } from '../helpers/line-dial.js';
import { DOTTED_MESSAGE as MAIL_BODY } from '../helpers/smtp-message.js';

/** Lines joined with `eol`, each line ended by it (the file form of a dot block). */
function joinLines(lines: Buffer[], eol: string): Buffer {
  const e = Buffer.from(eol, 'latin1');
  return Buffer.concat(lines.flatMap((l) => [l, e]));
}

/** Every line ending (CRLF, bare LF, bare CR) as `eol`, a final one ensured: what a server stores. */
function normalizeEndings(text: string, eol: string): Buffer {
  const body = text.replace(/\r\n|\r|\n/g, eol);
  return Buffer.from(body.endsWith(eol) ? body : body + eol, 'utf8');
}

// ---------------------------------------------------------------------------
// POP3

/** A message whose body lines start with dots, a lone dot, a double dot: what dot-stuffing is for. */
const DOTTED = [
  'From: sender@mail.test',
  'To: alice@mail.test',
  'Subject: lines that start with dots',
  'Message-ID: <dotted@dialtone.test>',
  '',
  '.leading dot',
  '..two leading dots',
  '.',
  '..',
  '. a dot, a space',
  'a line in the middle',
  '.',
  '',
  'h\u00e9llo, non-ASCII in UTF-8',
  'x'.repeat(2000),
  'last line',
  '',
].join('\n');

const SECOND = ['From: sender@mail.test', 'To: alice@mail.test', 'Subject: second', '', 'nothing special', ''].join('\n');

/** About 1.5 MiB: lines of every length up to 997 bytes, a third starting with dots, so lines and dots straddle every read. */
const BIG = (() => {
  const lines = ['From: sender@mail.test', 'To: bob@mail.test', 'Subject: big', ''];
  for (let i = 0, size = 0; size < 1_500_000; i++) {
    const l = (i % 3 === 0 ? '.'.repeat(1 + (i % 4)) : '') + String(i).padStart(6, '0') + 'abcdefghij'.repeat(i % 100).slice(0, (i * 37) % 991);
    lines.push(l);
    size += l.length + 1;
  }
  return lines.join('\n') + '\n';
})();

/** One body line of 20,000 bytes: beyond RFC 5322's 998, yet found in real mail (unwrapped HTML, base64). */
const LONG_LINE = ['From: sender@mail.test', 'Subject: long', '', '.' + 'y'.repeat(19_999), 'after', ''].join('\n');

/** A POP3 status line: `+OK …` or the test fails with what the server said. */
async function ok(line: LineClient, command?: string): Promise<string> {
  if (command !== undefined) await line.writeLine(command);
  const reply = await line.readLine();
  if (reply === null || !reply.startsWith('+OK')) assert.fail(`${command ?? 'greeting'}: expected +OK, got ${JSON.stringify(reply)}`);
  return reply;
}

/** The size of an LF-stored message as POP3 counts it (RFC 1939: CRLF line endings). */
function pop3Size(text: string): number {
  return normalizeEndings(text, '\r\n').length;
}

describe('dovecot POP3 through the line layer', () => {
  const fx = dovecotFixture({
    alice: { password: 's3cret', messages: [DOTTED, SECOND] },
    bob: { password: 'hunter2', messages: [BIG] },
    carol: { password: 'pw', messages: [LONG_LINE] },
  });

  /** The maildir file of message `n` (1-based, in the order it was stored). */
  function storedMessage(n: number): Buffer {
    const cur = join(fx.server.maildir('alice'), 'cur');
    const names = readdirSync(cur).filter((f) => !f.startsWith('.')).sort();
    const name = names[n - 1];
    assert.ok(name, `no message ${n} in ${cur}: ${names.join(', ')}`);
    return readFileSync(join(cur, name));
  }

  test('greeting, CAPA, STLS + verified TLS, USER/PASS, STAT, LIST, RETR unstuffed byte for byte, QUIT', async () => {
    const line = await dial(fx.server.ports[0]!, 'pop3');
    try {
      assert.match(await ok(line), /^\+OK /);

      await ok(line, 'CAPA');
      const capa = (await dotLines(line)).map((b) => b.toString('latin1'));
      assert.ok(capa.includes('STLS'), `CAPA before TLS: ${capa.join(' | ')}`);
      assert.ok(capa.includes('USER') && capa.includes('UIDL') && capa.includes('TOP'), capa.join(' | '));

      await ok(line, 'STLS');
      // Nothing may ride along with the go-ahead: it would be plaintext treated as TLS-era data.
      assert.equal(line.bufferedLength, 0);
      await line.startTLS({ ca: fx.pki.ca.cert });
      assert.equal((line.stream as Socket).encrypted, true);

      await ok(line, 'CAPA');
      const capaTls = (await dotLines(line)).map((b) => b.toString('latin1'));
      assert.ok(!capaTls.includes('STLS'), `CAPA after TLS still offers STLS: ${capaTls.join(' | ')}`);

      await ok(line, 'USER alice');
      await ok(line, 'PASS s3cret');

      const sizes = [pop3Size(DOTTED), pop3Size(SECOND)];
      const stat = await ok(line, 'STAT');
      assert.equal(stat, `+OK 2 ${sizes[0]! + sizes[1]!}`);

      await ok(line, 'LIST');
      const list = (await dotLines(line)).map((b) => b.toString('latin1'));
      assert.deepEqual(list, [`1 ${sizes[0]}`, `2 ${sizes[1]}`]);

      const retr = await ok(line, 'RETR 1');
      assert.match(retr, /^\+OK/);
      const body = await dotLines(line);
      // The server stuffed dots on the way out; unstuffed lines must rebuild the stored file exactly.
      assert.ok(joinLines(body, '\n').equals(storedMessage(1)), 'RETR 1, unstuffed and joined with LF, differs from the maildir file');
      assert.ok(joinLines(body, '\n').equals(Buffer.from(DOTTED, 'utf8')));
      assert.ok(body.some((l) => l.toString() === '.') && body.some((l) => l.toString() === '..'));

      await ok(line, 'RETR 2');
      assert.ok(joinLines(await dotLines(line), '\n').equals(storedMessage(2)));

      await ok(line, 'QUIT');
      assert.equal(await line.readLine(), null, 'the server closes after QUIT');
    } finally {
      await line.close();
    }
  });

  test('TOP 1 0 is the header as a dot block; RETR joined with CRLF equals what curl receives', async () => {
    const line = await dial(fx.server.ports[0]!, 'pop3');
    let ours: Buffer;
    try {
      await ok(line);
      await ok(line, 'USER alice');
      await ok(line, 'PASS s3cret');
      await ok(line, 'TOP 1 0');
      const head = await dotLines(line);
      assert.equal(head.at(-1)?.length, 0, 'TOP n 0 ends with the blank line after the header');
      assert.ok(head.some((l) => l.toString() === 'Subject: lines that start with dots'));
      await ok(line, 'RETR 1');
      ours = joinLines(await dotLines(line), '\r\n');
      await ok(line, 'QUIT');
    } finally {
      await line.close();
    }
    // curl unstuffs too and writes the CRLF body as received: the same bytes.
    const theirs = curl([`pop3://alice:s3cret@${LOOPBACK}:${fx.server.ports[0]}/1`]);
    assert.ok(theirs.equals(ours), `curl: ${JSON.stringify(theirs.subarray(0, 200).toString())}`);
  });

  test('RETR of a 1.5 MiB message over TLS, its dotted lines straddling reads, equals the maildir file', async () => {
    const line = await dial(fx.server.ports[1]!, 'pop3', { tls: { ca: fx.pki.ca.cert } });
    try {
      await ok(line);
      await ok(line, 'USER bob');
      await ok(line, 'PASS hunter2');
      assert.equal(await ok(line, 'LIST 1'), `+OK 1 ${pop3Size(BIG)}`);
      await ok(line, 'RETR 1');
      const got = joinLines(await dotLines(line), '\n');
      assert.equal(got.length, Buffer.byteLength(BIG));
      assert.ok(got.equals(readFileSync(join(fx.server.maildir('bob'), 'cur', readdirSync(join(fx.server.maildir('bob'), 'cur'))[0]!))));
      await ok(line, 'QUIT');
    } finally {
      await line.close();
    }
  });

  test('a 20,000-byte body line is read whole at the defaults (maxBodyLine 1 MiB), and a LimitError when maxBodyLine is 8192', async () => {
    const login = async (line: LineClient) => {
      await ok(line);
      await ok(line, 'USER carol');
      await ok(line, 'PASS pw');
      await ok(line, 'RETR 1');
    };
    const roomy = await dial(fx.server.ports[0]!, 'pop3');
    try {
      await login(roomy);
      const lines = await dotLines(roomy);
      assert.ok(joinLines(lines, '\n').equals(Buffer.from(LONG_LINE)));
      await ok(roomy, 'QUIT');
    } finally {
      await roomy.close();
    }
    const strict = await dial(fx.server.ports[0]!, 'pop3', { maxBodyLine: 8192 });
    try {
      await login(strict);
      await assert.rejects(dotLines(strict), (e: unknown) => e instanceof LimitError && e.limit === 8192);
    } finally {
      await strict.close();
    }
  });

  test('POP3S: implicit TLS on the second port, verified against the test CA; an untrusted CA is refused', async () => {
    const line = await dial(fx.server.ports[1]!, 'pop3', { tls: { ca: fx.pki.ca.cert } });
    try {
      assert.equal((line.stream as Socket).encrypted, true);
      await ok(line);
      await ok(line, 'USER alice');
      await ok(line, 'PASS s3cret');
      assert.match(await ok(line, 'STAT'), /^\+OK 2 \d+$/);
      await ok(line, 'QUIT');
    } finally {
      await line.close();
    }
    await assert.rejects(dial(fx.server.ports[1]!, 'pop3', { tls: { ca: fx.pki.untrustedCA.cert } }), (e: unknown) => e instanceof TLSError);
  });

  test('a wrong password is -ERR and the session goes on; STLS upgrades refused with an untrusted CA', async () => {
    const line = await dial(fx.server.ports[0]!, 'pop3');
    try {
      await ok(line);
      await ok(line, 'USER alice');
      await line.writeLine('PASS wrong');
      const reply = await line.readLine({ timeout: 30_000 });
      assert.match(reply ?? '', /^-ERR/);
      // Still in the AUTHORIZATION state, where CAPA is valid: its dot block shows the session goes on.
      await ok(line, 'CAPA');
      assert.ok((await dotLines(line)).some((l) => l.toString() === 'STLS'));
      await ok(line, 'STLS');
      await assert.rejects(line.startTLS({ ca: fx.pki.untrustedCA.cert }), (e: unknown) => e instanceof TLSError);
    } finally {
      await line.close();
    }
  });
});

// ---------------------------------------------------------------------------
// SMTP

async function smtpSession(srv: SmtpServer, pki: TestPKI, rcpt: string, body: Parameters<LineClient['writeDotBlock']>[0]): Promise<void> {
  const line = await dial(srv.port, 'smtp');
  try {
    const greeting = await line.readReply({ expect: 220 });
    assert.match(greeting.text, new RegExp(srv.domain.replace('.', '\\.')));

    const ehlo = await line.command('EHLO client.test', { expect: 250 });
    assert.ok(ehlo.lines.length > 1, 'EHLO gives a multi-line 250- reply');
    assert.match(ehlo.lines[0]!, new RegExp(`^${srv.domain.replace('.', '\\.')}`));
    const keywords = ehlo.lines.slice(1).map((l) => l.split(' ')[0]);
    assert.ok(keywords.includes('STARTTLS') && keywords.includes('PIPELINING'), ehlo.lines.join(' | '));

    await line.command('STARTTLS', { expect: 220 });
    assert.equal(line.bufferedLength, 0);
    await line.startTLS({ ca: pki.ca.cert });
    assert.equal((line.stream as Socket).encrypted, true);

    // RFC 3207: after TLS the client starts over with EHLO, and STARTTLS is no longer offered.
    const again = await line.command('EHLO client.test', { expect: 250 });
    assert.ok(!again.lines.slice(1).some((l) => l.startsWith('STARTTLS')), again.lines.join(' | '));

    await line.command('MAIL FROM:<sender@client.test>', { expect: 250 });
    await line.command(`RCPT TO:<${rcpt}>`, { expect: 250 });
    await line.command('DATA', { expect: 354 });
    await line.writeDotBlock(body);
    const queued = await line.readReply({ expect: 250 });
    assert.match(queued.text, /OK/i);
    await line.command('QUIT', { expect: 221 });
  } finally {
    await line.close();
  }
}

describe('exim SMTP through the line layer', () => {
  const fx = eximFixture(['bob', 'carol', 'dave', 'erin']);

  test('220, EHLO, STARTTLS + verified TLS, EHLO, MAIL/RCPT/DATA: the delivered file is the body we sent', async () => {
    await smtpSession(fx.server, fx.pki, 'bob@mail.test', MAIL_BODY);
    const [stored] = await waitForDelivery(fx.server, 'bob', 1);
    // exim unstuffed the dots and stores lines with LF; it adds no header (the config turns its Received: off).
    assert.equal(stored!.toString('utf8'), normalizeEndings(MAIL_BODY, '\n').toString('utf8'));
  });

  test('a body streamed in awkward chunks (a dot, CR|LF split across chunks) is delivered the same', async () => {
    const whole = Buffer.from(MAIL_BODY, 'utf8');
    const cuts = [1, 2, 3, 60, 61, whole.indexOf('\r\n\r\n') + 1, whole.indexOf('.leading'), whole.indexOf('\rthen') + 1, whole.length - 3];
    const chunks = function* (): Generator<Uint8Array> {
      let at = 0;
      for (const c of [...new Set(cuts)].sort((a, b) => a - b)) {
        if (c > at) yield whole.subarray(at, c);
        at = Math.max(at, c);
      }
      yield whole.subarray(at);
    };
    await smtpSession(fx.server, fx.pki, 'carol@mail.test', chunks());
    const [stored] = await waitForDelivery(fx.server, 'carol', 1);
    assert.ok(stored!.equals(normalizeEndings(MAIL_BODY, '\n')));
  });

  test('curl sends the same body (CRLF) over SMTP+STARTTLS: exim stores the same bytes as for ours', async () => {
    const file = join(fx.pki.dir, 'mail.eml');
    writeFileSync(file, normalizeEndings(MAIL_BODY, '\r\n'));
    curl([
      `smtp://${LOOPBACK}:${fx.server.port}`, '--ssl-reqd', '--cacert', fx.pki.ca.certPath,
      '--mail-from', 'sender@client.test', '--mail-rcpt', 'dave@mail.test', '-T', file,
    ]);
    const [theirs] = await waitForDelivery(fx.server, 'dave', 1);
    assert.ok(theirs!.equals(normalizeEndings(MAIL_BODY, '\n')), `curl's delivery: ${JSON.stringify(theirs!.toString())}`);
  });

  test('PIPELINING (RFC 2920): MAIL, RCPT, RCPT, DATA sent in one go, their replies read in order', async () => {
    const line = await dial(fx.server.port, 'smtp');
    try {
      await line.readReply({ expect: 220 });
      const ehlo = await line.command('EHLO client.test', { expect: 250 });
      assert.ok(ehlo.lines.includes('PIPELINING'));
      for (const cmd of ['MAIL FROM:<sender@client.test>', 'RCPT TO:<erin@mail.test>', 'RCPT TO:<nobody@elsewhere.test>', 'DATA']) {
        await line.writeLine(cmd);
      }
      await line.readReply({ expect: 250 });
      await line.readReply({ expect: 250 });
      await assert.rejects(line.readReply({ expect: 250 }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 550);
      await line.readReply({ expect: 354 });
      await line.writeDotBlock('Subject: pipelined\r\n\r\n.one\r\n');
      await line.readReply({ expect: 250 });
      await line.command('QUIT', { expect: 221 });
    } finally {
      await line.close();
    }
    const [got] = await waitForDelivery(fx.server, 'erin', 1);
    assert.equal(got!.toString(), 'Subject: pipelined\n\n.one\n');
  });

  test('a refused recipient is a ReplyError carrying 5xx, and the session goes on', async () => {
    const line = await dial(fx.server.port, 'smtp');
    try {
      await line.readReply({ expect: 220 });
      await line.command('EHLO client.test', { expect: 250 });
      await line.command('MAIL FROM:<sender@client.test>', { expect: 250 });
      await assert.rejects(
        line.command('RCPT TO:<someone@elsewhere.test>', { expect: 250 }),
        (e: unknown) => e instanceof ReplyError && e.reply !== undefined && e.reply.code >= 500 && e.reply.code < 600,
      );
      await line.command('RSET', { expect: 250 });
      await line.command('NOOP', { expect: 250 });
      await line.command('QUIT', { expect: 221 });
    } finally {
      await line.close();
    }
  });
});
