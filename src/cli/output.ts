/**
 * Where a transfer's bytes go. stdout carries only documents (diagnostics go
 * to stderr); a file is written to a temporary name beside it and renamed on
 * success, so an interrupted download never looks complete — unless `-C`
 * asked to keep and extend a partial file.
 *
 * @module
 */
import { closeSync, fchmodSync, fstatSync, openSync, promises as fsp, writeSync, type WriteStream } from 'node:fs';
import { isatty } from 'node:tty';
import { basename, dirname, join } from 'node:path';
import { CliExit, EXIT } from './exit-codes.js';
import { hasScheme } from './url.js';
import { nodeCrypto } from '../util/builtins.js';

/** A destination for one transfer's body. */
export interface Sink {
  /** Bytes accepted so far (not counting a resumed file's earlier bytes). */
  readonly written: number;
  /** `meta`: header text for -i/-I, which the binary check does not look at. */
  write(chunk: Uint8Array, meta?: boolean): Promise<void>;
  /**
   * Present when the destination can take bytes as they arrive — a regular
   * file, a character device that is not a terminal (/dev/null), or stdout
   * on a pipe: the body is then handed over with no promise or copy per
   * chunk (see UrlResponse.consume). Takes `chunk` during the call (a view
   * the caller reuses); returns a promise only when the destination is full
   * (a pipe whose reader is behind), and must not be called again before it
   * settles. Throws (or rejects with) what `write` would reject with.
   */
  writeNow?(chunk: Uint8Array): void | Promise<void>;
  /** The transfer succeeded: make the output final. */
  commit(): Promise<void>;
  /** The transfer failed: remove the temporary file, or keep it when resuming is allowed. */
  abort(): Promise<void>;
  /** The file name for %{filename_effective}, '' for stdout. */
  readonly name: string;
  /**
   * Keeps what is written from now on in memory, in order, until `release()`
   * writes it in one piece (small bodies: one write per transfer, not per chunk).
   * Only sinks that gain from it have it.
   */
  hold?(): { release(): Promise<void> };
}

/** The warning curl prints instead of writing binary to a terminal (exit 23). */
export const BINARY_WARNING =
  'Binary output can mess up your terminal. Use "--output -" to tell dial to output it to your terminal anyway, or consider "--output <FILE>" to save to a file.';

/** Binary means a NUL byte early on: text never has one, most binaries do. */
export function looksBinary(chunk: Uint8Array): boolean {
  return chunk.subarray(0, 2048).includes(0);
}

/** A failure to write the output: exit 23, with the system's message, as curl. */
function writeFailure(err: unknown): CliExit {
  return new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: ${(err as Error).message}`, { cause: err });
}

/** Puts a finished temp file in its place (one rename, so a reader never sees it half written). */
async function publish(target: string, path: string, noClobber = false): Promise<void> {
  if (!noClobber) {
    return fsp.rename(target, path).catch((e: Error) => {
      throw writeFailure(e);
    });
  }
  // --no-clobber: the first of NAME, NAME.1 … NAME.100 that does not exist; a link fails rather than replace one.
  try {
    for (let n = 0; n <= 100; n++) {
      try {
        await fsp.link(target, n === 0 ? path : `${path}.${n}`);
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw writeFailure(e);
      }
    }
    throw new CliExit(EXIT.WRITE_ERROR, `${path} and ${path}.1 to ${path}.100 all exist (--no-clobber)`);
  } finally {
    await fsp.rm(target, { force: true });
  }
}

/** Writes to a stream with back-pressure, rejecting with exit 23 on a write error. */
function writeTo(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (err) => {
      if (err) reject(writeFailure(err));
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/** Writes all of `chunk` to `fd` now (a regular file or device: short writes are retried, never EAGAIN). */
function writeAll(fd: number, chunk: Uint8Array): void {
  try {
    for (let off = 0; off < chunk.length; ) off += writeSync(fd, chunk, off);
  } catch (err) {
    throw writeFailure(err);
  }
}

/**
 * How stdout is written: `file` — a regular file or a non-terminal
 * character device, which take every write at once; `pipe` — a pipe or
 * socket, written at once as far as it takes, the rest through the stream;
 * `stream` — anything else (a terminal, or not process.stdout at all).
 */
function stdoutKind(out: NodeJS.WritableStream): 'file' | 'pipe' | 'stream' {
  if (out !== process.stdout) return 'stream';
  // What fd 1 is does not change during a run: asked once, not per transfer (two system calls each).
  return (processStdoutKind ??= fdKind(1));
}

let processStdoutKind: 'file' | 'pipe' | 'stream' | undefined;

function fdKind(fd: number): 'file' | 'pipe' | 'stream' {
  try {
    const st = fstatSync(fd);
    if (st.isFile() || (st.isCharacterDevice() && !isatty(fd))) return 'file';
    if (st.isFIFO() || st.isSocket()) return 'pipe';
  } catch {
    // No stdout to look at: the stream reports the failure when written.
  }
  return 'stream';
}

/**
 * A writer for stdout on a non-blocking pipe: what the pipe takes now goes
 * straight from the chunk (no copy: the usual case while the reader keeps
 * up); the rest is copied into one spare buffer, reused from write to write
 * so a slow reader costs no fresh memory per chunk, and handed to the stream,
 * resolving once written. It writes directly only while the stream holds
 * nothing, so the two paths never reorder bytes; its caller waits for the
 * promise before the next chunk.
 */
function pipeWriter(out: NodeJS.WritableStream & { writableLength?: number }): (chunk: Uint8Array) => void | Promise<void> {
  let spare = Buffer.alloc(0);
  return (chunk) => {
    let off = 0;
    if (!out.writableLength) {
      try {
        // One call: a short count means the pipe is full, and a second call would only fail with EAGAIN.
        off = writeSync(1, chunk);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw writeFailure(err);
      }
      if (off === chunk.length) return;
    }
    const n = chunk.length - off;
    if (spare.length < n) spare = Buffer.allocUnsafeSlow(Math.max(n, 64 * 1024));
    const rest = spare.subarray(0, n);
    rest.set(chunk.subarray(off));
    return new Promise<void>((resolve, reject) => {
      out.write(rest, (err) => (err ? reject(writeFailure(err)) : resolve()));
    });
  };
}

/**
 * The stdout sink. `guardBinary` (stdout is a terminal and the user did not
 * say `-o -`) refuses a binary body before printing any of it.
 */
export function stdoutSink(out: NodeJS.WritableStream, guardBinary: boolean): Sink {
  let written = 0;
  let checked = !guardBinary;
  let held: Uint8Array[] | undefined;
  const check = (chunk: Uint8Array, meta: boolean): void => {
    if (!checked && !meta) {
      checked = true;
      if (looksBinary(chunk)) throw new CliExit(EXIT.WRITE_ERROR, BINARY_WARNING);
    }
    written += chunk.length;
  };
  // process.stdout redirected to a file or /dev/null is written with the
  // file calls (its stream writes synchronously there too, so no queued
  // write can be overtaken); on a pipe, with them as far as the pipe takes;
  // a terminal keeps the stream.
  const kind = stdoutKind(out);
  const toPipe = kind === 'pipe' ? pipeWriter(out) : undefined;
  const put = (chunk: Uint8Array): void | Promise<void> => (kind === 'file' ? writeAll(1, chunk) : toPipe ? toPipe(chunk) : writeTo(out, chunk));
  return {
    name: '',
    get written() {
      return written;
    },
    async write(chunk, meta = false) {
      check(chunk, meta);
      if (held) held.push(chunk);
      else await put(chunk);
    },
    ...(kind === 'stream'
      ? {}
      : {
          writeNow(chunk: Uint8Array) {
            check(chunk, false);
            if (held) held.push(Buffer.from(chunk));
            else return put(chunk);
          },
        }),
    hold() {
      const parts: Uint8Array[] = [];
      held = parts;
      return {
        release: async () => {
          if (held === parts) held = undefined;
          if (parts.length === 0) return;
          await put(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        },
      };
    },
    async commit() {},
    async abort() {},
  };
}

/**
 * -R: gives a saved file the document's own time (its Last-Modified, which
 * every scheme that knows one reports), as both access and modification
 * time, as curl does. Without a parsable time the file keeps the time it was
 * written at; a failure to set it is not the transfer's failure.
 */
export async function stampRemoteTime(path: string, lastModified: string | null): Promise<void> {
  const when = lastModified === null ? NaN : Date.parse(lastModified);
  if (!Number.isFinite(when)) return;
  const t = new Date(when);
  await fsp.utimes(path, t, t).catch(() => undefined);
}

/** How to open a file sink. */
export interface FileSinkOptions {
  /** `--create-dirs`: make missing parent directories. */
  createDirs?: boolean;
  /** `-C`: append to the existing file, and keep it on failure. */
  append?: boolean;
  /** `--no-clobber`: never replace a file; the body goes to NAME.1, NAME.2 … instead. */
  noClobber?: boolean;
}

async function ensureDir(path: string, createDirs: boolean): Promise<void> {
  const dir = dirname(path);
  if (createDirs) {
    await fsp.mkdir(dir, { recursive: true }).catch((e: Error) => {
      throw new CliExit(EXIT.WRITE_ERROR, `could not create directory ${dir}: ${e.message}`, { cause: e });
    });
    return;
  }
  const st = await fsp.stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: directory ${dir} does not exist (use --create-dirs)`);
}

/**
 * A file sink. Without `append` it writes `.<name>.<random>.part` beside the
 * target and renames on commit; with `append` it extends the target in place.
 * The file is created on the first write, so a transfer that fails before
 * any body byte leaves nothing behind.
 */
export async function fileSink(path: string, options: FileSinkOptions = {}): Promise<Sink> {
  await ensureDir(path, options.createDirs ?? false);
  // A device, FIFO or socket (say /dev/null) is written in place: renaming a
  // temp file over it would replace the device with a regular file.
  const st = await fsp.stat(path).catch(() => undefined);
  const special = st !== undefined && !st.isFile() && !st.isDirectory();
  const append = (options.append ?? false) || special;
  // An existing file is replaced as curl overwrites it in place: through a symlink (the link stays a
  // link) and keeping its mode (a 0600 file must not come back readable by all).
  const noClobber = !append && (options.noClobber ?? false);
  const existing = !append && !noClobber && st?.isFile() ? { real: await fsp.realpath(path).catch(() => path), mode: st.mode & 0o7777 } : undefined;
  const dest = existing?.real ?? path;
  const target = append ? path : join(dirname(dest), `.${basename(dest)}.${nodeCrypto().randomBytes(4).toString('hex')}.part`);
  // A FIFO or socket may wait for its reader: only those go through a stream.
  if (!special || st.isCharacterDevice()) return directFileSink(dest, target, append, existing?.mode, noClobber);
  let stream: WriteStream | undefined;
  let written = 0;
  let failure: CliExit | undefined;
  const open = async (): Promise<WriteStream> => {
    const handle = await fsp.open(target, append ? 'a' : 'wx').catch((e: Error) => {
      throw writeFailure(e);
    });
    const s = handle.createWriteStream();
    s.on('error', (e) => (failure = writeFailure(e)));
    return s;
  };
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      if (!stream) return resolve();
      stream.end(() => resolve());
      stream.once('error', () => resolve());
    });
  return {
    name: path,
    get written() {
      return written;
    },
    async write(chunk) {
      if (failure) throw failure;
      stream ??= await open();
      written += chunk.length;
      await writeTo(stream, chunk);
    },
    async commit() {
      stream ??= await open();
      await close();
      if (failure) throw failure;
      if (!append) await publish(target, path, noClobber);
    },
    async abort() {
      await close();
      if (!append) await fsp.rm(target, { force: true });
    },
  };
}

/**
 * A file sink written with the file calls: each write is done when it
 * returns, so the body can go straight from the connection's read buffer to
 * the file. Opened on the first write, as a stream sink is.
 */
function directFileSink(path: string, target: string, append: boolean, mode: number | undefined, noClobber: boolean): Sink {
  let fd: number | undefined;
  let written = 0;
  const opened = (): number => {
    if (fd !== undefined) return fd;
    try {
      // Created no wider than the file it replaces, then given that file's exact mode (the umask may have narrowed it).
      fd = openSync(target, append ? 'a' : 'wx', mode ?? 0o666);
      if (mode !== undefined) fchmodSync(fd, mode);
      return fd;
    } catch (e) {
      throw writeFailure(e);
    }
  };
  const close = (): void => {
    if (fd === undefined) return;
    const f = fd;
    fd = undefined;
    try {
      closeSync(f);
    } catch (e) {
      throw writeFailure(e);
    }
  };
  const writeNow = (chunk: Uint8Array): void => {
    writeAll(opened(), chunk);
    written += chunk.length;
  };
  return {
    name: path,
    get written() {
      return written;
    },
    async write(chunk) {
      writeNow(chunk);
    },
    writeNow,
    async commit() {
      opened();
      close();
      if (!append) await publish(target, path, noClobber);
    },
    async abort() {
      try {
        close();
      } catch {
        // Already failing: the first error is the one reported.
      }
      if (!append) await fsp.rm(target, { force: true });
    },
  };
}

/**
 * `-O`: the last path segment of the URL as typed — curl does no URL decoding
 * (`a%20b` stays `a%20b`, an `é` typed as such stays `é`) — and an error
 * (exit 23, as curl) when there is none: `http://h/`, or no path at all.
 */
export function remoteName(url: string): string {
  let rest = url.trim().replace(/[?#].*$/, '');
  if (hasScheme(rest)) {
    rest = rest.slice(rest.indexOf(':') + 1);
    // The authority is no part of the path.
    if (rest.startsWith('//')) rest = rest.includes('/', 2) ? rest.slice(rest.indexOf('/', 2)) : '';
  } else {
    // No scheme means http: everything up to the first slash is the host.
    rest = rest.includes('/') ? rest.slice(rest.indexOf('/')) : '';
  }
  // Backslashes, which some systems take for separators, must not make a name climb.
  const name = rest.slice(rest.lastIndexOf('/') + 1).replace(/\\/g, '_');
  if (name === '' || name === '.' || name === '..') throw new CliExit(EXIT.WRITE_ERROR, 'Remote file name has no length');
  return name;
}
