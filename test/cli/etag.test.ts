// --etag-save and --etag-compare beside curl 7.88: the file written, the
// If-None-Match sent, and the exit codes of missing files.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CURL, curl, dial, tempDir } from './helpers.js';
import { etagsOf, readEtagCompare } from '../../src/cli/etag.js';

let server: http.Server;
let base = '';
/** The If-None-Match of each request, undefined when none was sent. */
let seen: Array<string | undefined> = [];

before(async () => {
  server = http.createServer((req, res) => {
    seen.push(req.headers['if-none-match']);
    const tag = new URL(req.url!, 'http://x').searchParams.get('tag') ?? '"v1"';
    if (req.url!.startsWith('/hop')) return void res.writeHead(302, { ETag: '"hop"', Location: `/doc?tag=${encodeURIComponent(tag)}`, 'Content-Length': 0 }).end();
    if (req.headers['if-none-match'] === tag) return void res.writeHead(304, { ETag: tag }).end();
    res.writeHead(200, { ETag: `  ${tag} `, 'Content-Length': 4 }).end('doc\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** Runs dial, then curl, each in a directory of its own (cwd) holding `files`; returns each run, what it sent, and its directory. */
async function both(args: string[], files: Record<string, string> = {}) {
  const runs = [];
  for (const run of [dial, curl]) {
    const dir = tempDir();
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    seen = [];
    const r = await run(['-sS', '-o', join(dir, 'body'), ...args], { cwd: dir });
    runs.push({ r, sent: seen, dir });
  }
  return { d: runs[0]!, c: runs[1]! };
}

const read = (dir: string, name: string): string | undefined => (existsSync(join(dir, name)) ? readFileSync(join(dir, name), 'latin1') : undefined);

test('--etag-save writes the ETag (blanks trimmed) and a newline; --etag-compare sends it back, and the server answers 304', async () => {
  const save = await both(['--etag-save', 'tag', `${base}/doc`]);
  assert.equal(save.d.r.code, 0, save.d.r.stderr);
  assert.equal(read(save.d.dir, 'tag'), '"v1"\n');
  if (CURL) assert.equal(read(save.c.dir, 'tag'), read(save.d.dir, 'tag'));
  const cmp = await both(['--etag-compare', 'tag', '-w', '%{http_code}', `${base}/doc`], { tag: '"v1"\n' });
  assert.equal(cmp.d.r.code, 0, cmp.d.r.stderr);
  assert.deepEqual(cmp.d.sent, ['"v1"']);
  assert.equal(cmp.d.r.out, '304');
  if (CURL) assert.deepEqual([cmp.c.sent, cmp.c.r.out], [cmp.d.sent, cmp.d.r.out]);
});

test('--etag-compare: an empty file sends "", lines are joined; a missing file is exit 26 and nothing is sent, unless --etag-save is given', async () => {
  for (const [files, sent] of [
    [{ tag: '' }, '""'],
    [{ tag: 'a\r\nb\nc' }, 'abc'],
  ] as const) {
    const r = await both(['--etag-compare', 'tag', `${base}/doc`], files);
    assert.equal(r.d.r.code, 0, r.d.r.stderr);
    assert.deepEqual(r.d.sent, [sent]);
    if (CURL) assert.deepEqual(r.c.sent, r.d.sent);
  }
  const missing = await both(['--etag-compare', 'nope', `${base}/doc`]);
  assert.equal(missing.d.r.code, 26);
  assert.match(missing.d.r.stderr, /Failed to open nope/);
  assert.deepEqual(missing.d.sent, []);
  if (CURL) assert.deepEqual([missing.c.r.code, missing.c.sent], [26, []]);
  const saving = await both(['--etag-compare', 'nope', '--etag-save', 'nope', `${base}/doc`]);
  assert.equal(saving.d.r.code, 0, saving.d.r.stderr);
  assert.deepEqual(saving.d.sent, ['""']);
  assert.equal(read(saving.d.dir, 'nope'), '"v1"\n');
  if (CURL) assert.deepEqual([saving.c.sent, read(saving.c.dir, 'nope')], [saving.d.sent, read(saving.d.dir, 'nope')]);
});

test('--etag-save: every hop of -L; each URL makes the file afresh; - is stdout; a file that cannot be made is exit 26 before sending', async () => {
  const hops = await both(['-L', '--etag-save', 'tag', `${base}/hop?tag=%22x%22`]);
  assert.equal(read(hops.d.dir, 'tag'), '"hop"\n"x"\n');
  if (CURL) assert.equal(read(hops.c.dir, 'tag'), read(hops.d.dir, 'tag'));
  const two = await both(['--etag-save', 'tag', `${base}/doc?tag=%22a%22`, '-o', 'body2', `${base}/doc?tag=%22b%22`]);
  assert.equal(read(two.d.dir, 'tag'), '"b"\n');
  if (CURL) assert.equal(read(two.c.dir, 'tag'), read(two.d.dir, 'tag'));
  const out = await dial(['-sS', '-o', '/dev/null', '--etag-save', '-', `${base}/doc`]);
  assert.equal(out.out, '"v1"\n');
  const bad = await both(['--etag-save', '/nonexistent-dir/tag', `${base}/doc`]);
  assert.equal(bad.d.r.code, 26);
  assert.deepEqual(bad.d.sent, []);
  if (CURL) assert.deepEqual([bad.c.r.code, bad.c.sent], [26, []]);
});

test('etagsOf and readEtagCompare read as curl does', async () => {
  assert.deepEqual(etagsOf('HTTP/1.1 200 OK\r\nETag: "a"\r\netag:\t W/"b" \r\nETagx: c\r\nETag:\r\n\r\n'), ['"a"', 'W/"b"']);
  const dir = tempDir();
  writeFileSync(join(dir, 't'), '"x"\r\n');
  assert.equal(await readEtagCompare(join(dir, 't'), false), '"x"');
  assert.equal(await readEtagCompare(join(dir, 'missing'), true), '""');
  await assert.rejects(readEtagCompare(join(dir, 'missing'), false), (e: { exitCode?: number }) => e.exitCode === 26);
});
