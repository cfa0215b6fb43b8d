import type { BodyStream } from './body-stream.js';
import type { HeaderList } from './core/headers.js';

/** What {@link HttpResponse} is built from. */
export interface HttpResponseInit {
  url: string;
  status: number;
  statusText: string;
  httpVersion: '1.0' | '1.1';
  headers: HeaderList;
  redirects: string[];
  body: BodyStream;
}

/**
 * A response whose head has arrived. Its body streams: iterate `body`, or
 * collect it with `text()`, `bytes()` or `json()`. A body that is neither read
 * nor cancelled holds its connection until the body timeout, so call
 * `body.cancel()` when the content is not wanted.
 */
export class HttpResponse {
  /** The URL that answered, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: '1.0' | '1.1';
  readonly headers: HeaderList;
  /** The URLs that redirected here, in order (empty without redirects). */
  readonly redirects: string[];
  readonly body: BodyStream;

  constructor(init: HttpResponseInit) {
    this.url = init.url;
    this.status = init.status;
    this.statusText = init.statusText;
    this.httpVersion = init.httpVersion;
    this.headers = init.headers;
    this.redirects = init.redirects;
    this.body = init.body;
  }

  /** True for a 2xx status. */
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }

  /** The whole body as text (UTF-8 unless told otherwise). */
  text(encoding: BufferEncoding = 'utf8'): Promise<string> {
    return this.body.text(encoding);
  }

  /** The whole body as one Buffer. */
  bytes(): Promise<Buffer> {
    return this.body.bytes();
  }

  /** The whole body parsed as JSON; malformed JSON is a ProtocolError. */
  json<T = unknown>(): Promise<T> {
    return this.body.json<T>();
  }
}
