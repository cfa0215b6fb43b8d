/**
 * curl's `--etag-compare FILE` (send the saved ETag as If-None-Match) and
 * `--etag-save FILE` (write each response's ETag), read and written as curl
 * 7.88 does: the compare file's lines joined without their line ends (an
 * empty file, or a missing one when --etag-save is given too, is `""`; a
 * missing one otherwise is exit 26), and the save file made afresh for each
 * transfer, one ETag a line, from every head the transfer got.
 *
 * @module
 */
import { closeSync, ftruncateSync, openSync, promises as fsp, writeSync } from 'node:fs';
import { CliExit, EXIT } from './exit-codes.js';

/** The If-None-Match value --etag-compare sends. */
export async function readEtagCompare(path: string, saving: boolean): Promise<string> {
  let text: string;
  try {
    text = (await fsp.readFile(path)).toString('latin1');
  } catch (e) {
    if (saving) return '""';
    throw new CliExit(EXIT.READ_ERROR, `Failed to open ${path}`, { cause: e });
  }
  // curl's file2string: each line cut at its first CR or LF, the pieces joined.
  const value = text
    .split('\n')
    .map((line) => line.replace(/\r.*$/s, ''))
    .join('');
  return value === '' ? '""' : value;
}

/** The ETag values of a head text (every hop's head, CRLF lines), as curl's header callback picks them. */
export function etagsOf(head: string): string[] {
  const out: string[] = [];
  for (const line of head.split('\n')) {
    const m = /^etag:[ \t]*(.*?)\s*$/is.exec(line);
    if (m && m[1] !== '') out.push(m[1]!);
  }
  return out;
}

/** Where --etag-save writes: `reset` at each transfer's start (curl opens the file per transfer), `write` per head. */
export interface EtagSink {
  reset(): void;
  write(head: string): void;
  close(): void;
}

/**
 * Opens --etag-save's file (created, or emptied, at once: curl makes it
 * before the transfer); one that cannot be made is exit 26 with curl's
 * warning. `-` writes to stdout.
 */
export function openEtagSave(path: string, stdout: NodeJS.WritableStream, mode = 0o666): EtagSink {
  if (path === '-') return { reset: () => {}, write: (head) => void etagsOf(head).forEach((e) => stdout.write(`${e}\n`)), close: () => {} };
  let fd: number;
  try {
    fd = openSync(path, 'w', mode);
  } catch (e) {
    throw new CliExit(EXIT.READ_ERROR, `Failed creating file for saving etags: "${path}". Skip this transfer`, { cause: e });
  }
  let at = 0;
  return {
    reset: () => {
      if (at === 0) return;
      ftruncateSync(fd, 0);
      at = 0;
    },
    write: (head) => {
      for (const e of etagsOf(head)) at += writeSync(fd, `${e}\n`, at, 'latin1');
    },
    close: () => closeSync(fd),
  };
}
