/**
 * Peak memory of a 1 GiB RETR from vsftpd into a null sink (issue 7's bar:
 * peak RSS < 64 MB), each client in its own process under `/usr/bin/time -v`
 * (Maximum resident set size). Asserted for `retrieve(…, { reuseBuffer: true })`
 * and for urlopen's `res.consume(sink)` (what `dial -o` runs); the default
 * path (a fresh buffer per chunk), urlopen's body iterated, basic-ftp and
 * `curl -o /dev/null` are measured beside them and reported as diagnostics.
 * The file is sparse (ftruncate), so the disk holds nothing.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LOOPBACK, requireBinary, type RunningServer } from './harness.js';
import { freeRange, makeTree, startVsftpd } from './ftp-helpers.js';

const GIB = 1024 ** 3;
let root: string;
let srv: RunningServer;

before(async () => {
  root = makeTree(false);
  const fd = openSync(join(root, 'pub', 'big.bin'), 'w');
  ftruncateSync(fd, GIB);
  closeSync(fd);
  srv = await startVsftpd(root, false, undefined, await freeRange(10));
});
after(async () => {
  await srv?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const ftpIndex = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'protocols', 'ftp', 'index.js')).href;
const urlopenIndex = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'urlopen', 'index.js')).href;

function ours(reuse: boolean): string {
  return `
    import { FtpClient } from ${JSON.stringify(ftpIndex)};
    const c = await FtpClient.connect({ host: ${JSON.stringify(LOOPBACK)}, port: ${srv.port}, timeout: 60000 });
    let n = 0;
    for await (const b of await c.retrieve('/pub/big.bin', { reuseBuffer: ${reuse} })) n += b.length;
    await c.quit();
    console.log(n);`;
}

/** urlopen on the file, read with consume (the download's own fast read) or by iterating the body. */
function viaUrlopen(consume: boolean): string {
  const read = consume ? 'n = await res.consume((b) => void b.length);' : 'for await (const b of res.body) n += b.length;';
  return `
    import { urlopen, closeIdleSessions } from ${JSON.stringify(urlopenIndex)};
    const res = await urlopen('ftp://${LOOPBACK}:${srv.port}/pub/big.bin', { timeout: 60000 });
    let n = 0;
    ${read}
    await closeIdleSessions();
    console.log(n);`;
}

function basicFtp(): string {
  const entry = pathToFileURL(createRequire(import.meta.url).resolve('basic-ftp')).href;
  return `
    import ftp from ${JSON.stringify(entry)};
    import { Writable } from 'node:stream';
    const c = new ftp.Client(60000);
    await c.access({ host: ${JSON.stringify(LOOPBACK)}, port: ${srv.port} });
    let n = 0;
    await c.downloadTo(new Writable({ write(b, _e, cb) { n += b.length; cb(); } }), '/pub/big.bin');
    c.close();
    console.log(n);`;
}

/** Runs argv under /usr/bin/time -v: peak RSS in MiB, wall seconds, and what it printed. */
function measure(argv: string[]): { rssMiB: number; seconds: number; out: string } {
  const started = Date.now();
  const r = spawnSync(requireBinary('/usr/bin/time', 'time'), ['-v', ...argv], { encoding: 'utf8', timeout: 180_000 });
  const kb = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1];
  assert.equal(r.status, 0, `${argv.join(' ')} failed: ${r.stderr.slice(-2000)}`);
  assert.ok(kb, r.stderr);
  return { rssMiB: Number(kb) / 1024, seconds: (Date.now() - started) / 1000, out: r.stdout.trim() };
}

const node = (code: string) => [process.execPath, '--input-type=module', '-e', code];
const line = (name: string, m: { rssMiB: number; seconds: number }) => `${name}: peak RSS ${m.rssMiB.toFixed(1)} MiB, ${m.seconds.toFixed(1)} s, ${(GIB / m.seconds / 1e6).toFixed(0)} MB/s`;

test('1 GiB RETR with reuseBuffer: peak RSS under 64 MB (default path, basic-ftp and curl reported beside it)', (t) => {
  const reuse = measure(node(ours(true)));
  assert.equal(reuse.out, String(GIB));
  const fresh = measure(node(ours(false)));
  assert.equal(fresh.out, String(GIB));
  const basic = measure(node(basicFtp()));
  assert.equal(basic.out, String(GIB));
  const curl = measure([requireBinary('curl'), '-sS', '-o', '/dev/null', `ftp://${LOOPBACK}:${srv.port}/pub/big.bin`]);
  t.diagnostic(line('dialtone reuseBuffer', reuse));
  t.diagnostic(line('dialtone default', fresh));
  t.diagnostic(line('basic-ftp', basic));
  t.diagnostic(line('curl', curl));
  assert.ok(reuse.rssMiB < 64, line('dialtone reuseBuffer', reuse));
});

test("1 GiB through urlopen's res.consume: peak RSS under 64 MB (the body iterated reported beside it)", (t) => {
  const consumed = measure(node(viaUrlopen(true)));
  assert.equal(consumed.out, String(GIB));
  const iterated = measure(node(viaUrlopen(false)));
  assert.equal(iterated.out, String(GIB));
  t.diagnostic(line('urlopen consume', consumed));
  t.diagnostic(line('urlopen iterated', iterated));
  assert.ok(consumed.rssMiB < 64, line('urlopen consume', consumed));
});
