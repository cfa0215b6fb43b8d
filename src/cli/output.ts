/**
 * Where a transfer's bytes go. stdout carries only documents (diagnostics go
 * to stderr); a file is written to a temporary name beside it and renamed on
 * success, so an interrupted download never looks complete — unless `-C`
 * asked to keep and extend a partial file.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { promises as fsp, type WriteStream } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliExit, EXIT } from './exit-codes.js';

/** A destination for one transfer's body. */
export interface Sink {
  /** Bytes accepted so far (not counting a resumed file's earlier bytes). */
  readonly written: number;
  /** `meta`: header text for -i/-I, which the binary check does not look at. */
  write(chunk: Uint8Array, meta?: boolean): Promise<void>;
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

/** Writes to a stream with back-pressure, rejecting with exit 23 on a write error. */
function writeTo(stream: NodeJS.WritableStream, chunk: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = stream.write(chunk, (err) => {
      if (err) reject(new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: ${err.message}`, { cause: err }));
    });
    if (ok) resolve();
    else stream.once('drain', resolve);
  });
}

/**
 * The stdout sink. `guardBinary` (stdout is a terminal and the user did not
 * say `-o -`) refuses a binary body before printing any of it.
 */
export function stdoutSink(out: NodeJS.WritableStream, guardBinary: boolean): Sink {
  let written = 0;
  let checked = !guardBinary;
  let held: Uint8Array[] | undefined;
  return {
    name: '',
    get written() {
      return written;
    },
    async write(chunk, meta = false) {
      if (!checked && !meta) {
        checked = true;
        if (looksBinary(chunk)) throw new CliExit(EXIT.WRITE_ERROR, BINARY_WARNING);
      }
      written += chunk.length;
      if (held) held.push(chunk);
      else await writeTo(out, chunk);
    },
    hold() {
      const parts: Uint8Array[] = [];
      held = parts;
      return {
        release: async () => {
          if (held === parts) held = undefined;
          if (parts.length === 0) return;
          await writeTo(out, parts.length === 1 ? parts[0]! : Buffer.concat(parts));
        },
      };
    },
    async commit() {},
    async abort() {},
  };
}

/** How to open a file sink. */
export interface FileSinkOptions {
  /** `--create-dirs`: make missing parent directories. */
  createDirs?: boolean;
  /** `-C`: append to the existing file, and keep it on failure. */
  append?: boolean;
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
  const special = await fsp.stat(path).then((st) => !st.isFile() && !st.isDirectory(), () => false);
  const append = (options.append ?? false) || special;
  const target = append ? path : join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.part`);
  let stream: WriteStream | undefined;
  let written = 0;
  let failure: CliExit | undefined;
  const open = async (): Promise<WriteStream> => {
    const handle = await fsp.open(target, append ? 'a' : 'wx').catch((e: Error) => {
      throw new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: ${e.message}`, { cause: e });
    });
    const s = handle.createWriteStream();
    s.on('error', (e) => (failure = new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: ${e.message}`, { cause: e })));
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
      if (!append) {
        await fsp.rename(target, path).catch((e: Error) => {
          throw new CliExit(EXIT.WRITE_ERROR, `Failure writing output to destination: ${e.message}`, { cause: e });
        });
      }
    },
    async abort() {
      await close();
      if (!append) await fsp.rm(target, { force: true });
    },
  };
}

/** `-O`: the URL's last path segment, decoded; an error (exit 23, as curl) when there is none. */
export function remoteName(url: string): string {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    path = url.replace(/[?#].*$/, '');
  }
  const last = path.slice(path.lastIndexOf('/') + 1);
  let name: string;
  try {
    name = decodeURIComponent(last);
  } catch {
    name = last;
  }
  // A decoded name must not climb out of the current directory.
  name = name.replace(/[/\\]/g, '_');
  if (name === '' || name === '.' || name === '..') throw new CliExit(EXIT.WRITE_ERROR, 'Remote file name has no length');
  return name;
}
