/**
 * dial on the mail schemes against in-process servers, for what the real
 * ones in the interop suite cannot show: a server without STLS/STARTTLS
 * under --ssl-reqd (curl's exit 64 for both, and nothing sent in the clear
 * after the refusal), and -l on POP3 (LIST N instead of RETR N, no body).
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
