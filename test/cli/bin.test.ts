/**
 * bin/dial.js, the command users run: it loads the bundle scripts/bundle-cli.mjs
 * makes in dist/cli, not the compiled modules the other CLI tests spawn. These
 * check that the bundle is the current build and that each part it loads on
 * demand (the HTTP client, the -v trace, --help, node:zlib for a gzip body,
 * node:tls for https) is found and works from there.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { binUsable, makePki, REPO_ROOT, runCommand, startServer, startTlsServer, type Pki, type TestServer, type TlsTestServer } from './helpers.js';

const BIN = join(REPO_ROOT, 'bin/dial.js');
const bin = (args: readonly string[]) => runCommand(process.execPath, [BIN, ...args]);

let srv: TestServer;
let pki: Pki | undefined;
let tls: TlsTestServer | undefined;
before(async () => {
  // npm test always builds first; a run without the bundle fails here rather than skipping.
  assert.ok(binUsable(), 'bin/dial.js needs the bundled CLI (npm run build)');
  srv = await startServer();
  pki = makePki();
  assert.ok(pki, 'openssl makes the test certificates');
  tls = await startTlsServer(pki);
});
after(async () => {
  await srv.close();
  await tls?.close();
});

test('the bundle is built from the compiled sources it sits beside, not an older build', () => {
  const bundled = statSync(join(REPO_ROOT, 'dist/cli/main.js')).mtimeMs;
  const compiled = statSync(join(REPO_ROOT, 'dist/src/cli/main.js')).mtimeMs;
  assert.ok(bundled >= compiled, 'dist/cli is older than dist/src: run `npm run build`');
});

test('bin/dial.js fetches a data: URL and reports its version', async () => {
  const r = await bin(['data:,via-bin']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'via-bin');
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await bin(['--version']);
  assert.match(v.out, new RegExp(`^dial ${pkg.version.replace(/\./g, '\\.')} `));
});

test('bin/dial.js speaks HTTP with a -v trace (two chunks loaded on demand)', async () => {
  const r = await bin(['-v', srv.url('/hello')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'hello world\n');
  assert.match(r.stderr, /^> GET \/hello HTTP\/1\.1$/m);
  assert.match(r.stderr, /^< HTTP\/1\.1 200 OK$/m);
});

test('bin/dial.js decodes a gzip body (node:zlib, loaded on first use)', async () => {
  const r = await bin(['-v', '--compressed', srv.url('/gzip')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^< Content-Encoding: gzip$/im, 'the server sent it compressed');
  assert.equal(r.out, 'compressed text\n'.repeat(50));
});

test('bin/dial.js fetches over https with the test CA (node:tls, loaded on first use)', async () => {
  const r = await bin(['--cacert', pki!.caCert, `https://localhost:${tls!.port}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'secure\n');
  const refused = await bin([`https://localhost:${tls!.port}/`]);
  assert.equal(refused.code, 60, 'an unknown CA is refused, as curl refuses it');
});

test('bin/dial.js prints its help (the help text is a chunk of its own)', async () => {
  const r = await bin(['--help']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.out, /^Usage: dial \[options\.\.\.\] <url>/m);
});
