#!/usr/bin/env node
// @ts-check
/**
 * `npm run demo`: starts an HTTP, an FTP and a Gopher server on loopback,
 * in this process, then fetches from them with `urlopen` — one call and one
 * response shape for every scheme — and, when the CLI is built, with `dial`.
 * Needs no network and nothing but a build (`tsc -p .`).
 */
import http from 'node:http';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { urlopen } from '../dist/src/urlopen/index.js';
import { formatMenu, parseMenu } from '../dist/src/protocols/gopher/index.js';
import { startFtpServer } from '../demo/ftp-server.mjs';
import { startGopherServer } from '../demo/gopher-server.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TIMEOUT = 10_000;
const tty = process.stdout.isTTY;
const bold = (/** @type {string} */ s) => (tty ? `\x1b[1m${s}\x1b[0m` : s);
const dim = (/** @type {string} */ s) => (tty ? `\x1b[2m${s}\x1b[0m` : s);

/** Prints text indented under the step it belongs to, at most `max` lines. */
function indent(text, max = 8) {
  const lines = text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');
  const shown = lines.slice(0, max).map((l) => `    │ ${l}`.trimEnd());
  if (lines.length > max) shown.push(dim(`    │ … ${lines.length - max} more lines`));
  console.log(shown.join('\n'));
}

function section(title) {
  console.log(`\n${bold(`── ${title} ${'─'.repeat(Math.max(0, 60 - title.length))}`)}`);
}

/** Opens a URL with urlopen and shows the status, type, size and the start of the body. */
async function show(url, options = {}, note = '') {
  const label = url.length > 70 ? `${url.slice(0, 67)}…` : url;
  try {
    const r = await urlopen(url, { timeout: TIMEOUT, ...options });
    const body = await r.bytes();
    const type = r.info().get('content-type') ?? '?';
    console.log(`\n  ${bold(label)}${note ? dim(`  (${note})`) : ''}`);
    console.log(`    ${r.status} ${r.statusText} · ${r.protocol} · ${type} · ${body.length} bytes`);
    indent(type === 'application/gopher-menu' ? formatMenu(parseMenu(body)) : body.toString('utf8'));
  } catch (err) {
    const e = /** @type {{ code?: string, message?: string }} */ (err);
    console.log(`\n  ${bold(label)}${note ? dim(`  (${note})`) : ''}`);
    console.log(`    ✗ ${e.code ?? 'Error'}: ${e.message}`);
  }
}

/** Runs `dial args…` and shows what it printed; bounded, never fatal. */
function dial(args) {
  console.log(`\n  ${bold(`$ dial ${args.join(' ')}`)}`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'dial.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let errText = '';
    child.stdout.setEncoding('utf8').on('data', (s) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s) => (errText += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (out) indent(out);
      if (errText) indent(dim(errText));
      if (code !== 0) console.log(`    ${dim(`(exit status ${code})`)}`);
      resolve(undefined);
    });
  });
}

async function startHttpServer() {
  const server = http.createServer((req, res) => {
    if (req.url === '/hello') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Hello from the demo HTTP server!\n');
    } else if (req.url === '/api/time') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ now: new Date().toISOString(), method: req.method }));
    } else if (req.url === '/old') {
      res.writeHead(301, { Location: '/hello' });
      res.end();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Nothing here.\n');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

const httpSrv = await startHttpServer();
const ftpSrv = await startFtpServer({
  '/pub/hello.txt': 'Hello from the demo FTP server!\n',
  '/pub/numbers.csv': 'n,square\n1,1\n2,4\n3,9\n',
});
const gopherSrv = await startGopherServer();
const dir = mkdtempSync(join(tmpdir(), 'dialtone-demo-'));
writeFileSync(join(dir, 'notes.md'), '# Notes\n\nRead from disk through a file: URL.\n');

const H = `http://127.0.0.1:${httpSrv.port}`;
const F = `ftp://127.0.0.1:${ftpSrv.port}`;
const G = `gopher://127.0.0.1:${gopherSrv.port}`;

try {
  console.log(bold('dialtone demo') + dim(' — every server below runs in this process, on loopback'));
  console.log(`  http   ${H}\n  ftp    ${F}\n  gopher ${G}`);

  section('urlopen: one call, one response shape, any scheme');
  await show(`${H}/hello`);
  await show(`${H}/old`, { maxRedirects: 5 }, 'a redirect, followed');
  await show(`${H}/api/time`, { method: 'POST', body: '{}' });
  await show(`${F}/pub/hello.txt`);
  await show(`${F}/pub/`, {}, 'a directory listing');
  await show(`${G}/`, {}, 'a menu, printed with formatMenu');
  await show(`${G}/0/about.txt`, {}, 'text, dot-unstuffed');
  await show(`${G}/7/search%09toa`, {}, 'a search for "toa"');
  await show(pathToFileURL(join(dir, 'notes.md')).href);
  await show('data:text/plain;base64,SGVsbG8gZnJvbSBhIGRhdGE6IFVSTCE=');

  section('urlopen: errors are typed, with stable codes');
  await show('zork://example/', {}, 'an unknown scheme');
  await show(pathToFileURL(join(dir, 'missing.txt')).href, {}, 'a missing file');
  await show(`data:;base64,${'A'.repeat(4096)}`, { maxBodySize: 1024 }, 'over maxBodySize: refused before decoding');

  if (existsSync(join(ROOT, 'bin', 'dial.js')) && existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    section('dial: the same, from the command line');
    await dial(['-sS', `${H}/hello`]);
    await dial(['-sS', '-i', `${H}/api/time`]);
    await dial(['-sS', `${F}/pub/numbers.csv`]);
    await dial(['-sS', `${G}/`]);
  } else {
    console.log(dim('\n(dial is not built yet: skipping the CLI part)'));
  }
  console.log('');
} finally {
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([httpSrv.close(), ftpSrv.close(), gopherSrv.close()]);
}
