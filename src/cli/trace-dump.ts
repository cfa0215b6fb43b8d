/**
 * curl's `--trace FILE` (hex dump) and `--trace-ascii FILE` from the
 * library's trace events plus the body bytes the CLI sends and receives:
 * `== Info:` for `*` events, `=> Send header` / `<= Recv header` blocks for
 * what was sent and received (an HTTP request's head as one block, each
 * received head line as one, as curl), `=> Send data` / `<= Recv data` for
 * bodies. `--trace-time` puts the wall-clock time before each block.
 *
 * Differences from curl, by construction: TLS records are not dumped (no
 * `SSL data` blocks), credentials stay masked as in -v, and a received body
 * is dumped as dial reads it (after --compressed decoding).
 *
 * @module
 */
import type { TraceEvent, Tracer } from '../trace.js';

/** How a dump is written. */
export interface DumpOptions {
  /** true for --trace-ascii (64 characters a row, CRLF breaks rows), false for --trace (16 bytes a row, hex then characters). */
  ascii: boolean;
  /** --trace-time: `HH:MM:SS.uuuuuu ` before each block. */
  time: boolean;
  write: (text: string) => void;
  /** The clock (tests): milliseconds since the epoch, with a fraction. */
  now?: () => number;
}

/** The trace of a run in curl's --trace or --trace-ascii format. */
export interface TraceDump {
  /** Feeds the library's events. */
  tracer: Tracer;
  /** A piece of a request body, as it goes out. */
  sent(chunk: Uint8Array): void;
  /** A request body held whole: dumped once the request's head is (the library traces the head as it sends it). */
  sendAfterHead(body: Uint8Array): void;
  /** A piece of a response body, as it arrives. */
  received(chunk: Uint8Array): void;
  /** Writes what is still held (the end of a head). */
  flush(): void;
}

/** curl's `HH:MM:SS.uuuuuu ` in local time. */
export function timeStamp(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const micros = Math.floor((ms % 1000) * 1000);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(micros).padStart(6, '0')} `;
}

/** One block of curl's dump: `TEXT, N bytes (0xN)`, then rows of offset, hex (unless ascii) and characters. */
export function dumpBlock(text: string, data: Uint8Array, ascii: boolean, prefix = ''): string {
  const size = data.length;
  const width = ascii ? 0x40 : 0x10;
  let out = `${prefix}${text}, ${size} bytes (0x${size.toString(16)})\n`;
  const ch = (b: number) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');
  // curl's loop, CRLF handling included: in ascii mode a CRLF ends the row and is not shown.
  for (let i = 0; i < size; i += width) {
    out += `${i.toString(16).padStart(4, '0')}: `;
    if (!ascii) for (let c = 0; c < width; c++) out += i + c < size ? `${data[i + c]!.toString(16).padStart(2, '0')} ` : '   ';
    for (let c = 0; c < width && i + c < size; c++) {
      if (ascii && i + c + 1 < size && data[i + c] === 0x0d && data[i + c + 1] === 0x0a) {
        i += c + 2 - width;
        break;
      }
      out += ch(data[i + c]!);
      if (ascii && i + c + 2 < size && data[i + c + 1] === 0x0d && data[i + c + 2] === 0x0a) {
        i += c + 3 - width;
        break;
      }
    }
    out += '\n';
  }
  return out;
}

/** A dump writer for one run. */
export function createTraceDump(opts: DumpOptions): TraceDump {
  const now = opts.now ?? (() => performance.timeOrigin + performance.now());
  const stamp = (): string => (opts.time ? timeStamp(now()) : '');
  const block = (text: string, data: Uint8Array): void => opts.write(dumpBlock(text, data, opts.ascii, stamp()));
  /** An HTTP request head being gathered, line by line. */
  let requestHead: string[] | undefined;
  /** A response head is being received: its blank line is written when it ends. */
  let inHead = false;
  let pendingBody: Uint8Array | undefined;
  const flush = (): void => {
    if (requestHead) {
      block('=> Send header', Buffer.from(`${requestHead.join('\r\n')}\r\n\r\n`, 'latin1'));
      requestHead = undefined;
      if (pendingBody) block('=> Send data', pendingBody);
      pendingBody = undefined;
    }
    if (inHead) {
      block('<= Recv header', Buffer.from('\r\n'));
      inHead = false;
    }
  };
  const tracer: Tracer = (ev: TraceEvent) => {
    try {
      const http = ev.protocol === 'http';
      if (http && ev.kind === '>' && ev.bytes === undefined) {
        if (inHead) flush();
        (requestHead ??= []).push(ev.text);
        return;
      }
      if (http && ev.kind === '<' && ev.bytes === undefined && (inHead || /^HTTP\/\d/.test(ev.text))) {
        if (requestHead) flush();
        inHead = true;
        block('<= Recv header', Buffer.from(`${ev.text}\r\n`, 'latin1'));
        return;
      }
      flush();
      // Data summaries stand for bytes dumped from the bodies themselves.
      if (ev.bytes !== undefined) return;
      if (ev.kind === '*') opts.write(`${stamp()}== Info: ${ev.text}\n`);
      else block(ev.kind === '>' ? '=> Send header' : '<= Recv header', Buffer.from(`${ev.text}\r\n`, 'latin1'));
    } catch {
      // A tracer must never throw into the protocol client.
    }
  };
  return {
    tracer,
    sent: (chunk) => {
      flush();
      if (chunk.length > 0) block('=> Send data', chunk);
    },
    sendAfterHead: (body) => {
      if (body.length > 0) pendingBody = body;
    },
    received: (chunk) => {
      flush();
      if (chunk.length > 0) block('<= Recv data', chunk);
    },
    flush,
  };
}

/** The request-body fields of OpenOptions this file taps (structural, so it loads no library code). */
interface BodyOptions {
  body?: string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array> | undefined;
  reopenBody?: (() => AsyncIterable<Uint8Array> | Iterable<Uint8Array>) | undefined;
}

/** Each piece of `body` passed to `seen` as it is read. */
async function* tapped(body: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, seen: (chunk: Uint8Array) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of body) {
    seen(chunk);
    yield chunk;
  }
}

/**
 * Makes one attempt's request body show in the dump: a body held whole
 * after the request head, a stream piece by piece as the client reads it
 * (a redirect's second copy too).
 */
export function tapRequestBody<T extends BodyOptions>(opts: T, dump: TraceDump): T {
  const b = opts.body;
  if (typeof b === 'string') dump.sendAfterHead(Buffer.from(b));
  else if (b instanceof Uint8Array) dump.sendAfterHead(b);
  else if (b !== undefined) opts.body = tapped(b, dump.sent);
  const reopen = opts.reopenBody;
  if (reopen) opts.reopenBody = () => tapped(reopen(), dump.sent);
  return opts;
}
