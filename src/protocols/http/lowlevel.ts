/**
 * The seed's httplib layer on the same connection and core as `request()`:
 * build a request a piece at a time (`putRequest`, `putHeader`,
 * `endHeaders`, `send`), then `getResponse()`. One request at a time per
 * object; the connection is kept alive between them and reopened when the
 * server has closed it.
 *
 * @module
 */
import type { HttpVersion } from './core/request.js';
import { InputError } from '../../errors.js';
import { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { ByteStream } from '../../socket/types.js';
import type { Tracer } from '../../trace.js';
import type { BodyStream } from './body-stream.js';
import { HttpConnection as Wire, withPhase, type ExchangeResponse } from './connection.js';
import { HeaderList } from './core/headers.js';
import type { PreparedBody } from './request-body.js';

/** Settings of {@link HTTPConnection}. */
export interface HTTPConnectionOptions {
  /** Speak TLS (https); `true` or TLS settings. */
  tls?: TLSOptions | true | undefined;
  /** Bound on connecting and on each wait for the response, ms. */
  timeout?: number | undefined;
  /** Connect to this Unix socket instead. */
  unixSocket?: string | undefined;
  /** Replace how the transport is opened (tests, proxies). */
  connect?: (() => Promise<ByteStream>) | undefined;
  trace?: Tracer | undefined;
  /**
   * The request line's version (httplib's `_http_vsn_str`): '1.1' by default;
   * '1.0' needs Content-Length for a body (no chunked `send()`), and each
   * request then opens its own connection.
   */
  httpVersion?: HttpVersion | undefined;
}

/**
 * A streamed request body fed by `send()`; each chunk is handed over before
 * `send` resolves. Once the connection will not read on — it failed, or the
 * exchange ended before the body did — the body is destroyed and every
 * chunk not taken resolves false instead of waiting for ever.
 */
class PushBody implements AsyncIterable<Uint8Array> {
  #items: Uint8Array[] = [];
  #ended = false;
  #stopped = false;
  #reader: (() => void) | undefined;
  #taken: Array<(taken: boolean) => void> = [];

  /** Resolves true once the chunk is taken, false when the body was abandoned first. */
  push(data: Uint8Array): Promise<boolean> {
    if (this.#ended) return Promise.reject(new InputError('send() after getResponse()', { protocol: 'http', phase: 'send' }));
    if (this.#stopped) return Promise.resolve(false);
    this.#items.push(data);
    this.#wake();
    return new Promise<boolean>((resolve) => this.#taken.push(resolve));
  }
  end(): void {
    this.#ended = true;
    this.#wake();
  }
  /** Nobody will read on: what is queued is dropped and its senders told so. */
  destroy(): void {
    this.#stopped = true;
    this.#items = [];
    for (const resolve of this.#taken.splice(0)) resolve(false);
    this.#wake();
  }
  #wake(): void {
    const r = this.#reader;
    this.#reader = undefined;
    r?.();
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        if (this.#stopped) return;
        const item = this.#items.shift();
        if (item) {
          yield item;
          this.#taken.shift()?.(true);
          continue;
        }
        if (this.#ended) return;
        await new Promise<void>((resolve) => (this.#reader = resolve));
      }
    } finally {
      // The sender stopped reading (a failed write, an early final response): nothing queued will go.
      this.destroy();
    }
  }
}

/** A response read the httplib way. */
export class HTTPResponse {
  readonly status: number;
  readonly reason: string;
  /** 10 or 11, as httplib reports it. */
  readonly version: 10 | 11;
  readonly headers: HeaderList;
  readonly body: BodyStream;
  #leftover: Buffer | undefined;

  constructor(r: ExchangeResponse) {
    this.status = r.status;
    this.reason = r.reason;
    this.version = r.version === '1.0' ? 10 : 11;
    this.headers = r.headers;
    this.body = r.body;
  }

  /** One header's value (repeated fields joined with ", "), or `fallback`. */
  getHeader(name: string, fallback: string | null = null): string | null {
    return this.headers.get(name) ?? fallback;
  }

  /** Every header as [name, value] pairs, in order. */
  getHeaders(): Array<[string, string]> {
    return [...this.headers];
  }

  /** Up to `n` bytes of the body (all the rest when `n` is omitted); empty at the end. */
  async read(n?: number): Promise<Buffer> {
    if (n === undefined) {
      const parts: Buffer[] = this.#leftover ? [this.#leftover] : [];
      this.#leftover = undefined;
      for await (const chunk of this.body) parts.push(chunk);
      return Buffer.concat(parts);
    }
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`read() needs a byte count, got ${n}`);
    const parts: Buffer[] = [];
    let got = 0;
    while (got < n) {
      let chunk = this.#leftover;
      this.#leftover = undefined;
      if (!chunk) {
        const r = await this.body.next();
        if (r.done) break;
        chunk = r.value;
      }
      if (chunk.length > n - got) {
        this.#leftover = chunk.subarray(n - got);
        chunk = chunk.subarray(0, n - got);
      }
      parts.push(chunk);
      got += chunk.length;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, got);
  }

  /** Abandons the rest of the body. */
  close(): void {
    this.body.cancel();
  }
}

type State = 'idle' | 'request-started' | 'request-sent';

/**
 * A low-level HTTP/1.1 connection to one host, as in the seed's httplib:
 *
 * ```ts
 * const c = new HTTPConnection('example.org', 80);
 * c.putRequest('POST', '/upload');
 * c.putHeader('Content-Length', '5');
 * await c.endHeaders();
 * await c.send('hello');
 * const r = await c.getResponse();
 * console.log(r.status, r.reason, (await r.read()).toString());
 * ```
 *
 * Headers and the request line are checked as they are added: CR, LF or NUL
 * is an InputError and nothing is sent.
 */
export class HTTPConnection {
  readonly host: string;
  readonly port: number;
  readonly #o: HTTPConnectionOptions;
  #wire: Wire | undefined;
  #state: State = 'idle';
  #method = '';
  #target = '';
  #headers = new HeaderList();
  #body: PushBody | undefined;
  #pending: Promise<ExchangeResponse> | undefined;
  #last: HTTPResponse | undefined;

  constructor(host: string, port?: number, options: HTTPConnectionOptions = {}) {
    this.host = host;
    this.port = port ?? (options.tls ? 443 : 80);
    this.#o = options;
  }

  /** Opens the connection now (otherwise the first request does). */
  async connect(): Promise<void> {
    if (this.#wire && this.#wire.reusable) return;
    if (this.#wire) void this.#wire.close();
    const o = this.#o;
    const tls = o.tls === true ? {} : o.tls;
    const stream = o.connect
      ? await o.connect()
      : o.unixSocket
        ? await Socket.connect({ path: o.unixSocket, timeout: o.timeout, tls: tls && { servername: this.host, ...tls } })
        : await Socket.connect({ host: this.host, port: this.port, timeout: o.timeout, tls });
    this.#wire = new Wire(stream, { label: `${this.host}:${this.port}` });
  }

  /** Starts a request: method and request-target (`/path?query`, or an absolute URL for a proxy). */
  putRequest(method: string, url: string): void {
    if (this.#state !== 'idle') throw new InputError(`putRequest() while a request is ${this.#state === 'request-started' ? 'being built' : 'awaiting getResponse()'}`, { protocol: 'http' });
    if (this.#last && !this.#last.body.finished) throw new InputError('read or close the previous response before the next request', { protocol: 'http' });
    this.#method = method;
    this.#target = url;
    this.#headers = new HeaderList();
    this.#state = 'request-started';
  }

  /** Adds a header line; several values are joined with ", ". */
  putHeader(name: string, ...values: Array<string | number>): void {
    if (this.#state !== 'request-started') throw new InputError('putHeader() outside putRequest() … endHeaders()', { protocol: 'http' });
    this.#headers.append(name, values.map(String).join(', '));
  }

  /**
   * Sends the head, and `body` when given (its length becomes the
   * Content-Length). Without a body, a Content-Length header announces bytes
   * to come through `send()`; `Transfer-Encoding: chunked` makes each
   * `send()` one chunk.
   */
  async endHeaders(body?: string | Uint8Array): Promise<void> {
    if (this.#state !== 'request-started') throw new InputError('endHeaders() without putRequest()', { protocol: 'http' });
    const h = this.#headers;
    let prepared: PreparedBody;
    if (body !== undefined) {
      prepared = { kind: 'bytes', data: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
    } else {
      const cl = h.get('content-length');
      const chunked = /chunked/i.test(h.get('transfer-encoding') ?? '');
      if (cl !== null && !/^\d{1,15}$/.test(cl)) throw new InputError(`invalid Content-Length ${JSON.stringify(cl)}`, { protocol: 'http', phase: 'send' });
      const length = cl !== null ? Number(cl) : undefined;
      if (chunked || (length !== undefined && length > 0)) {
        this.#body = new PushBody();
        prepared = { kind: 'stream', source: this.#body, length: chunked ? undefined : length };
      } else prepared = { kind: 'none' };
    }
    try {
      await this.connect();
    } catch (err) {
      this.#state = 'idle';
      throw err;
    }
    const wire = this.#wire!;
    const p = wire.request({
      method: this.#method,
      target: this.#target,
      host: h.get('host') ?? (this.port === (this.#o.tls ? 443 : 80) ? this.host : `${this.host.includes(':') ? `[${this.host}]` : this.host}:${this.port}`),
      headers: h,
      body: prepared,
      version: this.#o.httpVersion,
      headersTimeout: this.#o.timeout,
      bodyTimeout: this.#o.timeout,
      trace: this.#o.trace,
    });
    // A failed exchange reads no more body: send() calls waiting on it learn so.
    const pushed = this.#body;
    p.catch(() => pushed?.destroy());
    this.#pending = p;
    this.#state = 'request-sent';
  }

  /**
   * Sends body bytes announced by Content-Length or chunked framing. Rejects
   * with the connection's error when it failed; when the server answered
   * before taking the whole body, resolves without sending (the answer is
   * getResponse()'s).
   */
  async send(data: string | Uint8Array): Promise<void> {
    if (this.#state !== 'request-sent' || !this.#body) throw new InputError('send() needs endHeaders() with a Content-Length or chunked Transfer-Encoding first', { protocol: 'http', phase: 'send' });
    const pending = this.#pending;
    if (!(await this.#body.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data))) await pending;
  }

  /** Finishes the request and waits for the response head. */
  async getResponse(): Promise<HTTPResponse> {
    if (this.#state !== 'request-sent' || !this.#pending) throw new InputError('getResponse() before endHeaders()', { protocol: 'http' });
    this.#body?.end();
    this.#body = undefined;
    const p = this.#pending;
    this.#pending = undefined;
    this.#state = 'idle';
    try {
      this.#last = new HTTPResponse(await p);
    } catch (err) {
      throw err instanceof Error && 'phase' in err ? withPhase(err as never, 'headers') : err;
    }
    return this.#last;
  }

  /** Closes the connection (an unread response is abandoned). */
  async close(): Promise<void> {
    this.#last?.close();
    const w = this.#wire;
    this.#wire = undefined;
    this.#state = 'idle';
    if (w) {
      if (w.pending > 0) w.destroy();
      else await w.close();
    }
  }
}
