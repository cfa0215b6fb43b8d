import { DialError, InputError } from '../../errors.js';

/**
 * A request body made ready for the wire: no body, bytes known in advance
 * (replayable, so a request carrying them may be retried or redirected), or a
 * stream read once (sent chunked unless its length is declared).
 */
export type PreparedBody =
  | { kind: 'none' }
  | { kind: 'bytes'; data: Uint8Array }
  | { kind: 'stream'; source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>; length: number | undefined; reopen?: BodyFactory | undefined };

/** Makes a streamed body afresh (a file opened again), for a hop that must send it a second time. */
export type BodyFactory = () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Anything `request()` accepts as a body. */
export type BodyInit = string | Uint8Array | ArrayBuffer | URLSearchParams | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

const NONE: PreparedBody = { kind: 'none' };

/**
 * Normalises a caller's body. Returns the body and the Content-Type it implies
 * (only for JSON and form bodies, whose type is unambiguous).
 */
export function prepareBody(body: BodyInit | undefined | null, json: unknown, declaredLength: number | undefined): { body: PreparedBody; contentType: string | undefined } {
  if (json !== undefined) {
    if (body !== undefined && body !== null) throw new InputError('pass either body or json, not both', { protocol: 'http', phase: 'send' });
    const text = JSON.stringify(json);
    if (text === undefined) throw new InputError('json body does not serialise to JSON', { protocol: 'http', phase: 'send' });
    return { body: { kind: 'bytes', data: Buffer.from(text, 'utf8') }, contentType: 'application/json' };
  }
  if (body === undefined || body === null) return { body: NONE, contentType: undefined };
  if (typeof body === 'string') return { body: { kind: 'bytes', data: Buffer.from(body, 'utf8') }, contentType: undefined };
  if (body instanceof Uint8Array) return { body: { kind: 'bytes', data: body }, contentType: undefined };
  if (body instanceof ArrayBuffer) return { body: { kind: 'bytes', data: new Uint8Array(body) }, contentType: undefined };
  if (body instanceof URLSearchParams)
    return { body: { kind: 'bytes', data: Buffer.from(body.toString(), 'utf8') }, contentType: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (typeof body === 'object' && (Symbol.asyncIterator in body || Symbol.iterator in body)) {
    holdErrors(body);
    return { body: { kind: 'stream', source: body, length: declaredLength }, contentType: undefined };
  }
  throw new InputError(`unsupported body type ${typeof body}`, { protocol: 'http', phase: 'send' });
}

/** True when the body can be sent again (retry, 307/308 redirect, Digest challenge). */
export function isReplayable(body: PreparedBody): boolean {
  return body.kind !== 'stream';
}

/**
 * The body to send again on a redirect that keeps it: bytes as they are, a
 * stream made afresh by its `reopen` factory (same declared length), or
 * undefined for a stream that has none — it cannot be sent a second time.
 */
export function resendBody(body: PreparedBody): PreparedBody | undefined {
  if (body.kind !== 'stream') return body;
  if (!body.reopen) return undefined;
  const source = body.reopen();
  holdErrors(source);
  return { kind: 'stream', source, length: body.length, reopen: body.reopen };
}

/** The body's length when known. */
export function bodyLength(body: PreparedBody): number | undefined {
  if (body.kind === 'none') return 0;
  if (body.kind === 'bytes') return body.data.length;
  return body.length;
}

/**
 * A Node stream body is read only once a connection is ready, and one that
 * fails before (a file stream opening a missing path) emits 'error' with no
 * listener: the process would die of it. A listener from the start keeps the
 * error on the stream, whose iterator then throws it when sending begins.
 */
function holdErrors(body: object): void {
  const e = body as { on?: unknown };
  if (typeof e.on === 'function') (e.on as (ev: string, fn: () => void) => unknown).call(body, 'error', ignore);
}

const ignore = (): void => {};

/**
 * Lets go of a streamed body that will not be read to its end (the request
 * failed before sending it, or the server answered before it was wanted): a
 * Node stream is destroyed — a file stream would otherwise hold its
 * descriptor — and an iterator is told to return. Anything else, and a
 * stream already read, is left as it is.
 */
export function releaseBody(body: unknown): void {
  if (typeof body !== 'object' || body === null || body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof URLSearchParams) return;
  const s = body as { destroy?: unknown; next?: unknown; return?: unknown };
  try {
    if (typeof s.destroy === 'function') (s.destroy as () => void).call(body);
    else if (typeof s.next === 'function' && typeof s.return === 'function') {
      const r: unknown = (s.return as () => unknown).call(body);
      if (typeof (r as PromiseLike<unknown> | undefined)?.then === 'function') (r as PromiseLike<unknown>).then(undefined, ignore);
    }
  } catch {
    // The caller's source failing to stop is no reason to hide the request's own outcome.
  }
}

/**
 * Turns a sync or async iterable into an async iterator of Uint8Array,
 * checking each item. The source's own failure (a file that cannot be read)
 * is the caller's input failing, not the network: an InputError with the
 * source's error as its cause.
 */
export async function* chunksOf(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    for await (const chunk of source as AsyncIterable<unknown>) {
      if (typeof chunk === 'string') yield Buffer.from(chunk, 'utf8');
      else if (chunk instanceof Uint8Array) yield chunk;
      else throw new InputError('a streamed request body must yield Uint8Array or string chunks', { protocol: 'http', phase: 'send' });
    }
  } catch (err) {
    // Only the source's failures land here: an error of the consumer's loop body ends this generator through return(), not throw.
    if (err instanceof DialError) throw err;
    throw new InputError(`reading the request body failed: ${err instanceof Error ? err.message : String(err)}`, { protocol: 'http', phase: 'send', cause: err });
  }
}
