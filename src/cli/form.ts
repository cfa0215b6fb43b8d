/**
 * `-F/--form`: curl's field syntax encoded as multipart/form-data
 * (RFC 7578), with files streamed from disk and the length known up front.
 * The boundary comes from a cryptographic RNG so a part's content cannot
 * guess it and forge fields (undici CVE-2025-22150 used Math.random).
 *
 * @module
 */
import { createReadStream, promises as fsp } from 'node:fs';
import { basename } from 'node:path';
import { readLocal } from './data.js';
import { CliExit, EXIT } from './exit-codes.js';
import { nodeCrypto } from '../util/builtins.js';

/** One form field as curl's `-F` syntax describes it. */
export interface FormField {
  name: string;
  /** Literal text (`name=value`). */
  value?: string | undefined;
  /** `name=@path`: upload this file as a file part. */
  file?: string | undefined;
  /** `name=<path`: this file's content as a plain field. */
  contentFile?: string | undefined;
  type?: string | undefined;
  filename?: string | undefined;
}

/** An encoded form: headers to send and a body that can be read once. */
export interface EncodedForm {
  contentType: string;
  length: number;
  body: AsyncIterable<Uint8Array>;
  /** The same bytes again (its files read anew), for a redirect that sends the form a second time. */
  reopen: () => AsyncIterable<Uint8Array>;
}

/** Parses one `-F` argument: `name=value`, `name=@file;type=x;filename=y`, `name=<file`. */
export function parseFormField(arg: string): FormField {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new CliExit(EXIT.FAILED_INIT, `option --form: is badly used here ('${arg}')`);
  const name = arg.slice(0, eq);
  let rest = arg.slice(eq + 1);
  const field: FormField = { name };
  const at = rest.startsWith('@') ? 'file' : rest.startsWith('<') ? 'contentFile' : undefined;
  if (!at) {
    // curl parses ;type= on text values too, but a literal `;` in a value is
    // far more common; keep text verbatim unless it is quoted.
    field.value = rest;
    return field;
  }
  rest = rest.slice(1);
  const [path, ...params] = rest.split(';');
  field[at] = path;
  for (const p of params) {
    const m = /^\s*(type|filename)=(.*)$/.exec(p);
    if (!m) throw new CliExit(EXIT.FAILED_INIT, `option --form: unknown parameter '${p}'`);
    field[m[1] as 'type' | 'filename'] = m[2]!.replace(/^"(.*)"$/, '$1');
  }
  return field;
}

/** HTML's multipart escaping for names and filenames: a quote or line break cannot end the header. */
function escapeParam(s: string): string {
  return s.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A fresh boundary: 16 random bytes from the CSPRNG. */
export function makeBoundary(): string {
  return `------------------------dial${nodeCrypto().randomBytes(16).toString('hex')}`;
}

/** The Content-Type curl gives a file name's extension, for a few common kinds. */
function knownType(name: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const types: Record<string, string> = {
    txt: 'text/plain', html: 'text/html', htm: 'text/html', json: 'application/json', xml: 'application/xml',
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', svg: 'image/svg+xml',
  };
  return types[ext];
}

async function readable(path: string): Promise<number> {
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    return st.size;
  } catch (e) {
    throw new CliExit(EXIT.READ_ERROR, `Failed to open/read local data from file/application: ${path} (${(e as Error).message})`, { cause: e });
  }
}

/**
 * Encodes form fields. Files are stat'ed now (so the Content-Length is exact
 * and a missing file fails before anything is sent, exit 26) and streamed later;
 * `-` is stdin, read whole by `readStdin` (once per run: a retry reuses it).
 */
export async function encodeForm(fields: readonly FormField[], boundary = makeBoundary(), readStdin: () => Promise<Buffer> = () => readLocal('-')): Promise<EncodedForm> {
  type Piece = Uint8Array | { path: string; size: number };
  const pieces: Piece[] = [];
  let length = 0;
  const text = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    pieces.push(b);
    length += b.length;
  };
  for (const f of fields) {
    if (/[\r\n]/.test(f.type ?? '')) throw new CliExit(EXIT.FAILED_INIT, 'option --form: line break in type');
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${escapeParam(f.name)}"`;
    if (f.file !== undefined) {
      const stdin = f.file === '-';
      const content = stdin ? await readStdin() : { path: f.file, size: await readable(f.file) };
      const fname = f.filename ?? basename(f.file);
      // As curl: stdin is data, not a file, so a name without a known extension gets no type at all.
      const type = f.type ?? knownType(fname) ?? (stdin ? undefined : 'application/octet-stream');
      head += `; filename="${escapeParam(fname)}"${type ? `\r\nContent-Type: ${type}` : ''}\r\n\r\n`;
      text(head);
      pieces.push(content);
      length += content instanceof Uint8Array ? content.length : content.size;
    } else if (f.contentFile !== undefined) {
      const content = f.contentFile === '-' ? await readStdin() : { path: f.contentFile, size: await readable(f.contentFile) };
      text(head + (f.type ? `\r\nContent-Type: ${f.type}` : '') + '\r\n\r\n');
      pieces.push(content);
      length += content instanceof Uint8Array ? content.length : content.size;
    } else {
      text(head + (f.type ? `\r\nContent-Type: ${f.type}` : '') + '\r\n\r\n' + (f.value ?? ''));
    }
    text('\r\n');
  }
  text(`--${boundary}--\r\n`);
  async function* body(): AsyncGenerator<Uint8Array> {
    for (const p of pieces) {
      if (p instanceof Uint8Array) yield p;
      else {
        let n = 0;
        for await (const chunk of createReadStream(p.path)) {
          n += (chunk as Buffer).length;
          // A file that grew since stat would overrun the announced length.
          if (n > p.size) throw new CliExit(EXIT.READ_ERROR, `file changed while uploading: ${p.path}`);
          yield chunk as Buffer;
        }
        if (n !== p.size) throw new CliExit(EXIT.READ_ERROR, `file changed while uploading: ${p.path}`);
      }
    }
  }
  return { contentType: `multipart/form-data; boundary=${boundary}`, length, body: body(), reopen: body };
}
