/**
 * Local-file and whole-tree helpers over an {@link FtpClient}: download to a
 * file (with resume), upload from a file (with resume), ensureDir, and
 * recursive download/upload. Server-supplied names are hostile until checked
 * (see core/path.ts).
 *
 * @module
 */
import { createReadStream, writeSync } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LimitError, ReplyError } from '../../errors.js';
import type { Reply } from '../../line/replies.js';
import type { FtpClient } from './client.js';
import { checkPath, joinRemote, safeLocalPath } from './core/path.js';
import type { TransferOptions } from './transfer.js';

/** Options for the file helpers. */
export interface FileTransferOptions extends TransferOptions {
  /** Continue a partial file: the local one (download) or the remote one (upload). */
  resume?: boolean | undefined;
}

/** Downloads `remote` into the local file `local`; with `resume`, appends from the local size (REST). Resolves with the bytes written. */
export async function downloadTo(client: FtpClient, remote: string, local: string, options: FileTransferOptions = {}): Promise<number> {
  checkPath(remote);
  let offset = 0;
  if (options.resume) offset = await stat(local).then((s) => s.size, () => 0);
  const dl = await client.retrieve(remote, { ...options, offset });
  // Opened only once the server accepted: a refused download leaves the local file as it was.
  const file = await open(local, offset > 0 ? 'a' : 'w').catch(async (e: unknown) => {
    await dl.cancel();
    throw e;
  });
  try {
    // Each read is written during its read callback, straight from the read buffer: a local file takes
    // it in about the time the read took, with no promise, queue or copy per chunk. A failed write
    // (ENOSPC) rejects the download, which sends ABOR.
    return await dl.consume((c) => {
      for (let at = 0; at < c.length; ) at += writeSync(file.fd, c, at, c.length - at);
    });
  } finally {
    await file.close();
  }
}

/** Uploads the local file `local` to `remote`; with `resume`, continues from the remote SIZE (REST + STOR). */
export async function uploadFrom(client: FtpClient, local: string, remote: string, options: FileTransferOptions = {}): Promise<Reply> {
  checkPath(remote);
  let offset = 0;
  if (options.resume) offset = await client.size(remote).catch((e) => (e instanceof ReplyError ? 0 : Promise.reject(e)));
  const total = (await stat(local)).size;
  return client.store(remote, createReadStream(local, { start: offset, highWaterMark: 256 * 1024 }), { ...options, offset, expectedSize: total - offset });
}

/**
 * Makes sure the remote directory `path` exists, creating each missing
 * segment, and leaves the session in it (CWD), as `mkdir -p && cd`.
 */
export async function ensureDir(client: FtpClient, path: string): Promise<void> {
  checkPath(path);
  if (path.startsWith('/')) await client.cd('/');
  for (const seg of path.split('/').filter(Boolean)) {
    try {
      await client.cd(seg);
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
      await client.mkdir(seg);
      await client.cd(seg);
    }
  }
}

/** Options for the recursive helpers. */
export interface TreeOptions extends TransferOptions {
  /** Deepest level followed (default 32). */
  maxDepth?: number | undefined;
}

/**
 * Downloads the remote directory `remote` into the local directory `local`
 * (made if missing), recursively. Every name the server lists is checked
 * before it touches the disk: `/`, `\`, `..`, NUL, control characters and
 * drive letters are refused with a ProtocolError (basic-ftp CVE-2026-27699),
 * and the joined path must stay inside `local`. Symlinks are not followed.
 * Resolves with the number of files written.
 */
export async function downloadDir(client: FtpClient, remote: string, local: string, options: TreeOptions = {}): Promise<number> {
  checkPath(remote);
  return walkDown(client, remote, local, options, 0);
}

async function walkDown(client: FtpClient, remote: string, local: string, options: TreeOptions, depth: number): Promise<number> {
  if (depth > (options.maxDepth ?? 32)) throw new LimitError(`directory tree deeper than ${options.maxDepth ?? 32}`, { protocol: 'ftp' });
  await mkdir(local, { recursive: true });
  const entries = await client.list(remote, options);
  // Check every name first: one hostile name refuses the whole directory before anything is written.
  const plan = entries
    .filter((e) => e.type === 'file' || e.type === 'dir')
    .map((e) => ({ e, localPath: safeLocalPath(local, e.name), remotePath: joinRemote(remote, e.name) }));
  let files = 0;
  for (const { e, localPath, remotePath } of plan) {
    if (e.type === 'dir') files += await walkDown(client, remotePath, localPath, options, depth + 1);
    else {
      await downloadTo(client, remotePath, localPath, options);
      files++;
    }
  }
  return files;
}

/** Uploads the local directory `local` to the remote `remote` (made if missing), recursively. Resolves with the number of files sent. */
export async function uploadDir(client: FtpClient, local: string, remote: string, options: TreeOptions = {}): Promise<number> {
  checkPath(remote);
  return walkUp(client, local, remote, options, 0);
}

async function walkUp(client: FtpClient, local: string, remote: string, options: TreeOptions, depth: number): Promise<number> {
  if (depth > (options.maxDepth ?? 32)) throw new LimitError(`directory tree deeper than ${options.maxDepth ?? 32}`, { protocol: 'ftp' });
  await client.mkdir(remote).catch((e) => {
    if (!(e instanceof ReplyError)) throw e; // 550: it exists already
  });
  let files = 0;
  for (const d of await readdir(local, { withFileTypes: true })) {
    const remotePath = joinRemote(remote, d.name);
    const localPath = join(local, d.name);
    if (d.isDirectory()) files += await walkUp(client, localPath, remotePath, options, depth + 1);
    else if (d.isFile()) {
      await uploadFrom(client, localPath, remotePath, options);
      files++;
    }
  }
  return files;
}
