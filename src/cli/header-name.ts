/**
 * curl's -J/--remote-header-name: with -O, the file is named by the
 * response's Content-Disposition `filename=` instead of the URL, once the
 * head has come. Only the name's last path segment is taken (a server must
 * not place files outside the current directory), and an existing file is
 * never overwritten, as in curl.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { CliExit, EXIT } from './exit-codes.js';
import type { Sink } from './output.js';

/**
 * The `filename` parameter of a Content-Disposition value (quoted, with `\`
 * escapes, or a bare token), reduced to its last path segment; undefined
 * when there is none or nothing is left.
 */
export function contentDispositionName(value: string | null): string | undefined {
  if (!value) return undefined;
  const m = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(value);
  if (!m) return undefined;
  let name = m[1]!.trim();
  if (name.startsWith('"')) name = name.slice(1, -1).replace(/\\(.)/g, '$1');
  name = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  return name === '' || name === '.' || name === '..' ? undefined : name;
}

/** A sink whose file is chosen once the head is known: `decide()` must come before the first write. */
export interface DeferredSink extends Sink {
  /** Opens the file under `name` (or the URL's name when undefined); refuses one that exists. */
  decide(name: string | undefined): Promise<void>;
}

/**
 * A file sink for `fallback` (the -O name) that waits for
 * {@link DeferredSink.decide} to know its real name, placed in `dir`
 * (--output-dir) when given.
 */
export function deferredFileSink(fallback: string, dir: string | undefined, open: (path: string) => Promise<Sink>, named: (path: string) => void): DeferredSink {
  let real: Sink | undefined;
  const sink = (): Sink => real ?? (() => {
    throw new CliExit(EXIT.WRITE_ERROR, 'the output file was not chosen before the body came');
  })();
  return {
    get name() {
      return real?.name ?? fallback;
    },
    get written() {
      return real?.written ?? 0;
    },
    async decide(name) {
      if (real) return;
      const path = name === undefined ? fallback : dir ? join(dir, name) : name;
      if (name !== undefined && (await fsp.lstat(path).catch(() => undefined)) !== undefined)
        throw new CliExit(EXIT.WRITE_ERROR, `Refusing to overwrite ${path}: File exists`);
      real = await open(path);
      named(path);
    },
    write: (chunk, meta) => sink().write(chunk, meta),
    writeNow(chunk) {
      const s = sink();
      return s.writeNow ? s.writeNow(chunk) : s.write(Buffer.from(chunk));
    },
    commit: async () => real?.commit(),
    abort: async () => real?.abort(),
  };
}
