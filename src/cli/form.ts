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
import { readAtMost, readLocal } from './data.js';
import { CliExit, EXIT } from './exit-codes.js';
import { nodeCrypto } from '../util/builtins.js';

/** One file of a `name=@a,b` field: curl sends several as a multipart/mixed part. */
export interface FormFile {
  file: string;
  type?: string | undefined;
  filename?: string | undefined;
  headers?: Array<string | { file: string }> | undefined;
}

/** One form field as curl's `-F` syntax describes it. */
export interface FormField {
  /** The part's name; empty: the part has no name parameter (curl's `-F =value`). */
  name: string;
  /** Literal text (`name=value`). */
  value?: string | undefined;
  /** `name=@path`: upload this file as a file part. */
  file?: string | undefined;
  /** `name=@a,b`: these files, as one multipart/mixed part (the other members are then unset). */
  files?: FormFile[] | undefined;
  /** `name=<path`: this file's content as a plain field. */
  contentFile?: string | undefined;
  type?: string | undefined;
  filename?: string | undefined;
  /** `;headers=` parameters in order: a header line, or a file of them (`headers=@file`). */
  headers?: Array<string | { file: string }> | undefined;
}

/** An encoded form: headers to send and a body that can be read once. */
export interface EncodedForm {
  contentType: string;
  length: number;
  body: AsyncIterable<Uint8Array>;
  /** The same bytes again (its files read anew), for a redirect that sends the form a second time. */
  reopen: () => AsyncIterable<Uint8Array>;
}

/** C's isspace, which curl's parser skips and trims with. */
const isSpace = (c: string | undefined): boolean => c === ' ' || (c !== undefined && c >= '\t' && c <= '\r');

/** Where the text from `from` ends: the next ';', or ',' too in an '@' field's list of files. */
function stopAt(s: string, from: number, comma: boolean): number {
  let i = from;
  while (i < s.length && s[i] !== ';' && !(comma && s[i] === ',')) i++;
  return i;
}

/**
 * One word of a field (curl's get_param_word): a "quoted" word, where \" and
 * \\ stand for themselves and anything up to the next ';' (or ',') after the
 * closing quote is dropped, or else the text up to there with trailing
 * spaces trimmed. A quote never closed is plain text.
 */
function word(s: string, from: number, comma: boolean): { text: string; next: number } {
  if (s[from] === '"') {
    let text = '';
    for (let i = from + 1; i < s.length; i++) {
      const c = s[i]!;
      if (c === '\\' && (s[i + 1] === '\\' || s[i + 1] === '"')) text += s[++i];
      else if (c === '"') return { text, next: stopAt(s, i, comma) };
      else text += c;
    }
  }
  const next = stopAt(s, from, comma);
  let end = next;
  while (end > from && isSpace(s[end - 1])) end--;
  return { text: s.slice(from, end), next };
}

function skipSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s[i])) i++;
  return i;
}

const badlyUsed = (arg: string, option = 'form'): CliExit => new CliExit(EXIT.FAILED_INIT, `option --${option}: is badly used here ('${arg}')`);

/** What one data word and its parameters say (curl's get_param_part). */
interface Part {
  data: string;
  type?: string | undefined;
  filename?: string | undefined;
  headers?: Array<string | { file: string }> | undefined;
}

/**
 * Reads a data word from `from` and the `;` parameters after it, up to the
 * end or (`comma`: an '@' field) the ',' before the next file. `next` is
 * where it stopped.
 */
function readPart(arg: string, from: number, comma: boolean): { part: Part; next: number } {
  let i = skipSpace(arg, from);
  const data = word(arg, i, comma);
  const part: Part = { data: data.text };
  i = data.next;
  // Where the type's text starts and ends, while text that follows may still extend it.
  let typeAt = -1;
  let typeEnd = -1;
  const closeType = (): void => {
    if (typeAt >= 0) part.type = arg.slice(typeAt, typeEnd);
    typeAt = -1;
  };
  const typeRun = (): void => {
    const stop = stopAt(arg, i, comma);
    while (i < stop) if (!isSpace(arg[i++])) typeEnd = i;
  };
  while (arg[i] === ';') {
    i = skipSpace(arg, i + 1);
    const rest = arg.slice(i, i + 9).toLowerCase();
    if (typeAt < 0 && rest.startsWith('type=')) {
      i = skipSpace(arg, i + 5);
      // curl's check, sscanf("%127[^/ ]/%127[^;,\n]"): a major type, '/', a minor type.
      const m = /^[^/ ]{1,127}\/[^;,\n]{1,127}/.exec(arg.slice(i, i + 256));
      if (!m) throw badlyUsed(arg);
      typeAt = i;
      i += m[0].length;
      typeEnd = i;
      typeRun();
    } else if (rest.startsWith('filename=')) {
      closeType();
      const w = word(arg, skipSpace(arg, i + 9), comma);
      part.filename = w.text;
      i = w.next;
    } else if (rest.startsWith('headers=')) {
      closeType();
      i += 8;
      const fromFile = arg[i] === '@' || arg[i] === '<';
      const w = word(arg, skipSpace(arg, fromFile ? i + 1 : i), comma);
      if (/[\r\n\0]/.test(w.text)) throw new CliExit(EXIT.FAILED_INIT, 'option --form: a header may not hold CR, LF or NUL');
      (part.headers ??= []).push(fromFile ? { file: w.text } : w.text);
      i = w.next;
    } else if (typeAt >= 0) {
      typeRun();
    } else {
      i = word(arg, i, comma).next;
    }
  }
  closeType();
  return { part, next: i };
}

/**
 * Parses one `-F` argument as curl does: `name=value`, `name=@file`,
 * `name=<file`, each followed by `;type=a/b`, `;filename=x` (not for `<`)
 * and `;headers=…` (`headers=@file` reads a file of them) parameters; a
 * word may be "quoted" to hold a ';' (or a ','). As in curl, a parameter
 * dial does not know is dropped (so `a=b;c` sends `b`: quote such a value),
 * text after `;type=a/b` that is not a parameter belongs to the type
 * (`;type=text/plain; charset=utf-8`), and `name=@a,b` sends both files.
 */
export function parseFormField(arg: string): FormField {
  const eq = arg.indexOf('=');
  if (eq < 0) throw badlyUsed(arg);
  const field: FormField = { name: arg.slice(0, eq) };
  const at = eq + 1;
  if (arg[at] === '@') {
    const files: FormFile[] = [];
    let i = at;
    do {
      const r = readPart(arg, i + 1, true);
      files.push(withParams({ file: r.part.data }, r.part));
      i = r.next;
    } while (arg[i] === ',');
    if (files.length > 1) field.files = files;
    else Object.assign(field, files[0]);
    return field;
  }
  const lt = arg[at] === '<';
  const { part } = readPart(arg, lt ? at + 1 : at, false);
  if (lt) field.contentFile = part.data;
  else field.value = part.data;
  // As curl, a '<' field has no file name (curl warns and drops it).
  return withParams(field, lt ? { ...part, filename: undefined } : part);
}

/**
 * One `--form-string name=value` argument: the value exactly as written, a
 * leading '@' or '<' and any ';type=' in it included, as curl takes it.
 */
export function literalFormField(arg: string): FormField {
  const eq = arg.indexOf('=');
  if (eq < 0) throw badlyUsed(arg, 'form-string');
  return { name: arg.slice(0, eq), value: arg.slice(eq + 1) };
}

/** Copies the parameters a part has onto `to`, leaving absent ones absent. */
function withParams<T extends FormFile | FormField>(to: T, p: Part): T {
  if (p.type !== undefined) to.type = p.type;
  if (p.filename !== undefined) to.filename = p.filename;
  if (p.headers !== undefined) to.headers = p.headers;
  return to;
}

/**
 * HTML's multipart escaping for names and filenames: a quote or line break
 * cannot end the header. With `backslash` (curl --form-escape) a quote and a
 * backslash are backslash-escaped instead; line breaks stay percent-encoded.
 */
function escapeParam(s: string, backslash: boolean): string {
  const quoted = backslash ? s.replace(/[\\"]/g, '\\$&') : s.replace(/"/g, '%22');
  return quoted.replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** A fresh boundary: 16 random bytes from the CSPRNG. */
export function makeBoundary(): string {
  return `------------------------dial${nodeCrypto().randomBytes(16).toString('hex')}`;
}

/** The Content-Type curl gives a file name's extension: its list, no more (a .json file is application/octet-stream). */
function knownType(name: string): string | undefined {
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  const types: Record<string, string> = {
    txt: 'text/plain', html: 'text/html', htm: 'text/html', xml: 'application/xml',
    png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', gif: 'image/gif', pdf: 'application/pdf', svg: 'image/svg+xml',
  };
  return types[ext];
}

/** Whether a header line is the field `name` (lower case). */
function isHeader(line: string, name: string): boolean {
  return line.length > name.length && line[name.length] === ':' && line.slice(0, name.length).toLowerCase() === name;
}

/** Largest `headers=@file` read: far more header lines than any part has. */
const MAX_HEADER_FILE = 1024 * 1024;

/** Longest header line read from a `headers=@file`, as curl (998 bytes). */
const MAX_FILE_HEADER = 998;

/**
 * The header lines of a part: `headers=` values as given, and those a
 * `headers=@file` holds, read as curl reads them — a line starting with '#'
 * is a comment, one starting with white space continues the previous line,
 * CRs are dropped, trailing spaces trimmed. A file that cannot be read adds
 * nothing (curl warns and goes on).
 */
async function partHeaders(list: FormField['headers'], readStdin: () => Promise<Buffer>): Promise<string[]> {
  const out: string[] = [];
  for (const h of list ?? []) {
    if (typeof h === 'string') {
      if (h !== '') out.push(h);
      continue;
    }
    let bytes: Buffer | undefined;
    try {
      bytes = h.file === '-' ? await readStdin() : await readAtMost(h.file, MAX_HEADER_FILE);
    } catch {
      continue;
    }
    // Bounded: 'headers=@/dev/zero' must not read for ever.
    if (bytes === undefined) throw new CliExit(EXIT.FAILED_INIT, `option --form: header file ${h.file} is larger than ${MAX_HEADER_FILE} bytes`);
    const text = bytes.toString('latin1');
    if (text.includes('\0')) throw new CliExit(EXIT.FAILED_INIT, `option --form: a NUL in header file ${h.file}`);
    let cur = '';
    const flush = (): void => {
      const line = cur.trimEnd();
      if (line !== '') out.push(line);
      cur = '';
    };
    for (const raw of text.replace(/\r/g, '').split('\n')) {
      if (raw === '') continue;
      if (!isSpace(raw[0])) flush();
      if (raw.startsWith('#')) continue;
      cur += raw.slice(0, Math.max(0, MAX_FILE_HEADER - cur.length));
    }
    flush();
  }
  return out;
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
export async function encodeForm(
  fields: readonly FormField[],
  boundary = makeBoundary(),
  readStdin: () => Promise<Buffer> = () => readLocal('-'),
  backslash = false,
): Promise<EncodedForm> {
  type Piece = Uint8Array | { path: string; size: number };
  const pieces: Piece[] = [];
  let length = 0;
  const text = (s: string): void => {
    const b = Buffer.from(s, 'utf8');
    pieces.push(b);
    length += b.length;
  };
  /** One part under `bound`: its head (`disposition` unless its own headers name one) and content. */
  const part = async (f: FormField, bound: string, disposition: string): Promise<void> => {
    if (/[\r\n]/.test(f.type ?? '')) throw new CliExit(EXIT.FAILED_INIT, 'option --form: line break in type');
    const own = await partHeaders(f.headers, readStdin);
    // As curl: a Content-Type among the part's headers is the type unless ;type= names one, and is sent once,
    // where curl's own goes; a Content-Disposition among them replaces dial's.
    const ownType = own.find((h) => isHeader(h, 'content-type'));
    const userType = ownType?.slice(ownType.indexOf(':') + 1).trim();
    let content: Piece | undefined;
    let filename: string | undefined;
    let type: string | undefined;
    if (f.file !== undefined) {
      const stdin = f.file === '-';
      content = stdin ? await readStdin() : { path: f.file, size: await readable(f.file) };
      filename = f.filename ?? basename(f.file);
      // As curl: stdin is data, not a file, so a name without a known extension gets no type at all;
      // a file's own name is tried after the one given with ;filename=.
      type = f.type ?? userType ?? knownType(filename) ?? (stdin ? undefined : knownType(f.file) ?? 'application/octet-stream');
    } else if (f.contentFile !== undefined) {
      content = f.contentFile === '-' ? await readStdin() : { path: f.contentFile, size: await readable(f.contentFile) };
      type = f.type ?? userType;
    } else {
      filename = f.filename;
      type = f.type ?? userType ?? (filename === undefined ? undefined : knownType(filename));
    }
    let head = `--${bound}\r\n`;
    if (!own.some((h) => isHeader(h, 'content-disposition'))) {
      head += `Content-Disposition: ${disposition}${filename === undefined ? '' : `; filename="${escapeParam(filename, backslash)}"`}\r\n`;
    }
    if (type) head += `Content-Type: ${type}\r\n`;
    for (const h of own) if (h !== ownType) head += `${h}\r\n`;
    if (content === undefined) text(`${head}\r\n${f.value ?? ''}`);
    else {
      text(`${head}\r\n`);
      pieces.push(content);
      length += content instanceof Uint8Array ? content.length : content.size;
    }
    text('\r\n');
  };
  for (const f of fields) {
    // curl's '-F =value' has no name at all.
    const disposition = `form-data${f.name === '' ? '' : `; name="${escapeParam(f.name, backslash)}"`}`;
    if (f.files) {
      // As curl: several files of one field are one multipart/mixed part, each file an attachment in it.
      const inner = makeBoundary();
      text(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: multipart/mixed; boundary=${inner}\r\n\r\n`);
      for (const file of f.files) await part({ name: '', ...file }, inner, 'attachment');
      text(`--${inner}--\r\n\r\n`);
    } else await part(f, boundary, disposition);
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
