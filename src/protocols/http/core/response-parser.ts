import { LimitError, ProtocolError } from '../../../errors.js';
import { ChunkedDecoder } from './chunked.js';
import { FieldCollector } from './fields.js';
import { type HeaderList, listTokens } from './headers.js';
import { LineScanner } from './lines.js';

/** Bounds on what a response may make the parser hold. */
export interface HttpLimits {
  /** Longest status line (default 8 KiB). */
  maxStatusLine: number;
  /** Bytes of header fields in one head (default 64 KiB). */
  maxHeaderBytes: number;
  /** Header fields in one head (default 256). */
  maxHeaders: number;
  /** Longest chunk-size line including extensions (default 4 KiB). */
  maxChunkLine: number;
  /** Bytes of trailer fields (default 16 KiB). */
  maxTrailerBytes: number;
  /** 1xx interim responses before the final one (default 32). */
  maxInformational: number;
}

export const DEFAULT_LIMITS: HttpLimits = {
  maxStatusLine: 8192,
  maxHeaderBytes: 64 * 1024,
  maxHeaders: 256,
  maxChunkLine: 4096,
  maxTrailerBytes: 16 * 1024,
  maxInformational: 32,
};

/** How the body of a response is delimited (RFC 9112 §6.3). */
export type BodyKind = 'none' | 'length' | 'chunked' | 'close' | 'upgrade';

/** The final response's head. */
export interface ResponseHead {
  type: 'head';
  status: number;
  reason: string;
  version: '1.0' | '1.1';
  headers: HeaderList;
  bodyKind: BodyKind;
  /** The Content-Length, when the body is length-delimited. */
  contentLength: number | undefined;
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;
}

/** Events the parser yields, in order, for each response. */
export type ResponseEvent =
  | { type: 'informational'; status: number; reason: string; headers: HeaderList }
  | ResponseHead
  | { type: 'data'; bytes: Buffer }
  | { type: 'end'; trailers: HeaderList | undefined; keepAlive: boolean }
  | { type: 'upgrade'; rest: Buffer };

/** 'idle': no response expected; 'head': reading a status line and fields; 'body'; 'upgraded': the bytes now belong to another protocol. */
export type ParserState = 'idle' | 'head' | 'body' | 'upgraded';

/**
 * A sans-IO HTTP/1.x response parser: bytes in, events out. `expect(method)`
 * queues the method of each request sent (HEAD and CONNECT change framing);
 * several can be queued for pipelining and one `feed` may complete several
 * responses. Body bytes come out as views into the input, never copied.
 */
export class ResponseParser {
  state: ParserState = 'idle';
  readonly limits: HttpLimits;
  #methods: string[] = [];
  #method = '';
  #lines: LineScanner;
  #fields: FieldCollector;
  #status = 0;
  #reason = '';
  #version: '1.0' | '1.1' = '1.1';
  #interim = 0;
  #blankLines = 0;
  #kind: BodyKind = 'none';
  #left = 0;
  #keepAlive = true;
  #chunked: ChunkedDecoder | undefined;
  #stray: Buffer | undefined;

  constructor(limits: Partial<HttpLimits> = {}) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.#lines = new LineScanner(this.limits.maxStatusLine, 'status line');
    this.#fields = new FieldCollector(this.limits.maxHeaders, this.limits.maxHeaderBytes, 'response header');
  }

  /** Responses expected but not yet complete (pipelining depth). */
  get outstanding(): number {
    return this.#methods.length + (this.state === 'idle' ? 0 : 1);
  }

  /** Bytes received while no response was expected; a connection holding any is not reused. */
  get strayBytes(): number {
    return this.#stray?.length ?? 0;
  }

  /**
   * Whether any byte of the response now awaited has arrived. A request whose
   * connection closes before that may be retried safely on a new connection.
   */
  get responseStarted(): boolean {
    if (this.state === 'body') return true;
    if (this.state !== 'head') return false;
    return this.#status !== 0 || this.#interim > 0 || this.#blankLines > 0 || this.#lines.pending > 0;
  }

  /** Announces the request whose response comes next (in send order). */
  expect(method: string): void {
    this.#methods.push(method.toUpperCase());
    if (this.state === 'idle') this.#begin();
  }

  /** Parses `chunk`; returns the events it completes. Throws ProtocolError or LimitError on a broken response. */
  feed(chunk: Buffer): ResponseEvent[] {
    const out: ResponseEvent[] = [];
    if (this.state === 'upgraded') throw new ProtocolError('the connection was upgraded; HTTP parsing is over', { protocol: 'http' });
    if (this.#stray) {
      chunk = Buffer.concat([this.#stray, chunk]);
      this.#stray = undefined;
    }
    let pos = 0;
    while (pos < chunk.length) {
      if (this.state === 'idle') {
        if (!this.#begin()) {
          this.#stray = chunk.subarray(pos);
          if (this.#stray.length > this.limits.maxStatusLine) throw new ProtocolError('unsolicited bytes with no request outstanding', { protocol: 'http' });
          break;
        }
      }
      pos = this.state === 'head' ? this.#head(chunk, pos, out) : this.#body(chunk, pos, out);
      if (pos === -1) break;
      if ((this.state as ParserState) === 'upgraded') {
        out.push({ type: 'upgrade', rest: chunk.subarray(pos) });
        break;
      }
    }
    return out;
  }

  /**
   * The transport reached end of stream. Completes a read-until-close body;
   * anything else unfinished is a ProtocolError naming what was cut short.
   */
  eof(): ResponseEvent[] {
    if (this.state === 'body' && this.#kind === 'close') {
      this.state = 'idle';
      this.#methods = [];
      return [{ type: 'end', trailers: undefined, keepAlive: false }];
    }
    if (this.state === 'head') {
      if (!this.responseStarted) throw new ProtocolError('connection closed before the response began', { protocol: 'http', phase: 'headers' });
      throw new ProtocolError('connection closed in the middle of the response head', { protocol: 'http', phase: 'headers' });
    }
    if (this.state === 'body') {
      const what = this.#kind === 'chunked' ? 'chunked body ended before its last chunk' : `body ended ${this.#left} bytes short of its Content-Length`;
      throw new ProtocolError(`truncated response: ${what}`, { protocol: 'http', phase: 'body' });
    }
    return [];
  }

  #begin(): boolean {
    const m = this.#methods.shift();
    if (m === undefined) {
      this.state = 'idle';
      return false;
    }
    this.#method = m;
    this.state = 'head';
    this.#status = 0;
    this.#interim = 0;
    this.#blankLines = 0;
    this.#lines.reset();
    return true;
  }

  #head(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    for (;;) {
      const next = this.#lines.scan(buf, pos);
      if (next === -1) return -1;
      pos = next;
      const line = this.#lines.line;
      if (this.#status === 0) {
        if (line.length === 0) {
          // Tolerate a stray CRLF or two before the status line (left over after a previous body).
          if (++this.#blankLines > 4) throw new ProtocolError('blank lines instead of a status line', { protocol: 'http', phase: 'headers' });
          continue;
        }
        this.#statusLine(line);
        this.#lines.max = this.limits.maxHeaderBytes;
        continue;
      }
      if (line.length > 0) {
        this.#fields.add(line);
        continue;
      }
      this.#lines.max = this.limits.maxStatusLine;
      const headers = this.#fields.take();
      if (this.#status < 200 && this.#status !== 101) {
        if (++this.#interim > this.limits.maxInformational)
          throw new LimitError(`more than ${this.limits.maxInformational} interim (1xx) responses`, { limit: this.limits.maxInformational, protocol: 'http' });
        out.push({ type: 'informational', status: this.#status, reason: this.#reason, headers });
        this.#status = 0;
        this.#blankLines = 0;
        continue;
      }
      this.#frame(headers, out);
      return pos;
    }
  }

  #statusLine(line: string): void {
    // HTTP/1.x SP 3DIGIT [SP reason]; the reason may be empty or absent.
    if (line.length < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 32)
      throw new ProtocolError(`not an HTTP/1.x status line: ${JSON.stringify(line.slice(0, 64))}`, { protocol: 'http', phase: 'headers' });
    const minor = line.charCodeAt(7) - 48;
    if (minor < 0 || minor > 9) throw new ProtocolError(`bad HTTP version in ${JSON.stringify(line.slice(0, 64))}`, { protocol: 'http', phase: 'headers' });
    const d0 = line.charCodeAt(9) - 48;
    const d1 = line.charCodeAt(10) - 48;
    const d2 = line.charCodeAt(11) - 48;
    if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9 || (line.length > 12 && line.charCodeAt(12) !== 32))
      throw new ProtocolError(`bad status code in ${JSON.stringify(line.slice(0, 64))}`, { protocol: 'http', phase: 'headers' });
    if (line.indexOf('\0') !== -1) throw new ProtocolError('NUL in the status line', { protocol: 'http', phase: 'headers' });
    this.#version = minor === 0 ? '1.0' : '1.1';
    this.#status = d0 * 100 + d1 * 10 + d2;
    this.#reason = line.length > 13 ? line.slice(13) : '';
  }

  #frame(headers: HeaderList, out: ResponseEvent[]): void {
    const status = this.#status;
    const conn = listTokens(headers.get('connection'));
    let keepAlive = this.#version === '1.1' ? !conn.includes('close') : conn.includes('keep-alive');
    const te = headers.get('transfer-encoding');
    const cl = headers.getAll('content-length');
    let kind: BodyKind;
    let length: number | undefined;
    if (status === 101 || (this.#method === 'CONNECT' && status >= 200 && status < 300)) kind = 'upgrade';
    else if (this.#method === 'HEAD' || status === 204 || status === 304) kind = 'none';
    else if (te !== null) {
      if (cl.length > 0) throw new ProtocolError('response has both Transfer-Encoding and Content-Length', { protocol: 'http', phase: 'headers' });
      const codings = listTokens(te);
      if (codings.length !== 1 || codings[0] !== 'chunked')
        throw new ProtocolError(`unsupported Transfer-Encoding ${JSON.stringify(te)}`, { protocol: 'http', phase: 'headers' });
      kind = 'chunked';
      if (this.#version === '1.0') keepAlive = false;
    } else if (cl.length > 0) {
      length = parseContentLength(cl);
      kind = 'length';
    } else {
      kind = 'close';
      keepAlive = false;
    }
    this.#kind = kind;
    this.#keepAlive = keepAlive;
    out.push({ type: 'head', status, reason: this.#reason, version: this.#version, headers, bodyKind: kind, contentLength: length, keepAlive });
    if (kind === 'upgrade') {
      this.state = 'upgraded';
      return;
    }
    this.state = 'body';
    if (kind === 'length') this.#left = length!;
    if (kind === 'chunked') this.#chunked = new ChunkedDecoder(this.limits);
    if (kind === 'none' || (kind === 'length' && length === 0)) this.#finish(undefined, out);
  }

  #body(buf: Buffer, pos: number, out: ResponseEvent[]): number {
    switch (this.#kind) {
      case 'length': {
        const n = Math.min(this.#left, buf.length - pos);
        out.push({ type: 'data', bytes: buf.subarray(pos, pos + n) });
        this.#left -= n;
        pos += n;
        if (this.#left === 0) this.#finish(undefined, out);
        return pos;
      }
      case 'chunked': {
        const r = this.#chunked!.decode(buf, pos);
        for (const bytes of r.data) out.push({ type: 'data', bytes });
        if (r.end === -1) return -1;
        this.#finish(r.trailers, out);
        return r.end;
      }
      default:
        out.push({ type: 'data', bytes: pos === 0 ? buf : buf.subarray(pos) });
        return buf.length;
    }
  }

  #finish(trailers: HeaderList | undefined, out: ResponseEvent[]): void {
    out.push({ type: 'end', trailers, keepAlive: this.#keepAlive });
    this.#chunked = undefined;
    this.state = 'idle';
    this.#begin();
  }
}

/**
 * RFC 9110 §8.6: digits only; a list or repeated field is accepted only when
 * every member is the same number. Anything else is a ProtocolError, since a
 * wrong length desynchronises the connection (response smuggling).
 */
export function parseContentLength(values: string[]): number {
  let result = -1;
  for (const v of values) {
    for (const part of v.split(',')) {
      const s = part.trim();
      if (s.length === 0 || s.length > 15) throw new ProtocolError(`invalid Content-Length ${JSON.stringify(v.slice(0, 32))}`, { protocol: 'http', phase: 'headers' });
      for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 48 || c > 57) throw new ProtocolError(`invalid Content-Length ${JSON.stringify(v.slice(0, 32))}`, { protocol: 'http', phase: 'headers' });
      }
      const n = Number(s);
      if (result !== -1 && n !== result) throw new ProtocolError('conflicting Content-Length values', { protocol: 'http', phase: 'headers' });
      result = n;
    }
  }
  return result;
}
