/**
 * Streaming decoding of Content-Encoding (and leftover Transfer-Encoding)
 * stacks: gzip/x-gzip, deflate (zlib-wrapped or raw, detected), br and
 * identity, over node:zlib, pull-driven so nothing is inflated much ahead of
 * the reader, and bounded against decompression bombs.
 */
import type * as zlib from 'node:zlib';
import type { Transform } from 'node:stream';
import { DialError, InputError, LimitError, ProtocolError } from '../../errors.js';
import { nodeZlib } from '../../util/builtins.js';
import { listTokens, trimOws } from './core/headers.js';

/** Bounds on a decoding. Every field is optional; see {@link DEFAULT_DECODE_LIMITS}. */
export interface DecodeLimits {
  /**
   * Most codings in one stack, `identity` included (default 3). An unbounded
   * stack costs one decompressor each and multiplies bomb ratios (undici's
   * CVE-2026-22036).
   */
  maxCodings?: number;
  /**
   * Most bytes any stage may produce (default 1 GiB): a hard cap under the
   * ratio check. Raise it (or pass Infinity) for huge compressed downloads.
   */
  maxDecodedSize?: number;
  /**
   * Most decoded bytes per encoded byte received (default 1000). gzip and
   * deflate top out near 1032:1 on constant input, so real content stays
   * below; a bomb (brotli reaches millions to one, stacked gzip 10^6) does not.
   */
  maxRatio?: number;
  /** Decoded bytes allowed before the ratio is checked (default 1 MiB), so small, very compressible bodies pass. */
  ratioGrace?: number;
}

/** The defaults of {@link DecodeLimits}. */
export const DEFAULT_DECODE_LIMITS: Readonly<Required<DecodeLimits>> = Object.freeze({
  maxCodings: 3,
  maxDecodedSize: 1024 * 1024 * 1024,
  maxRatio: 1000,
  ratioGrace: 1024 * 1024,
});

/** The codings {@link decodeBody} can undo, for an Accept-Encoding request header. */
export const ACCEPT_ENCODING = 'gzip, deflate, br';

type Coding = 'gzip' | 'deflate' | 'br';

const KNOWN: Readonly<Record<string, Coding | 'identity'>> = Object.freeze({
  __proto__: null,
  gzip: 'gzip',
  'x-gzip': 'gzip',
  deflate: 'deflate',
  br: 'br',
  identity: 'identity',
} as unknown as Record<string, Coding | 'identity'>);

/**
 * Splits a Content-Encoding value into its codings, lower-cased, in the
 * order the server applied them (so decoding runs from the last). Empty list
 * elements are skipped; null or empty gives [].
 */
export function parseContentEncoding(value: string | null): string[] {
  return listTokens(value);
}

/** True when {@link decodeBody} knows `coding` (case-insensitive). */
export function isSupportedCoding(coding: string): boolean {
  return KNOWN[trimOws(coding).toLowerCase()] !== undefined;
}

/**
 * Decodes `body` through `codings` (as listed in the header, in the order
 * they were applied; decoding undoes them last first). The result is pulled
 * lazily: each read of it reads the source only when every stage has handed
 * on what it already produced, so at most about one zlib buffer (64 KiB) per
 * stage is decoded ahead of the reader.
 *
 * Checks made at once, throwing synchronously before anything is read: more
 * than `maxCodings` codings → LimitError; an unknown coding → ProtocolError.
 * While reading: corrupt or truncated data → ProtocolError (with the zlib
 * error as `cause`); any stage producing more than `maxDecodedSize`, or more
 * than `maxRatio` times the encoded bytes read once past `ratioGrace` →
 * LimitError. An empty body decodes to an empty body whatever the codings (a
 * common sight on redirects). With no coding but identity, `body` itself is
 * returned.
 *
 * Leaving the loop early, or an error, destroys every zlib stream and calls
 * `return()` on the source (which, for a response body, cancels it). A
 * `return()` issued while a read is still pending waits for that read, as
 * for any async generator; to cut a stalled read short, cancel the source.
 *
 * The bounds stop bombs, not big bodies: a level-1 gzip stream of zeros
 * expands about 230:1 and passes the ratio check, so a caller that buffers
 * a whole body should also cap it (as `BodyStream.bytes(maxBytes)` does).
 */
export function decodeBody(body: AsyncIterable<Buffer>, codings: readonly string[], limits: DecodeLimits = {}): AsyncIterable<Buffer> {
  const lim = resolveLimits(limits);
  if (codings.length > lim.maxCodings)
    throw new LimitError(`${codings.length} content codings; at most ${lim.maxCodings} are decoded`, { limit: lim.maxCodings, protocol: 'http', phase: 'body' });
  const plan: Coding[] = [];
  for (const raw of codings) {
    const c = KNOWN[trimOws(raw).toLowerCase()];
    if (c === undefined) throw new ProtocolError(`unsupported content coding ${JSON.stringify(raw.slice(0, 40))}`, { code: 'DIAL_E_DECODE', protocol: 'http', phase: 'body' });
    if (c !== 'identity') plan.push(c);
  }
  if (plan.length === 0) return body;
  return run(body, plan.reverse(), lim);
}

function resolveLimits(limits: DecodeLimits): Required<DecodeLimits> {
  const lim = { ...DEFAULT_DECODE_LIMITS };
  for (const k of Object.keys(lim) as (keyof DecodeLimits)[]) {
    const v = limits[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || Number.isNaN(v) || v < 0) throw new InputError(`decode limit ${k} must be a non-negative number, not ${String(v)}`, { protocol: 'http' });
    lim[k] = v;
  }
  return lim;
}

async function* run(body: AsyncIterable<Buffer>, plan: Coding[], lim: Required<DecodeLimits>): AsyncGenerator<Buffer, void, undefined> {
  const source = new Source(body[Symbol.asyncIterator]());
  const stages: Stage[] = [];
  let upstream: AsyncIterator<Buffer> = source;
  for (const coding of plan) {
    const s = new Stage(coding, upstream, source, lim);
    stages.push(s);
    upstream = s;
  }
  const last = stages[stages.length - 1]!;
  try {
    for (;;) {
      const r = await last.next();
      if (r.done) return;
      yield r.value;
    }
  } finally {
    for (const s of stages) s.destroy();
    await source.close();
  }
}

/** The encoded bytes as they arrive, counted for the ratio check. */
class Source implements AsyncIterator<Buffer> {
  bytes = 0;
  #done = false;
  constructor(private readonly it: AsyncIterator<Buffer>) {}

  async next(): Promise<IteratorResult<Buffer>> {
    const r = await this.it.next();
    if (r.done) this.#done = true;
    else this.bytes += r.value.length;
    return r;
  }

  /** Tells an unfinished source that nobody will read on; its own failure to stop is not ours to report. */
  async close(): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    try {
      await this.it.return?.();
    } catch {
      // The decoding already ended (or failed) for a reason of its own.
    }
  }
}

// zlib's output piece and read-ahead per stage: large enough that the per-piece promise
// round trip stays cheap, small enough that "ahead of the reader" stays small.
const CHUNK = 64 * 1024;

const DONE: IteratorResult<Buffer> = { value: undefined, done: true };

/**
 * One decompressor, driven by pulls: it reads its upstream only when its zlib
 * stream has consumed everything written so far and has nothing left to hand
 * out. zlib itself stops inflating a chunk while its readable side is full,
 * so a small input chunk of a bomb does not balloon in memory either.
 */
class Stage implements AsyncIterator<Buffer> {
  #z: (Transform & zlib.Zlib) | undefined;
  #head: Buffer | undefined;
  #pending = 0;
  #inputDone = false;
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | undefined;
  #out = 0;

  constructor(
    private readonly coding: Coding,
    private readonly upstream: AsyncIterator<Buffer>,
    private readonly source: Source,
    private readonly lim: Required<DecodeLimits>,
  ) {}

  async next(): Promise<IteratorResult<Buffer>> {
    for (;;) {
      if (this.#error) throw this.#error;
      const z = this.#z;
      if (z) {
        const chunk = z.read() as Buffer | null;
        if (chunk !== null) {
          this.#count(chunk.length);
          return { value: chunk, done: false };
        }
        if (this.#ended) return DONE;
      } else if (this.#inputDone) return DONE;
      if (this.#pending === 0 && !this.#inputDone) {
        await this.#pull();
        continue;
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
  }

  destroy(): void {
    this.#z?.destroy();
    this.#wake = undefined;
  }

  #poke = (): void => {
    const w = this.#wake;
    this.#wake = undefined;
    w?.();
  };

  #count(n: number): void {
    this.#out += n;
    const { maxDecodedSize, maxRatio, ratioGrace } = this.lim;
    if (this.#out > maxDecodedSize)
      throw new LimitError(`${this.coding} content decodes to more than ${maxDecodedSize} bytes`, { limit: maxDecodedSize, protocol: 'http', phase: 'body' });
    if (this.#out > ratioGrace && this.#out > maxRatio * this.source.bytes)
      throw new LimitError(`${this.coding} content expands more than ${maxRatio}:1 (a decompression bomb?)`, { limit: maxRatio, protocol: 'http', phase: 'body' });
  }

  async #pull(): Promise<void> {
    const r = await this.upstream.next();
    if (r.done) {
      this.#inputDone = true;
      if (this.#head) {
        // One lone byte cannot be a whole deflate stream of either kind.
        this.#open(this.#head);
        this.#write(this.#head);
      }
      this.#z?.end();
      return;
    }
    let chunk = r.value;
    if (chunk.length === 0) return;
    if (!this.#z) {
      if (this.coding === 'deflate') {
        // Two bytes tell a zlib header (RFC 1950) from raw deflate (RFC 1951).
        if (this.#head) chunk = Buffer.concat([this.#head, chunk]);
        if (chunk.length < 2) {
          this.#head = chunk;
          return;
        }
        this.#head = undefined;
      }
      this.#open(chunk);
    }
    this.#write(chunk);
  }

  #open(first: Buffer): void {
    const o = { chunkSize: CHUNK, highWaterMark: CHUNK };
    const z = (this.coding === 'gzip'
      ? nodeZlib().createGunzip(o)
      : this.coding === 'br'
        ? nodeZlib().createBrotliDecompress(o)
        : isZlibHeader(first)
          ? nodeZlib().createInflate(o)
          : nodeZlib().createInflateRaw(o)) as unknown as Transform & zlib.Zlib;
    z.on('readable', this.#poke);
    z.on('end', () => {
      this.#ended = true;
      this.#poke();
    });
    z.on('error', (err: Error) => {
      this.#error ??= err instanceof DialError ? err : new ProtocolError(`corrupt ${this.coding} content: ${err.message}`, { code: 'DIAL_E_DECODE', cause: err, protocol: 'http', phase: 'body' });
      this.#poke();
    });
    this.#z = z;
  }

  #write(chunk: Buffer): void {
    this.#pending++;
    this.#z!.write(chunk, () => {
      this.#pending--;
      this.#poke();
    });
  }
}

/** RFC 1950: CM = 8, a window of at most 32 KiB, and the check bits making CMF·256 + FLG a multiple of 31. */
function isZlibHeader(b: Buffer): boolean {
  const cmf = b[0]!;
  const flg = b[1]!;
  return (cmf & 0x0f) === 8 && cmf >> 4 <= 7 && ((cmf << 8) | flg) % 31 === 0;
}
