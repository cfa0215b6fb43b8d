/**
 * `dial -o FILE ftp://…`: the body goes through UrlResponse.consume, which
 * for ftp: runs on the download's own consume (urlopen/schemes/ftp-body.ts).
 * End to end against the in-process fake FTP server, with a body of several
 * reads: the whole file, a range (-r, stopped with ABOR), a resume (-C -) and
 * --max-filesize (exit 63, nothing left behind), each equal to what curl
 * writes from the same server.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { curl, dial, pattern, tempDir } from './helpers.js';

/** 2 MiB: several reads on loopback, so a range end stops a transfer still running. */
const FILE = pattern(2 * 1024 * 1024);
let ftp: FakeFtpServer;
before(async () => {
  ftp = await FakeFtpServer.start({ files: { '/pub/big.bin': FILE } });
});
after(() => ftp?.close());

const url = () => `ftp://127.0.0.1:${ftp.port}/pub/big.bin`;

/** Runs dial and curl with the same arguments, each into its own file; returns both files' bytes. */
async function both(args: string[], seed?: Buffer): Promise<{ dial: Buffer; curl: Buffer; code: number | null; curlCode: number | null; stderr: string; dir: string }> {
  const dir = tempDir();
  if (seed) {
    writeFileSync(join(dir, 'd.bin'), seed);
    writeFileSync(join(dir, 'c.bin'), seed);
  }
  const d = await dial(['-s', ...args, '-o', join(dir, 'd.bin'), url()]);
  const c = await curl(['-s', ...args, '-o', join(dir, 'c.bin'), url()]);
  const read = (name: string) => (existsSync(join(dir, name)) ? readFileSync(join(dir, name)) : Buffer.alloc(0));
  return { dial: read('d.bin'), curl: read('c.bin'), code: d.code, curlCode: c.code, stderr: d.stderr, dir };
}

test('ftp -o FILE: the whole file, byte for byte, as curl writes it', async () => {
  const r = await both([]);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.dial.equals(FILE), `${r.dial.length} bytes`);
  assert.ok(r.dial.equals(r.curl));
});

test('ftp -r 1000-99999 -o FILE: those bytes (REST, then ABOR at the end), as curl', async () => {
  const abors = ftp.commands.filter((c) => c === 'ABOR').length;
  const r = await both(['-r', '1000-99999']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.dial.equals(FILE.subarray(1000, 100_000)), `${r.dial.length} bytes`);
  assert.ok(r.dial.equals(r.curl));
  assert.ok(ftp.commands.includes('REST 1000'));
  assert.ok(ftp.commands.filter((c) => c === 'ABOR').length > abors, 'the transfer was stopped');
});

test('ftp -C - -o FILE: a half-written file is completed from where it stopped, as curl', async () => {
  const half = FILE.subarray(0, 1024 * 1024 + 17);
  const r = await both(['-C', '-'], half);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.dial.equals(FILE), `${r.dial.length} bytes`);
  assert.ok(r.dial.equals(r.curl));
  assert.ok(ftp.commands.includes(`REST ${half.length}`));
});

test('ftp --max-filesize below the size: exit 63 as curl, and no output file left', async () => {
  const r = await both(['--max-filesize', '100000']);
  assert.equal(r.code, 63, r.stderr);
  assert.equal(r.curlCode, 63);
  assert.deepEqual(readdirSync(r.dir).filter((n) => n.startsWith('d.bin')), []);
});
