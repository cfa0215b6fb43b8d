/**
 * The servers and files a bench run needs, started once and shared by every
 * workload: nginx (HTTP + HTTPS with the test CA) and vsftpd, through the
 * interop harness's startServer (so a missing binary fails with the package
 * to install), serving files generated in a temp dir.
 */
import { chmodSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync, openSync, closeSync, readSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePorts, startServer, type RunningServer } from '../../test/interop/harness.js';
import type { TestPKI } from '../../test/interop/ca.js';

/** The generated document tree. */
export interface BenchFiles {
  root: string;
  /** Size of /big.bin in bytes (1 GiB, or 64 MiB with --quick). */
  bigSize: number;
  /** How many /f/<n>.txt small files there are (1..n). */
  smallFiles: number;
}

export const SMALL_BODY = 'dialtone bench: a small response body of one hundred bytes, as a typical small API answer is.......\n';

export function makeFiles(bigSize: number, smallFiles = 2000): BenchFiles {
  if (Buffer.byteLength(SMALL_BODY) !== 100) throw new Error(`small body is ${Buffer.byteLength(SMALL_BODY)} bytes`);
  const root = mkdtempSync(join(tmpdir(), 'dialtone-bench-www-'));
  chmodSync(root, 0o755);
  writeFileSync(join(root, 'small.txt'), SMALL_BODY);
  writeFileSync(join(root, '1k.bin'), Buffer.alloc(1024, 0x61));
  writeFileSync(join(root, '1m.bin'), Buffer.alloc(1024 * 1024, 0x62));
  // Sparse: nginx and vsftpd serve holes as zeros at memory speed, which is
  // what a throughput figure wants (the disk is not the thing measured).
  closeSync(openSync(join(root, 'big.bin'), 'w'));
  truncateSync(join(root, 'big.bin'), bigSize);
  mkdirSync(join(root, 'f'));
  for (let i = 1; i <= smallFiles; i++) writeFileSync(join(root, 'f', `${i}.txt`), SMALL_BODY);
  return { root, bigSize, smallFiles };
}

/**
 * Puts big.bin's pages in the page cache before a workload. The first read
 * of a 1 GiB hole costs the kernel ~2.4 s of page allocation (0.07 s once
 * cached), and this VM's DAMON `pageout` scheme evicts pages left untouched
 * for a while, so a download row that follows minutes of small-request rows
 * finds the file cold again: whichever tool comes first in its round 1
 * (always dialtone, in registry order) paid it, at a third of its speed.
 */
export function warmBigFile(files: BenchFiles): void {
  const fd = openSync(join(files.root, 'big.bin'), 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

export async function startNginx(configPath: string, files: BenchFiles, pki: TestPKI): Promise<RunningServer> {
  return startServer({
    name: 'nginx-bench',
    command: 'nginx',
    ports: 2,
    config: { template: configPath, vars: { root: files.root, cert: pki.server.certPath, key: pki.server.keyPath }, file: 'nginx.conf' },
    args: (ctx) => ['-p', ctx.dir, '-c', ctx.configPath!, '-e', join(ctx.dir, 'error.log'), '-g', 'daemon off;'],
    ready: { port: (ctx) => ctx.ports[1]! },
  });
}

export async function startVsftpd(configPath: string, files: BenchFiles): Promise<RunningServer> {
  const pasv = await freePorts(1);
  const base = pasv[0]!;
  // A small passive range starting at a free port (the kernel hands out
  // ephemeral ports far from the low ranges; collisions are unlikely).
  return startServer({
    name: 'vsftpd-bench',
    command: 'vsftpd',
    ports: 1,
    config: {
      template: configPath,
      file: 'vsftpd.conf',
      vars: (ctx) => ({
        root: files.root,
        empty: join(ctx.dir, 'empty'),
        ftp_user: 'ftp',
        pasv_min: base,
        pasv_max: Math.min(65535, base + 40),
      }),
    },
    files: (ctx) => ({ [join(ctx.dir, 'empty', '.keep')]: '' }),
    args: (ctx) => [ctx.configPath!],
  });
}
