/**
 * `dial`'s entry point. It statically loads only the argument parser; the
 * transfer machinery (and through it urlopen and the protocol clients) is
 * imported only when there is a URL to fetch, so `dial --version` starts
 * about as fast as `node -e 0`.
 *
 * @module
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseCliArgs, type CliOptions } from './args.js';
import { CliExit, EXIT } from './exit-codes.js';

/** The package version, from the nearest package.json named dialtone above this file. */
export function readVersion(from = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from, i = 0; i < 6; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'dialtone' && pkg.version) return pkg.version;
    } catch {
      // not here; look one level up
    }
  }
  return 'unknown';
}

/** Streams and signal a run uses; the process's own by default. */
export interface MainIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  signal?: AbortSignal;
}

/** Runs dial with `argv` (arguments only) and resolves with its exit code. */
export async function main(argv: readonly string[], io: MainIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let opts;
  try {
    opts = parseCliArgs(argv);
  } catch (err) {
    const code = err instanceof CliExit ? err.exitCode : EXIT.FAILED_INIT;
    io.stderr.write(`dial: ${(err as Error).message}\ndial: try 'dial --help' for more information\n`);
    return code;
  }
  let closeStderr: (() => void) | undefined;
  if (opts.stderr !== undefined) [io, closeStderr] = redirectStderr(io, opts.stderr);
  try {
    return await runParsed(opts, io);
  } finally {
    closeStderr?.();
  }
}

/**
 * --stderr FILE: what dial writes to stderr goes to FILE instead ('-' is
 * stdout), written at once so nothing is lost at exit. A file that cannot
 * be opened is curl's warning, and stderr stays.
 */
function redirectStderr(io: MainIO, path: string): [MainIO, (() => void) | undefined] {
  if (path === '-') return [{ ...io, stderr: io.stdout }, undefined];
  let fd: number;
  try {
    fd = openSync(path, 'w');
  } catch {
    io.stderr.write(`Warning: Failed to open ${path}!\n`);
    return [io, undefined];
  }
  const stderr = { isTTY: false, write: (chunk: string | Uint8Array) => (writeSync(fd, typeof chunk === 'string' ? Buffer.from(chunk) : chunk), true) } as unknown as MainIO['stderr'];
  return [{ ...io, stderr }, () => closeSync(fd)];
}

async function runParsed(opts: CliOptions, io: MainIO): Promise<number> {
  if (!opts.silent) for (const line of opts.warnings) io.stderr.write(`${line}\n`);
  if (opts.help) {
    // Loaded only when asked for: every other run skips the text.
    const { HELP } = await import('./help.js');
    io.stdout.write(HELP);
    return 0;
  }
  if (opts.version) {
    io.stdout.write(`dial ${readVersion()} (dialtone; node ${process.versions.node})\nProtocols: data file ftp ftps gopher http https\n`);
    return 0;
  }
  if (opts.urls.length === 0) {
    io.stderr.write(`dial: no URL specified!\ndial: try 'dial --help' for more information\n`);
    return EXIT.FAILED_INIT;
  }
  const { run } = await import('./run.js');
  return run(opts, { stdout: io.stdout, stderr: io.stderr, version: readVersion(), signal: io.signal ?? new AbortController().signal });
}

/** Waits until a stream has handed everything written so far to the OS. */
function drained(s: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    if (!s.write('', () => resolve())) s.once('drain', resolve);
  });
}

/**
 * Runs dial as the process: Ctrl-C aborts the transfers (temporary files are
 * removed) and exits 130; the exit comes once stdout is flushed, without
 * waiting for idle keep-alive connections.
 */
export async function runProcess(argv: readonly string[] = process.argv.slice(2)): Promise<never> {
  const ac = new AbortController();
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    ac.abort(new CliExit(EXIT.ABORTED_BY_CALLBACK, 'interrupted'));
  });
  // A closed pipe (dial … | head) fails the write itself, which the transfer
  // reports as curl does ("(23) Failure writing output to destination"); the
  // stream's own 'error' event must not crash the process meanwhile.
  process.stdout.on('error', () => {});
  let code: number;
  try {
    code = await main(argv, { stdout: process.stdout, stderr: process.stderr, signal: ac.signal });
  } catch (err) {
    process.stderr.write(`dial: (2) internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    code = EXIT.FAILED_INIT;
  }
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(interrupted ? 130 : code);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void runProcess();
