/**
 * The response of a scheme that has no status of its own to report (file,
 * data, gopher, the mail and news readers): 200 OK, or 206 Partial Content
 * when the caller asked for a byte range — and, where the whole body's size
 * is known before it is read, the Content-Length of the part served and its
 * Content-Range, written as HTTP writes them so a resuming client reads every
 * scheme alike.
 *
 * @module
 */
import { onceBody } from './body.js';
import { UrlHeaders } from './headers.js';
import { UrlResponse, type UrlResponseInit } from './response.js';
import type { OpenOptions } from './types.js';

/** A byte range as the caller gives it: first byte and optional last byte, inclusive. */
export type ByteRange = NonNullable<OpenOptions['range']>;

/** The bytes a range keeps of a body: `start` up to `end` (exclusive), and how many that is. */
export interface RangeSpan {
  start: number;
  end: number;
  length: number;
}

/**
 * Where `range` falls in a body of `size` bytes: its end is clamped to the
 * body, and a start at or past the end keeps nothing (length 0). Without a
 * range, the whole body.
 */
export function rangeSpan(range: ByteRange | undefined, size: number): RangeSpan {
  const start = range?.start ?? 0;
  const end = Math.min(size, range?.end === undefined ? size : range.end + 1);
  return { start, end, length: Math.max(0, end - start) };
}

/** What {@link byteResponse} takes: a {@link UrlResponseInit} whose status follows from `range`. */
export interface ByteResponseInit extends Omit<UrlResponseInit, 'status' | 'statusText' | 'headers' | 'body'> {
  /** The range the caller asked for (already applied to `body`): the status is then 206, else 200. */
  range?: ByteRange | undefined;
  /**
   * The whole body's size, when known before it is read: Content-Length is
   * set to the bytes `range` keeps of it (all of them without a range) and,
   * with a range, Content-Range to `bytes first-last/size`.
   */
  size?: number | undefined;
  /** Headers of the scheme's own (Content-Type, Last-Modified…); the ones above are added to them. */
  headers?: UrlHeaders | undefined;
  /** The body: one buffer, or a stream. */
  body: Uint8Array | AsyncIterable<Uint8Array>;
}

/** A {@link UrlResponse} with the status and length headers of a byte body (see the module notes). */
export function byteResponse(init: ByteResponseInit): UrlResponse {
  const { range, size, headers = new UrlHeaders(), body, ...rest } = init;
  if (size !== undefined) {
    const span = rangeSpan(range, size);
    headers.set('Content-Length', String(span.length));
    // A span that keeps nothing still names its first byte, never a last byte before it.
    if (range) headers.set('Content-Range', `bytes ${span.start}-${Math.max(span.start, span.end - 1)}/${size}`);
  }
  return new UrlResponse({
    ...rest,
    status: range ? 206 : 200,
    statusText: range ? 'Partial Content' : 'OK',
    headers,
    body: body instanceof Uint8Array ? onceBody(body) : body,
  });
}
