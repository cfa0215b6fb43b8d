/**
 * Sans-IO Gopher menu parsing (RFC 1436 §3.8): feed bytes in chunks of any
 * size, take {@link MenuItem}s out. Tolerant of what real servers send —
 * LF-only lines, a missing `.` terminator, info lines without tabs, unknown
 * item types — and bounded: a menu past `maxItems` items or `maxBytes` bytes,
 * or with a line past `maxLine`, is a LimitError, so a hostile server cannot
 * make the parser hold more than one line plus one chunk.
 *
 * @module
 */
import { LimitError } from '../../../errors.js';
import { LineSplitter } from '../../../line/reader.js';
import { strictUtf8 } from '../../../util/utf8.js';

/** One line of a menu. */
export interface MenuItem {
  /** The item type character: `0` text, `1` menu, `7` search, `9` binary, `i` info, `3` error… (unknown ones kept as they are). */
  type: string;
  /** The user-visible name. */
  display: string;
  /** What to send to the server to fetch the item. */
  selector: string;
  host: string;
  /** The port; 0 when the line has none or an invalid one. */
  port: number;
  /** Fields past the fourth (Gopher+ `+` or `?`), if any. */
  extra: string[];
  /** The whole line as received, without its line ending. */
  raw: string;
  /**
   * `'latin1'` when the line was not UTF-8 and was read one byte per
   * character: passed back with the item (`gopherFetch(item)`) it sends the
   * selector's own bytes. Absent for UTF-8 lines.
   */
  encoding?: 'latin1' | undefined;
}

/** Bounds for {@link MenuParser}. */
export interface MenuParserOptions {
  /** Most items accepted (default 50 000). */
  maxItems?: number | undefined;
  /** Most bytes accepted, terminator included (default 8 MiB). */
  maxBytes?: number | undefined;
  /** Longest line, bytes (default 16 KiB). */
  maxLine?: number | undefined;
}

/** Item types that name something to fetch (RFC 1436 plus the common extensions). */
export const ITEM_TYPES: Readonly<Record<string, string>> = {
  '0': 'text',
  '1': 'menu',
  '2': 'CSO phone book',
  '3': 'error',
  '4': 'BinHex file',
  '5': 'DOS archive',
  '6': 'uuencoded file',
  '7': 'search',
  '8': 'telnet',
  '9': 'binary',
  '+': 'mirror',
  g: 'GIF image',
  I: 'image',
  T: 'tn3270',
  h: 'HTML',
  i: 'info',
  s: 'sound',
  d: 'document',
  p: 'PNG image',
  r: 'RTF document',
  P: 'PDF document',
  x: 'XML document',
  ';': 'video',
  c: 'calendar',
  M: 'MIME message',
};


function parsePort(field: string | undefined): number {
  if (field === undefined) return 0;
  const t = field.trim();
  if (!/^\d{1,5}$/.test(t)) return 0;
  const n = Number(t);
  return n <= 65535 ? n : 0;
}

/**
 * Parses one menu line (without its ending). Returns undefined for an empty
 * line, which carries no item.
 */
export function parseMenuLine(line: Buffer | string): MenuItem | undefined {
  // Menus predate UTF-8: a line that is not valid UTF-8 is read as Latin-1 (undefined here), so no byte is lost.
  const text = typeof line === 'string' ? line : strictUtf8(line);
  const raw = text ?? (line as Buffer).toString('latin1');
  if (raw.length === 0) return undefined;
  const type = String.fromCodePoint(raw.codePointAt(0)!);
  const fields = raw.slice(type.length).split('\t');
  const item: MenuItem = {
    type,
    display: fields[0] ?? '',
    selector: fields[1] ?? '',
    host: fields[2] ?? '',
    port: parsePort(fields[3]),
    extra: fields.slice(4),
    raw,
  };
  if (text === undefined) item.encoding = 'latin1';
  return item;
}

/**
 * Streaming menu parser. `push(chunk)` returns the items completed by that
 * chunk; `end()` returns the last, unterminated one. After the `.` line,
 * further bytes are ignored and {@link done} is true.
 */
export class MenuParser {
  readonly #lines: LineSplitter;
  readonly #maxItems: number;
  readonly #maxBytes: number;
  #bytes = 0;
  #items = 0;
  #done = false;
  #first = true;

  constructor(options: MenuParserOptions = {}) {
    this.#maxItems = options.maxItems ?? 50_000;
    this.#maxBytes = options.maxBytes ?? 8 * 1024 * 1024;
    this.#lines = new LineSplitter({ eol: 'lf', maxLine: options.maxLine ?? 16 * 1024, protocol: 'gopher' });
  }

  /** True once the terminating `.` line was seen. */
  get done(): boolean {
    return this.#done;
  }

  /** Items parsed so far. */
  get count(): number {
    return this.#items;
  }

  /** Feeds received bytes; returns the items they complete. */
  push(chunk: Uint8Array): MenuItem[] {
    if (this.#done) return [];
    this.#bytes += chunk.length;
    this.#lines.push(chunk);
    const out: MenuItem[] = [];
    for (let line = this.#lines.next(); line !== undefined && !this.#done; line = this.#lines.next()) {
      // The menu's bytes so far end with this line: what follows the '.' line is not the menu's,
      // so the bound must not depend on whether it came in the same chunk.
      this.#checkBytes(this.#bytes - this.#lines.bufferedLength);
      this.#take(line, out);
    }
    // Held bytes begin the next line, which is the menu's (if only its '.').
    if (!this.#done) this.#checkBytes(this.#bytes);
    return out;
  }

  #checkBytes(n: number): void {
    if (n <= this.#maxBytes) return;
    this.#lines.clear();
    throw new LimitError(`the gopher menu exceeded ${this.#maxBytes} bytes`, { limit: this.#maxBytes, protocol: 'gopher', phase: 'menu' });
  }

  /** At end of stream: the items of an unterminated last line, if any. */
  end(): MenuItem[] {
    if (this.#done) return [];
    const rest = this.#lines.end();
    const out: MenuItem[] = [];
    this.#take(rest, out);
    this.#done = true;
    return out;
  }

  #take(line: Buffer, out: MenuItem[]): void {
    // A byte-order mark is the document's, so only the first line loses one.
    if (this.#first) {
      this.#first = false;
      if (line[0] === 0xef && line[1] === 0xbb && line[2] === 0xbf) line = line.subarray(3);
    }
    if (line.length === 1 && line[0] === 0x2e) {
      this.#done = true;
      this.#lines.clear();
      return;
    }
    const item = parseMenuLine(line);
    if (!item) return;
    if (++this.#items > this.#maxItems) {
      this.#lines.clear();
      throw new LimitError(`the gopher menu exceeded ${this.#maxItems} items`, { limit: this.#maxItems, protocol: 'gopher', phase: 'menu' });
    }
    out.push(item);
  }
}

const LF = 0x0a;
const CR = 0x0d;
const DOT = 0x2e;

/**
 * Finds where a menu ends in its raw bytes — the line holding only `.`
 * (CRLF or LF), as {@link MenuParser} reads it — without parsing or holding
 * any line: for handing a menu on as received while still stopping at its
 * end, since a server may send the `.` line and leave the connection open.
 */
export class MenuEnd {
  #state: 'lineStart' | 'inLine' | 'dot' | 'dotCR' | 'done' = 'lineStart';

  /** True once the `.` line has been seen. */
  get done(): boolean {
    return this.#state === 'done';
  }

  /** How many bytes at the start of `chunk` are the menu's: all of them, or those through the `.` line (then {@link done}). */
  scan(chunk: Uint8Array): number {
    if (this.#state === 'done') return 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      switch (this.#state) {
        case 'lineStart':
          this.#state = c === DOT ? 'dot' : c === LF ? 'lineStart' : 'inLine';
          break;
        case 'inLine': {
          const lf = chunk.indexOf(LF, i);
          if (lf < 0) return chunk.length;
          i = lf;
          this.#state = 'lineStart';
          break;
        }
        case 'dot':
        case 'dotCR':
          if (c === LF) {
            this.#state = 'done';
            return i + 1;
          }
          // `.` then CR may still end the menu; anything else makes the line an item's.
          this.#state = c === CR && this.#state === 'dot' ? 'dotCR' : 'inLine';
          break;
      }
    }
    return chunk.length;
  }
}

/** Parses a whole menu held in memory. */
export function parseMenu(bytes: Uint8Array | string, options?: MenuParserOptions): MenuItem[] {
  const p = new MenuParser(options);
  return [...p.push(typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes), ...p.end()];
}

/** Serializes items back to menu lines (CRLF) with the `.` terminator: for servers and tests. */
export function buildMenu(items: ReadonlyArray<Pick<MenuItem, 'type' | 'display' | 'selector' | 'host' | 'port'> & { extra?: readonly string[] }>): string {
  const lines = items.map((i) => [`${i.type}${i.display}`, i.selector, i.host, String(i.port), ...(i.extra ?? [])].join('\t'));
  return `${lines.map((l) => `${l}\r\n`).join('')}.\r\n`;
}
