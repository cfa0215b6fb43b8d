/**
 * dial's mail options beside curl 7.88 against the in-process SMTP and POP3
 * servers: --mail-rcpt-allowfails, --mail-auth, --sasl-ir, --sasl-authzid
 * and --login-options — the same lines on the wire, the same exit code, or
 * the difference named where dial departs from curl on purpose.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSmtpServer, type FakeSmtpOptions } from '../protocols/smtp/fake-server.js';
import { bearerPop3, fakePop3, MESSAGES, standard } from '../protocols/pop3/server.js';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { CURL, curl, dial, tempDir } from './helpers.js';

const open: Array<{ close(): Promise<void> }> = [];
let pki: TestPKI;
before(() => {
  pki = makeTestPKI();
});
after(async () => {
  await Promise.all(open.map((s) => s.close()));
  pki?.cleanup();
});

/** A server without PIPELINING (curl 7.88 never pipelines), so both clients send their lines one at a time. */
async function smtp(extra: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
  const s = await FakeSmtpServer.start({ ehlo: ['SIZE 1000000', 'AUTH PLAIN LOGIN'], reject: ['no@d.test', 'no2@d.test'], users: { alice: 'secret' }, ...extra });
  open.push(s);
  return s;
}

function message(): string {
  const file = join(tempDir(), 'm.txt');
  writeFileSync(file, 'Subject: x\r\n\r\nbody\r\n');
  return file;
}

interface Run {
  code: number | null;
  stderr: string;
  lines: string[];
}

/** Runs `args` (PORT replaced) with dial, then curl, against `s`; the exit codes and each one's commands. */
async function both(s: FakeSmtpServer, args: string[]): Promise<{ ours: Run; theirs: Run }> {
  const argv = args.map((a) => a.replace('PORT', String(s.port)));
  const start = s.commands.length;
  const a = await dial(argv);
  const mid = s.commands.length;
  const b = await curl(argv);
  return { ours: { code: a.code, stderr: a.stderr, lines: s.commands.slice(start, mid) }, theirs: { code: b.code, stderr: b.stderr, lines: s.commands.slice(mid) } };
}

test('curl is installed (the oracle of this file)', () => {
  assert.ok(CURL, 'curl is needed: apt-get install curl');
});

test('--mail-rcpt-allowfails: one recipient refused, the message goes to the other — the same lines and exit 0 as curl', async () => {
  const s = await smtp();
  const { ours, theirs } = await both(s, ['-sS', '--mail-rcpt-allowfails', 'smtp://127.0.0.1:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '--mail-rcpt', 'no@d.test', '-T', message()]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.deepEqual(ours.lines, ['EHLO c.test', 'MAIL FROM:<a@b.test> SIZE=20', 'RCPT TO:<c@d.test>', 'RCPT TO:<no@d.test>', 'DATA', 'QUIT']);
  assert.deepEqual(ours.lines, theirs.lines);
  assert.deepEqual(s.messages.map((m) => m.to), [['c@d.test'], ['c@d.test']]);
  assert.equal(ours.stderr, '');
});

test('--mail-rcpt-allowfails with every recipient refused: exit 55 as curl, no DATA', async () => {
  const s = await smtp();
  const { ours, theirs } = await both(s, ['-sS', '--mail-rcpt-allowfails', 'smtp://127.0.0.1:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'no2@d.test', '--mail-rcpt', 'no@d.test', '-T', message()]);
  assert.equal(ours.code, 55, ours.stderr);
  assert.equal(theirs.code, 55, theirs.stderr);
  assert.match(ours.stderr, /^dial: \(55\) every recipient was refused/m);
  // Both ask about every recipient and send no message; dial resets the transaction before its QUIT.
  assert.deepEqual(ours.lines.filter((l) => l.startsWith('RCPT')), theirs.lines.filter((l) => l.startsWith('RCPT')));
  assert.deepEqual(theirs.lines.slice(-1), ['QUIT']);
  assert.deepEqual(ours.lines.slice(-2), ['RSET', 'QUIT']);
  assert.equal(s.messages.length, 0);
});

test('without --mail-rcpt-allowfails the first refusal ends it: no RCPT after it, no DATA, exit 55 as curl', async () => {
  const s = await smtp();
  const { ours, theirs } = await both(s, ['-sS', 'smtp://127.0.0.1:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'no@d.test', '--mail-rcpt', 'c@d.test', '-T', message()]);
  assert.equal(ours.code, 55, ours.stderr);
  assert.equal(theirs.code, 55, theirs.stderr);
  assert.deepEqual(theirs.lines, ['EHLO c.test', 'MAIL FROM:<a@b.test> SIZE=20', 'RCPT TO:<no@d.test>', 'QUIT']);
  assert.deepEqual(ours.lines, ['EHLO c.test', 'MAIL FROM:<a@b.test> SIZE=20', 'RCPT TO:<no@d.test>', 'RSET', 'QUIT']);
  assert.equal(s.messages.length, 0);
});

/** A STARTTLS server with a login, and the flags both clients need to trust it and require TLS (curl sends no AUTH PLAIN in the clear only because of --ssl-reqd). */
async function tlsSmtp(extra: FakeSmtpOptions = {}): Promise<{ s: FakeSmtpServer; tls: string[] }> {
  const s = await smtp({ tls: { cert: pki.server.cert, key: pki.server.key }, ...extra });
  return { s, tls: ['--ssl-reqd', '--cacert', pki.ca.certPath, '-u', 'alice:secret'] };
}

test('--mail-auth: AUTH=<addr> on MAIL FROM after the login, the line curl sends; without a login neither sends it', async () => {
  const { s, tls } = await tlsSmtp();
  const args = ['-sS', ...tls, 'smtp://localhost:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', message(), '--mail-auth'];
  for (const who of ['sub@b.test', '<sub@b.test>', '']) {
    const { ours, theirs } = await both(s, [...args, who]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    const mail = (l: string[]) => l.filter((x) => x.startsWith('MAIL'));
    assert.deepEqual(mail(ours.lines), [`MAIL FROM:<a@b.test> AUTH=<${who.replace(/[<>]/g, '')}> SIZE=20`]);
    assert.deepEqual(mail(ours.lines), mail(theirs.lines));
  }
  // xtext: dial encodes + and = (RFC 4954 §5); curl 7.88 sends them as they are, which exim 4.96 refuses (501 malformed address).
  const { ours, theirs } = await both(s, [...args, 'x+y=z@b.test']);
  assert.ok(ours.lines.includes('MAIL FROM:<a@b.test> AUTH=<x+2By+3Dz@b.test> SIZE=20'), ours.lines.join('|'));
  assert.ok(theirs.lines.includes('MAIL FROM:<a@b.test> AUTH=<x+y=z@b.test> SIZE=20'), theirs.lines.join('|'));
  const anon = await smtp();
  const plain = await both(anon, ['-sS', 'smtp://127.0.0.1:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', message(), '--mail-auth', 'sub@b.test']);
  assert.equal(plain.ours.code, 0, plain.ours.stderr);
  assert.ok(plain.ours.lines.includes('MAIL FROM:<a@b.test> SIZE=20') && plain.theirs.lines.includes('MAIL FROM:<a@b.test> SIZE=20'));
});

/** The lines of the first AUTH exchange in `lines`, up to the next command (MAIL, or a POP3 command). */
function authOf(lines: string[]): string[] {
  const i = lines.findIndex((l) => l.startsWith('AUTH'));
  const end = lines.findIndex((l, k) => k > i && /^(MAIL|LIST|RETR|QUIT|STAT)( |$)/.test(l));
  return i < 0 ? [] : lines.slice(i, end < 0 ? undefined : end);
}

test('--sasl-ir / --sasl-authzid on smtp://: the AUTH lines curl sends (PLAIN, LOGIN, OAUTHBEARER); without --sasl-ir the response follows the 334, as curl', async () => {
  const plain = (z: string) => Buffer.from(`${z}\0alice\0secret`).toString('base64');
  const cases: Array<[string, string[], string[]]> = [
    ['AUTH PLAIN LOGIN', [], ['AUTH PLAIN', plain('')]],
    ['AUTH PLAIN LOGIN', ['--sasl-ir'], [`AUTH PLAIN ${plain('')}`]],
    ['AUTH PLAIN LOGIN', ['--sasl-authzid', 'bob'], ['AUTH PLAIN', plain('bob')]],
    ['AUTH PLAIN LOGIN', ['--sasl-ir', '--sasl-authzid', 'bob'], [`AUTH PLAIN ${plain('bob')}`]],
    ['AUTH LOGIN', ['--sasl-ir', '--sasl-authzid', 'bob'], ['AUTH LOGIN YWxpY2U=', 'c2VjcmV0']],
  ];
  for (const [auth, extra, want] of cases) {
    const { s, tls } = await tlsSmtp({ ehlo: ['SIZE 1000000', auth] });
    const { ours, theirs } = await both(s, ['-sS', ...tls, ...extra, 'smtp://localhost:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', message()]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.deepEqual(authOf(ours.lines), want, extra.join(' '));
    assert.deepEqual(authOf(ours.lines), authOf(theirs.lines), extra.join(' '));
  }
  // A bearer token with --sasl-ir goes on the AUTH line (it is short enough), as curl; the authzid is PLAIN's only.
  const { s, tls } = await tlsSmtp({ ehlo: ['SIZE 1000000', 'AUTH PLAIN OAUTHBEARER'], tokens: { alice: 'tok-1' } });
  const { ours, theirs } = await both(s, ['-sS', ...tls, '--oauth2-bearer', 'tok-1', '--sasl-ir', '--sasl-authzid', 'bob', 'smtp://localhost:PORT/c.test', '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', message()]);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(authOf(ours.lines).length, 1);
  assert.match(authOf(ours.lines)[0]!, /^AUTH OAUTHBEARER \S+$/);
  assert.deepEqual(authOf(ours.lines), authOf(theirs.lines));
});

test('--sasl-ir / --sasl-authzid on pop3://: AUTH PLAIN with or without the initial response, the authzid in it — the lines curl sends', async () => {
  const plain = (z: string) => Buffer.from(`${z}\0alice\0secret`).toString('base64');
  const cases: Array<[string[], string[]]> = [
    [[], ['AUTH PLAIN', plain('')]],
    [['--sasl-ir'], [`AUTH PLAIN ${plain('')}`]],
    [['--sasl-authzid', 'bob'], ['AUTH PLAIN', plain('bob')]],
    [['--sasl-ir', '--sasl-authzid', 'bob'], [`AUTH PLAIN ${plain('bob')}`]],
  ];
  for (const [extra, want] of cases) {
    // Takes PLAIN with any authzid for alice (the standard server checks only the fields after it).
    const s = await fakePop3({
      reply: (line, conn) => {
        const m = /^AUTH PLAIN( \S+)?$/.exec(line);
        if (m?.[1]) return Buffer.from(m[1].trim(), 'base64').toString().endsWith('\0alice\0secret') ? '+OK\r\n' : '-ERR no\r\n';
        if (m) return '+ \r\n';
        if (/^[A-Za-z0-9+/]+=*$/.test(line) && line.length > 8) return Buffer.from(line, 'base64').toString().endsWith('\0alice\0secret') ? '+OK\r\n' : '-ERR no\r\n';
        return standard(line, conn);
      },
    });
    open.push(s);
    const url = `pop3://alice:secret@127.0.0.1:${s.port}/1`;
    const ours = await dial(['-sS', ...extra, url]);
    const mid = s.received.length;
    const theirs = await curl(['-sS', ...extra, url]);
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(ours.out, MESSAGES[0]);
    assert.deepEqual(authOf(s.received.slice(0, mid)), want, extra.join(' '));
    assert.deepEqual(authOf(s.received.slice(mid)), want, extra.join(' '));
  }
});

test('--login-options AUTH=<mech> on smtp:// and pop3://: the mechanism curl picks, over the URL\'s ;AUTH=; an unknown option exits 3 as curl', async () => {
  const { s } = await tlsSmtp({ ehlo: ['SIZE 1000000', 'AUTH PLAIN LOGIN'] });
  // The credentials are in the URL here (with its own ;AUTH= in the second case), not in -u.
  const send = (url: string, opts: string) => ['-sS', '--ssl-reqd', '--cacert', pki.ca.certPath, '--login-options', opts, url, '--mail-from', 'a@b.test', '--mail-rcpt', 'c@d.test', '-T', message()];
  for (const [url, opts, mech] of [
    ['smtp://alice:secret@localhost:PORT/c.test', 'AUTH=LOGIN', 'AUTH LOGIN'],
    ['smtp://alice;AUTH=LOGIN:secret@localhost:PORT/c.test', 'AUTH=PLAIN', 'AUTH PLAIN'],
  ] as const) {
    const { ours, theirs } = await both(s, send(url, opts));
    assert.equal(ours.code, 0, ours.stderr);
    assert.equal(theirs.code, 0, theirs.stderr);
    assert.equal(authOf(ours.lines)[0], mech);
    assert.deepEqual(authOf(ours.lines), authOf(theirs.lines));
  }
  for (const opts of ['AUTH=FOO', 'FOO=1']) {
    const { ours, theirs } = await both(s, send('smtp://alice:secret@localhost:PORT/c.test', opts));
    assert.equal(ours.code, 3, ours.stderr);
    assert.equal(theirs.code, 3, theirs.stderr);
    assert.deepEqual(ours.lines, []);
  }
  const p = await fakePop3({ reply: standard });
  open.push(p);
  const pop = (opts: string) => ['-sS', '--login-options', opts, `pop3://alice;AUTH=%2BAPOP:secret@127.0.0.1:${p.port}/1`];
  const ours = await dial(pop('AUTH=PLAIN'));
  const mid = p.received.length;
  const theirs = await curl(pop('AUTH=PLAIN'));
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.deepEqual(authOf(p.received.slice(0, mid)), authOf(p.received.slice(mid)));
  assert.equal(authOf(p.received.slice(0, mid))[0], 'AUTH PLAIN');
  assert.equal((await dial(pop('AUTH=FOO'))).code, 3);
  assert.equal((await curl(pop('AUTH=FOO'))).code, 3);
});

test('--sasl-ir with --oauth2-bearer on pop3://: the token on the AUTH OAUTHBEARER line (within RFC 5034\'s 255 octets), as curl sends it', async () => {
  const s = await fakePop3({ reply: bearerPop3({ alice: 'tok-1' }, 'PLAIN OAUTHBEARER') });
  open.push(s);
  const args = ['-sS', '--sasl-ir', '--oauth2-bearer', 'tok-1', `pop3://alice@127.0.0.1:${s.port}/1`];
  const ours = await dial(args);
  const mid = s.received.length;
  const theirs = await curl(args);
  assert.equal(ours.code, 0, ours.stderr);
  assert.equal(theirs.code, 0, theirs.stderr);
  assert.equal(ours.out, MESSAGES[0]);
  const mine = authOf(s.received.slice(0, mid));
  assert.equal(mine.length, 1);
  assert.match(mine[0]!, /^AUTH OAUTHBEARER \S+$/);
  assert.deepEqual(mine, authOf(s.received.slice(mid)));
});
