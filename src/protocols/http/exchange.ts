import type { Tracer } from '../../trace.js';
import type { BodyStream } from './body-stream.js';
import type { HeaderList } from './core/headers.js';
import { serializeHead, type HttpVersion, type RequestFraming } from './core/request.js';
import type { HttpLimits } from './core/response-parser.js';
import type { PreparedBody } from './request-body.js';
import type { HttpConnection } from './connection.js';

/** How far a transfer has got; `total` is undefined when unknown. */
export interface HttpProgress {
  direction: 'upload' | 'download';
  transferred: number;
  total: number | undefined;
}

/** One request as the connection sends it: everything already validated and resolved. */
export interface Exchange {
  method: string;
  /** The request-target: origin-form `/path?q`, or absolute-form through a forward proxy. */
  target: string;
  /** The Host header value. */
  host: string;
  /** The request line's version (default 1.1). After an HTTP/1.0 request the connection is not used again. */
  version?: HttpVersion | undefined;
  headers: HeaderList;
  body: PreparedBody;
  /** The head already serialised (by {@link serializeExchangeHead}), so input errors surface before a connection is chosen. */
  head?: Buffer | undefined;
  /** Send the head, then wait for 100 Continue (or `continueTimeout`) before the body. */
  expectContinue?: boolean | undefined;
  /** How long to wait for 100 Continue before sending the body anyway (default 1000 ms). */
  continueTimeout?: number | undefined;
  /** Accept an HTTP/0.9 response (no status line); see the parser's ResponseOptions. */
  http09?: boolean | undefined;
  /** Read the body to the close, its Content-Length ignored; see the parser's ResponseOptions. */
  ignoreContentLength?: boolean | undefined;
  /** A chunked body's bytes as they came, framing and all; see the parser's ResponseOptions. */
  raw?: boolean | undefined;
  signal?: AbortSignal | undefined;
  /** Bound from the end of sending to the response head, ms; and on each write of the request while the server takes nothing. */
  headersTimeout?: number | undefined;
  /** Bound on the silence between two pieces of the body, ms. */
  bodyTimeout?: number | undefined;
  /** Bytes of body accepted before a LimitError. */
  maxBodySize?: number | undefined;
  trace?: Tracer | undefined;
  onUploadProgress?: ((p: HttpProgress) => void) | undefined;
  onDownloadProgress?: ((p: HttpProgress) => void) | undefined;
  /** Bytes a body may queue unread before reading pauses (default 1 MiB). */
  highWaterMark?: number | undefined;
}

/** The response to one exchange: its head and a streaming body. */
export interface ExchangeResponse {
  status: number;
  reason: string;
  version: '0.9' | '1.0' | '1.1';
  headers: HeaderList;
  contentLength: number | undefined;
  /** Transfer codings other than chunked still on the body bytes, in the order applied (usually empty). */
  transferCodings: string[];
  body: BodyStream;
  /** Whether the connection had carried an earlier request. */
  reused: boolean;
  /** The interim (1xx) answers that came before this head, in order — 100 Continue, 103 Early Hints; undefined when none. */
  interim?: InterimHead[] | undefined;
  /** The head as received (see ResponseHead.raw); undefined for a response not read off the wire. */
  raw?: string | undefined;
  /** What the connection learns of the body on the wire as it comes (shared, so a decoded body's response sees it too). */
  wire?: BodyWire | undefined;
}

/** A response body as it came off the wire, kept up to date by the connection. */
export interface BodyWire {
  /** Body bytes received so far: chunked framing removed, any content coding still on (curl's size_download). */
  received: number;
  /** At the end of a chunked body, its trailer fields, when there were any. */
  fields?: HeaderList | undefined;
  /** The trailer lines as received, without line ends. */
  lines?: string[] | undefined;
}

/** An interim (1xx) response's head; the parser bounds how many one response may have. */
export interface InterimHead {
  status: number;
  reason: string;
  /** Its own status line's version: a front server may answer 1xx in another than the final head's. */
  version: '1.0' | '1.1';
  headers: HeaderList;
  /** The head as received. */
  raw: string;
}

/** Connection-wide settings. */
export interface ConnectionOptions {
  limits?: Partial<HttpLimits> | undefined;
  /** Subtracted from a server's `Keep-Alive: timeout` so we never race its close (default 1000 ms). */
  keepAliveMargin?: number | undefined;
  /** Bytes of an abandoned body read and thrown away to save the connection (default 64 KiB). */
  drainCap?: number | undefined;
  /** Called when the connection can take another request. */
  onFree?: ((c: HttpConnection) => void) | undefined;
  /** Called once when the connection is closed for good. */
  onClose?: ((c: HttpConnection) => void) | undefined;
  /** For messages: `host:port`. */
  label?: string | undefined;
  /**
   * Over a dialtone Socket, take its node:net 'data' events straight into the
   * parser instead of a recv() loop (default true): no promise per chunk.
   */
  rawRead?: boolean | undefined;
  /**
   * How long a pipelined request, once at the front, waits for the first
   * byte of its response before the connection is given up (default
   * 10,000 ms). A server that ignores pipelined requests answers the first
   * and then says nothing; the requests behind are failed as retryable, so
   * the pool sends them again on a new connection (and stops pipelining to
   * that origin). Never longer than the request's own `headersTimeout`.
   */
  pipelineStall?: number | undefined;
}


/** Where one exchange is on its connection. */
export type Stage = 'sending' | 'waiting' | 'body' | 'done';

/** One exchange in a connection's queue (internal to the connection and its sender). */
export interface Entry {
  x: Exchange;
  head: Buffer;
  stage: Stage;
  reused: boolean;
  /** Written while an earlier request on the connection was still unanswered (pipelined). */
  behind: boolean;
  resolve(r: ExchangeResponse): void;
  reject(e: Error): void;
  body: BodyStream | undefined;
  total: number | undefined;
  received: number;
  sendDone: boolean;
  skipBody: boolean;
  gate: (() => void) | undefined;
  discarding: boolean;
  discarded: number;
  onAbort: (() => void) | undefined;
  /** The 1xx heads received for this request so far. */
  interim: InterimHead[] | undefined;
  /** The response's body as received, from its head on. */
  wire: BodyWire | undefined;
}

/** A request's entry as it joins a connection's queue: not yet sent, nothing received. */
export function newEntry(
  x: Exchange,
  head: Buffer,
  reused: boolean,
  behind: boolean,
  resolve: (r: ExchangeResponse) => void,
  reject: (e: Error) => void,
): Entry {
  return {
    x,
    head,
    stage: 'sending',
    reused,
    behind,
    resolve,
    reject,
    body: undefined,
    total: undefined,
    received: 0,
    sendDone: false,
    skipBody: false,
    gate: undefined,
    discarding: false,
    discarded: 0,
    onAbort: undefined,
    interim: undefined,
    wire: undefined,
  };
}

/** The request head for `x`; throws InputError for an unsafe method, target or header. */
export function serializeExchangeHead(x: Exchange): Buffer {
  return serializeHead(x.method, x.target, x.host, x.headers, framingOf(x.body, x.method), x.version);
}

const NO_FRAMING: RequestFraming = { kind: 'none' };
const EMPTY_CONTENT: RequestFraming = { kind: 'length', length: 0 };
/** Methods whose request content has a meaning: sent without a body, they still say Content-Length: 0. */
const CONTENT_METHODS = new Set(['POST', 'PUT', 'PATCH']);

function framingOf(body: PreparedBody, method: string): RequestFraming {
  // RFC 9110 §8.6: a user agent SHOULD send Content-Length for such a method even when the content
  // is empty (undici and node:http do; servers and proxies answer a bare POST with 411 Length Required).
  if (body.kind === 'none') return CONTENT_METHODS.has(method) ? EMPTY_CONTENT : NO_FRAMING;
  if (body.kind === 'bytes') return { kind: 'length', length: body.data.length };
  return body.length === undefined ? { kind: 'chunked' } : { kind: 'length', length: body.length };
}

/** The phase an exchange's failure belongs to. */
export function phaseOf(entry: Entry): string {
  if (entry.stage === 'sending') return 'send';
  if (entry.stage === 'waiting') return 'headers';
  return 'body';
}
