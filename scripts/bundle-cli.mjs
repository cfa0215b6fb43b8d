#!/usr/bin/env node
// Bundles the compiled CLI (dist/src/cli/main.js and everything it imports)
// into dist/cli/, which bin/dial.js loads. Node's ESM loader resolves, reads
// and links each of the ~85 modules an http fetch needs one by one; one
// bundle with a few lazily loaded chunks (help, -v trace, -w, ftp, gopher,
// mail) starts a `dial URL` run about a quarter faster (see bench/README.md).
// The library itself (dist/src) is not bundled: it is imported by path.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}dist/cli`;
rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [`${root}dist/src/cli/main.js`],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // tsc's output is already what Node runs: nothing to minify or rename, and stack traces keep their names.
  minify: false,
  logLevel: 'warning',
});
