/**
 * dial on the mail schemes against in-process servers, for what the real
 * ones in the interop suite cannot show: a server without STLS/STARTTLS
 * under --ssl-reqd (curl's exit 64 for both, and nothing sent in the clear
 * after the refusal), -l on POP3 (LIST N instead of RETR N, no body), and
 * the exact DATA bytes dial and curl send with and without --crlf.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fakePop3, standard, MESSAGES, type FakeServer } from '../protocols/pop3/server.js';
import { FakeSmtpServer } from '../protocols/smtp/fake-server.js';
import { CURL, curl, dial, tempDir } from './helpers.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const open: Array<{ close(): Promise<void> }> = [];
after(() => Promise.all(open.map((s) => s.close())));

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
