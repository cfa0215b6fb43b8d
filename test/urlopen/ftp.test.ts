/**
 * urlopen's ftp: scheme, reached through the registry (the opener itself is
 * the FTP client's), against the demo's tiny in-memory FTP server.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { urlopen, lookupScheme, closeIdleSessions } from '../../src/urlopen/index.js';
import { FakeFtpServer } from '../protocols/ftp/fake-server.js';
import { DialError, InputError, LimitError, ReplyError } from '../../src/errors.js';
import { runChildScript } from '../helpers/child-script.js';

interface FtpFixture {
  port: number;
  kick(reply?: string): void;
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

test('ftp: a range end stops the transfer there (status 200, the part\'s Content-Length); the next URL still works', async () => {
  // The demo server has no REST, so the range starts at 0; interop/ftp.test.ts covers a start against vsftpd.
  const r = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { range: { start: 0, end: 2 }, timeout: 5000 });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-length'), '3');
  assert.equal(await r.text(), 'bra');
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/a.txt`, { timeout: 5000 })).text(), 'alpha\n');
});

test('ftp: a range that starts past the end of the file is an InputError (phase range) before any RETR; one that starts at the end is empty', async () => {
  // curl -C 100 on a 12-byte file: "Offset (100) was beyond file size (12)", exit 36 — not an empty success.
  const e = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { range: { start: 100 }, timeout: 5000 }).catch((x: unknown) => x);
  assert.ok(e instanceof InputError, String(e));
  assert.equal((e as InputError).phase, 'range');
  assert.match((e as InputError).message, /100.*12 bytes/);
  // Starting exactly at the end: nothing left to fetch, as curl (exit 0).
  const atEnd = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { range: { start: 12 }, timeout: 5000 });
  assert.equal(atEnd.headers.get('content-length'), '0');
  assert.equal((await atEnd.bytes()).length, 0);
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/a.txt`, { timeout: 5000 })).text(), 'alpha\n');
});

test('ftp: a directory of the URL the server will not enter is a ReplyError in phase cwd (dial: exit 9, as curl)', async () => {
  const e = await urlopen(`ftp://127.0.0.1:${srv.port}/nodir/a.txt`, { timeout: 5000 }).catch((x: unknown) => x);
  assert.ok(e instanceof ReplyError, String(e));
  assert.equal((e as ReplyError).phase, 'cwd');
  assert.equal((e as ReplyError).reply?.code, 550);
  // The refusal was this URL's: the next URL still works.
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/a.txt`, { timeout: 5000 })).text(), 'alpha\n');
});

test('ftp: a missing file is a DialError', async () => {
  const e = await urlopen(`ftp://127.0.0.1:${srv.port}/pub/none.txt`, { timeout: 5000 }).then((r) => r.bytes()).catch((x: unknown) => x);
  assert.ok(e instanceof DialError, String(e));
});

test('ftp: two URLs on one server share a session — one login — ended by closeIdleSessions with QUIT', async () => {
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  await closeIdleSessions();
  const events: string[] = [];
  const trace = (e: { kind: string; text: string }) => events.push(`${e.kind} ${e.text}`);
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/a.txt`, { trace })).text(), 'alpha\n');
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { trace })).text(), 'bravo bravo\n');
  assert.equal(events.filter((e) => e.startsWith('> USER')).length, 1, events.join('\n'));
  assert.ok(events.includes('* Re-using the FTP session with 127.0.0.1'));
  await closeIdleSessions();
  assert.ok(events.includes('> QUIT'), 'closeIdleSessions ends it politely');
});

test('ftp: a kept session does not hold the process open — a program ends on its own long before the session would expire', async () => {
  const index = pathToFileURL(fileURLToPath(new URL('../../src/urlopen/index.js', import.meta.url))).href;
  const script = `const { urlopen } = await import(${JSON.stringify(index)}); process.stdout.write(await (await urlopen(process.argv[1])).text());`;
  // Parked sessions live 15 s (IDLE_MS); a child still running after 8 s is one they kept alive.
  const { code, out } = await runChildScript(script, { args: [`ftp://127.0.0.1:${srv.port}/pub/a.txt`], limitMs: 8000 });
  assert.notEqual(code, 'hung', 'the program had to be killed: the parked session kept it alive');
  assert.equal(code, 0);
  assert.equal(out, 'alpha\n');
});

test('ftp: a kept session the server has dropped meanwhile (421, closed) is replaced by a fresh login, not reported', async () => {
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  await closeIdleSessions();
  const events: string[] = [];
  const trace = (e: { kind: string; text: string }) => events.push(`${e.kind} ${e.text}`);
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/a.txt`, { trace })).text(), 'alpha\n');
  srv.kick('421 Timeout.');
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(await (await urlopen(`ftp://127.0.0.1:${srv.port}/pub/b.txt`, { trace })).text(), 'bravo bravo\n');
  assert.equal(events.filter((e) => e.startsWith('> USER')).length, 2, events.join('\n'));
  await closeIdleSessions();
});

test('ftp: a kept session dropped meanwhile is replaced for a file in the login directory too, where no CWD would have found it out', async () => {
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  const mod = (await import(demoServerUrl())) as { startFtpServer(files: Record<string, string>): Promise<FtpFixture> };
  const root = await mod.startFtpServer({ '/a.txt': 'alpha\n', '/b.txt': 'bravo\n' });
  try {
    // The 421 alone (its close still to come), then a garbled farewell: either sits unread until the next command.
    for (const farewell of ['421 Timeout.', '']) {
      await closeIdleSessions();
      const events: string[] = [];
      const trace = (e: { kind: string; text: string }) => events.push(`${e.kind} ${e.text}`);
      assert.equal(await (await urlopen(`ftp://127.0.0.1:${root.port}/a.txt`, { trace, timeout: 5000 })).text(), 'alpha\n');
      root.kick(farewell);
      assert.equal(await (await urlopen(`ftp://127.0.0.1:${root.port}/b.txt`, { trace, timeout: 5000 })).text(), 'bravo\n', farewell);
      assert.equal(events.filter((e) => e.startsWith('> USER')).length, 2, events.join('\n'));
    }
    // A live kept session still serves the next URL with its one login.
    await closeIdleSessions();
    const events: string[] = [];
    const trace = (e: { kind: string; text: string }) => events.push(`${e.kind} ${e.text}`);
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${root.port}/a.txt`, { trace, timeout: 5000 })).text(), 'alpha\n');
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${root.port}/b.txt`, { trace, timeout: 5000 })).text(), 'bravo\n');
    assert.equal(events.filter((e) => e.startsWith('> USER')).length, 1, events.join('\n'));
  } finally {
    await closeIdleSessions();
    await root.close();
  }
});

test('ftp: a listing whose names are not UTF-8 is handed on as the server sent it (curl prints the same bytes), LIST and NLST', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  // A Latin-1 server: "café.txt" is 63 61 66 E9 …, which is no UTF-8; "naïve" is UTF-8 beside it.
  const latin = Buffer.concat([Buffer.from('caf'), Buffer.from([0xe9]), Buffer.from('.txt')]);
  const utf = Buffer.from('naïve.txt');
  const line = (name: Buffer) => Buffer.concat([Buffer.from('-rw-r--r--    1 0        0               6 Nov 26 02:34 '), name, Buffer.from('\r\n')]);
  const send = (bytes: Buffer) => async (_arg: string, s: import('../protocols/ftp/fake-server.js').Session) => {
    s.reply(150, 'Here comes the listing.');
    const d = await s.data();
    d.end(bytes);
    await new Promise((r) => d.once('close', r));
    s.reply(226, 'Directory send OK.');
    return true as const;
  };
  const fake = await FakeFtpServer.start({
    dirs: ['/pub'],
    hooks: {
      LIST: send(Buffer.concat([line(latin), line(utf)])),
      NLST: send(Buffer.concat([latin, Buffer.from('\r\n'), utf, Buffer.from('\r\n')])),
    },
  });
  try {
    const list = await (await urlopen(`ftp://127.0.0.1:${fake.port}/pub/`, { timeout: 5000 })).bytes();
    // TYPE A: CRLF becomes the local LF, as curl writes it; every other byte is the server's.
    const local = (name: Buffer) => Buffer.concat([line(name).subarray(0, -2), Buffer.from('\n')]);
    assert.deepEqual(list, Buffer.concat([local(latin), local(utf)]));
    const names = await (await urlopen(`ftp://127.0.0.1:${fake.port}/pub/`, { listOnly: true, timeout: 5000 })).bytes();
    assert.deepEqual(names, Buffer.concat([latin, Buffer.from('\n'), utf, Buffer.from('\n')]));
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: maxBodySize bounds a listing as it bounds a file (a LimitError); a listing of exactly the bound is whole', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  const files: Record<string, string> = {};
  for (let i = 0; i < 50; i++) files[`/d/file-${i}.txt`] = 'x';
  const fake = await FakeFtpServer.start({ files });
  try {
    for (const u of ['/d/', '/d/;type=d']) {
      const e = await urlopen(`ftp://127.0.0.1:${fake.port}${u}`, { maxBodySize: 100, timeout: 5000 }).catch((x: unknown) => x);
      assert.ok(e instanceof LimitError, `${u}: ${String(e)}`);
    }
    // A bound of exactly the listing's local size (LF line ends: fewer bytes than sent) holds it; one byte less does not.
    const size = (await (await urlopen(`ftp://127.0.0.1:${fake.port}/d/`, { listOnly: true, timeout: 5000 })).bytes()).length;
    assert.equal(size, 590);
    const names = await (await urlopen(`ftp://127.0.0.1:${fake.port}/d/`, { listOnly: true, maxBodySize: size, timeout: 5000 })).bytes();
    assert.equal(names.length, size);
    const over = await urlopen(`ftp://127.0.0.1:${fake.port}/d/`, { listOnly: true, maxBodySize: size - 1, timeout: 5000 }).catch((x: unknown) => x);
    assert.ok(over instanceof LimitError, String(over));
    // The session that stopped a listing is not handed to the next URL in a broken state.
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/d/file-1.txt`, { timeout: 5000 })).text(), 'x');
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: a kept session on a server that answers NOOP with 502 is still reused for a file in the login directory', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  const fake = await FakeFtpServer.start({
    files: { '/a.txt': 'alpha\n', '/b.txt': 'bravo\n' },
    hooks: { NOOP: (_arg, s) => (s.reply(502, 'NOOP not implemented.'), true) },
  });
  try {
    await closeIdleSessions();
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/a.txt`, { timeout: 5000 })).text(), 'alpha\n');
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/b.txt`, { timeout: 5000 })).text(), 'bravo\n');
    assert.equal(fake.commands.filter((c) => c.startsWith('USER')).length, 1, fake.commands.join('\n'));
    assert.ok(fake.commands.includes('NOOP'));
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: the caller\'s signal and timeout end a wait for a control reply (SIZE, CWD), on a fresh session and on a kept one', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  const { AbortError, TimeoutError } = await import('../../src/errors.js');
  let silent = false;
  // A server that stops answering: SIZE and CWD get no reply at all (the control reply bound is 30 s by default).
  const mute = () => silent;
  const fake = await FakeFtpServer.start({ files: { '/a.txt': 'alpha\n', '/d/b.txt': 'bravo\n' }, hooks: { SIZE: mute, CWD: mute } });
  const u = (p: string) => `ftp://127.0.0.1:${fake.port}${p}`;
  const abortSoon = () => AbortSignal.timeout(100);
  try {
    await closeIdleSessions();
    silent = true;
    for (const p of ['/a.txt', '/d/b.txt']) {
      const fresh = await urlopen(u(p), { signal: abortSoon() }).catch((x: unknown) => x);
      assert.ok(fresh instanceof AbortError, `fresh ${p}: ${String(fresh)}`);
    }
    for (const p of ['/a.txt', '/d/b.txt']) {
      // Kept by a caller whose own bound was long: the next caller's bound is the one that counts.
      silent = false;
      assert.equal(await (await urlopen(u('/a.txt'), { timeout: 120_000 })).text(), 'alpha\n');
      silent = true;
      const kept = await urlopen(u(p), { timeout: 300 }).catch((x: unknown) => x);
      assert.ok(kept instanceof TimeoutError && kept.timeout === 300, `kept ${p}: ${String(kept)}`);
      silent = false;
      assert.equal(await (await urlopen(u('/a.txt'), { timeout: 120_000 })).text(), 'alpha\n');
      silent = true;
      const aborted = await urlopen(u(p), { signal: abortSoon() }).catch((x: unknown) => x);
      assert.ok(aborted instanceof AbortError, `kept ${p}: ${String(aborted)}`);
    }
    silent = false;
    // Nothing broken is left parked: the next URL is served.
    assert.equal(await (await urlopen(u('/d/b.txt'), { timeout: 5000 })).text(), 'bravo\n');
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: connectTimeout bounds connecting and logging in, not a slow reply after it (curl --connect-timeout)', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  const { TimeoutError } = await import('../../src/errors.js');
  const later = (ms: number) => async () => (await new Promise((r) => setTimeout(r, ms)), false);
  const slowSize = await FakeFtpServer.start({ files: { '/a.txt': 'alpha\n' }, hooks: { SIZE: later(800) } });
  const slowLogin = await FakeFtpServer.start({ files: { '/a.txt': 'alpha\n' }, hooks: { PASS: later(5000) } });
  try {
    await closeIdleSessions();
    // curl -s --connect-timeout 0.3 reads this file: the SIZE reply comes 800 ms after the login.
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${slowSize.port}/a.txt`, { connectTimeout: 300 })).text(), 'alpha\n');
    const e = await urlopen(`ftp://127.0.0.1:${slowLogin.port}/a.txt`, { connectTimeout: 300 }).catch((x: unknown) => x);
    assert.ok(e instanceof TimeoutError && e.timeout === 300, String(e));
  } finally {
    await closeIdleSessions();
    await slowSize.close();
    await slowLogin.close();
  }
});

test('ftp: a session kept from a caller with a short timeout does not impose it on the next URL, which set none', async () => {
  const { FakeFtpServer } = await import('../protocols/ftp/fake-server.js');
  const { closeIdleSessions } = await import('../../src/urlopen/index.js');
  let slow = false;
  const fake = await FakeFtpServer.start({
    files: { '/a.txt': 'alpha\n', '/b.txt': 'bravo\n' },
    hooks: { SIZE: async () => (slow && (await new Promise((r) => setTimeout(r, 800))), false) },
  });
  try {
    await closeIdleSessions();
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/a.txt`, { timeout: 500 })).text(), 'alpha\n');
    slow = true;
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/b.txt`)).text(), 'bravo\n');
    // Callers with the same bound still share one login.
    slow = false;
    await closeIdleSessions();
    const before = fake.commands.filter((c) => c.startsWith('USER')).length;
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/a.txt`, { timeout: 5000 })).text(), 'alpha\n');
    assert.equal(await (await urlopen(`ftp://127.0.0.1:${fake.port}/b.txt`, { timeout: 5000 })).text(), 'bravo\n');
    assert.equal(fake.commands.filter((c) => c.startsWith('USER')).length - before, 1);
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: ftpCreateDirs makes the missing directories of an upload’s path (MKD), as curl --ftp-create-dirs; without it the CWD refusal stands', async () => {
  const fake = await FakeFtpServer.start({ dirs: ['/up'] });
  const url = `ftp://127.0.0.1:${fake.port}/up/a/b/new.txt`;
  try {
    const refused = await urlopen(url, { method: 'PUT', body: 'x', timeout: 5000 }).catch((x: unknown) => x);
    assert.ok(refused instanceof ReplyError && refused.phase === 'cwd', String(refused));
    assert.equal(fake.files.has('/up/a/b/new.txt'), false);
    const r = await urlopen(url, { method: 'PUT', body: 'made\n', timeout: 5000, ftpCreateDirs: true });
    await r.cancel();
    assert.equal(fake.files.get('/up/a/b/new.txt')?.toString(), 'made\n');
    assert.deepEqual(fake.commands.filter((c) => c.startsWith('MKD')), ['MKD a', 'MKD b']);
    // A path that exists needs no MKD.
    const again = await urlopen(url, { method: 'PUT', body: 'again\n', timeout: 5000, ftpCreateDirs: true });
    await again.cancel();
    assert.equal(fake.commands.filter((c) => c.startsWith('MKD')).length, 2);
  } finally {
    await closeIdleSessions();
    await fake.close();
  }
});

test('ftp: a program that reads only the reply and the size of a big file ends on its own, passive or active', async () => {
  const fake = await FakeFtpServer.start({ files: { '/big.bin': Buffer.alloc(5_000_000, 1) } });
  const index = pathToFileURL(fileURLToPath(new URL('../../src/urlopen/index.js', import.meta.url))).href;
  try {
    for (const activeMode of [false, true]) {
      const script = `const { urlopen } = await import(${JSON.stringify(index)});
const r = await urlopen(process.argv[1], { activeMode: ${activeMode} });
process.stdout.write(r.status + ' ' + r.headers.get('content-length'));`;
      const { code, out } = await runChildScript(script, { args: [`ftp://127.0.0.1:${fake.port}/big.bin`], limitMs: 8000 });
      assert.equal(code, 0, `active ${activeMode}: the transfer nobody read held the program (${code})`);
      assert.equal(out, '200 5000000');
    }
  } finally {
    await fake.close();
  }
});
