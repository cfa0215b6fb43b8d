import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { contentDispositionName } from '../../src/cli/header-name.js';
import { curl, dial, tempDir } from './helpers.js';

test('contentDispositionName: filename= quoted or bare, its last path segment only; filename* and nothing usable are no name', () => {
  assert.equal(contentDispositionName('attachment; filename="real name.txt"'), 'real name.txt');
  assert.equal(contentDispositionName('attachment; filename=plain.bin; size=3'), 'plain.bin');
  assert.equal(contentDispositionName('attachment; filename="a\\"b.txt"'), 'a"b.txt');
  assert.equal(contentDispositionName('attachment; filename="../../etc/passwd"'), 'passwd');
  assert.equal(contentDispositionName('attachment; filename="C:\\\\dir\\\\x.exe"'), 'x.exe');
  assert.equal(contentDispositionName("attachment; filename*=UTF-8''caf%C3%A9.txt"), undefined);
  assert.equal(contentDispositionName('attachment; filename=".."'), undefined);
  assert.equal(contentDispositionName('inline'), undefined);
  assert.equal(contentDispositionName(null), undefined);
});

test('-OJ names the file as the server says, as curl: the last path segment only, never over an existing file, and -J without -O changes nothing', async () => {
  const srv = http.createServer((req, res) => {
    const name = req.url!.includes('evil') ? '../../outside.txt' : 'real name.txt';
    res.writeHead(200, { 'Content-Disposition': `attachment; filename="${name}"`, 'Content-Length': 5 }).end('body\n');
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const url = (p: string) => `http://127.0.0.1:${(srv.address() as AddressInfo).port}${p}`;
  try {
    for (const [who, run] of [['dial', dial], ['curl', curl]] as const) {
      const dir = tempDir();
      const first = await run(['-sS', '-OJ', '-w', '%{filename_effective}', url('/url-name.bin')], { cwd: dir });
      assert.equal(first.code, 0, `${who}: ${first.stderr}`);
      assert.equal(first.out, 'real name.txt', who);
      assert.equal(readFileSync(join(dir, 'real name.txt'), 'utf8'), 'body\n', who);
      assert.equal(existsSync(join(dir, 'url-name.bin')), false, who);
      writeFileSync(join(dir, 'real name.txt'), 'mine\n');
      const again = await run(['-sS', '-OJ', url('/url-name.bin')], { cwd: dir });
      assert.equal(again.code, 23, `${who} refuses to overwrite`);
      assert.equal(readFileSync(join(dir, 'real name.txt'), 'utf8'), 'mine\n', who);
      const evil = await run(['-sS', '-OJ', url('/evil.bin')], { cwd: dir });
      assert.equal(evil.code, 0, who);
      assert.equal(readFileSync(join(dir, 'outside.txt'), 'utf8'), 'body\n', `${who}: written here, not two levels up`);
      const o = await run(['-sS', '-J', '-o', 'x', url('/url-name.bin')], { cwd: dir });
      assert.equal(o.code, 0, who);
      assert.equal(readFileSync(join(dir, 'x'), 'utf8'), 'body\n', `${who}: -o wins over -J`);
    }
  } finally {
    srv.close();
  }
});
