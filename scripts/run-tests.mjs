#!/usr/bin/env node
// Runs every compiled test file under dist/test with node's own runner, in
// parallel, so CI reads the runner's totals. `--no-interop` leaves out the
// real-server suite (for a quick loop on a machine without the servers).
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawn } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const testRoot = join(root, 'dist', 'test');
const skipInterop = process.argv.includes('--no-interop');
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out;
}

let files = walk(testRoot);
if (skipInterop) files = files.filter((f) => !relative(testRoot, f).startsWith('interop'));
if (only.length) files = files.filter((f) => only.some((o) => f.includes(o)));
if (files.length === 0) {
  console.error('run-tests: no test files found under dist/test (did tsc run?)');
  process.exit(1);
}
const child = spawn(process.execPath, ['--test', '--test-concurrency=4', '--test-timeout=300000', ...files], {
  stdio: 'inherit',
  cwd: root,
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
