/**
 * The file: scheme (RFC 8089): a local file streamed from disk, with the
 * headers Python's urllib synthesizes (Content-Type by extension,
 * Content-Length, Last-Modified). A directory is refused unless the caller
 * asks for a listing.
 *
 * @module
 */
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { constants, type Stats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { percentDecode } from '../../util/percent.js';
import { strictUtf8 } from '../../util/utf8.js';
import { AbortError, DialError, InputError, LimitError, toDialError } from '../../errors.js';
import { throwIfAborted } from '../../util/guard.js';
import { checkRange, limitBody, onceBody } from '../body.js';
import { byteResponse, rangeSpan } from '../byte-response.js';
import { typeForName } from '../mime.js';
import type { UrlResponse } from '../response.js';
import type { Opener, OpenOptions } from '../types.js';
import { UrlHeaders } from '../headers.js';

const CHUNK = 64 * 1024;
const SLASH = Buffer.from('/');
const NEWLINE = Buffer.from('\n');

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a component of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the file name is too long',
  EISDIR: 'is a directory',
};

/**
 * The error for a path that cannot be read: an InputError (the caller named
 * it) whose `sysCode` is the system's (ENOENT, EACCES…), so the CLI can map it.
 */
function fileError(err: unknown, url: URL, phase: string): DialError {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code in REASONS) {
    return new InputError(`${url.href}: ${REASONS[code]} (${code})`, { cause: err, protocol: 'file', phase });
  }
  return toDialError(err, `${url.href}`, { protocol: 'file', phase });
}

/**
 * The local path a file: URL names. A URL's escapes are bytes (RFC 8089), decoded as curl and Python's
 * urllib decode them: `%2F` is a `/` like any other, and a name that is not UTF-8 (a Latin-1
 * `caf%E9.txt`) is handed to the file system as those bytes.
 */
function toPath(url: URL): string | Buffer {
  let path: string | Buffer;
  try {
    path = fileURLToPath(url);
  } catch (err) {
    // A remote host (file://server/x): nothing local to open (curl: exit 3).
    if ((err as { code?: unknown }).code === 'ERR_INVALID_FILE_URL_HOST') {
      throw new InputError(`${url.href}: ${(err as Error).message}`, { cause: err, protocol: 'file', phase: 'url' });
    }
    // Node refuses an encoded slash and decodes only UTF-8; the host is checked by then, so the path is ours to decode.
    const bytes = percentDecode(url.pathname);
    // The URL parser has removed every dot segment it could see: one left now was hidden by %2F
    // (/pub/x%2F..%2F..%2Fetc), and would lead out of a directory a caller checked the pathname against.
    if (bytes.toString('latin1').split('/').some((seg) => seg === '.' || seg === '..')) {
      throw new InputError(`${url.href}: an encoded slash (%2F) hides a "." or ".." segment`, { protocol: 'file', phase: 'url' });
    }
    path = strictUtf8(bytes) ?? bytes;
  }
  // %00 decodes to a NUL no path can hold: a malformed URL (curl: exit 3), not an I/O failure.
  if (path.includes('\0')) throw new InputError(`${url.href}: the path holds an encoded NUL (%00)`, { protocol: 'file', phase: 'url' });
  return path;
}

function baseHeaders(st: Stats, type: string): UrlHeaders {
  return new UrlHeaders({ 'Content-Type': type, 'Last-Modified': st.mtime.toUTCString() });
}

/**
 * Closes the file of a body dropped unread (neither read to its end nor
 * cancelled) once the body is collected — as Python's urlopen(u).info() leaves
 * one — which Node would otherwise do itself, with a warning and a deprecation
 * (DEP0137: a later Node throws). Keyed on the body, not the response: a
 * caller may keep only the body, and read it.
 */
const unread = new FinalizationRegistry<FileHandle>((fh) => void fh.close().catch(() => {}));

/** {@link readFrom}, its file closed if the body is dropped unread. */
function fileBody(fh: FileHandle, start: number, end: number, options: OpenOptions, total: number | undefined): AsyncGenerator<Uint8Array, void, undefined> {
  const body = readFrom(fh, start, end, options, total);
  unread.register(body, fh);
  return body;
}

async function* readFrom(fh: FileHandle, start: number, end: number, options: OpenOptions, total: number | undefined): AsyncGenerator<Uint8Array, void, undefined> {
  let pos = start;
  try {
    while (pos < end) {
      if (options.signal?.aborted) throw new AbortError('reading the file was aborted', { cause: options.signal.reason, protocol: 'file' });
      // A fresh buffer per chunk: the consumer may keep it.
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, end - pos));
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break; // the file shrank while being read
      pos += bytesRead;
      options.onProgress?.({ direction: 'download', transferred: pos - start, total });
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close().catch(() => {});
  }
}

async function listing(url: URL, path: string | Buffer, st: Stats, options: OpenOptions): Promise<UrlResponse> {
  if (!options.listDirectories) {
    const cause = Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    throw new InputError(`${url.href}: is a directory (set listDirectories to list it)`, { cause, protocol: 'file', phase: 'open' });
  }
  let names: Buffer[];
  try {
    // Names as the file system holds them: one that is not UTF-8 is kept byte for byte, so it can be opened again.
    const entries = await readdir(path, { withFileTypes: true, encoding: 'buffer' });
    names = entries.map((e) => (e.isDirectory() ? Buffer.concat([e.name, SLASH]) : e.name)).sort(Buffer.compare);
  } catch (err) {
    throw fileError(err, url, 'list');
  }
  const text = Buffer.concat(names.flatMap((n) => [n, NEWLINE]));
  if (options.maxBodySize !== undefined && text.length > options.maxBodySize) {
    throw new LimitError(`the listing of ${url.href} exceeded maxBodySize (${options.maxBodySize} bytes)`, { limit: options.maxBodySize, protocol: 'file' });
  }
  const head = (options.method ?? 'GET').toUpperCase() === 'HEAD';
  return byteResponse({
    url: url.href,
    protocol: 'file',
    headers: baseHeaders(st, 'text/plain; charset=utf-8'),
    size: text.length,
    body: head ? Buffer.alloc(0) : text,
  });
}

/** Opens a file: URL. GET and HEAD only; `range` reads part of the file (status 206). */
export const openFile: Opener = async (url, options) => {
  throwIfAborted(options.signal, `open ${url.href}`);
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') throw new InputError(`file: URLs can be read (GET, HEAD), not ${method}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'file' });
  if (options.body !== undefined) throw new InputError('file: URLs take no request body', { code: 'DIAL_E_UNSUPPORTED', protocol: 'file' });
  const range = checkRange(options.range, (m) => new InputError(m, { protocol: 'file' }));
  const path = toPath(url);
  let st: Stats;
  try {
    st = await stat(path);
  } catch (err) {
    throw fileError(err, url, 'open');
  }
  if (st.isDirectory()) return listing(url, path, st, options);
  // Opening a FIFO or device would block (or never end): only regular files.
  if (!st.isFile()) throw new InputError(`${url.href}: not a regular file`, { protocol: 'file', phase: 'open' });
  let fh: FileHandle;
  try {
    // Non-blocking: a FIFO swapped in after the stat, or a pseudo-file such as /proc/kmsg, would otherwise
    // block the open or a read forever, holding a libuv pool thread that no abort can free.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw fileError(err, url, 'open');
  }
  try {
    st = await fh.stat(); // the file we opened, not whatever the path named a moment ago
    // Pseudo-files (/proc, some of /sys) report size 0 and still hold bytes: read those to their end, as curl does.
    if (st.size === 0 && (await probe(fh))) return pseudoFile(url, path, fh, st, range, options);
    const size = st.size;
    if (range && range.start >= size && !(range.start === 0 && size === 0)) {
      throw new InputError(`${url.href}: range start ${range.start} is beyond the end of the file (${size} bytes)`, { protocol: 'file', phase: 'range' });
    }
    const { start, end, length } = rangeSpan(range, size);
    if (options.maxBodySize !== undefined && length > options.maxBodySize) {
      throw new LimitError(`${url.href} is ${length} bytes, more than maxBodySize (${options.maxBodySize})`, { limit: options.maxBodySize, protocol: 'file', phase: 'body' });
    }
    const head = method === 'HEAD';
    if (head) await fh.close();
    const body = head ? onceBody(Buffer.alloc(0)) : fileBody(fh, start, end, options, length);
    return byteResponse({
      url: url.href,
      protocol: 'file',
      headers: baseHeaders(st, typeForName(String(path))),
      range,
      size,
      body,
      cancel: async () => {
        if (!head) await body.return?.(undefined);
        await fh.close().catch(() => {});
      },
    });
  } catch (err) {
    await fh.close().catch(() => {});
    throw err;
  }
};

/**
 * Whether a file that stats as empty yields a byte at its start. A read that
 * fails (EIO from /proc/self/mem, EAGAIN from a pseudo-file with nothing to
 * give yet) counts as empty, as curl serves such a file: 200 and no bytes.
 */
async function probe(fh: FileHandle): Promise<boolean> {
  try {
    return (await fh.read(Buffer.alloc(1), 0, 1, 0)).bytesRead > 0;
  } catch {
    return false;
  }
}

/**
 * A regular file whose size is 0 as stat tells it yet holds bytes: a
 * pseudo-file whose length is only known once read. It is read until EOF, so no
 * Content-Length is sent and maxBodySize is checked while reading.
 */
function pseudoFile(url: URL, path: string | Buffer, fh: FileHandle, st: Stats, range: { start: number; end?: number | undefined } | undefined, options: OpenOptions): UrlResponse {
  const head = (options.method ?? 'GET').toUpperCase() === 'HEAD';
  let body: AsyncGenerator<Uint8Array, void, undefined>;
  if (head) {
    body = onceBody(Buffer.alloc(0));
    void fh.close().catch(() => {});
  } else {
    const read = fileBody(fh, range?.start ?? 0, range?.end === undefined ? Infinity : range.end + 1, options, undefined);
    body = options.maxBodySize === undefined ? read : limitBody(read, options.maxBodySize, 'file');
  }
  return byteResponse({
    url: url.href,
    protocol: 'file',
    headers: baseHeaders(st, typeForName(String(path))),
    range,
    body,
    cancel: async () => {
      await body.return?.(undefined);
      await fh.close().catch(() => {});
    },
  });
}
