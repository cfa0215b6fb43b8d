/**
 * The shapes the response parser hands out: the events of a response, the
 * final head, and the per-response options a request may ask for.
 *
 * @module
 */
import type { HeaderList } from './headers.js';

/** How the body of a response is delimited (RFC 9112 §6.3). */
export type BodyKind = 'none' | 'length' | 'chunked' | 'close' | 'upgrade';

/** The final response's head. */
export interface ResponseHead {
  type: 'head';
  status: number;
  reason: string;
  /** '0.9' for a response without a status line, accepted only when its request allowed it (see {@link ResponseOptions}). */
  version: '0.9' | '1.0' | '1.1';
  headers: HeaderList;
  bodyKind: BodyKind;
  /** The Content-Length, when the body is length-delimited. */
  contentLength: number | undefined;
  /**
   * Transfer codings still applied to the body bytes, in the order the
   * server applied them (chunked, which the parser removes, is not listed).
   * Usually empty; `Transfer-Encoding: gzip, chunked` gives `['gzip']`. Decode
   * them like content codings (see decode.ts) before the content codings.
   */
  transferCodings: string[];
  /** Whether the connection may carry another request after this response. */
  keepAlive: boolean;
  /** The head as received, status line through blank line, line ends as sent (what curl -i prints). */
  raw: string;
}

/** How one expected response may be read, beyond RFC 9112 (curl's options of the same names). */
export interface ResponseOptions {
  /** Accept a response without a status line (HTTP/0.9): the body from the first byte, to the close. Default: refused. */
  http09?: boolean | undefined;
  /** Read a body that has a Content-Length to the close instead, its length ignored (curl --ignore-content-length). */
  ignoreContentLength?: boolean | undefined;
  /**
   * Hand a chunked body on as it came — chunk-size lines, CRLFs, the last
   * chunk and its trailers — while still finding its end by the chunked
   * framing (curl --raw). The `end` event then carries no trailers.
   */
  raw?: boolean | undefined;
}

/** Events the parser yields, in order, for each response. */
export type ResponseEvent =
  | { type: 'informational'; status: number; reason: string; version: '1.0' | '1.1'; headers: HeaderList; raw: string }
  | ResponseHead
  | { type: 'data'; bytes: Buffer }
  | { type: 'end'; trailers: HeaderList | undefined; keepAlive: boolean; trailerLines?: string[] | undefined }
  | { type: 'upgrade'; rest: Buffer };
