/**
 * The one response shape urlopen returns for every scheme, after Python's
 * `urllib` response (`url`, `status`, `info()`) and fetch's body helpers.
 *
 * @module
 */
import { collectBody, DEFAULT_COLLECT_LIMIT } from '../util/collect.js';
import type { UrlHeaders } from './headers.js';

/** What a scheme opener hands to {@link UrlResponse}. */
export interface UrlResponseInit {
  /** The final URL (after redirects). */
  url: string;
  /** The protocol's status: HTTP status, FTP/POP reply code; 200 where the protocol has none. */
  status: number;
  statusText?: string | undefined;
  /** 'http/1.1', 'ftp', 'gopher', 'file', 'data'… */
  protocol: string;
  /** Response headers, or synthesized ones (Content-Type, Content-Length, Last-Modified). */
  headers: UrlHeaders;
  /** The body, streamed. */
  body: AsyncIterable<Uint8Array>;
  /** Releases the connection without reading the rest of the body. */
  cancel?: (() => Promise<void> | void) | undefined;
  /** The URLs visited before `url`, oldest first. */
  redirects?: string[] | undefined;
  /** Protocol-specific extras (e.g. the raw HTTP response). */
  raw?: unknown;
  /** The protocol's last reply code, known once the body has been read (FTP's 226); see {@link UrlResponse.finalStatus}. */
  finalStatus?: (() => number | undefined) | undefined;
}

/**
 * A response from any scheme. The body can be read once: iterate `body`, or
 * call one of `bytes()`, `text()`, `json()`, `consume(sink)`; or `cancel()`
 * to release it.
 */
export class UrlResponse {
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly protocol: string;
  readonly headers: UrlHeaders;
  readonly redirects: readonly string[];
  readonly raw: unknown;
  readonly #body: AsyncIterable<Uint8Array>;
  readonly #cancel: (() => Promise<void> | void) | undefined;
  readonly #final: (() => number | undefined) | undefined;
  #used = false;

  constructor(init: UrlResponseInit) {
    this.url = init.url;
    this.status = init.status;
    this.statusText = init.statusText ?? '';
    this.protocol = init.protocol;
    this.headers = init.headers;
    this.redirects = init.redirects ?? [];
    this.raw = init.raw;
    this.#body = init.body;
    this.#cancel = init.cancel;
    this.#final = init.finalStatus;
  }

  /**
   * The protocol's last status: for FTP, the reply that ends the transfer
   * (226) once the body has been read — what curl's `%{response_code}`
   * reports; for every other scheme (and before the end), `status`.
   */
  get finalStatus(): number {
    return this.#final?.() ?? this.status;
  }

  /** The headers, as Python's `response.info()`. */
  info(): UrlHeaders {
    return this.headers;
  }

  /** True once the body has been taken. */
  get bodyUsed(): boolean {
    return this.#used;
  }

  /** The body as an async iterable of byte chunks; can be taken once. */
  get body(): AsyncIterable<Uint8Array> {
    this.#used = true;
    return this.#body;
  }

  /**
   * Reads the whole body into a `sink` (a file descriptor, a hash, a
   * counter) and resolves with the byte count. Where the scheme can (HTTP
   * without decoding) each chunk is passed the moment it arrives, with no
   * promise or copy per chunk, so a chunk is **valid only during the call**:
   * copy what you keep. A sink that cannot take more at once returns a
   * promise, and is not called again until it settles. What `sink` throws
   * (or its promise rejects with) cancels the body and rejects the call.
   *
   * @example
   * const fd = openSync('out.bin', 'w');
   * await res.consume((chunk) => writeSync(fd, chunk));
   */
  async consume(sink: (chunk: Uint8Array) => unknown): Promise<number> {
    const body = this.body as AsyncIterable<Uint8Array> & { consume?: (s: (chunk: Uint8Array) => unknown) => Promise<number> };
    if (typeof body.consume === 'function') return body.consume(sink);
    let n = 0;
    // A throw leaves the loop, which returns the iterator: the body is cancelled.
    for await (const chunk of body) {
      n += chunk.length;
      const r = sink(chunk);
      if (typeof (r as PromiseLike<unknown> | undefined)?.then === 'function') await r;
    }
    return n;
  }

  /** The whole body; a LimitError past `maxBytes` (default 256 MiB). */
  async bytes(maxBytes = DEFAULT_COLLECT_LIMIT): Promise<Buffer> {
    return collectBody(this.body, maxBytes, () => this.cancel());
  }

  /** The body decoded as UTF-8 (or the charset in Content-Type when Node knows it). */
  async text(maxBytes?: number): Promise<string> {
    const b = await this.bytes(maxBytes);
    const m = /charset\s*=\s*"?([\w.:-]+)/i.exec(this.headers.get('content-type') ?? '');
    try {
      return new TextDecoder(m?.[1] ?? 'utf-8').decode(b);
    } catch {
      return b.toString('utf8');
    }
  }

  /** The body parsed as JSON. */
  async json<T = unknown>(maxBytes?: number): Promise<T> {
    return JSON.parse(await this.text(maxBytes)) as T;
  }

  /** Releases the underlying connection without reading the rest. Safe to call twice. */
  async cancel(): Promise<void> {
    this.#used = true;
    await this.#cancel?.();
  }
}
