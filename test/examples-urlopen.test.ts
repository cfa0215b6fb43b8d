/**
 * Runs examples/urlopen.mjs as a user would — `node examples/urlopen.mjs URL`
 * from the repository root, importing `dialtone/urlopen` by the package's own
 * name — against loopback servers and local files, and checks what it prints.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pathToFileURL } from 'node:url';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gopherServer } from './protocols/gopher/server.js';
import { runExample, type Exit } from './helpers/examples.js';

/** Runs examples/urlopen.mjs on `url`. */
function run(url: string): Promise<Exit> {
  return runExample('urlopen.mjs', [url]);
}

test('urlopen.mjs http: URL, status, info() headers, blank line, body; redirects followed', async () => {
  const srv = http.createServer((req, res) => {
    if (req.url === '/old') {
      res.writeHead(302, { Location: '/page' });
      return res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Demo': 'yes' });
    res.end('the body\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  try {
    const r = await run(`${base}/old`);
    assert.equal(r.code, 0, r.stderr);
    const [head, body] = r.stdout.split('\n\n');
    const lines = head!.split('\n');
    assert.equal(lines[0], `URL: ${base}/page`);
    assert.equal(lines[1], 'Status: 200 OK');
    assert.ok(lines.includes('content-type: text/plain'), head);
    assert.ok(lines.includes('x-demo: yes'), head);
    assert.equal(body, 'the body\n');
  } finally {
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
  }
});

test('urlopen.mjs file: and data: URLs print synthesized headers', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-ex-'));
  try {
    writeFileSync(join(dir, 'a.txt'), 'from a file\n');
    const f = await run(pathToFileURL(join(dir, 'a.txt')).href);
    assert.equal(f.code, 0, f.stderr);
    assert.match(f.stdout, /^content-length: 12$/m);
    assert.match(f.stdout, /^content-type: text\/plain$/m);
    assert.match(f.stdout, /^last-modified: .+ GMT$/m);
    assert.ok(f.stdout.endsWith('\n\nfrom a file\n'));
    const d = await run('data:text/plain;base64,SGVsbG8=');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'URL: data:text/plain;base64,SGVsbG8=\nStatus: 200 OK\ncontent-length: 5\ncontent-type: text/plain\n\nHello');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('urlopen.mjs gopher: a menu comes back as application/gopher-menu', async () => {
  const srv = await gopherServer({ '': '0Hello\t/hello\t127.0.0.1\t70\r\n.\r\n' });
  try {
    const r = await run(srv.url('/'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^content-type: application\/gopher-menu$/m);
    assert.ok(r.stdout.endsWith('\n\n0Hello\t/hello\t127.0.0.1\t70\r\n.\r\n'));
  } finally {
    await srv.close();
  }
});

test('urlopen.mjs failures: the stable code on stderr, exit status 1, nothing on stdout', async () => {
  const unknown = await run('zork://nowhere/');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^urlopen: DIAL_E_UNSUPPORTED: unsupported URL scheme "zork:"/);
  assert.equal(unknown.stdout, '');
  const missing = await run('file:///definitely/not/here.txt');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /DIAL_E_INPUT: .*no such file or directory \(ENOENT\)/);
  const malformed = await run('http://[bad');
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /DIAL_E_INPUT: malformed URL/);
});
