/**
 * dial's FTP flags against real vsftpd, each beside curl: -Q (before, after,
 * `*`, a refusal's exit 21), -a, -B, --crlf, --ftp-method, --disable-epsv and
 * active mode's EPRT/PORT (--disable-eprt). What is compared: the bytes
 * written or stored, the exit code, and (with -v) the command that carries
 * the option.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LOOPBACK, type RunningServer } from './harness.js';
import { DATA, TEXT, freeRange, knownBytes, makeTree, startVsftpd } from './ftp-helpers.js';
import { curl, dial, tempDir } from '../cli/helpers.js';

let root: string;
let srv: RunningServer;
before(async () => {
  root = makeTree(true);
  srv = await startVsftpd(root, false, undefined, await freeRange(20));
});
after(async () => {
  await srv?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const url = (path: string) => `ftp://${LOOPBACK}:${srv.port}${path}`;
const stored = (name: string) => readFileSync(join(root, 'upload', name));
function local(content: string | Buffer): string {
  const p = join(tempDir(), 'up.bin');
  writeFileSync(p, content);
  return p;
}
/** The verbs of the lines a -v run sent (`> CMD …`), dial's and curl's alike. */
const sent = (stderr: string, verbs: RegExp) => [...stderr.matchAll(/^> (\S+)/gm)].map((m) => m[1]!).filter((v) => verbs.test(v));

test('-Q MKD before, -Q -RNFR/-RNTO after an upload: both ran, as curl', async () => {
  const f = local('quoted\n');
  for (const [tool, tag] of [[dial, 'd'], [curl, 'c']] as const) {
    const r = await tool(['-sS', '-T', f, '-Q', `MKD /upload/q${tag}`, '-Q', `-RNFR up-${tag}.txt`, '-Q', `-RNTO q${tag}/moved.txt`, url(`/upload/up-${tag}.txt`)]);
    assert.equal(r.code, 0, `${tag}: ${r.stderr}`);
    assert.equal(readFileSync(join(root, 'upload', `q${tag}`, 'moved.txt'), 'utf8'), 'quoted\n');
    assert.ok(!existsSync(join(root, 'upload', `up-${tag}.txt`)));
  }
});

test('-Q refused: exit 21 and no transfer; *CMD refused: passed over — as curl', async () => {
  for (const tool of [dial, curl]) {
    const bad = await tool(['-s', '-Q', 'SITE NOSUCH', url('/pub/text.txt')]);
    assert.equal(bad.code, 21, bad.stderr);
    assert.equal(bad.out, '');
    const ok = await tool(['-s', '-Q', '*SITE NOSUCH', '-Q', '-*SITE NOSUCH', url('/pub/text.txt')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.out, TEXT);
  }
});

test('-a appends to the stored file, as curl', async () => {
  const first = local('first\n');
  const second = local('second\n');
  // Each stores its file first, so that it is the ftp user's to append to.
  for (const [tool, name] of [[dial, 'ad.txt'], [curl, 'ac.txt']] as const) {
    assert.equal((await tool(['-sS', '-T', first, url(`/upload/${name}`)])).code, 0);
    const r = await tool(['-sS', '-a', '-T', second, url(`/upload/${name}`)]);
    assert.equal(r.code, 0, r.stderr);
  }
  assert.equal(stored('ad.txt').toString(), 'first\nsecond\n');
  assert.deepEqual(stored('ad.txt'), stored('ac.txt'));
});

test('-B: TYPE A both ways, the same bytes as curl; --crlf: the same upload as curl', async () => {
  const d = await dial(['-sS', '-v', '-B', url('/pub/text.txt')]);
  const c = await curl(['-sS', '-B', url('/pub/text.txt')]);
  assert.equal(d.code, 0, d.stderr);
  assert.match(d.stderr, /^> TYPE A/m);
  assert.equal(d.out, c.out);
  const f = local('a\nb\nc\n');
  for (const [args, name] of [[['-B'], 'b'], [['--crlf'], 'r']] as const) {
    assert.equal((await dial(['-sS', ...args, '-T', f, url(`/upload/${name}d.txt`)])).code, 0);
    assert.equal((await curl(['-sS', ...args, '-T', f, url(`/upload/${name}c.txt`)])).code, 0);
    assert.deepEqual(stored(`${name}d.txt`), stored(`${name}c.txt`), args.join(' '));
  }
  // vsftpd stores TYPE A uploads as they come (ascii_upload_enable=NO): the wire's CRLF.
  assert.equal(stored('rd.txt').toString(), 'a\r\nb\r\nc\r\n');
});

test('--ftp-method singlecwd and nocwd: the file, as curl fetches it', async () => {
  const want = knownBytes(70_000, 7);
  for (const method of ['singlecwd', 'nocwd', 'multicwd']) {
    const d = await dial(['-sS', '-v', '--ftp-method', method, url('/pub/tree/deeper/b.bin')]);
    const c = await curl(['-sS', '-v', '--ftp-method', method, url('/pub/tree/deeper/b.bin')]);
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.stdout.equals(want), method);
    assert.ok(d.stdout.equals(c.stdout), method);
    assert.deepEqual(sent(d.stderr, /^CWD$/).length, sent(c.stderr, /^CWD$/).length, method);
  }
});

test('--disable-epsv (PASV), -P - (EPRT), -P - --disable-eprt (PORT): the same data connection command as curl, the file whole', async () => {
  for (const args of [['--disable-epsv'], ['-P', '-'], ['-P', '-', '--disable-eprt']]) {
    const d = await dial(['-sS', '-v', ...args, url('/pub/data.bin')]);
    const c = await curl(['-sS', '-v', ...args, url('/pub/data.bin')]);
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.stdout.equals(DATA), args.join(' '));
    const verbs = /^(EPSV|PASV|EPRT|PORT)$/;
    assert.deepEqual(sent(d.stderr, verbs), sent(c.stderr, verbs), args.join(' '));
  }
});
