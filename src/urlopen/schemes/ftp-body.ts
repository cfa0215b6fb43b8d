/**
 * The body of an ftp: retrieval as urlopen hands it out. It can be read two
 * ways — iterated, or consumed (`UrlResponse.consume` calls its `consume`,
 * which runs on {@link Download.consume}: each read of the data connection
 * goes to the sink during node's read callback, with no promise or copy per
 * chunk) — and both go through the same pieces: {@link BodyCut} for the range
 * end and the size bound, one error translation, and one end of the session
 * (parked for the next URL, or left).
 *
 * @module
 */
import { LimitError, ProtocolError } from '../../errors.js';
import type { Download } from '../../protocols/ftp/transfer.js';

/** What a body needs beyond its download. */
export interface FtpBodyOptions {
  /** Bytes to pass on before the transfer is stopped (ABOR): a range's length; undefined for all. */
  length: number | undefined;
  /** A LimitError once more than this many bytes were passed on. */
  maxBodySize: number | undefined;
  /** Maps the transfer's errors to the operation's (the deadline's abort becomes a TimeoutError). */
  translate: (e: unknown) => unknown;
  /**
   * Ends the session once the body is over: `clean` when the transfer ended
   * with its final reply (the session can serve the next URL).
   */
  end: (clean: boolean) => Promise<void>;
}

/** An FTP body: an async iterable of chunks, with the fast `consume(sink)` UrlResponse.consume looks for. */
export interface FtpBody extends AsyncIterable<Uint8Array> {
  /**
   * Hands every chunk to `sink` during the call (a view of the read buffer:
   * copy what you keep); a returned promise stops reading until it settles.
   * Resolves with the bytes given to the sink.
   */
  consume(sink: (chunk: Uint8Array) => unknown): Promise<number>;
}

/**
 * The range end and the size bound, applied chunk by chunk the same way
 * whichever way the body is read: first the part of a chunk before the
 * range's end is kept, then the bytes kept so far are checked against
 * `maxBodySize` (so a bound covers the bytes the caller asked for).
 */
export class BodyCut {
  #left: number;
  #passed = 0;
  readonly #max: number | undefined;

  constructor(length: number | undefined, max: number | undefined) {
    this.#left = length ?? Infinity;
    this.#max = max;
  }

  /** True once the range's last byte has been passed on: stop the transfer. */
  get full(): boolean {
    return this.#left === 0;
  }

  /** The part of `chunk` to pass on (maybe empty); throws the LimitError past the bound, before the bytes are passed on. */
  take(chunk: Uint8Array): Uint8Array {
    const part = chunk.length <= this.#left ? chunk : chunk.subarray(0, this.#left);
    this.#left -= part.length;
    this.#passed += part.length;
    const max = this.#max;
    if (max !== undefined && this.#passed > max) {
      throw new LimitError(`the body exceeded maxBodySize (${max} bytes)`, { limit: max, phase: 'body', protocol: 'ftp' });
    }
    return part;
  }
}

/** What a sink throws to stop the transfer at the range's end (never seen outside this module). */
const RANGE_DONE: unique symbol = Symbol('range done');

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as PromiseLike<unknown> | null | undefined)?.then === 'function';
}

/**
 * The body of `download`, read once either way. Errors from the transfer go
 * through `translate`; the cut's LimitError and the caller's own errors (what
 * a sink throws) pass as they are. Stopping early — the range's end, the
 * bound, a failing sink, a consumer that leaves the loop — stops the
 * transfer with ABOR (the download does that), and the session is then left,
 * as it is whenever the final reply was not read.
 */
export function ftpBody(download: Download, options: FtpBodyOptions): FtpBody {
  const { translate } = options;
  const cut = new BodyCut(options.length, options.maxBodySize);
  let way: 'iterate' | 'consume' | undefined;
  let iterator: AsyncGenerator<Uint8Array, void, undefined> | undefined;
  /** The session's end, once, after the download has finished either way. */
  let ended: Promise<void> | undefined;
  const end = (): Promise<void> => (ended ??= options.end(download.finalReply !== undefined));
  const twice = () => new ProtocolError('an ftp body can be read only once', { protocol: 'ftp' });

  async function* iterate(): AsyncGenerator<Uint8Array, void, undefined> {
    try {
      for await (const chunk of download) {
        const part = cut.take(chunk);
        if (part.length > 0) yield part;
        // Leaving the loop returns the download's iterator, which sends ABOR.
        if (cut.full) return;
      }
    } catch (e) {
      throw translate(e);
    } finally {
      await end();
    }
  }

  async function consume(sink: (chunk: Uint8Array) => unknown): Promise<number> {
    let given = 0;
    /** What the caller's sink threw or rejected with: passed on untranslated. */
    let own: { error: unknown } | undefined;
    const mine = (e: unknown): never => {
      own = { error: e };
      throw e;
    };
    try {
      await download.consume((chunk) => {
        const part = cut.take(chunk);
        let r: unknown;
        if (part.length > 0) {
          given += part.length;
          try {
            r = sink(part);
          } catch (e) {
            mine(e);
          }
        }
        if (!cut.full) return isThenable(r) ? Promise.resolve(r).catch(mine) : r;
        // The range is whole: stop the transfer once the sink is done with the last part.
        if (isThenable(r)) return Promise.resolve(r).then(() => Promise.reject(RANGE_DONE), mine);
        throw RANGE_DONE;
      });
    } catch (e) {
      if (e !== RANGE_DONE) throw own && own.error === e ? e : translate(e);
    } finally {
      await end();
    }
    return given;
  }

  return {
    [Symbol.asyncIterator]() {
      if (way === 'consume') throw twice();
      way = 'iterate';
      return (iterator ??= iterate());
    },
    consume(sink) {
      if (way !== undefined) return Promise.reject(twice());
      way = 'consume';
      return consume(sink);
    },
  };
}
