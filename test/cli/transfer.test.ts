import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIG, MAIN, curl, dial, sha, startServer, tempDir, type TestServer } from './helpers.js';
import { blackhole } from '../helpers/blackhole.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(() => srv.close());

let ids = 0;
const fresh = () => `t${++ids}`;

test('--retry retries a 503 and succeeds (Retry-After: 0 leaves the back-off in charge, as curl)', async () => {
  const id = fresh();
  const r = await dial(['--retry', '3', srv.url(`/flaky?id=${id}&fail=2`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'ok\n');
  assert.equal(srv.hits.get(`/flaky${id}`), 3);
  assert.deepEqual(r.stderr.match(/Will retry in \d+ seconds?/g), ['Will retry in 1 second', 'Will retry in 2 seconds']);
});

test('--retry-all-errors retries what -f makes an error (a 404), which --retry alone leaves', async () => {
  const alone = fresh();
  const a = await dial(['-sS', '-f', '--retry', '1', '--retry-delay', '0', srv.url(`/flaky?id=${alone}&fail=1&code=404`)]);
  assert.equal(a.code, 22);
  assert.equal(srv.hits.get(`/flaky${alone}`), 1);
  const all = fresh();
  const b = await dial(['-sS', '-f', '--retry', '1', '--retry-delay', '0', '--retry-all-errors', srv.url(`/flaky?id=${all}&fail=1&code=404`)]);
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.out, 'ok\n');
  assert.equal(srv.hits.get(`/flaky${all}`), 2);
});

test('--retry-max-time: a Retry-After past it ends the retries at once and the 503 stands (body, exit 0), as curl', async () => {
  const id = fresh();
  const r = await dial(['-sS', '--retry', '2', '--retry-max-time', '5', srv.url(`/flaky?id=${id}&fail=5&after=3600`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, 'busy\n');
  assert.equal(srv.hits.get(`/flaky${id}`), 1);
  // The same answer with -f is exit 22, from the answer itself.
  const f = await dial(['-sS', '-f', '--retry', '2', '--retry-max-time', '5', srv.url(`/flaky?id=${fresh()}&fail=5&after=3600`)]);
  assert.equal(f.code, 22, f.stderr);
  assert.match(f.stderr, /returned error: 503/);
});

test('without --retry a 503 is returned as is', async () => {
  const id = fresh();
  const r = await dial([srv.url(`/flaky?id=${id}&fail=1`)]);
  assert.equal(r.code, 0);
  assert.equal(r.out, 'busy\n');
  assert.equal(srv.hits.get(`/flaky${id}`), 1);
});

test('retries run out: the last answer stands (-f makes it exit 22)', async () => {
  const id = fresh();
  const r = await dial(['-f', '--retry', '1', srv.url(`/flaky?id=${id}&fail=5`)]);
  assert.equal(r.code, 22);
  assert.equal(srv.hits.get(`/flaky${id}`), 2);
});

test('a 404 is not transient: no retry', async () => {
  const before = srv.requests.length;
  const r = await dial(['-f', '--retry', '3', srv.url('/status/404')]);
  assert.equal(r.code, 22);
  assert.equal(srv.requests.length - before, 1);
});

test('a broken transfer is retried by resuming with Range, not from scratch', async () => {
  const id = fresh();
  const dir = tempDir();
  const r = await dial(['--retry', '2', '--retry-delay', '0', '-o', join(dir, 'f'), srv.url(`/cut?id=${id}`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG));
  const second = srv.requests.filter((q) => q.url === `/cut?id=${id}`)[1];
  assert.ok(second, 'a second request was made');
  assert.match(String(second.headers.range), /^bytes=[1-9]\d*-$/);
  assert.deepEqual(readdirSync(dir), ['f']);
});

test('a retry answered in full (Range ignored) writes only what is missing, to a file and to stdout', async () => {
  const dir = tempDir();
  const r = await dial(['--retry', '2', '--retry-delay', '0', '-o', join(dir, 'f'), srv.url(`/cut?id=${fresh()}&full=1`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG));
  const piped = await dial(['--retry', '2', '--retry-delay', '0', srv.url(`/cut?id=${fresh()}&full=1`)]);
  assert.equal(piped.code, 0, piped.stderr);
  assert.equal(sha(piped.stdout), sha(BIG));
  // stdout redirected to a file takes the body at once, as -o does.
  const file = join(dir, 'redirected');
  const fd = openSync(file, 'w');
  const child = spawn(process.execPath, [MAIN, '--retry', '2', '--retry-delay', '0', srv.url(`/cut?id=${fresh()}&full=1`)], { stdio: ['ignore', fd, 'ignore'], env: { ...process.env, NO_PROXY: '*' } });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  closeSync(fd);
  assert.equal(code, 0);
  assert.equal(sha(readFileSync(file)), sha(BIG));
});

test('-r A-B: a retry after a break resumes inside the range (A+got to B), not from byte got of the whole file', async () => {
  const dir = tempDir();
  const id = fresh();
  const r = await dial(['-sS', '-r', '1000-60999', '--retry', '2', '--retry-delay', '0', '-o', join(dir, 'f'), srv.url(`/cutrange?id=${id}`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG.subarray(1000, 61000)));
  const asked = srv.requests.filter((q) => q.url === `/cutrange?id=${id}`).map((q) => q.headers.range);
  assert.deepEqual(asked, ['bytes=1000-60999', 'bytes=31000-60999']);
});

test('-r -N (a suffix): a retry after a break resumes inside the part the server chose', async () => {
  const id = fresh();
  const r = await dial(['-sS', '-r', '-40000', '--retry', '2', '--retry-delay', '0', srv.url(`/cutrange?id=${id}`)]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(r.stdout), sha(BIG.subarray(BIG.length - 40000)));
  const asked = srv.requests.filter((q) => q.url === `/cutrange?id=${id}`).map((q) => q.headers.range);
  assert.deepEqual(asked, ['bytes=-40000', `bytes=${BIG.length - 20000}-${BIG.length - 1}`]);
});

test('-r -N on a file: URL is its last N bytes, as curl (not the whole file); longer than the file, all of it', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f.bin'), BIG.subarray(0, 1000));
  const u = `file://${join(dir, 'f.bin')}`;
  const tail = await dial(['-sS', '-r', '-10', u]);
  assert.equal(tail.code, 0, tail.stderr);
  assert.deepEqual(tail.stdout, BIG.subarray(990, 1000));
  const all = await dial(['-sS', '-r', '-5000', u]);
  assert.equal(all.code, 0, all.stderr);
  assert.deepEqual(all.stdout, BIG.subarray(0, 1000));
});

test('a broken transfer without --retry fails (18/56) and leaves no file', async () => {
  const id = fresh();
  const dir = tempDir();
  const r = await dial(['-o', join(dir, 'f'), srv.url(`/cut?id=${id}`)]);
  assert.ok(r.code === 18 || r.code === 56, `exit ${r.code}: ${r.stderr}`);
  assert.deepEqual(readdirSync(dir), []);
});

test('-C - resumes from the size of the output file', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f'), BIG.subarray(0, 123_456));
  const r = await dial(['-C', '-', '-o', join(dir, 'f'), srv.url('/big')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG));
  assert.equal(srv.requests.at(-1)?.headers.range, 'bytes=123456-');
});

test('-C - on a complete file is done (416 with the same size)', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'f'), BIG);
  const r = await dial(['-s', '-C', '-', '-o', join(dir, 'f'), srv.url('/big')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG));
});

test('-C - on a complete copy of a file: URL is done (exit 0, file untouched), as curl; a longer copy is exit 36', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'src.bin'), BIG.subarray(0, 1000));
  writeFileSync(join(dir, 'f'), BIG.subarray(0, 1000));
  const src = `file://${join(dir, 'src.bin')}`;
  const done = await dial(['-sS', '-C', '-', '-o', join(dir, 'f'), src]);
  assert.equal(done.code, 0, done.stderr);
  assert.equal(sha(readFileSync(join(dir, 'f'))), sha(BIG.subarray(0, 1000)));
  // The same for data: (no curl oracle; the rule is the same).
  writeFileSync(join(dir, 'd'), 'hello');
  const data = await dial(['-sS', '-C', '-', '-o', join(dir, 'd'), 'data:,hello']);
  assert.equal(data.code, 0, data.stderr);
  assert.equal(readFileSync(join(dir, 'd'), 'utf8'), 'hello');
  // A local file longer than the source is not a finished download.
  writeFileSync(join(dir, 'g'), BIG.subarray(0, 1001));
  const past = await dial(['-sS', '-C', '-', '-o', join(dir, 'g'), src]);
  assert.equal(past.code, 36, past.stderr);
  assert.equal(readFileSync(join(dir, 'g')).length, 1001);
});

test('-w %{http_code} is 000 for a file: URL, as curl (no status to report), and the HTTP status for http:', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a.txt'), 'a\n');
  const r = await dial(['-s', '-o', '/dev/null', '-o', '/dev/null', '-w', '%{http_code} %{response_code}\n', `file://${join(dir, 'a.txt')}`, srv.url('/hello')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.out, '000 000\n200 200\n');
});

test('-L --max-redirs 0: a redirect is exit 47 with nothing written, as curl, not its body taken for the document', async () => {
  const [a, b] = await Promise.all([dial(['-sS', '-L', '--max-redirs', '0', srv.url('/redirect/1')]), curl(['-sS', '-L', '--max-redirs', '0', srv.url('/redirect/1')])]);
  assert.equal(b.code, 47);
  assert.equal(a.code, 47, a.stderr);
  assert.equal(a.out, '');
  assert.match(a.stderr, /^dial: \(47\) Maximum \(0\) redirects followed/);
  // Without -L a redirect is an answer like any other; a final answer is no redirect.
  assert.equal((await dial(['-s', '--max-redirs', '0', srv.url('/redirect/1')])).out, 'moved\n');
  assert.equal((await dial(['-s', '-L', '--max-redirs', '0', srv.url('/hello')])).out, 'hello world\n');
});

test('-C - against a server without range support is exit 33, like curl, and the partial file is untouched', async () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'a'), 'partial');
  writeFileSync(join(dir, 'b'), 'partial');
  const [a, b] = await Promise.all([
    dial(['-C', '-', '-o', join(dir, 'a'), srv.url('/norange')]),
    curl(['-s', '-C', '-', '-o', join(dir, 'b'), srv.url('/norange')]),
  ]);
  assert.equal(b.code, 33);
  assert.equal(a.code, 33, a.stderr);
  assert.match(a.stderr, /^dial: \(33\) .*byte ranges/);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'partial');
});

test('-C N to stdout asks for the tail', async () => {
  const r = await dial(['-C', String(BIG.length - 10), srv.url('/big')]);
  assert.equal(r.out, BIG.subarray(BIG.length - 10).toString('latin1'));
});

test('--max-time bounds a transfer that never answers: exit 28', async () => {
  const t0 = Date.now();
  const r = await dial(['--max-time', '0.5', srv.url('/slow')]);
  assert.equal(r.code, 28, r.stderr);
  assert.ok(Date.now() - t0 < 10_000);
  assert.match(r.stderr, /^dial: \(28\) /);
});

test('--max-time with -o leaves no file behind', async () => {
  const dir = tempDir();
  const r = await dial(['--max-time', '0.4', '-o', join(dir, 'f'), srv.url('/slowbody')]);
  assert.equal(r.code, 28, r.stderr);
  assert.deepEqual(readdirSync(dir), []);
});

test('a timeout is transient: --retry tries again', async () => {
  const r = await dial(['--max-time', '0.5', '--retry', '1', '--retry-delay', '0', srv.url('/slow')]);
  assert.equal(r.code, 28);
  assert.equal((r.stderr.match(/Will retry in 0 seconds\. 1 retry left\./g) ?? []).length, 1, r.stderr);
  assert.match(r.stderr, /^dial: \(28\) /m);
});

test('connection refused is retried only with --retry-connrefused', async () => {
  const a = await dial(['--retry', '2', '--retry-delay', '0', 'http://127.0.0.1:1/']);
  assert.equal(a.code, 7);
  assert.doesNotMatch(a.stderr, /Will retry/);
  const b = await dial(['--retry', '1', '--retry-delay', '0', '--retry-connrefused', 'http://127.0.0.1:1/']);
  assert.equal(b.code, 7);
  assert.match(b.stderr, /Will retry in 0 seconds\. 1 retry left\./);
});

test('--connect-timeout bounds connecting to a black hole: exit 28', async () => {
  const hole = await blackhole();
  try {
    const t0 = Date.now();
    const r = await dial(['--connect-timeout', '0.5', `http://${hole.host}:${hole.port}/`]);
    assert.equal(r.code, 28, r.stderr);
    assert.ok(Date.now() - t0 < 8000);
  } finally {
    hole.close();
  }
});

test('-I with --fail-with-body on an HTTP error: the head shows and the exit is 22, as with a body', async () => {
  for (const flag of ['--fail-with-body', '-f']) {
    const args = ['-s', '-I', flag, srv.url('/status/404')];
    const r = await dial(args);
    assert.equal(r.code, 22, flag);
    assert.match(r.out, /^HTTP\/1\.1 404 /, flag);
    const k = await curl(args);
    assert.deepEqual([r.code, r.out], [k.code, k.out], `${flag}: as curl`);
  }
});
