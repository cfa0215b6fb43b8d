/**
 * `npm run demo` keeps working: runs scripts/demo.mjs (against the built
 * dist/, as npm does after `tsc -p .`) and checks that every scheme it shows
 * answered. Bounded; the child is killed at the end whatever happens.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'scripts', 'demo.mjs')) && existsSync(join(dir, 'dist', 'src', 'urlopen', 'index.js'))) return dir;
  }
  throw new Error('no built repository (scripts/demo.mjs and dist/) above this test');
}

test('npm run demo: every loopback server answers urlopen', async () => {
  const root = repoRoot();
  const child = spawn(process.execPath, ['scripts/demo.mjs'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  assert.equal(code, 0, err);
  for (const expected of [
    'Hello from the demo HTTP server!',
    'Hello from the demo FTP server!',
    '[TXT] About this server',
    '.and this line was dot-stuffed on the wire.',
    '[TXT] Toast',
    'Read from disk through a file: URL.',
    'Hello from a data: URL!',
    'DIAL_E_UNSUPPORTED: unsupported URL scheme "zork:"',
    'DIAL_E_LIMIT',
  ]) {
    assert.ok(out.includes(expected), `missing ${JSON.stringify(expected)} in:\n${out}`);
  }
});
