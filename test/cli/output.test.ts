import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { BINARY_WARNING, fileSink, looksBinary, remoteName, stdoutSink } from '../../src/cli/output.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { spawnSync } from 'node:child_process';
import { curl, dial, MAIN, runCommand, startServer, tempDir } from './helpers.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'dial-out-'));

test('a file sink writes a temp file and renames it only on commit', async () => {
  const dir = tmp();
  const target = join(dir, 'doc.txt');
  const s = await fileSink(target);
  await s.write(Buffer.from('hello'));
  assert.equal(existsSync(target), false);
  assert.equal(readdirSync(dir).length, 1);
  await s.commit();
  assert.equal(readFileSync(target, 'utf8'), 'hello');
  assert.deepEqual(readdirSync(dir), ['doc.txt']);
});

test('abort removes the partial temp file and leaves an old target untouched', async () => {
  const dir = tmp();
  const target = join(dir, 'doc.txt');
  writeFileSync(target, 'old');
  const s = await fileSink(target);
  await s.write(Buffer.from('partial'));
  await s.abort();
  assert.equal(readFileSync(target, 'utf8'), 'old');
  assert.deepEqual(readdirSync(dir), ['doc.txt']);
});

test('append mode (-C) extends in place and keeps the partial on failure', async () => {
  const dir = tmp();
  const target = join(dir, 'doc.txt');
  writeFileSync(target, 'abc');
  const s = await fileSink(target, { append: true });
  await s.write(Buffer.from('def'));
  await s.abort();
  assert.equal(readFileSync(target, 'utf8'), 'abcdef');
});

test('a missing directory is exit 23 unless --create-dirs', async () => {
  const dir = tmp();
  await assert.rejects(fileSink(join(dir, 'no/such/x')), (e: unknown) => e instanceof CliExit && e.exitCode === 23);
  const s = await fileSink(join(dir, 'made/here/x'), { createDirs: true });
  await s.write(Buffer.from('ok'));
  await s.commit();
  assert.equal(readFileSync(join(dir, 'made/here/x'), 'utf8'), 'ok');
});

test('an empty body still creates the file on commit', async () => {
  const dir = tmp();
  const s = await fileSink(join(dir, 'empty'));
  await s.commit();
  assert.equal(readFileSync(join(dir, 'empty'), 'utf8'), '');
});

test('stdout refuses binary to a terminal, but not header text or when allowed', async () => {
  const out = new PassThrough();
  const guarded = stdoutSink(out, true);
  await guarded.write(Buffer.from('HTTP/1.1 200 OK\r\n\r\n'), true);
  await assert.rejects(guarded.write(Buffer.from([0x89, 0x50, 0, 1])), (e: unknown) => e instanceof CliExit && e.exitCode === 23 && e.message === BINARY_WARNING);
  const free = stdoutSink(out, false);
  await free.write(Buffer.from([0, 1, 2]));
  assert.equal(free.written, 3);
  assert.equal(looksBinary(Buffer.from('plain text')), false);
});

// curl writes -o in place; dial's temp file and rename replaced an existing 0600 file with a
// 0644 one (a downloaded secret became readable by all) and a symlink with a plain file.
test('a file that exists keeps its mode, and a symlink stays a link whose target gets the bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-out-'));
  const secret = join(dir, 'secret');
  writeFileSync(secret, 'old');
  chmodSync(secret, 0o600);
  const kept = await fileSink(secret);
  await kept.write(Buffer.from('new secret'));
  await kept.commit();
  assert.equal(readFileSync(secret, 'utf8'), 'new secret');
  assert.equal(statSync(secret).mode & 0o777, 0o600);
  const real = join(dir, 'real.txt');
  writeFileSync(real, 'old');
  const link = join(dir, 'link');
  symlinkSync(real, link);
  const sink = await fileSink(link);
  await sink.write(Buffer.from('through the link'));
  await sink.commit();
  assert.ok(lstatSync(link).isSymbolicLink(), 'the link is still a link');
  assert.equal(readlinkSync(link), real);
  assert.equal(readFileSync(real, 'utf8'), 'through the link');
  assert.deepEqual(readdirSync(dir).sort(), ['link', 'real.txt', 'secret']);
});

test('remoteName takes the last segment as typed, with no decoding (curl -O), and refuses empty or climbing names', () => {
  // curl: "There is no URL decoding done on the file name": %20 stays %20, and an é typed as such stays é.
  assert.equal(remoteName('http://h/dir/file%20name.txt?q=1'), 'file%20name.txt');
  assert.equal(remoteName('http://h/a/..%2F..%2Fetc%2Fpasswd'), '..%2F..%2Fetc%2Fpasswd');
  assert.equal(remoteName('http://h/caf\u00e9.txt#top'), 'caf\u00e9.txt');
  assert.equal(remoteName('ftp://u:p@h:21/pub/f.bin'), 'f.bin');
  assert.equal(remoteName('file:///tmp/x.txt'), 'x.txt');
  assert.equal(remoteName('h:8080/a/b.txt'), 'b.txt');
  for (const bad of ['http://h/', 'http://h', 'h:8080', '127.0.0.1:8080', 'http://h/a/..', 'http://h/a/.', 'http://h?x=/y']) {
    assert.throws(() => remoteName(bad), (e: unknown) => e instanceof CliExit && e.exitCode === 23, bad);
  }
});

const hasScript = spawnSync('script', ['--version']).status === 0;

test('binary to a terminal: curl\'s warning, exit 23, nothing printed; -o - prints it', async () => {
  assert.ok(hasScript, 'script(1) from util-linux is needed to run dial in a pseudo-terminal');
  const srv = await startServer();
  try {
    const run = (args: string[]) =>
      runCommand('script', ['-qefc', [process.execPath, MAIN, ...args].map((a) => `'${a}'`).join(' '), '/dev/null']);
    const r = await run([srv.url('/binary')]);
    assert.equal(r.code, 23);
    assert.match(r.out, /Binary output can mess up your terminal/);
    assert.doesNotMatch(r.out, /PNG/);
    const forced = await run(['-o', '-', srv.url('/binary')]);
    assert.equal(forced.code, 0);
    assert.match(forced.out, /PNG/);
    const text = await run([srv.url('/hello')]);
    assert.match(text.out, /hello world/);
  } finally {
    await srv.close();
  }
});

test('a FIFO (or device such as /dev/null) is written in place, never replaced by a renamed file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-out-'));
  const fifo = join(dir, 'sink');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  const reader = runCommand('cat', [fifo], { timeout: 10_000 });
  const s = await fileSink(fifo);
  await s.write(Buffer.from('through the pipe\n'));
  await s.commit();
  const r = await reader;
  assert.equal(r.out, 'through the pipe\n');
  assert.ok(lstatSync(fifo).isFIFO(), 'the FIFO is still a FIFO');
  assert.deepEqual(readdirSync(dir), ['sink'], 'no temp file left beside it');
});

test('a regular file or a device takes the body at once (writeNow); a FIFO goes through a stream', async () => {
  const dir = tmp();
  const target = join(dir, 'doc.bin');
  const s = await fileSink(target);
  assert.equal(typeof s.writeNow, 'function');
  const view = Buffer.from('abcdef');
  assert.equal(s.writeNow!(view.subarray(0, 3)), undefined);
  // The caller reuses its buffer at once: what was written must already be in the file.
  view.write('XYZ', 0);
  await s.write(Buffer.from('def'));
  await s.commit();
  assert.equal(readFileSync(target, 'utf8'), 'abcdef');
  assert.equal(s.written, 6);
  assert.equal(typeof (await fileSink('/dev/null')).writeNow, 'function');
  const fifo = join(dir, 'pipe');
  assert.equal(spawnSync('mkfifo', [fifo]).status, 0);
  assert.equal((await fileSink(fifo)).writeNow, undefined);
});

test('a failed write at once is exit 23 with the system error (/dev/full)', async () => {
  const s = await fileSink('/dev/full');
  assert.throws(() => s.writeNow!(Buffer.alloc(4096, 1)), (e: CliExit) => e instanceof CliExit && e.exitCode === 23 && /ENOSPC/.test(e.message));
  await s.abort();
});

test('stdout as a stream other than process.stdout (a test\'s) has no writeNow', () => {
  assert.equal(stdoutSink(new PassThrough(), false).writeNow, undefined);
});

test('stdout on a pipe whose reader falls behind: what the pipe refuses waits its turn, nothing is lost or reordered', async () => {
  const SIZE = 8 * 1024 * 1024 + 3;
  const doc = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) doc[i] = (i * 13 + (i >>> 10)) & 255;
  const { createServer } = await import('node:http');
  const srv = createServer((_q, res) => {
    res.setHeader('content-length', SIZE);
    res.end(doc);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as import('node:net').AddressInfo).port}/doc`;
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, [MAIN, '-i', url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_PROXY: '*' } });
  // Not read at first: the pipe fills and dial must wait for it.
  child.stdout.pause();
  await new Promise((r) => setTimeout(r, 300));
  const parts: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => parts.push(c));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  srv.close();
  assert.equal(code, 0);
  const out = Buffer.concat(parts);
  const split = out.indexOf('\r\n\r\n');
  assert.match(out.subarray(0, split).toString('latin1'), /^HTTP\/1\.1 200 OK\r\n/);
  assert.ok(out.subarray(split + 4).equals(doc), 'the body arrived whole and in order after the head');
});

test('a reader that goes away (dial URL | head): exit 23 with curl\'s message; -s keeps it quiet', async () => {
  const doc = Buffer.alloc(16 * 1024 * 1024, 0x61);
  const { createServer } = await import('node:http');
  const srv = createServer((_q, res) => {
    res.setHeader('content-length', doc.length);
    res.end(doc);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(srv.address() as import('node:net').AddressInfo).port}/doc`;
  const { spawn } = await import('node:child_process');
  const once = async (flags: string[]) => {
    const child = spawn(process.execPath, [MAIN, ...flags, url], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_PROXY: '*' } });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    // Take the first bytes, then close the read end, as `head -c` does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    return { code, err };
  };
  const loud = await once([]);
  assert.equal(loud.code, 23);
  assert.match(loud.err, /dial: \(23\) Failure writing output to destination/);
  const quiet = await once(['-s']);
  assert.equal(quiet.code, 23);
  assert.equal(quiet.err, '');
  srv.close();
});

test('--no-clobber writes beside an existing file (NAME.1, NAME.2 …) and never over it, as curl', async () => {
  const srv = await startServer();
  const dir = tempDir();
  try {
    for (const [name, run] of [['d', dial], ['c', curl]] as const) {
      const out = join(dir, name);
      writeFileSync(out, 'mine\n');
      for (let i = 1; i <= 2; i++) {
        const r = await run(['-sS', '--no-clobber', '-o', out, srv.url('/hello')]);
        assert.equal(r.code, 0, `${name}: ${r.stderr}`);
        assert.equal(readFileSync(`${out}.${i}`, 'utf8'), 'hello world\n', `${name}.${i}`);
      }
      assert.equal(readFileSync(out, 'utf8'), 'mine\n', name);
    }
    // A name that is free is used as it is.
    assert.equal((await dial(['-sS', '--no-clobber', '-o', join(dir, 'fresh'), srv.url('/hello')])).code, 0);
    assert.equal(readFileSync(join(dir, 'fresh'), 'utf8'), 'hello world\n');
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.part')).length, 0, 'no temporary file is left');
  } finally {
    await srv.close();
  }
});

test('--remove-on-error: a resumed (-C) download that breaks leaves no file, where without it the part stays for the next -C, as curl', async () => {
  const srv = await startServer();
  const dir = tempDir();
  try {
    for (const [name, run] of [['d', dial], ['c', curl]] as const) {
      const kept = join(dir, `${name}-kept`);
      const gone = join(dir, `${name}-gone`);
      const a = await run(['-s', '-C', '-', '-o', kept, srv.url(`/cut?id=${name}k`)]);
      const b = await run(['-s', '-C', '-', '--remove-on-error', '-o', gone, srv.url(`/cut?id=${name}g`)]);
      assert.notEqual(a.code, 0, name);
      assert.equal(a.code, b.code, name);
      assert.ok(existsSync(kept) && readFileSync(kept).length > 0, `${name}: the part stays`);
      assert.equal(existsSync(gone), false, `${name}: --remove-on-error removed it`);
    }
    const dev = await dial(['-s', '-C', '-', '--remove-on-error', '-o', '/dev/null', srv.url('/cut?id=dev')]);
    assert.notEqual(dev.code, 0);
    assert.ok(existsSync('/dev/null'), 'a device is never removed');
  } finally {
    await srv.close();
  }
});
