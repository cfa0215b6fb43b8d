// Options dial accepts for curl's command lines without their doing anything
// dial does not already do: -q/--disable, --no-keepalive, --tcp-nodelay, and
// --create-file-mode (checked as curl checks it; it sets the mode of files
// created remotely — SFTP, SCP, file: uploads — which dial has none of).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { CURL, curl, dial, tempDir } from './helpers.js';

test('--create-file-mode: octal up to 0777, with curl\'s messages for the rest', async () => {
  assert.equal(parseCliArgs(['--create-file-mode', '0640', 'u']).createFileMode, 0o640);
  assert.equal(parseCliArgs(['--create-file-mode', '777', 'u']).createFileMode, 0o777);
  assert.equal(parseCliArgs(['u']).createFileMode, undefined);
  const dir = tempDir();
  const file = join(dir, 'f');
  writeFileSync(file, 'file\n');
  for (const [mode, code, message] of [
    ['0600', 0, undefined],
    ['abc', 2, /expected a proper numerical parameter/],
    ['999', 2, /expected a proper numerical parameter/],
    ['', 2, /expected a proper numerical parameter/],
    ['-1', 2, /expected a positive numerical parameter/],
    ['17777', 2, /too large number/],
  ] as const) {
    const args = ['-sS', '--create-file-mode', mode, `file://${file}`];
    const d = await dial(args);
    assert.equal(d.code, code, `${mode}: ${d.stderr}`);
    if (message) assert.match(d.stderr, message);
    else assert.equal(d.out, 'file\n');
    if (CURL) assert.equal((await curl(args)).code, code, `curl --create-file-mode ${mode}`);
  }
  assert.throws(() => parseCliArgs(['--create-file-mode', '0x1', 'u']), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
});

test('--create-file-mode leaves the mode of an -o file alone, as curl (it is for remote files)', async () => {
  // The children inherit it: with 022 an -o file is 0644, so a 0600 could only come from the option.
  process.umask(0o022);
  const dir = tempDir();
  const src = join(dir, 'src');
  writeFileSync(src, 'x\n');
  for (const [run, name] of [[dial, 'by-dial'], [curl, 'by-curl']] as const) {
    if (run === curl && !CURL) continue;
    const r = await run(['-sS', '--create-file-mode', '0600', '-o', join(dir, name), `file://${src}`], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
  }
  const mode = (n: string) => statSync(join(dir, n)).mode & 0o777;
  assert.notEqual(mode('by-dial'), 0o600);
  if (CURL) assert.equal(mode('by-dial'), mode('by-curl'));
});

test('-q/--disable (first or not), --no-keepalive and --tcp-nodelay are accepted and change nothing', async () => {
  const dir = tempDir();
  const file = join(dir, 'f');
  writeFileSync(file, 'same\n');
  for (const args of [['-q'], ['--disable'], ['-sq'], ['--no-keepalive'], ['--tcp-nodelay']]) {
    const full = [...args, '-sS', `file://${file}`];
    const d = await dial(full);
    assert.equal(d.code, 0, `${args.join(' ')}: ${d.stderr}`);
    assert.equal(d.out, 'same\n');
    if (CURL) assert.equal((await curl(full)).out, 'same\n');
  }
});
