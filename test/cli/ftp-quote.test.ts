/**
 * `dial -Q`: raw FTP commands around the transfer, beside curl against the
 * in-process fake FTP server — where each goes (after login before any CWD,
 * `+` just before the transfer, `-` after it), `*` letting one fail, exit 21
 * for a refused one (and nothing sent after it), and CR/LF refused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { curl, dial, type RunResult } from './helpers.js';

let ftp: FakeFtpServer;
before(async () => {
  ftp = await FakeFtpServer.start({
    files: { '/pub/a/f.txt': 'one\ntwo\n', '/keep.txt': 'k' },
    hooks: { BAD: (_a, s) => (s.reply(550, 'Refused.'), true) },
  });
});
after(() => ftp?.close());

const url = (path = '/pub/a/f.txt') => `ftp://127.0.0.1:${ftp.port}${path}`;

/** The commands of interest a run sent, in order: the quoted ones, the CWDs, the transfer and the end. */
const KEY = /^(NOOP|SITE|BAD|HELP|DELE|CWD|RETR|STOR|LIST|QUIT)\b/;

async function run(tool: typeof dial, args: string[], path?: string): Promise<{ r: RunResult; sent: string[] }> {
  const from = ftp.commands.length;
  const r = await tool(['-s', ...args, url(path)]);
  return { r, sent: ftp.commands.slice(from).filter((c) => KEY.test(c)) };
}

async function both(args: string[], path?: string) {
  return { d: await run(dial, args, path), c: await run(curl, args, path) };
}

test('-Q CMD, -Q +CMD, -Q -CMD: before the CWDs, just before the transfer, after it — the order curl sends them in', async () => {
  const { d, c } = await both(['-Q', 'NOOP', '-Q', '+SITE pre', '-Q', '-SITE post', '-Q', 'SITE two']);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.equal(c.r.code, 0);
  assert.equal(d.r.out, 'one\ntwo\n');
  assert.equal(d.r.out, c.r.out);
  assert.deepEqual(d.sent, ['NOOP', 'SITE two', 'CWD pub', 'CWD a', 'SITE pre', 'RETR f.txt', 'SITE post', 'QUIT']);
  assert.deepEqual(d.sent, c.sent);
});

test('-Q *CMD: a refused command is passed over (the * is not sent) and the transfer goes on, as curl', async () => {
  const { d, c } = await both(['-Q', '*BAD x', '-Q', '-*BAD y']);
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.equal(c.r.code, 0);
  assert.equal(d.r.out, 'one\ntwo\n');
  assert.deepEqual(d.sent, ['BAD x', 'CWD pub', 'CWD a', 'RETR f.txt', 'BAD y', 'QUIT']);
  assert.deepEqual(d.sent.filter((s) => s !== 'QUIT'), c.sent.filter((s) => s !== 'QUIT'));
});

test('-Q CMD refused: exit 21 as curl, and nothing after it is sent (no CWD, no transfer)', async () => {
  const { d, c } = await both(['-Q', 'BAD x', '-Q', 'NOOP']);
  assert.equal(d.r.code, 21, d.r.stderr);
  assert.equal(c.r.code, 21);
  assert.equal(d.r.out, '');
  assert.deepEqual(d.sent.filter((s) => s !== 'QUIT'), ['BAD x']);
  assert.deepEqual(d.sent.filter((s) => s !== 'QUIT'), c.sent.filter((s) => s !== 'QUIT'));
});

test('-Q -CMD refused after the transfer: the body is written, then exit 21, as curl', async () => {
  const { d, c } = await both(['-Q', '-BAD after']);
  assert.equal(d.r.code, 21, d.r.stderr);
  assert.equal(c.r.code, 21);
  assert.equal(d.r.out, 'one\ntwo\n');
  assert.equal(d.r.out, c.r.out);
});

test('-Q with an upload: DELE before STOR, SITE after, as curl', async () => {
  // `*`: dial's DELE removes the file, so curl's finds it gone.
  const { d, c } = await both(['-T', '-', '-Q', '*DELE /keep.txt', '-Q', '-SITE done'], '/up.txt');
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.equal(c.r.code, 0);
  assert.ok(!ftp.files.has('/keep.txt'));
  assert.deepEqual(d.sent, ['DELE /keep.txt', 'STOR up.txt', 'SITE done', 'QUIT']);
  assert.deepEqual(d.sent, c.sent);
});

test('-Q with a directory listing: before the CWDs and after the LIST, as curl', async () => {
  const { d, c } = await both(['-Q', 'NOOP', '-Q', '-SITE x'], '/pub/');
  assert.equal(d.r.code, 0, d.r.stderr);
  assert.equal(d.r.out, c.r.out);
  assert.deepEqual(d.sent, ['NOOP', 'CWD pub', 'LIST', 'SITE x', 'QUIT']);
  assert.deepEqual(d.sent, c.sent);
});

test('-Q with CR or LF in the command: refused before anything is sent (exit 2 for dial; curl would send two commands)', async () => {
  const from = ftp.commands.length;
  const r = await dial(['-sS', '-Q', 'NOOP\r\nDELE /pub/a/f.txt', url()]);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /CR, LF or NUL/);
  assert.ok(!ftp.commands.slice(from).some((c) => c.startsWith('DELE')));
  assert.ok(ftp.files.has('/pub/a/f.txt'));
});
