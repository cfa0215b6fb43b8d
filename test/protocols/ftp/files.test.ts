import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FtpClient, downloadDir, downloadTo, ensureDir, uploadDir, uploadFrom } from '../../../src/protocols/ftp/index.js';
import { ProtocolError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

let work: string;
before(() => (work = mkdtempSync(join(tmpdir(), 'dialtone-ftp-files-'))));
after(() => rmSync(work, { recursive: true, force: true }));

async function withServer(opts: Parameters<typeof FakeFtpServer.start>[0], fn: (c: FtpClient, s: FakeFtpServer) => Promise<void>) {
  const s = await FakeFtpServer.start(opts);
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 5000 });
  try {
    await fn(c, s);
  } finally {
    await c.quit();
    await s.close();
  }
}

describe('file helpers', () => {
  test('downloadTo writes the file; resume appends only the missing part', async () => {
    const data = Buffer.from('0123456789'.repeat(1000));
    await withServer({ files: { '/d.bin': data } }, async (c, s) => {
      const local = join(work, 'd.bin');
      assert.equal(await downloadTo(c, '/d.bin', local), data.length);
      assert.ok(readFileSync(local).equals(data));
      writeFileSync(local, data.subarray(0, 1234));
      assert.equal(await downloadTo(c, '/d.bin', local, { resume: true }), data.length - 1234);
      assert.ok(readFileSync(local).equals(data));
      assert.ok(s.commands.includes('REST 1234'));
    });
  });

  test('downloadTo a multi-MiB file arrives whole; a write that fails (ENOSPC on /dev/full) rejects with its error, ABOR sent, the session usable', async () => {
    const data = Buffer.alloc(3 * 1024 * 1024 + 5);
    for (let i = 0; i < data.length; i++) data[i] = (i * 29 + (i >> 11)) & 0xff;
    await withServer({ files: { '/big.bin': data } }, async (c, s) => {
      const local = join(work, 'big.bin');
      assert.equal(await downloadTo(c, '/big.bin', local), data.length);
      assert.ok(readFileSync(local).equals(data));
      await assert.rejects(downloadTo(c, '/big.bin', '/dev/full'), { code: 'ENOSPC' });
      assert.ok(s.commands.includes('ABOR'));
      assert.equal((await c.noop()).code, 200);
    });
  });

  test('uploadFrom, and resume from the remote SIZE', async () => {
    const data = Buffer.from('abcdefghij'.repeat(500));
    const local = join(work, 'u.bin');
    writeFileSync(local, data);
    await withServer({ files: { '/u.bin': data.subarray(0, 777) } }, async (c, s) => {
      await uploadFrom(c, local, '/u.bin', { resume: true });
      assert.ok(s.files.get('/u.bin')!.equals(data));
      assert.ok(s.commands.includes('REST 777'));
      await uploadFrom(c, local, '/v.bin');
      assert.ok(s.files.get('/v.bin')!.equals(data));
    });
  });

  test('ensureDir creates missing segments and ends inside', async () => {
    await withServer({ dirs: ['/a'] }, async (c, s) => {
      await ensureDir(c, '/a/b/c');
      assert.equal(await c.pwd(), '/a/b/c');
      assert.ok(s.dirs.has('/a/b') && s.dirs.has('/a/b/c'));
      assert.ok(!s.commands.includes('MKD a'));
    });
  });

  test('downloadDir mirrors a tree (MLSD server)', async () => {
    await withServer({ files: { '/t/a.txt': 'A', '/t/sub/b.txt': 'B', '/t/sub/deeper/c.txt': 'C' }, features: ['MLST type*;size*;'] }, async (c) => {
      const dest = join(work, 'mirror');
      assert.equal(await downloadDir(c, '/t', dest), 3);
      assert.equal(readFileSync(join(dest, 'sub', 'deeper', 'c.txt'), 'utf8'), 'C');
      assert.deepEqual(readdirSync(dest).sort(), ['a.txt', 'sub']);
    });
  });

  test('downloadDir mirrors a tree (LIST server)', async () => {
    await withServer({ files: { '/t/a.txt': 'A', '/t/sub/b.txt': 'B' }, features: ['SIZE'] }, async (c) => {
      const dest = join(work, 'mirror-list');
      assert.equal(await downloadDir(c, '/t', dest), 2);
      assert.equal(readFileSync(join(dest, 'sub', 'b.txt'), 'utf8'), 'B');
    });
  });

  for (const evil of ['../escape.txt', '..', '/etc/passwd', 'a/../../x', 'C:evil.txt', 'back\\slash']) {
    test(`downloadDir refuses the hostile name ${JSON.stringify(evil)} and writes nothing`, async () => {
      const listing = () => `-rw-r--r-- 1 a b 1 Jan 02  2020 ok.txt\r\n-rw-r--r-- 1 a b 1 Jan 02  2020 ${evil}\r\n`;
      await withServer({ files: { '/h/ok.txt': 'k' }, features: ['SIZE'], listing }, async (c) => {
        const base = mkdtempSync(join(work, 'h-'));
        const dest = join(base, 'inside');
        await assert.rejects(downloadDir(c, '/h', dest), ProtocolError);
        assert.deepEqual(readdirSync(base), ['inside']);
        assert.deepEqual(readdirSync(dest), [], 'not even the good file: the listing is refused whole');
        assert.ok(!existsSync(join(work, 'escape.txt')));
      });
    });
  }

  test('uploadDir sends a local tree', async () => {
    const src = join(work, 'src-tree');
    mkdirSync(join(src, 'x', 'y'), { recursive: true });
    writeFileSync(join(src, 'top.txt'), 'top');
    writeFileSync(join(src, 'x', 'y', 'low.txt'), 'low');
    await withServer({}, async (c, s) => {
      assert.equal(await uploadDir(c, src, '/dst'), 2);
      assert.equal(s.files.get('/dst/top.txt')?.toString(), 'top');
      assert.equal(s.files.get('/dst/x/y/low.txt')?.toString(), 'low');
    });
  });
});
