/**
 * Small streaming adapters the scheme openers share: a body from one buffer,
 * a request body as chunks, a byte range cut from a stream, a size bound,
 * progress reports, and a body whose end ends its session.
 *
 * @module
 */
import { LimitError } from '../errors.js';
import type { OpenBody, OpenOptions, Progress } from './types.js';

/** A body of one chunk (none when empty). */
export async function* onceBody(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  if (bytes.length > 0) yield bytes;
}

/** A caller's request body (text as UTF-8, bytes, or a stream) as a stream of chunks. */
export async function* requestChunks(src: OpenBody): AsyncGenerator<Uint8Array, void, undefined> {
  if (typeof src === 'string') yield Buffer.from(src, 'utf8');
  else if (src instanceof Uint8Array) yield src;
  else yield* src as AsyncIterable<Uint8Array>;
}

/**
 * Passes on a body read from a session that ends with it: read to its end,
 * the session is left politely (`quit`, whose failure no longer matters);
 * failed or left early, it is dropped (`close`) rather than waited for.
 * Errors pass through `translate` (the operation's deadline).
 */
export async function* sessionBody(
  body: AsyncIterable<Uint8Array>,
  session: { quit(): Promise<unknown>; close(): Promise<unknown> },
  translate: (e: unknown) => unknown,
): AsyncGenerator<Uint8Array, void, undefined> {
  let read = false;
  try {
    yield* body;
    read = true;
  } catch (e) {
    throw translate(e);
  } finally {
    if (read) await session.quit().catch(() => {});
    else await session.close();
  }
}

/**
 * Keeps bytes `start..end` (inclusive) of a stream, for schemes that cannot
 * seek (gopher): the skipped bytes are still read, but never passed on, so a
 * resumed download writes only what it is missing.
 */
export async function* sliceBody(
  body: AsyncIterable<Uint8Array>,
  range: { start: number; end?: number | undefined },
): AsyncGenerator<Uint8Array, void, undefined> {
  let pos = 0;
  const stop = range.end === undefined ? Infinity : range.end + 1;
  for await (const chunk of body) {
    const from = Math.max(0, range.start - pos);
    const to = Math.min(chunk.length, stop - pos);
    pos += chunk.length;
    if (to > from) yield chunk.subarray(from, to);
    if (pos >= stop) return;
  }
}

/** Passes a stream on, throwing a LimitError once it has grown past `max` bytes. */
export async function* limitBody(
  body: AsyncIterable<Uint8Array>,
  max: number,
  protocol: string,
): AsyncGenerator<Uint8Array, void, undefined> {
  let n = 0;
  for await (const chunk of body) {
    n += chunk.length;
    if (n > max) throw new LimitError(`the body exceeded maxBodySize (${max} bytes)`, { limit: max, phase: 'body', protocol });
    yield chunk;
  }
}

/** Reports download progress as the stream is read, and once more at its end. */
export async function* progressBody(
  body: AsyncIterable<Uint8Array>,
  total: number | undefined,
  onProgress: (p: Progress) => void,
): AsyncGenerator<Uint8Array, void, undefined> {
  let transferred = 0;
  for await (const chunk of body) {
    transferred += chunk.length;
    onProgress({ direction: 'download', transferred, total });
    yield chunk;
  }
}

/** Wraps a body with the range, size bound and progress the options ask for, in that order. */
export function shapeBody(
  body: AsyncIterable<Uint8Array>,
  options: Pick<OpenOptions, 'range' | 'maxBodySize' | 'onProgress'>,
  protocol: string,
  total: number | undefined,
): AsyncIterable<Uint8Array> {
  let out = body;
  if (options.range) out = sliceBody(out, options.range);
  if (options.maxBodySize !== undefined) out = limitBody(out, options.maxBodySize, protocol);
  if (options.onProgress) out = progressBody(out, total, options.onProgress);
  return out;
}

/** Checks a caller's byte range; returns it or throws the InputError. */
export function checkRange(range: OpenOptions['range'], make: (msg: string) => Error): { start: number; end?: number | undefined } | undefined {
  if (!range) return undefined;
  const ok = Number.isSafeInteger(range.start) && range.start >= 0 && (range.end === undefined || (Number.isSafeInteger(range.end) && range.end >= range.start));
  if (!ok) throw make(`bad byte range ${JSON.stringify(range)}`);
  return range;
}
