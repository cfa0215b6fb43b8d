/**
 * What the FTP interop suites share: known bytes, an anonymous vsftpd tree,
 * a passive port range, and curl as the oracle.
 */
import { chmodSync, chownSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK, lookupUser, startServer, type RunningServer } from './harness.js';
import type { TestPKI } from './ca.js';
import { curl, knownBytes } from './fixtures.js';

export { curl, knownBytes };

export const DATA = knownBytes(1024 * 1024 + 123);
export const TEXT = Array.from({ length: 300 }, (_, i) => `line ${i}: the quick brown fox\n`).join('');

/** `count` consecutive free loopback ports, for a server's passive range. */
export async function freeRange(count: number): Promise<[number, number]> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 40000);
    const held: net.Server[] = [];
    let ok = true;
    for (let p = base; p < base + count && ok; p++) {
      const s = net.createServer();
      ok = await new Promise<boolean>((resolve) => {
        s.once('error', () => resolve(false));
        s.listen({ host: LOOPBACK, port: p, exclusive: true }, () => resolve(true));
      });
      if (ok) held.push(s);
    }
    await Promise.all(held.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (ok) return [base, base + count - 1];
  }
  throw new Error('no free passive port range');
}

/** curl, whose output is the oracle; a failure shows curl's stderr. */
export async function bytesOf(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

/** An anonymous FTP tree: root-owned and read-only for anon, `pub` with files, `upload` writable by the ftp user. */
export function makeTree(ftpWritable: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'dialtone-ftproot-'));
  chmodSync(root, 0o755);
  mkdirSync(join(root, 'pub', 'tree', 'deeper'), { recursive: true });
  writeFileSync(join(root, 'pub', 'data.bin'), DATA);
  writeFileSync(join(root, 'pub', 'text.txt'), TEXT);
  writeFileSync(join(root, 'pub', 'tree', 'a.txt'), 'A file\n');
  writeFileSync(join(root, 'pub', 'tree', 'deeper', 'b.bin'), knownBytes(70_000, 7));
  mkdirSync(join(root, 'upload'), { mode: 0o755 });
  if (ftpWritable && process.getuid?.() === 0) {
    const ftp = lookupUser('ftp');
    chownSync(join(root, 'upload'), ftp.uid, ftp.gid);
  }
  return root;
}

export function startVsftpd(root: string, ssl: boolean, pki: TestPKI | undefined, pasv: [number, number], implicit = false): Promise<RunningServer> {
  return startServer({
    name: implicit ? 'vsftpd-implicit' : ssl ? 'vsftpd-ftps' : 'vsftpd',
    command: 'vsftpd',
    files: { 'empty/.keep': '' },
    config: {
      template: 'vsftpd.conf',
      vars: {
        anon_root: root,
        pasv_min: pasv[0],
        pasv_max: pasv[1],
        ssl: ssl ? 'YES' : 'NO',
        implicit: implicit ? 'YES' : 'NO',
        cert: pki?.server.certPath ?? '/dev/null',
        key: pki?.server.keyPath ?? '/dev/null',
      },
    },
    args: (ctx) => [ctx.configPath!],
  });
}

