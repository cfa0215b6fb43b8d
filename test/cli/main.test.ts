import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dial, MAIN, runCommand, tempDir } from './helpers.js';

test('--version prints a version line and exits 0', async () => {
  const r = await dial(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^dial \S+ /);
});

test('--version and --help load no library code (lazy imports)', async () => {
  const dir = tempDir();
  const log = join(dir, 'loaded.txt');
  writeFileSync(log, '');
  const hook = `import {appendFileSync} from 'node:fs';export async function resolve(s,c,n){const r=await n(s,c);appendFileSync(${JSON.stringify(log)},r.url+'\\n');return r;}`;
  const reg = `import {register} from 'node:module';register(${JSON.stringify(`data:text/javascript,${encodeURIComponent(hook)}`)});`;
  for (const flag of ['--version', '--help']) {
    writeFileSync(log, '');
    const r = await runCommand(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(reg)}`, MAIN, flag]);
    assert.equal(r.code, 0, r.stderr);
    const loaded = readFileSync(log, 'utf8').split('\n').filter((l) => l.startsWith('file:'));
    assert.ok(loaded.some((l) => l.endsWith('/cli/args.js')), 'the hook saw the CLI load');
    const heavy = loaded.filter((l) => /\/(urlopen|protocols|socket|line)\/|\/cli\/(run|transfer|request)\.js$/.test(l));
    assert.deepEqual(heavy, [], `${flag} loaded ${heavy.join(', ')}`);
  }
});

test('--help prints usage on stdout', async () => {
  const r = await dial(['--help']);
  assert.equal(r.code, 0);
  assert.match(r.out, /^Usage: dial/);
  assert.match(r.out, /--write-out/);
});

test('no URL is exit 2 with curl wording', async () => {
  const r = await dial([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no URL specified/);
  assert.equal(r.out, '');
});

test('an unknown option is exit 2, one line plus the hint', async () => {
  const r = await dial(['--nope', 'file:///x']);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "dial: option --nope: is unknown\ndial: try 'dial --help' for more information\n");
});

test('conflicting flags are exit 2 before anything runs', async () => {
  const r = await dial(['-I', '-d', 'x', 'http://127.0.0.1:1/']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /only select one HTTP request method/);
});

test('a file: URL is written to stdout', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'file content\n');
  const r = await dial([`file://${dir}/a.txt`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'file content\n');
  assert.equal(r.stderr, '');
});

test('a data: URL is decoded', async () => {
  const r = await dial(['data:text/plain;base64,aGVsbG8gZGF0YQ==']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'hello data');
});

test('-o writes the file; nothing else is left in the directory', async () => {
  const dir = tempDir();
  const r = await dial(['-o', join(dir, 'out.txt'), 'data:,abc']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, '');
  assert.deepEqual(readdirSync(dir), ['out.txt']);
  assert.equal(readFileSync(join(dir, 'out.txt'), 'utf8'), 'abc');
});

test('-O names the file after the URL, in the working directory', async () => {
  const src = tempDir();
  writeFileSync(join(src, 'report.txt'), 'r');
  const cwd = tempDir();
  const r = await dial(['-O', `file://${src}/report.txt`], { cwd });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(cwd, 'report.txt'), 'utf8'), 'r');
});

test('-I on a file: URL prints its synthesized headers only', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), '123456');
  const r = await dial(['-I', `file://${dir}/a.txt`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /content-length: 6\r\n/i);
  assert.doesNotMatch(r.out, /123456/);
});

test('malformed URL is exit 3', async () => {
  for (const u of ['http://', 'http://exa mple.com/', 'http://a:99999/']) {
    const r = await dial([u]);
    assert.equal(r.code, 3, `${u}: ${r.stderr}`);
    assert.match(r.stderr, /^dial: \(3\) /);
    assert.equal(r.stderr.split('\n').length, 2, 'one line');
  }
});

test('a bad glob is exit 3; -g takes it literally', async () => {
  assert.equal((await dial(['data:,[1-']))?.code, 3);
  const r = await dial(['-g', 'data:,[x]']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, '[x]');
});

test('unknown scheme is exit 1', async () => {
  const r = await dial(['gizmo://host/x']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^dial: \(1\) .*gizmo/);
});

test('a missing file: path is curl exit 37', async () => {
  const r = await dial(['file:///nonexistent/dir/x']);
  assert.equal(r.code, 37);
});

test('missing -o directory is exit 23 and creates nothing; --create-dirs makes it', async () => {
  const dir = tempDir();
  const r = await dial(['-o', join(dir, 'a/b/out.txt'), 'data:,x']);
  assert.equal(r.code, 23);
  assert.match(r.stderr, /^dial: \(23\) /);
  assert.deepEqual(readdirSync(dir), []);
  const ok = await dial(['--create-dirs', '-o', join(dir, 'a/b/out.txt'), 'data:,x']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(readFileSync(join(dir, 'a/b/out.txt'), 'utf8'), 'x');
});

test('an unreadable -T file is exit 26', async () => {
  const r = await dial(['-T', '/nonexistent/upload.bin', 'http://127.0.0.1:1/']);
  assert.equal(r.code, 26);
  assert.match(r.stderr, /^dial: \(26\) .*upload\.bin/);
});

test('-s hides the error line, -sS shows it; the exit code stays', async () => {
  const quiet = await dial(['-s', 'gizmo://x/']);
  assert.equal(quiet.code, 1);
  assert.equal(quiet.stderr, '');
  const shown = await dial(['-sS', 'gizmo://x/']);
  assert.match(shown.stderr, /^dial: \(1\)/);
});

test('several URLs in one run, each -o to its own file, the rest to stdout', async () => {
  const dir = tempDir();
  const r = await dial(['data:,one', '-o', join(dir, '1'), 'data:,two', 'data:,three']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(readFileSync(join(dir, '1'), 'utf8'), 'one');
  assert.equal(r.out, 'twothree');
});

test('globbing with #1 in the output name', async () => {
  const dir = tempDir();
  const r = await dial(['data:,{red,green}', '-o', join(dir, 'c_#1.txt')]);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['c_green.txt', 'c_red.txt']);
  assert.equal(readFileSync(join(dir, 'c_red.txt'), 'utf8'), 'red');
});

test('one after another, the last URL decides the exit code (as curl); the failure is still reported', async () => {
  const r = await dial(['data:,ok', 'gizmo://x/', 'data:,after']);
  assert.equal(r.code, 0, 'a success after a failure exits 0');
  assert.equal(r.out, 'okafter');
  assert.match(r.stderr, /^dial: \(1\) /m);
  const last = await dial(['data:,ok', 'gizmo://x/']);
  assert.equal(last.code, 1);
});

test('--fail-early stops at the first failure and exits with it; -Z exits with a failure whatever its place', async () => {
  const r = await dial(['--fail-early', 'data:,ok', 'gizmo://x/', 'data:,after']);
  assert.equal(r.code, 1);
  assert.equal(r.out, 'ok', 'nothing after the failure ran');
  const z = await dial(['-Z', 'gizmo://x/', 'data:,after']);
  assert.equal(z.code, 1);
  assert.equal(z.out, 'after');
});

test('--stderr FILE takes what dial writes to stderr; - is stdout; a file it cannot open is curl’s warning and stderr stays', async () => {
  const dir = tempDir();
  const file = join(dir, 'err.txt');
  const a = await dial(['--stderr', file, '-sS', 'http://127.0.0.1:1/']);
  assert.equal(a.code, 7);
  assert.equal(a.stderr, '');
  assert.match(readFileSync(file, 'utf8'), /^dial: \(7\) /);
  const b = await dial(['--stderr', '-', '-sS', 'http://127.0.0.1:1/']);
  assert.equal(b.stderr, '');
  assert.match(b.out, /^dial: \(7\) /);
  const c = await dial(['--stderr', join(dir, 'no/such/dir/x'), '-sS', 'http://127.0.0.1:1/']);
  assert.match(c.stderr, /^Warning: Failed to open .*x!\ndial: \(7\) /);
});
