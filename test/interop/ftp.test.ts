/**
 * FtpClient and the ftp: URL opener against real servers — vsftpd (plain,
 * and explicit FTPS with require_ssl_reuse=YES over TLS 1.2 and 1.3) and
 * pyftpdlib (MLSD, a second LIST dialect) — with curl as the oracle: what we
 * download must equal what curl downloads from the same URL, byte for byte.
 * A missing binary fails the suite (requireBinary), it is never skipped.
 */
import { after, before, describe, test } from 'node:test';
import type { TraceEvent } from '../../src/trace.js';
import assert from 'node:assert/strict';
import { chownSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FtpClient, FtpPool, downloadDir, uploadDir, type FtpConnectOptions } from '../../src/protocols/ftp/index.js';
import { openFtp } from '../../src/urlopen/schemes/ftp.js';
import { ReplyError, TLSError } from '../../src/errors.js';
import { LOOPBACK, requireBinary, startServer, type RunningServer } from './harness.js';
import { makeTestPKI, type TestPKI } from './ca.js';
import { DATA, TEXT, bytesOf, curl, freeRange, knownBytes, makeTree, startVsftpd } from './ftp-helpers.js';

const T = 15_000;

// ---------------------------------------------------------------------------

describe('vsftpd, plain FTP', () => {
  let srv: RunningServer;
  let root: string;
  let base: string;
  const opts = (extra: Partial<FtpConnectOptions> = {}): FtpConnectOptions => ({ host: LOOPBACK, port: srv.port, timeout: T, ...extra });

  before(async () => {
    root = makeTree(true);
    srv = await startVsftpd(root, false, undefined, await freeRange(20));
    base = `ftp://${LOOPBACK}:${srv.port}`;
  });
  after(async () => {
    await srv?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('anonymous login, SYST, FEAT, PWD', async () => {
    const c = await FtpClient.connect(opts());
    assert.match(await c.system(), /UNIX/);
    assert.ok(c.features.has('EPSV') && c.features.has('SIZE'));
    assert.equal(await c.pwd(), '/');
    await c.quit();
  });

  test('a named user on an anonymous-only server: ReplyError 530', async () => {
    await assert.rejects(FtpClient.connect(opts({ user: 'bob', password: 'x' })), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
  });

  test('RETR equals the file and curl, byte for byte; SIZE and MDTM match the disk', async () => {
    const c = await FtpClient.connect(opts());
    const got = await bytesOf(await c.retrieve('/pub/data.bin'));
    assert.ok(got.equals(DATA));
    assert.ok(got.equals(curl([`${base}/pub/data.bin`])));
    assert.equal(await c.size('/pub/data.bin'), DATA.length);
    const mtime = statSync(join(root, 'pub', 'data.bin')).mtime;
    assert.equal(Math.floor((await c.lastModified('/pub/data.bin')).getTime() / 1000), Math.floor(mtime.getTime() / 1000));
    await c.quit();
  });

  test('openFtp equals curl on the same URL, with synthesized headers', async () => {
    const r = await openFtp(new URL(`${base}/pub/data.bin`), {});
    assert.equal(r.headers.get('content-length'), String(DATA.length));
    assert.ok((await r.bytes()).equals(curl([`${base}/pub/data.bin`])));
  });

  test('LIST is parsed (Unix dialect) and the listing text equals curl\'s', async () => {
    const c = await FtpClient.connect(opts());
    const entries = await c.list('/pub');
    const byName = new Map(entries.map((e) => [e.name, e]));
    assert.equal(byName.get('data.bin')?.size, DATA.length);
    assert.equal(byName.get('data.bin')?.type, 'file');
    assert.equal(byName.get('tree')?.type, 'dir');
    assert.ok(entries.every((e) => e.type !== 'unknown'));
    await c.quit();
    const ours = await (await openFtp(new URL(`${base}/pub/`), {})).text();
    assert.equal(ours, curl([`${base}/pub/`]).toString('utf8'));
  });

  test('NLST equals curl --list-only', async () => {
    const ours = await (await openFtp(new URL(`${base}/pub/`), { listOnly: true })).text();
    const theirs = curl(['--list-only', `${base}/pub/`]).toString('utf8').replace(/\r\n/g, '\n');
    assert.equal(ours, theirs);
  });

  test('REST resume equals curl -C / -r', async () => {
    const r = await openFtp(new URL(`${base}/pub/data.bin`), { range: { start: 500_000 } });
    const ours = await r.bytes();
    assert.ok(ours.equals(DATA.subarray(500_000)));
    assert.ok(ours.equals(curl(['-C', '500000', `${base}/pub/data.bin`])));
    const part = await (await openFtp(new URL(`${base}/pub/data.bin`), { range: { start: 100, end: 199 } })).bytes();
    assert.ok(part.equals(curl(['-r', '100-199', `${base}/pub/data.bin`])));
  });

  test('TYPE A download equals curl ;type=a', async () => {
    const ours = await (await openFtp(new URL(`${base}/pub/text.txt;type=a`), {})).bytes();
    assert.ok(ours.equals(curl([`${base}/pub/text.txt;type=a`])));
  });

  test('STOR then RETR round-trips; curl reads what we wrote, we read what curl wrote', async () => {
    const c = await FtpClient.connect(opts());
    const payload = knownBytes(300_000, 99);
    async function* chunks() {
      for (let i = 0; i < payload.length; i += 65536) yield payload.subarray(i, i + 65536);
    }
    assert.equal((await c.store('/upload/ours.bin', chunks())).code, 226);
    assert.equal(await c.size('/upload/ours.bin'), payload.length);
    assert.ok(curl([`${base}/upload/ours.bin`]).equals(payload));
    const theirsFile = join(root, 'theirs-src.bin');
    writeFileSync(theirsFile, knownBytes(123_457, 5));
    curl(['-T', theirsFile, `${base}/upload/theirs.bin`]);
    assert.ok((await bytesOf(await c.retrieve('/upload/theirs.bin'))).equals(readFileSync(theirsFile)));
    await c.quit();
  });

  test('upload resume (REST + STOR) and APPE', async () => {
    const c = await FtpClient.connect(opts());
    const payload = knownBytes(200_000, 3);
    await c.store('/upload/resume.bin', [payload.subarray(0, 50_000)]);
    await c.store('/upload/resume.bin', [payload.subarray(50_000)], { offset: 50_000 });
    assert.ok(readFileSync(join(root, 'upload', 'resume.bin')).equals(payload));
    await c.append('/upload/resume.bin', [Buffer.from('tail')]);
    assert.equal(await c.size('/upload/resume.bin'), payload.length + 4);
    await c.quit();
  });

  test('MKD, CWD, RNFR/RNTO, DELE, RMD in the writable area', async () => {
    const c = await FtpClient.connect(opts());
    await c.mkdir('/upload/newdir');
    await c.cd('/upload/newdir');
    assert.equal(await c.pwd(), '/upload/newdir');
    await c.store('f.txt', [Buffer.from('x')]);
    await c.rename('f.txt', 'g.txt');
    assert.deepEqual(await c.nlst(), ['g.txt']);
    await c.delete('g.txt');
    await c.cdup();
    await c.rmdir('newdir');
    await assert.rejects(c.cd('/upload/newdir'), ReplyError);
    await c.quit();
  });

  test('active mode (PORT) and PASV-only downloads equal the file', async () => {
    const a = await FtpClient.connect(opts({ activeMode: true }));
    assert.ok((await bytesOf(await a.retrieve('/pub/data.bin'))).equals(DATA));
    await a.quit();
    const p = await FtpClient.connect(opts({ epsv: false }));
    assert.ok((await bytesOf(await p.retrieve('/pub/data.bin'))).equals(DATA));
    await p.quit();
  });

  test('breaking out mid-file sends ABOR; the session goes on', async () => {
    const c = await FtpClient.connect(opts());
    for await (const _ of await c.retrieve('/pub/data.bin')) break;
    assert.ok((await bytesOf(await c.retrieve('/pub/tree/a.txt'))).equals(Buffer.from('A file\n')));
    await c.quit();
  });

  test('AbortSignal mid-transfer: AbortError and the session goes on', async () => {
    const c = await FtpClient.connect(opts());
    const ac = new AbortController();
    const dl = await c.retrieve('/pub/data.bin', { signal: ac.signal });
    await assert.rejects(
      (async () => {
        for await (const _ of dl) ac.abort();
      })(),
      { code: 'DIAL_E_ABORT' },
    );
    assert.equal((await c.noop()).code, 200);
    await c.quit();
  });

  test('a missing file is ReplyError 550', async () => {
    const c = await FtpClient.connect(opts());
    await assert.rejects(c.retrieve('/pub/none'), (e: unknown) => e instanceof ReplyError && e.reply?.code === 550);
    await c.quit();
  });

  test('FtpPool: 8 parallel downloads on 8 sessions, each equal to the file; a second round reuses the sessions', async () => {
    const pool = new FtpPool({ host: LOOPBACK, port: srv.port, timeout: T, size: 8 });
    try {
      const names = ['/pub/data.bin', '/pub/tree/deeper/b.bin', '/pub/text.txt', '/pub/tree/a.txt'];
      for (let round = 0; round < 2; round++) {
        const got = await Promise.all(Array.from({ length: 8 }, async (_, i) => bytesOf(await pool.retrieve(names[i % 4]!))));
        got.forEach((b, i) => assert.ok(b.equals(readFileSync(join(root, names[i % 4]!))), names[i % 4]));
      }
      assert.equal(pool.stats.idle, 8);
      assert.equal(pool.stats.busy, 0);
    } finally {
      await pool.close();
    }
  });

  test('downloadDir mirrors pub/tree; uploadDir sends it back', async () => {
    const c = await FtpClient.connect(opts());
    const dest = mkdtempSync(join(tmpdir(), 'dialtone-mirror-'));
    try {
      assert.equal(await downloadDir(c, '/pub/tree', join(dest, 't')), 2);
      assert.ok(readFileSync(join(dest, 't', 'deeper', 'b.bin')).equals(readFileSync(join(root, 'pub', 'tree', 'deeper', 'b.bin'))));
      assert.equal(await uploadDir(c, join(dest, 't'), '/upload/t'), 2);
      assert.deepEqual(readdirSync(join(root, 'upload', 't')).sort(), ['a.txt', 'deeper']);
    } finally {
      rmSync(dest, { recursive: true, force: true });
      await c.quit();
    }
  });
});

describe('vsftpd, explicit FTPS with require_ssl_reuse=YES', () => {
  let srv: RunningServer;
  let root: string;
  let pki: TestPKI;
  let base: string;
  const opts = (extra: Partial<FtpConnectOptions> = {}): FtpConnectOptions => ({
    host: LOOPBACK, port: srv.port, timeout: T, secure: 'explicit', tls: { ca: pki.ca.cert }, ...extra,
  });

  before(async () => {
    pki = makeTestPKI();
    root = makeTree(true);
    srv = await startVsftpd(root, true, pki, await freeRange(20));
    base = `ftp://${LOOPBACK}:${srv.port}`;
  });
  after(async () => {
    await srv?.stop();
    pki?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  for (const version of ['TLSv1.2', 'TLSv1.3'] as const) {
    test(`${version}: the data channel resumes the control session; RETR and LIST equal curl --ftp-ssl-reqd`, async () => {
      const notes: string[] = [];
      const tls: TraceEvent[] = [];
      const c = await FtpClient.connect(opts({ tls: { ca: pki.ca.cert, minVersion: version, maxVersion: version }, trace: (e) => {
        if (e.kind === '*') notes.push(e.text);
        if (e.event === 'tls' && !e.data?.secondary) tls.push(e);
      } }));
      // AUTH TLS's handshake is the control connection's tls event (dial -w time_appconnect), as HTTPS's.
      assert.equal(tls.length, 1, notes.join('\n'));
      assert.equal(tls[0]!.protocol, 'tls');
      assert.equal(tls[0]!.data?.tlsVersion, version);
      assert.ok(c.encrypted && c.dataProtected);
      const got = await bytesOf(await c.retrieve('/pub/data.bin'));
      assert.ok(got.equals(DATA));
      assert.ok(got.equals(curl(['--ftp-ssl-reqd', '--cacert', pki.ca.certPath, `${base}/pub/data.bin`])));
      const names = (await c.list('/pub')).map((e) => e.name).sort();
      assert.deepEqual(names, ['data.bin', 'text.txt', 'tree']);
      assert.ok(notes.some((n) => n.includes(version)), notes.join('\n'));
      assert.ok(notes.filter((n) => /resumed the control session/.test(n)).length >= 2, notes.join('\n'));
      await c.quit();
    });
  }

  test('active mode (EPRT/PORT) over TLS: the server connects, we are the TLS client, session resumed', async () => {
    const notes: string[] = [];
    const c = await FtpClient.connect(opts({ activeMode: true, trace: (e) => e.kind === '*' && notes.push(e.text) }));
    assert.ok((await bytesOf(await c.retrieve('/pub/data.bin'))).equals(DATA));
    await c.store('/upload/active-tls.bin', [Buffer.from('active and private')]);
    assert.equal(readFileSync(join(root, 'upload', 'active-tls.bin'), 'utf8'), 'active and private');
    assert.ok(notes.some((n) => /resumed the control session/.test(n)), notes.join('\n'));
    await c.quit();
  });

  test('STOR over TLS (clean close_notify) and curl reads it back', async () => {
    const c = await FtpClient.connect(opts());
    const payload = knownBytes(500_000, 11);
    await c.store('/upload/tls.bin', [payload]);
    assert.ok(curl(['--ftp-ssl-reqd', '--cacert', pki.ca.certPath, `${base}/upload/tls.bin`]).equals(payload));
    await c.quit();
  });

  test('ABOR over TLS leaves the control connection usable', async () => {
    const c = await FtpClient.connect(opts());
    for await (const _ of await c.retrieve('/pub/data.bin')) break;
    assert.equal(await c.size('/pub/data.bin'), DATA.length);
    assert.ok((await bytesOf(await c.retrieve('/pub/tree/a.txt'))).equals(Buffer.from('A file\n')));
    await c.quit();
  });

  test('openFtp with ftpSecure explicit equals curl', async () => {
    const r = await openFtp(new URL(`${base}/pub/text.txt`), { ftpSecure: 'explicit', tls: { ca: pki.ca.cert } } as Parameters<typeof openFtp>[1]);
    assert.ok((await r.bytes()).equals(curl(['--ftp-ssl-reqd', '--cacert', pki.ca.certPath, `${base}/pub/text.txt`])));
  });

  test('an untrusted CA is refused: DIAL_E_TLS_CERT', async () => {
    await assert.rejects(FtpClient.connect(opts({ tls: { ca: pki.untrustedCA.cert } })), (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT');
  });

  test('plaintext login is refused by the server (force_anon_logins_ssl)', async () => {
    await assert.rejects(FtpClient.connect(opts({ secure: false })), ReplyError);
  });
});

describe('vsftpd, implicit FTPS (ftps://)', () => {
  let srv: RunningServer;
  let root: string;
  let pki: TestPKI;

  before(async () => {
    pki = makeTestPKI();
    root = makeTree(true);
    srv = await startVsftpd(root, true, pki, await freeRange(10), true);
  });
  after(async () => {
    await srv?.stop();
    pki?.cleanup();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('FtpClient secure:implicit: TLS from the first byte, data resumed, equals curl ftps://', async () => {
    const notes: string[] = [];
    const c = await FtpClient.connect({ host: LOOPBACK, port: srv.port, timeout: T, secure: 'implicit', tls: { ca: pki.ca.cert }, trace: (e) => e.kind === '*' && notes.push(e.text) });
    assert.ok(c.encrypted && c.dataProtected);
    const got = await bytesOf(await c.retrieve('/pub/data.bin'));
    assert.ok(got.equals(DATA));
    assert.ok(got.equals(curl(['--cacert', pki.ca.certPath, `ftps://${LOOPBACK}:${srv.port}/pub/data.bin`])));
    assert.ok(notes.some((n) => /resumed the control session/.test(n)));
    await c.quit();
  });

  test('openFtp ftps:// equals curl ftps://, listing included', async () => {
    const url = `ftps://${LOOPBACK}:${srv.port}/pub/text.txt`;
    const r = await openFtp(new URL(url), { tls: { ca: pki.ca.cert } });
    assert.ok((await r.bytes()).equals(curl(['--cacert', pki.ca.certPath, url])));
    const dir = `ftps://${LOOPBACK}:${srv.port}/pub/`;
    assert.equal(await (await openFtp(new URL(dir), { tls: { ca: pki.ca.cert } })).text(), curl(['--cacert', pki.ca.certPath, dir]).toString('utf8'));
  });
});

describe('pyftpdlib (MLSD dialect)', () => {
  let srv: RunningServer;
  let root: string;
  let base: string;
  const opts = (extra: Partial<FtpConnectOptions> = {}): FtpConnectOptions => ({ host: LOOPBACK, port: srv.port, timeout: T, user: 'alice', password: 'wonder', ...extra });

  before(async () => {
    root = makeTree(false);
    chownSync(root, process.getuid?.() ?? 0, process.getgid?.() ?? 0);
    const [lo, hi] = await freeRange(20);
    // Debian's python3-pyftpdlib lives in the system Python, not in a pyenv/venv one first in PATH.
    const python = requireBinary('/usr/bin/python3', 'python3-pyftpdlib');
    srv = await startServer({
      name: 'pyftpdlib',
      command: python,
      package: 'python3-pyftpdlib',
      args: (ctx) => ['-m', 'pyftpdlib', '-i', LOOPBACK, '-p', String(ctx.port), '-d', root, '-w', '-r', `${lo}-${hi}`, '-u', 'alice', '-P', 'wonder'],
    });
    base = `ftp://alice:wonder@${LOOPBACK}:${srv.port}`;
  });
  after(async () => {
    await srv?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('named login; a wrong password is ReplyError 530', async () => {
    const c = await FtpClient.connect(opts());
    assert.ok(c.features.has('MLST'));
    await c.quit();
    await assert.rejects(FtpClient.connect(opts({ password: 'nope' })), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
  });

  test('MLSD entries carry types, sizes and times matching the disk', async () => {
    const c = await FtpClient.connect(opts());
    const entries = await c.list('/pub');
    const m = new Map(entries.map((e) => [e.name, e]));
    assert.deepEqual([...m.keys()].sort(), ['data.bin', 'text.txt', 'tree']);
    assert.equal(m.get('data.bin')!.type, 'file');
    assert.equal(m.get('data.bin')!.size, DATA.length);
    assert.ok(m.get('data.bin')!.facts);
    assert.equal(m.get('tree')!.type, 'dir');
    const mtime = statSync(join(root, 'pub', 'data.bin')).mtime.getTime();
    assert.ok(Math.abs(m.get('data.bin')!.modified!.getTime() - mtime) < 1000);
    const one = await c.mlst('/pub/text.txt');
    assert.equal(one.size, Buffer.byteLength(TEXT));
    await c.quit();
  });

  test('its LIST dialect parses too, no unknown lines', async () => {
    const c = await FtpClient.connect(opts());
    const { parseListing } = await import('../../src/protocols/ftp/core/listing.js');
    const entries = parseListing(await c.listRaw('/pub'));
    assert.deepEqual(entries.map((e) => [e.name, e.type]).sort(), [['data.bin', 'file'], ['text.txt', 'file'], ['tree', 'dir']]);
    await c.quit();
  });

  test('RETR equals curl; STOR round-trips; MFMT sets the time', async () => {
    const c = await FtpClient.connect(opts());
    const got = await bytesOf(await c.retrieve('/pub/data.bin'));
    assert.ok(got.equals(DATA) && got.equals(curl([`${base}/pub/data.bin`])));
    await c.store('/upload/p.bin', [knownBytes(99_999, 4)]);
    assert.ok(curl([`${base}/upload/p.bin`]).equals(knownBytes(99_999, 4)));
    if (c.features.has('MFMT')) {
      const when = new Date(Date.UTC(2001, 2, 3, 4, 5, 6));
      await c.setLastModified('/upload/p.bin', when);
      assert.deepEqual(await c.lastModified('/upload/p.bin'), when);
    }
    await c.quit();
  });

  test('downloadDir over MLSD mirrors pub/tree', async () => {
    const c = await FtpClient.connect(opts());
    const dest = mkdtempSync(join(tmpdir(), 'dialtone-mirror-'));
    try {
      assert.equal(await downloadDir(c, '/pub/tree', dest), 2);
      assert.equal(readFileSync(join(dest, 'a.txt'), 'utf8'), 'A file\n');
    } finally {
      rmSync(dest, { recursive: true, force: true });
      await c.quit();
    }
  });

  test('NLST and the URL listing equal curl', async () => {
    const ours = await (await openFtp(new URL(`${base}/pub/`), { listOnly: true })).text();
    assert.equal(ours, curl(['--list-only', `${base}/pub/`]).toString('utf8').replace(/\r\n/g, '\n'));
    const list = await (await openFtp(new URL(`${base}/pub/`), {})).text();
    assert.equal(list, curl([`${base}/pub/`]).toString('utf8'));
  });
});
