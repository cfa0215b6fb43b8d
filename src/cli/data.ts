/**
 * The `-d` family turned into one request body, as curl builds it: `-d`
 * strips CR/LF from `@file`, `--data-binary` keeps bytes verbatim,
 * `--data-raw` never reads files, `--data-urlencode` percent-encodes, and
 * `--json` concatenates; all but `--json` are joined with `&`.
 *
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import type { DataArg } from './args.js';
import { CliExit, EXIT } from './exit-codes.js';

/** Reads a file (or stdin for `-`) for `@file` arguments; exit 26 when it cannot. */
export type FileReader = (path: string) => Promise<Buffer>;

let stdinCache: Promise<Buffer> | undefined;

/** Reads all of stdin once; later `@-` references get the same bytes. */
function readStdin(): Promise<Buffer> {
  stdinCache ??= (async () => {
    const parts: Buffer[] = [];
    for await (const c of process.stdin) parts.push(c as Buffer);
    return Buffer.concat(parts);
  })();
  return stdinCache;
}

/** The default reader: files from disk, `-` from stdin. */
export const readLocal: FileReader = async (path) => {
  try {
    return path === '-' ? await readStdin() : await readFile(path);
  } catch (e) {
    throw new CliExit(EXIT.READ_ERROR, `Failed to open/read local data from file/application: ${path} (${(e as Error).message})`, { cause: e });
  }
};

/** The file's bytes, or undefined when it holds more than `max` (a device such as /dev/zero never ends). */
export async function readAtMost(path: string, max: number): Promise<Buffer | undefined> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, n, buf.length - n, null);
      if (bytesRead === 0) return buf.subarray(0, n);
      n += bytesRead;
      if (n > max) return undefined;
    }
  } finally {
    await fh.close();
  }
}

/** {@link readAtMost} for what is read before anything runs (-K's file); `-` is stdin. */
export function readAtMostSync(path: string, max: number): Buffer | undefined {
  const fd = path === '-' ? 0 : openSync(path, 'r');
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (;;) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) return buf.subarray(0, n);
      n += got;
      if (n > max) return undefined;
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

/** curl's --data-urlencode: everything but RFC 3986 unreserved characters is %XX, and space is `+` (form encoding). */
export function urlencode(data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~]/.test(c) ? c : b === 0x20 ? '+' : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

async function urlencodePart(value: string, read: FileReader): Promise<string> {
  // curl's forms: content, =content, name=content, @file, name@file. As in curl, an '=' anywhere
  // makes it name=content ('a@b=c' is the name 'a@b'); only without one does '@' name a file.
  const eq = value.indexOf('=');
  const at = value.indexOf('@');
  if (eq >= 0) {
    const name = value.slice(0, eq);
    const enc = urlencode(value.slice(eq + 1));
    return name === '' ? enc : `${name}=${enc}`;
  }
  if (at >= 0) {
    const name = value.slice(0, at);
    const content = await read(value.slice(at + 1));
    // curl: a file that gives no bytes (empty, or unreadable with the warning) is an empty part, name and all.
    if (content.length === 0) return '';
    const enc = urlencode(content);
    return name === '' ? enc : `${name}=${enc}`;
  }
  return urlencode(value);
}

/** The body built from all `-d`-family arguments, and whether it is JSON. */
export interface DataBody {
  body: Buffer;
  json: boolean;
}

/**
 * A warning laid out as curl lays out its own: each line starts with
 * `Warning: ` and long text is cut at the last blank before column 79 (the
 * blank stays at the end of the line), so stderr reads the same as curl's.
 */
export function curlWarning(message: string, prefix = 'Warning: '): string {
  const width = 79 - prefix.length;
  // curl measures the text with its newline.
  let rest = `${message}\n`;
  const lines: string[] = [];
  while (rest.length > 0) {
    if (rest.length <= width) {
      lines.push(prefix + rest.slice(0, -1));
      break;
    }
    let cut = width - 1;
    while (cut > 0 && rest[cut] !== ' ' && rest[cut] !== '\t') cut--;
    if (cut === 0) cut = width - 1;
    lines.push(prefix + rest.slice(0, cut + 1));
    rest = rest.slice(cut + 1);
  }
  return lines.join('\n');
}

/** curl's words when an `@file` of the `-d` family cannot be read. */
export function unreadableDataWarning(path: string): string {
  return curlWarning(`Couldn't read data from file "${path}", this makes an empty POST.`);
}

/**
 * Builds the body; undefined when there are no `-d`-family arguments.
 *
 * An `@file` that cannot be read is exit 26 — unless `warn` is given: then,
 * as curl does, it is warned about and stands for no bytes (the request is
 * still sent, the other parts still joined with `&`).
 */
export async function buildDataBody(args: readonly DataArg[], read: FileReader = readLocal, warn?: (line: string) => void): Promise<DataBody | undefined> {
  if (args.length === 0) return undefined;
  const given = read;
  if (warn) {
    read = async (path) => {
      try {
        return await given(path);
      } catch (e) {
        if (!(e instanceof CliExit) || e.exitCode !== EXIT.READ_ERROR) throw e;
        warn(unreadableDataWarning(path));
        return Buffer.alloc(0);
      }
    };
  }
  const parts: Buffer[] = [];
  for (const a of args) {
    switch (a.kind) {
      case 'ascii':
        parts.push(a.value.startsWith('@') ? Buffer.from((await read(a.value.slice(1))).toString('latin1').replace(/[\r\n]/g, ''), 'latin1') : Buffer.from(a.value));
        break;
      case 'binary':
      case 'json':
        parts.push(a.value.startsWith('@') ? await read(a.value.slice(1)) : Buffer.from(a.value));
        break;
      case 'raw':
        parts.push(Buffer.from(a.value));
        break;
      case 'urlencode':
        parts.push(Buffer.from(await urlencodePart(a.value, read)));
        break;
    }
  }
  const json = args.every((a) => a.kind === 'json');
  const joined: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0 && !json) joined.push(Buffer.from('&'));
    joined.push(p);
  });
  return { body: Buffer.concat(joined), json };
}

/**
 * curl's --url-query parts, joined with '&': each in --data-urlencode's forms
 * (`name=text`, `=text`, `name@file`, `@file`, `text`), or `+text` as written.
 */
export async function buildUrlQuery(args: readonly string[], read: FileReader = readLocal): Promise<string | undefined> {
  if (args.length === 0) return undefined;
  const parts: string[] = [];
  for (const a of args) parts.push(a.startsWith('+') ? a.slice(1) : await urlencodePart(a, read));
  return parts.join('&');
}

/** `-G`: the data goes into the URL's query instead of the body. */
export function appendQuery(url: string, data: Buffer): string {
  if (data.length === 0) return url;
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  const frag = hash >= 0 ? url.slice(hash) : '';
  return `${base}${base.includes('?') ? '&' : '?'}${queryText(data)}${frag}`;
}

/**
 * The data's bytes as query text: printable ASCII as it is, and every other
 * byte (a space, a control, '#', each byte of a UTF-8 character) as %XX —
 * read as latin1 text instead, UTF-8 'é' became 'Ã©' and was encoded twice.
 */
function queryText(data: Buffer): string {
  let out = '';
  for (const b of data) out += b > 0x20 && b < 0x7f && b !== 0x23 ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  return out;
}
