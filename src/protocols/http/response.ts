import type { BodyStream } from './body-stream.js';
import type { HeaderList } from './core/headers.js';
import type { BodyWire } from './exchange.js';

/** The head of a response that was not the last one: a redirect, or a 401 answered with Digest credentials. */
export interface HttpResponseHead {
  httpVersion: '0.9' | '1.0' | '1.1';
  status: number;
  statusText: string;
  /** The header lines as received. */
  headers: HeaderList;
  /** The head's bytes as received (latin1), status line through blank line — what curl -i prints; undefined when not read off the wire. */
  rawHead?: string | undefined;
}

/** What {@link HttpResponse} is built from. */
export interface HttpResponseInit {
  url: string;
  status: number;
  statusText: string;
  httpVersion: '0.9' | '1.0' | '1.1';
  headers: HeaderList;
  /** See {@link HttpResponse.rawHead}. */
  rawHead?: string | undefined;
  redirects: string[];
  /** Heads of the responses before this one, oldest first: redirects, a Digest challenge, and interim 1xx answers (100 Continue) as received (default none). */
  history?: HttpResponseHead[] | undefined;
  /** Bytes of request heads sent, every hop counted (default 0). */
  requestBytes?: number | undefined;
  /** The body as the connection receives it (see {@link HttpResponse.trailers}, {@link HttpResponse.receivedBytes}). */
  wire?: BodyWire | undefined;
  /** See {@link HttpResponse.handOff}. */
  handOff?: { url: string; method: string } | undefined;
  body: BodyStream;
}

/**
 * A response whose head has arrived. Its body streams: iterate `body`, or
 * collect it with `text()`, `bytes()` or `json()`. A body that is neither read
 * nor cancelled holds its connection (though not the process), so call
 * `body.cancel()` when the content is not wanted.
 */
export class HttpResponse {
  /** The URL that answered, after redirects. */
  readonly url: string;
  readonly status: number;
  readonly statusText: string;
  readonly httpVersion: '0.9' | '1.0' | '1.1';
  readonly headers: HeaderList;
  /**
   * The head's bytes as received, decoded as latin1: the status line, the
   * field lines and the blank line, with their line ends (CRLF or a bare LF),
   * folds and spaces as the server sent them — what curl -i prints. Undefined
   * for a response not read off the wire.
   */
  readonly rawHead: string | undefined;
  /** The URLs that redirected here, in order (empty without redirects). */
  readonly redirects: string[];
  /**
   * The heads of the responses that came before this one, oldest first: each
   * redirect followed, each 401 answered with Digest credentials, a 417 to
   * `Expect: 100-continue`, and every interim 1xx answer (100 Continue, 103)
   * where it came — what curl prints before the final head with `-i -L`.
   * Their bodies were not read.
   */
  readonly history: readonly HttpResponseHead[];
  /**
   * Bytes of request heads put on the wire for this response, summed over
   * every hop (request line and header fields; bodies not counted) — curl's
   * `size_request`. A request retried on a fresh connection counts once.
   */
  readonly requestBytes: number;
  /**
   * Set on a 3xx whose Location has a scheme the caller asked to follow
   * itself (`handOffSchemes`): the absolute URL (with any user:password the
   * server put in it) and the method the next hop would use. The body is
   * already cancelled.
   */
  readonly handOff: { url: string; method: string } | undefined;
  readonly body: BodyStream;
  readonly #wire: BodyWire | undefined;

  constructor(init: HttpResponseInit) {
    this.url = init.url;
    this.status = init.status;
    this.statusText = init.statusText;
    this.httpVersion = init.httpVersion;
    this.headers = init.headers;
    this.rawHead = init.rawHead;
    this.redirects = init.redirects;
    this.history = init.history ?? [];
    this.requestBytes = init.requestBytes ?? 0;
    this.handOff = init.handOff;
    this.body = init.body;
    this.#wire = init.wire;
  }

  /**
   * The trailer fields that followed a chunked body (obs-fold unfolded, as
   * the head's): there once the connection has received the body's end — at
   * the latest when the body has been read to its end; undefined before
   * then, and when there were none.
   */
  get trailers(): HeaderList | undefined {
    return this.#wire?.fields;
  }

  /** The trailer section's lines as received, without their line ends (what curl -i prints after the body); empty until the body's end has arrived. */
  get trailerLines(): readonly string[] {
    return this.#wire?.lines ?? [];
  }

  /**
   * Body bytes received off the wire so far: without chunked framing, and
   * before `decompress` undoes a content coding, so for a compressed body
   * the compressed size (curl's `size_download`). 0 for a response not read
   * off the wire.
   */
  get receivedBytes(): number {
    return this.#wire?.received ?? 0;
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
