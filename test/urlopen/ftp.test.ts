/**
 * urlopen's ftp: scheme, reached through the registry (the opener itself is
 * the FTP client's), against the demo's tiny in-memory FTP server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { urlopen, lookupScheme } from '../../src/urlopen/index.js';
import { DialError } from '../../src/errors.js';

interface FtpFixture {
  port: number;
  close(): Promise<void>;
}

/** demo/ftp-server.mjs, found from wherever the compiled test runs. */
function demoServerUrl(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); dirname(dir) !== dir; dir = dirname(dir)) {
    const p = join(dir, 'demo', 'ftp-server.mjs');
    if (existsSync(p)) return pathToFileURL(p).href;
  }
  throw new Error('demo/ftp-server.mjs not found above the test');
}

let srv: FtpFixture;
before(async () => {
  const mod = (await import(demoServerUrl())) as { startFtpServer(files: Record<string, string>): Promise<FtpFixture> };
  srv = await mod.startFtpServer({ '/pub/a.txt': 'alpha\n', '/pub/b.txt': 'bravo bravo\n' });
});
after(() => srv?.close());

test('ftp: the registry loads the FTP opener on first use', async () => {
  const ftp = await lookupScheme('ftp');
  assert.equal(typeof ftp, 'function');
  assert.equal(await lookupScheme('FTP'), ftp);
  assert.equal(await lookupScheme('ftps'), ftp);
});

test('ftp: a file through urlopen', async () => {
  const r = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { timeout: 5000 });
  assert.equal(r.protocol, 'ftp');
  assert.equal(await r.text(), 'bravo bravo\n');
});

test('ftp: a missing file is a DialError', async () => {
  const e = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/none.txt`, { timeout: 5000 }).then((r) => r.bytes()).catch((x: unknown) => x);
  assert.ok(e instanceof DialError, String(e));
});
