import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, chmodSync, utimesSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { urlopen } from '../../src/urlopen/index.js';
import { DialError, InputError, LimitError } from '../../src/errors.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'dialtone-file-'));
  writeFileSync(join(dir, 'hello.txt'), 'hello, file\n');
  writeFileSync(join(dir, 'with space é.json'), '{"a":1}');
  mkdirSync(join(dir, 'sub'));
  writeFileSync(join(dir, 'sub', 'b.bin'), Buffer.from([0, 1, 2, 255]));
  const big = Buffer.alloc(300_000);
  for (let i = 0; i < big.length; i++) big[i] = i % 251;
  writeFileSync(join(dir, 'big.dat'), big);
  utimesSync(join(dir, 'hello.txt'), new Date('2020-01-02T03:04:05Z'), new Date('2020-01-02T03:04:05Z'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const url = (...p: string[]) => pathToFileURL(join(dir, ...p)).href;

test('file: reads a file with synthesized headers', async () => {
  const r = await urlopen(url('hello.txt'));
  assert.equal(r.status, 200);
  assert.equal(r.protocol, 'file');
  assert.equal(r.info().get('content-type'), 'text/plain');
  assert.equal(r.info().get('content-length'), '12');
  assert.equal(r.info().get('last-modified'), 'Thu, 02 Jan 2020 03:04:05 GMT');
  assert.equal(await r.text(), 'hello, file\n');
});

test('file: percent-decodes the path, accepts file://localhost/', async () => {
  const u = url('with space é.json');
  assert.match(u, /with%20space%20%C3%A9\.json$/);
  assert.deepEqual(await (await urlopen(u)).json(), { a: 1 });
  const local = u.replace('file:///', 'file://localhost/');
  const r = await urlopen(local);
  assert.equal(r.info().get('content-type'), 'application/json');
  assert.deepEqual(await r.json(), { a: 1 });
});

test('file: a name that is not UTF-8 (Latin-1 caf%E9.txt) is opened, and listed, by its bytes, as curl opens it; a stray % is a literal', async () => {
  const latin = join(dir, 'latin');
  mkdirSync(latin);
  try {
    writeFileSync(Buffer.concat([Buffer.from(`${latin}/caf`), Buffer.from([0xe9]), Buffer.from('.txt')]), 'latin\n');
    writeFileSync(join(latin, '100%.txt'), 'percent\n');
    const base = pathToFileURL(latin).href;
    const r = await urlopen(`${base}/caf%E9.txt`);
    assert.equal(r.info().get('content-type'), 'text/plain');
    assert.equal(r.info().get('content-length'), '6');
    assert.equal(await r.text(), 'latin\n');
    assert.equal(await (await urlopen(`${base}/caf%E9.txt`, { range: { start: 2 } })).text(), 'tin\n');
    assert.equal(await (await urlopen(`${base}/100%.txt`)).text(), 'percent\n');
    const missing = await urlopen(`${base}/caf%E8.txt`).catch((x: unknown) => x);
    assert.ok(missing instanceof InputError && missing.sysCode === 'ENOENT', String(missing));
    // Listed by the same bytes, so the name read from the listing opens the file again.
    const list = await (await urlopen(`${base}/`, { listDirectories: true })).bytes();
    assert.deepEqual(list, Buffer.concat([Buffer.from('100%.txt\ncaf'), Buffer.from([0xe9]), Buffer.from('.txt\n')]));
    assert.equal(await (await urlopen(`${pathToFileURL(dir).href}/latin%2Fcaf%E9.txt`)).text(), 'latin\n');
    const nul = await urlopen(`${base}/caf%E9%00`).catch((x: unknown) => x);
    assert.ok(nul instanceof InputError && nul.phase === 'url', String(nul));
  } finally {
    rmSync(latin, { recursive: true, force: true });
  }
});

test('file: a URL naming another host is a malformed URL (curl: exit 3): InputError in phase url (dial: exit 3, not 2)', async () => {
  const e = await urlopen('file://otherhost/tmp/x').catch((x: unknown) => x);
  assert.ok(e instanceof InputError, String(e));
  assert.equal((e as InputError).phase, 'url');
});

test('file: an encoded slash (%2F) is a slash, as curl and Python\'s urllib read it, not a malformed URL', async () => {
  const base = pathToFileURL(dir).href;
  assert.equal(await (await urlopen(`${base}/sub%2Fb.bin`)).text(), await (await urlopen(`${base}/sub/b.bin`)).text());
  assert.deepEqual(await (await urlopen(`${base}%2fsub%2Fb.bin`)).bytes(), Buffer.from([0, 1, 2, 255]));
  const missing = await urlopen(`${base}/sub%2Fnope`).catch((x: unknown) => x);
  assert.ok(missing instanceof InputError && missing.sysCode === 'ENOENT', String(missing));
  // A dot segment the URL parser could not see (it removes the visible ones) would lead out of the
  // directory a caller checked the pathname against: refused, as a malformed URL.
  for (const u of [`${base}/sub/x%2F..%2F..%2Fhello.txt`, `${base}/sub%2F.%2Fb.bin`, `${base}/sub/..%2Fhello.txt`]) {
    const e = await urlopen(u).catch((x: unknown) => x);
    assert.ok(e instanceof InputError && e.phase === 'url', `${u}: ${String(e)}`);
  }
});

test('file: streams a big file in chunks, byte exact, with progress', async () => {
  const seen: number[] = [];
  const r = await urlopen(url('big.dat'), { onProgress: (p) => seen.push(p.transferred) });
  let chunks = 0;
  const parts: Uint8Array[] = [];
  for await (const c of r.body) {
    chunks++;
    parts.push(c);
  }
  const all = Buffer.concat(parts);
  assert.equal(all.length, 300_000);
  assert.ok(chunks > 1);
  assert.equal(all[1000], 1000 % 251);
  assert.equal(seen.at(-1), 300_000);
  assert.equal(r.info().get('content-type'), 'application/octet-stream');
});

test('file: a byte range reads only that part (206, Content-Range)', async () => {
  const r = await urlopen(url('big.dat'), { range: { start: 10, end: 19 } });
  assert.equal(r.status, 206);
  assert.equal(r.info().get('content-range'), 'bytes 10-19/300000');
  assert.equal(r.info().get('content-length'), '10');
  assert.deepEqual([...(await r.bytes())], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  const open = await urlopen(url('big.dat'), { range: { start: 299_998 } });
  assert.equal((await open.bytes()).length, 2);
  await assert.rejects(urlopen(url('big.dat'), { range: { start: 300_000 } }), InputError);
  await assert.rejects(urlopen(url('big.dat'), { range: { start: 5, end: 2 } }), InputError);
});

test('file: HEAD gives headers and no body', async () => {
  const r = await urlopen(url('hello.txt'), { method: 'HEAD' });
  assert.equal(r.info().get('content-length'), '12');
  assert.equal((await r.bytes()).length, 0);
});

test('file: a directory is refused unless listDirectories, then listed', async () => {
  const e = await urlopen(url('sub')).catch((x: unknown) => x);
  assert.ok(e instanceof InputError);
  assert.equal((e as DialError).sysCode, 'EISDIR');
  assert.match((e as Error).message, /is a directory/);
  const r = await urlopen(url(''), { listDirectories: true });
  assert.equal(r.info().get('content-type'), 'text/plain; charset=utf-8');
  assert.equal(await r.text(), 'big.dat\nhello.txt\nsub/\nwith space é.json\n');
});

test('file: missing and unreadable files are typed errors with sysCode', async () => {
  const missing = await urlopen(url('nope.txt')).catch((x: unknown) => x);
  assert.ok(missing instanceof InputError);
  assert.equal((missing as DialError).sysCode, 'ENOENT');
  assert.equal((missing as DialError).code, 'DIAL_E_INPUT');
  assert.match((missing as Error).message, /no such file/);
  const secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'x');
  chmodSync(secret, 0o000);
  try {
    // root reads anything: check as nobody through a child process in that case.
    if (process.getuid?.() === 0) {
      // nobody may not be able to reach the checkout (a clone under a 0700 mktemp dir): it imports a copy of the
      // compiled library from a world-readable dir instead.
      const lib = mkdtempSync(join(tmpdir(), 'dialtone-lib-'));
      try {
        cpSync(join(import.meta.dirname, '../../src'), join(lib, 'src'), { recursive: true });
        chmodSync(lib, 0o755);
        const script = `import('${pathToFileURL(join(lib, 'src/urlopen/index.js')).href}').then(m=>m.urlopen(${JSON.stringify(pathToFileURL(secret).href)})).then(()=>console.log('read'),e=>console.log(e.sysCode))`;
        chmodSync(dir, 0o755);
        const out = execFileSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: lib });
        assert.equal(out.trim(), 'EACCES');
      } finally {
        rmSync(lib, { recursive: true, force: true });
      }
    } else {
      const denied = await urlopen(pathToFileURL(secret)).catch((x: unknown) => x);
      assert.equal((denied as DialError).sysCode, 'EACCES');
    }
  } finally {
    chmodSync(secret, 0o600);
  }
});

test('file: remote hosts, non-regular files, uploads and oversize files are refused', async () => {
  await assert.rejects(urlopen('file://example.com/etc/passwd'), InputError);
  const fifo = join(dir, 'fifo');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(urlopen(pathToFileURL(fifo)), /not a regular file/);
  await assert.rejects(urlopen(url('hello.txt'), { method: 'PUT', body: 'x' }), (e: DialError) => e.code === 'DIAL_E_UNSUPPORTED');
  await assert.rejects(urlopen(url('big.dat'), { maxBodySize: 1000 }), LimitError);
});

test('file: cancel releases the file without reading it', async () => {
  const r = await urlopen(url('big.dat'));
  await r.cancel();
  await r.cancel();
});

test('file: a response dropped unread closes its file itself once collected, without Node\'s warning (DEP0137); a body held alone reads whole', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const fds = () => readdirSync('/proc/self/fd').length;
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    await settle();
    const before = fds();
    // As Python's urlopen(u).info(): the headers are read, the body never.
    for (let i = 0; i < 3; i++) assert.equal((await urlopen(url('big.dat'))).status, 200);
    await (async () => {
      const r = await urlopen('file:///proc/version');
      // Left after one chunk, neither read to its end nor cancelled.
      await r.body[Symbol.asyncIterator]().next();
    })();
    await settle();
    assert.deepEqual(warnings.filter((w) => /file descriptor|FileHandle/i.test(w)), []);
    assert.ok(fds() <= before, `${fds()} descriptors open, ${before} before`);
    // The response may go as long as its body is read: the file stays open for it.
    const body = (await urlopen(url('big.dat'))).body;
    let n = 0;
    for await (const chunk of body) {
      n += chunk.length;
      gc();
    }
    assert.equal(n, 300_000);
  } finally {
    process.off('warning', onWarning);
  }
});

// curl reads /proc/version whole; a pseudo-file reports size 0, and trusting that size gave an empty body.
test('file: a pseudo-file that reports size 0 (/proc) is read to its end, with no Content-Length, a range and maxBodySize still applied', async () => {
  const want = readFileSync('/proc/version');
  assert.ok(want.length > 20);
  const r = await urlopen('file:///proc/version');
  assert.equal(r.status, 200);
  assert.equal(r.info().get('content-length'), null);
  assert.ok(Buffer.from(await r.bytes()).equals(want));
  const part = await urlopen('file:///proc/version', { range: { start: 6, end: 15 } });
  assert.equal(part.status, 206);
  assert.ok(Buffer.from(await part.bytes()).equals(want.subarray(6, 16)));
  const small = await urlopen('file:///proc/version', { maxBodySize: 10 });
  await assert.rejects(small.bytes(), LimitError);
});

// The size-0 probe read fails with EIO on /proc/self/mem: curl serves it as empty (exit 0), not a "connection reset".
test('file: a pseudo-file whose first read fails is served empty, as curl does, not a NetworkError', async () => {
  const r = await urlopen('file:///proc/self/mem');
  assert.equal(r.status, 200);
  assert.equal((await r.bytes()).length, 0);
});

test('file: an encoded NUL (%00) in the path is a malformed URL: InputError in phase url (curl: exit 3), not a NetworkError', async () => {
  const e = await urlopen(url('a%00b.txt').replace('a%2500b', 'a%00b')).catch((x: unknown) => x);
  assert.ok(e instanceof InputError, String(e));
  assert.equal((e as InputError).phase, 'url');
});
