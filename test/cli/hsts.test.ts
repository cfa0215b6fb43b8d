// dial --hsts beside curl 7.88: the cache file learned from a verified https
// answer, an http:// URL of a known host sent as https://, and each tool
// reading the file the other wrote.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { makeTestPKI, type TestPKI } from '../interop/ca.js';
import { keepAlive, serve, type TestServer } from '../protocols/http/server.js';
import { curl, dial, tempDir } from './helpers.js';

let pki: TestPKI;
let secure: TestServer;
let dir: string;

before(async () => {
  pki = makeTestPKI();
  dir = tempDir();
  secure = await serve(
    keepAlive((req, _b, c) => c.respond(200, `tls ${req.target}\n`, { 'Strict-Transport-Security': req.target === '/forget' ? 'max-age=0' : 'max-age=600; includeSubDomains' })),
    { tls: { cert: pki.server.cert, key: pki.server.key } },
  );
});
after(async () => {
  await secure.close();
  pki.cleanup();
});

/** The entries of an HSTS file: host and date, comments left out. */
const entries = (file: string): Array<[string, string]> =>
  readFileSync(file, 'latin1')
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => l.split(' "') as [string, string]);

test('a verified https answer is written to the file as curl writes it (a leading dot for includeSubDomains, the UTC expiry)', async () => {
  const files = { dial: join(dir, 'd.txt'), curl: join(dir, 'c.txt') };
  const before = Date.now();
  for (const [name, tool] of [['dial', dial], ['curl', curl]] as const) {
    const r = await tool(['-sS', '--cacert', pki.ca.certPath, '--hsts', files[name], `https://localhost:${secure.port}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'tls /\n');
  }
  const d = entries(files.dial);
  const c = entries(files.curl);
  assert.equal(d.length, 1);
  assert.deepEqual(d.map(([h]) => h), c.map(([h]) => h));
  assert.equal(d[0]![0], '.localhost');
  // "YYYYMMDD HH:MM:SS" about 600 s ahead (the two runs are a moment apart).
  const m = /^(\d{4})(\d\d)(\d\d) (\d\d):(\d\d):(\d\d)"$/.exec(d[0]![1])!;
  assert.ok(m, d[0]![1]);
  const at = Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
  assert.ok(at >= Math.floor(before / 1000) * 1000 + 600_000 && at <= Date.now() + 600_000, d[0]![1]);
});

test('an http:// URL of a known host goes as https:// — with a file either tool wrote', async () => {
  const file = join(dir, 'known.txt');
  assert.equal((await dial(['-s', '--cacert', pki.ca.certPath, '--hsts', file, `https://localhost:${secure.port}/`])).code, 0);
  const url = `http://localhost:${secure.port}/up`;
  // Without the cache, plain http to the TLS port fails in both.
  assert.notEqual((await dial(['-s', url])).code, 0);
  for (const tool of [dial, curl]) {
    const r = await tool(['-sS', '--cacert', pki.ca.certPath, '--hsts', file, url]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'tls /up\n');
  }
  const fromCurl = join(dir, 'from-curl.txt');
  assert.equal((await curl(['-s', '--cacert', pki.ca.certPath, '--hsts', fromCurl, `https://localhost:${secure.port}/`])).code, 0);
  const r = await dial(['-sS', '--cacert', pki.ca.certPath, '--hsts', fromCurl, '-v', url]);
  assert.equal(r.out, 'tls /up\n');
  assert.match(r.stderr, /Switched from HTTP to HTTPS due to HSTS => https:\/\/localhost:\d+\/up/);
});

test('max-age=0 forgets the host; a missing file is an empty cache and is created; -k answers teach nothing', async () => {
  const file = join(dir, 'forget.txt');
  writeFileSync(file, '.localhost "unlimited"\n');
  assert.equal((await dial(['-s', '--cacert', pki.ca.certPath, '--hsts', file, `https://localhost:${secure.port}/forget`])).code, 0);
  assert.deepEqual(entries(file), []);
  const created = join(dir, 'new.txt');
  assert.equal(existsSync(created), false);
  assert.equal((await dial(['-s', '-k', '--hsts', created, `https://localhost:${secure.port}/`])).code, 0);
  assert.ok(existsSync(created));
  assert.deepEqual(entries(created), []);
});

test('--hsts "" is a cache in memory only, as curl documents it: the run learns and upgrades, and no file is read or written (no warning)', async () => {
  const url = `http://localhost:${secure.port}/up`;
  for (const tool of [dial, curl]) {
    const r = await tool(['--no-progress-meter', '--cacert', pki.ca.certPath, '--hsts', '', `https://localhost:${secure.port}/`, url], { cwd: dir });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'tls /\ntls /up\n');
    assert.equal(r.stderr, '');
  }
});

test('an HSTS file too big to read is left as it is: warned about, never overwritten with the little this run learned', async () => {
  const file = join(dir, 'big.txt');
  const big = `# padding\n${'#'.repeat(9 * 1024 * 1024)}\nexample.test "unlimited"\n`;
  writeFileSync(file, big);
  const r = await dial(['--no-progress-meter', '--cacert', pki.ca.certPath, '--hsts', file, `https://localhost:${secure.port}/`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /HSTS file .* is larger than \d+ bytes; not read/);
  assert.equal(readFileSync(file, 'latin1'), big);
});

test("-w %{url_effective} and %{scheme} name the https:// URL an HSTS host's http:// one became — when it fails too, as curl", async () => {
  const file = join(dir, 'effective.txt');
  // A port nothing listens on: the upgraded request fails to connect (exit 7 in both).
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const closed = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  for (const tool of [dial, curl]) {
    writeFileSync(file, 'localhost "unlimited"\n');
    const failed = await tool(['-s', '-w', '%{url_effective}', '--hsts', file, `http://localhost:${closed}/x`]);
    assert.equal(failed.code, 7, failed.stderr);
    assert.equal(failed.out, `https://localhost:${closed}/x`);
    const ok = await tool(['-s', '--cacert', pki.ca.certPath, '-w', '|%{url_effective} %{scheme}', '--hsts', file, `http://localhost:${secure.port}/up`]);
    assert.equal(ok.code, 0, ok.stderr);
    // curl 7.88 names the scheme in capitals: compared without case.
    assert.equal(ok.out.toLowerCase(), `tls /up\n|https://localhost:${secure.port}/up https`);
  }
});
