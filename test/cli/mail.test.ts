/**
 * dial on the mail schemes against in-process servers, for what the real
 * ones in the interop suite cannot show: a server without STLS/STARTTLS
 * under --ssl-reqd (curl's exit 64 for both, and nothing sent in the clear
 * after the refusal), -l on POP3 (LIST N instead of RETR N, no body), and
 * the exact DATA bytes dial and curl send with and without --crlf, and the
 * SASL lines both send for --oauth2-bearer (OAUTHBEARER, XOAUTH2, a refused
 * token).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { bearerPop3, fakePop3, standard, MESSAGES, type FakeServer } from '../protocols/pop3/server.js';
import { FakeSmtpServer } from '../protocols/smtp/fake-server.js';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { CURL, curl, dial, tempDir } from './helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const open: Array<{ close(): Promise<void> }> = [];
let pki: TestPKI;
before(() => {
  pki = makeTestPKI();
});
after(async () => {
  await Promise.all(open.map((s) => s.close()));
  pki?.cleanup();
});

const PLAIN = Buffer.from('\0alice\0secret').toString('base64');

async function pop3(): Promise<FakeServer> {
  // curl sends AUTH PLAIN without an initial response and its credentials after the `+ ` go-ahead (RFC 5034 §4).
  let awaiting = false;
  const s = await fakePop3({
    reply: (line, sock) => {
      if (awaiting) {
        awaiting = false;
        return line === PLAIN ? '+OK logged in\r\n' : '-ERR [AUTH] invalid login\r\n';
      }
      if (line === 'AUTH PLAIN') {
        awaiting = true;
        return '+ \r\n';
      }
      return standard(line, sock);
    },
  });
  open.push(s);
  return s;
}

test('curl is installed (the oracle of this file)', () => {
  assert.ok(CURL, 'curl is needed: apt-get install curl');
});

test('--ssl-reqd on pop3:// against a server without STLS: exit 64 as curl, and no password goes out', async () => {
  const s = await pop3();
  const url = `pop3://alice:secret@127.0.0.1:${s.port}/1`;
  const ours = await dial(['-sS', '--ssl-reqd', url]);
  assert.equal(ours.code, 64, ours.stderr);
  assert.match(ours.stderr, /^dial: \(64\) /m);
  const theirs = await curl(['-sS', '--ssl-reqd', url]);
  assert.equal(theirs.code, 64, theirs.stderr);
  assert.ok(!s.received.some((l) => l.startsWith('PASS') || l.startsWith('AUTH')), s.received.join('|'));
});

test('without --ssl-reqd the same server is read in the clear, as curl reads it', async () => {
  const s = await pop3();
  const url = `pop3://alice:secret@127.0.0.1:${s.port}/1`;
  const ours = await dial(['-sS', url]);
  const theirs = await curl(['-sS', url]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.ok(ours.stdout.equals(theirs.stdout));
  assert.equal(ours.out, MESSAGES[0]);
});

test('-l with a message number: LIST N instead of RETR N, no body — as curl', async () => {
  const s = await pop3();
  const url = `pop3://alice:secret@127.0.0.1:${s.port}/2`;
  const ours = await dial(['-sS', '-l', url]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(ours.stdout.length, 0);
  assert.ok(s.received.includes('LIST 2') && !s.received.some((l) => l.startsWith('RETR')), s.received.join('|'));
  const theirs = await curl(['-sS', '-l', url]);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.ok(ours.stdout.equals(theirs.stdout));
  const missing = await dial(['-sS', '-l', `pop3://alice:secret@127.0.0.1:${s.port}/9`]);
  assert.equal(missing.code, 8, missing.stderr);
});

test('-I on a message: LIST N and QUIT, the head printed, no RETR (it fetched the message and hung up without QUIT)', async () => {
  const s = await pop3();
  const ours = await dial(['-sS', '-I', `pop3://alice:secret@127.0.0.1:${s.port}/2`]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.match(ours.out, /^Content-Type: message\/rfc822\r\nPop3-List-Size: \d+\r\n\r\n$/);
  assert.ok(s.received.includes('LIST 2') && s.received.at(-1) === 'QUIT', s.received.join('|'));
  assert.ok(!s.received.some((l) => l.startsWith('RETR')), s.received.join('|'));
});

test('--ssl-reqd on smtp:// against a server without STARTTLS: exit 64 as curl, and no message is sent', async () => {
  const s = await FakeSmtpServer.start();
  open.push(s);
  const dir = tempDir();
  const file = join(dir, 'm.txt');
  writeFileSync(file, 'Subject: x\r\n\r\nbody\r\n');
  const args = ['-sS', '--ssl-reqd', `smtp://127.0.0.1:${s.port}/client.test`, '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', file];
  const ours = await dial(args);
  assert.equal(ours.code, 64, ours.stderr);
  const theirs = await curl(args);
  assert.equal(theirs.code, 64, theirs.stderr);
  assert.equal(s.messages.length, 0);
  assert.ok(!s.commands.some((c) => c.startsWith('MAIL')), s.commands.join('|'));
});

/** Sends `file` with dial and with curl (each with `extra`) to one fake SMTP server; the DATA bytes each sent. */
async function sentBoth(file: string, extra: string[]): Promise<{ ours: string; theirs: string }> {
  const s = await FakeSmtpServer.start({ ehlo: ['SIZE 100000'] });
  open.push(s);
  const args = ['-sS', ...extra, `smtp://127.0.0.1:${s.port}/client.test`, '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', file];
  const ours = await dial(args);
  assert.equal(ours.code, 0, ours.stderr);
  const theirs = await curl(args);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(s.messages.length, 2);
  // The MAIL lines agree too: both declare the file's own size (SIZE=), as read before any line end is changed.
  assert.equal(s.messages[0]!.mailLine, s.messages[1]!.mailLine);
  return { ours: s.messages[0]!.raw.toString('latin1'), theirs: s.messages[1]!.raw.toString('latin1') };
}

test('--crlf on smtp:// with an LF file: dial sends the bytes curl --crlf sends (every LF as CRLF, a leading dot doubled)', async () => {
  const file = join(tempDir(), 'lf.txt');
  writeFileSync(file, 'Subject: lf\n\nline\n.dot\n.\nlast');
  const { ours, theirs } = await sentBoth(file, ['--crlf']);
  assert.equal(ours, 'Subject: lf\r\n\r\nline\r\n..dot\r\n..\r\nlast\r\n');
  assert.equal(ours, theirs);
});

test('without --crlf dial still sends CRLF (RFC 5321 §2.3.8), where curl sends the bare LFs and leaves a dot line after one unstuffed', async () => {
  const file = join(tempDir(), 'lf.txt');
  writeFileSync(file, 'Subject: lf\n\nline\n.\nlast\n');
  const { ours, theirs } = await sentBoth(file, []);
  assert.equal(ours, 'Subject: lf\r\n\r\nline\r\n..\r\nlast\r\n');
  // curl 7.88: the message as it is, plus the CRLF before its final dot; a server that ends lines at LF reads `.` as the end.
  assert.equal(theirs, 'Subject: lf\n\nline\n.\nlast\n\r\n');
});

test('--crlf with a CRLF file: dial keeps each CRLF one line end, where curl --crlf sends CR CR LF (a bare CR, which RFC 5321 forbids)', async () => {
  const file = join(tempDir(), 'crlf.txt');
  writeFileSync(file, 'Subject: crlf\r\n\r\nbody\r\n');
  const { ours, theirs } = await sentBoth(file, ['--crlf']);
  assert.equal(ours, 'Subject: crlf\r\n\r\nbody\r\n');
  assert.equal(theirs, 'Subject: crlf\r\r\n\r\r\nbody\r\r\n');
});

/** The lines a POP3 session sent from its first AUTH up to (not including) the first command after the login. */
function authLines(received: string[], from: number): string[] {
  const lines = received.slice(from);
  const start = lines.findIndex((l) => l.startsWith('AUTH'));
  const end = lines.findIndex((l, i) => i > start + 1 && /^(LIST|RETR|QUIT|STAT)( |$)/.test(l));
  return lines.slice(start, end < 0 ? undefined : end);
}

test('--oauth2-bearer on pop3://: AUTH OAUTHBEARER (XOAUTH2 when only it is offered) with the bytes curl sends, and the same message out', async () => {
  for (const sasl of ['PLAIN XOAUTH2 OAUTHBEARER', 'PLAIN XOAUTH2']) {
    const s = await fakePop3({ reply: bearerPop3({ alice: 'tok-1' }, sasl) });
    open.push(s);
    const args = ['-sS', '--oauth2-bearer', 'tok-1', `pop3://alice@127.0.0.1:${s.port}/1`];
    const ours = await dial(args);
    assert.equal(ours.code, 0, ours.stderr);
    const mid = s.received.length;
    const theirs = await curl(args);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.ok(ours.stdout.equals(theirs.stdout) && ours.out === MESSAGES[0]);
    const mine = authLines(s.received, 0);
    assert.equal(mine[0], sasl.includes('OAUTHBEARER') ? 'AUTH OAUTHBEARER' : 'AUTH XOAUTH2');
    assert.deepEqual(mine, authLines(s.received, mid));
  }
});

test('--oauth2-bearer with a refused token on pop3://: exit 67 as curl; OAUTHBEARER answers the error challenge with AQ== as curl does', async () => {
  const s = await fakePop3({ reply: bearerPop3({ alice: 'tok-1' }, 'OAUTHBEARER XOAUTH2') });
  open.push(s);
  const args = ['-sS', '--oauth2-bearer', 'expired', `pop3://alice@127.0.0.1:${s.port}/1`];
  const ours = await dial(args);
  assert.equal(ours.code, 67, ours.stderr);
  assert.match(ours.stderr, /the token was refused: \{"status":"invalid_token"/);
  const mid = s.received.length;
  const theirs = await curl(args);
  assert.equal(theirs.code, 67, theirs.stderr);
  const mine = authLines(s.received.slice(0, mid), 0);
  assert.equal(mine.at(-1), 'AQ==');
  assert.deepEqual(mine, authLines(s.received, mid));
  // A server with no bearer mechanism: curl's "Login denied", and no password login is tried in its place.
  const none = await fakePop3({ reply: bearerPop3({}, 'PLAIN') });
  open.push(none);
  const refused = await dial(['-sS', '--oauth2-bearer', 'tok-1', `pop3://alice:pw@127.0.0.1:${none.port}/1`]);
  assert.equal(refused.code, 67, refused.stderr);
  assert.equal((await curl(['-sS', '--oauth2-bearer', 'tok-1', `pop3://alice:pw@127.0.0.1:${none.port}/1`])).code, 67);
  assert.ok(!none.received.some((l) => l.startsWith('AUTH') || l.startsWith('USER')), none.received.join('|'));
});

test('--oauth2-bearer on smtp:// (STARTTLS): the same AUTH lines as curl --ssl-reqd, the message delivered; a refused token exits 67 as curl', async () => {
  const s = await FakeSmtpServer.start({ tls: { cert: pki.server.cert, key: pki.server.key }, tokens: { alice: 'tok-1' }, ehlo: ['AUTH PLAIN OAUTHBEARER XOAUTH2'] });
  open.push(s);
  const file = join(tempDir(), 'm.txt');
  writeFileSync(file, 'Subject: oauth\r\n\r\nbody\r\n');
  const args = (token: string) => ['-sS', '--ssl-reqd', '--cacert', pki.ca.certPath, '--oauth2-bearer', token, '-u', 'alice', `smtp://localhost:${s.port}/client.test`, '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', file];
  const auth = (from: number) => {
    const lines = s.commands.slice(from);
    const i = lines.findIndex((l) => l.startsWith('AUTH'));
    return lines.slice(i, lines.findIndex((l, k) => k > i && l.startsWith('MAIL')));
  };
  const ours = await dial(args('tok-1'));
  assert.equal(ours.code, 0, ours.stderr);
  const mid = s.commands.length;
  const theirs = await curl(args('tok-1'));
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(s.messages.length, 2);
  assert.equal(auth(0)[0], 'AUTH OAUTHBEARER');
  assert.deepEqual(auth(0), auth(mid));
  const bad = await dial(args('expired'));
  assert.equal(bad.code, 67, bad.stderr);
  assert.equal((await curl(args('expired'))).code, 67);
  assert.deepEqual(s.commands.filter((l) => l === 'AQ==').length, 2, 'both answer the error challenge with %x01');
  assert.equal(s.messages.length, 2);
});
