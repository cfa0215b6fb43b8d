/**
 * A download that survives a broken connection: when the body stops short,
 * the rest is asked for with `Range: bytes=N-` and `If-Range`, and the caller
 * reads one unbroken stream. Every answer is checked before a byte of it is
 * passed on — the range must start where the last one stopped and the
 * representation must be the one begun — so a resume never splices two
 * versions of a file or repeats a byte.
 *
 * @module
 */
import { AbortError, ConnectError, DialError, InputError, LimitError, NetworkError, ProtocolError, ReplyError, TimeoutError } from '../../errors.js';
import { request, type RequestOptions } from './client.js';
import { parseContentRange } from './core/content-range.js';
import { HeaderList } from './core/headers.js';
import type { HttpResponse } from './response.js';

/** What {@link download} accepts: request options without a body, method or range of their own. */
export interface DownloadOptions extends Omit<RequestOptions, 'method' | 'body' | 'json' | 'range' | 'decompress'> {
  /** Bytes of the file already held: the download starts there (default 0). */
  offset?: number | undefined;
  /** How many times a broken body is resumed before its error is thrown (default 5). */
  maxResumes?: number | undefined;
  /** Called before each resume, with where it starts and what broke. */
  onResume?: ((event: ResumeEvent) => void) | undefined;
}

/** One resume: where the next request starts, which attempt it is (1, 2 …), and the error that ended the last body. */
export interface ResumeEvent {
  offset: number;
  attempt: number;
  cause: DialError;
}

/** What the server must still be sending for a resume to continue the same file. */
interface Validator {
  /** The If-Range value: a strong ETag, else Last-Modified; undefined when the server gave neither. */
  ifRange: string | undefined;
  /** The ETag and Last-Modified the file was begun with: a later answer that names others is another version. */
  etag: string | undefined;
  lastModified: string | undefined;
  /** The whole length, when known: a resume that reports another one is another file. */
  size: number | undefined;
}

/** How an accepted answer is read: skip its first `skip` bytes (a server that ignored Range); `done` = nothing left. */
interface Accepted {
  skip: number;
  done: boolean;
  validator: Validator;
}

const DEFAULT_MAX_RESUMES = 5;

/**
 * GETs `url` as a stream that resumes itself: the returned {@link Download}
 * holds the first response's head and a `body` that yields the bytes from
 * `offset` to the end. When the body breaks (reset, timeout, truncation) it
 * is asked for again from the next byte, up to `maxResumes` times, each
 * request following the same redirects with the same credential rules.
 *
 * Rejects with a {@link ReplyError} for a non-2xx answer, and the body throws a
 * {@link ProtocolError} when the file changed between two requests (If-Range
 * failed, or the length differs) or a range came back other than asked. A
 * server that ignores `Range` but still has the same file is read from the
 * start and its first bytes dropped. `timeout` bounds each request; pass a
 * `signal` to bound the whole. Content is never decoded (offsets count the
 * bytes on the wire).
 *
 * @example
 * const d = await download('https://example.org/big.iso', { offset: have.length });
 * for await (const chunk of d.body) file.write(chunk);
 */
export async function download(url: string | URL, options: DownloadOptions = {}): Promise<Download> {
  const offset = options.offset ?? 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InputError(`download offset must be a non-negative integer, not ${String(offset)}`, { protocol: 'http' });
  const max = options.maxResumes ?? DEFAULT_MAX_RESUMES;
  if (!Number.isInteger(max) || max < 0) throw new InputError(`maxResumes must be a non-negative integer, not ${String(max)}`, { protocol: 'http' });
  const href = String(url);
  const res = await request(href, requestOptions(options, offset, undefined));
  const accepted = await accept(res, offset, undefined);
  return new Download(href, options, res, offset, accepted, max);
}

/** A resumable download: the first response and the body that continues across connections. */
export class Download {
  /** The first response (its status, headers and final URL). */
  readonly response: HttpResponse;
  /** The byte of the file `body` starts at. */
  readonly offset: number;
  /** The file's whole length, when the server told it (Content-Range, or offset + Content-Length). */
  readonly size: number | undefined;
  /** The bytes from `offset` to the end, one stream however many requests it took. */
  readonly body: AsyncIterable<Buffer>;
  #resumes = 0;

  /** @internal */
  constructor(url: string, options: DownloadOptions, res: HttpResponse, offset: number, first: Accepted, max: number) {
    this.response = res;
    this.offset = offset;
    this.size = first.validator.size;
    this.body = { [Symbol.asyncIterator]: () => this.#read(url, options, first, max) };
  }

  /** How many times the body has been resumed so far. */
  get resumes(): number {
    return this.#resumes;
  }

  async *#read(url: string, options: DownloadOptions, first: Accepted, max: number): AsyncGenerator<Buffer, void, undefined> {
    let res: HttpResponse | undefined = this.response;
    let { skip, done, validator } = first;
    let at = this.offset;
    for (;;) {
      try {
        if (!res) {
          res = await request(url, requestOptions(options, at, validator));
          ({ skip, done } = await accept(res, at, validator));
        }
        if (done) return; // accept() has cancelled that body
        for await (const chunk of res.body) {
          let c: Buffer = chunk;
          if (skip > 0) {
            if (c.length <= skip) {
              skip -= c.length;
              continue;
            }
            c = c.subarray(skip);
            skip = 0;
          }
          at += c.length;
          yield c;
        }
        // The whole file ended before the bytes already held did: it is shorter than the version they came from.
        if (skip > 0) {
          throw new ProtocolError(`${url} changed while it was being downloaded (it ends before byte ${at}, which is already held)`, { protocol: 'http', phase: 'headers' });
        }
        // A read-until-close body has no length of its own to fall short of: the size the server announced does.
        if (validator.size !== undefined && at < validator.size) {
          throw new ProtocolError(`the body ended at byte ${at} of ${validator.size}`, { protocol: 'http', phase: 'body' });
        }
        return;
      } catch (err) {
        res = undefined;
        if (!(err instanceof DialError) || !resumable(err) || this.#resumes >= max) throw err;
        this.#resumes++;
        options.onResume?.({ offset: at, attempt: this.#resumes, cause: err });
      }
    }
  }
}

/** Broken transport or a body cut short: worth asking again. A refusal, a bound, an abort or bad input is not. */
function resumable(err: DialError): boolean {
  if (err instanceof AbortError || err instanceof LimitError || err instanceof InputError || err instanceof ReplyError) return false;
  if (err instanceof NetworkError || err instanceof TimeoutError || err instanceof ConnectError) return true;
  return err instanceof ProtocolError && err.code === 'DIAL_E_PROTOCOL' && (err.phase === 'body' || err.phase === 'empty');
}

function requestOptions(options: DownloadOptions, at: number, validator: Validator | undefined): RequestOptions {
  const { offset: _o, maxResumes: _m, onResume: _r, ...rest } = options;
  const out: RequestOptions = { ...rest, method: 'GET', decompress: false };
  if (at > 0) {
    out.range = { start: at };
    if (validator?.ifRange !== undefined) {
      out.headers = HeaderList.from(rest.headers).set('If-Range', validator.ifRange);
    }
  }
  return out;
}

function validatorOf(res: HttpResponse, size: number | undefined): Validator {
  const etag = res.headers.get('etag');
  const strong = etag !== null && !etag.startsWith('W/') ? etag : undefined;
  const lastModified = res.headers.get('last-modified') ?? undefined;
  return { ifRange: strong ?? lastModified, etag: etag ?? undefined, lastModified, size };
}

/**
 * Why `now` is not the version `before` began, or undefined when nothing says so.
 * A server that honours Range but not If-Range sends the new version's bytes
 * with its new ETag: the ETag is compared when both have one, else Last-Modified.
 */
function versionChange(before: Validator, now: Validator): string | undefined {
  if (before.etag !== undefined && now.etag !== undefined) {
    return before.etag === now.etag ? undefined : `ETag ${before.etag} → ${now.etag}`;
  }
  if (before.lastModified !== undefined && now.lastModified !== undefined && before.lastModified !== now.lastModified) {
    return `Last-Modified ${before.lastModified} → ${now.lastModified}`;
  }
  return undefined;
}

function lengthOf(res: HttpResponse): number | undefined {
  const v = res.headers.get('content-length');
  return v !== null && /^\d{1,15}$/.test(v) ? Number(v) : undefined;
}

/** Checks an answer for a request that started at byte `at`; cancels its body and throws when it cannot be used. */
async function accept(res: HttpResponse, at: number, before: Validator | undefined): Promise<Accepted> {
  const refuse = async (err: DialError): Promise<never> => {
    await res.body.cancel();
    throw err;
  };
  const changed = (why: string): Promise<never> =>
    refuse(new ProtocolError(`${res.url} changed while it was being downloaded (${why}); the bytes held cannot be continued`, { protocol: 'http', phase: 'headers' }));
  const cl = lengthOf(res);
  if (res.status === 206 && at > 0) {
    const header = res.headers.get('content-range');
    const cr = parseContentRange(header);
    if (!cr || cr.first !== at) {
      return refuse(new ProtocolError(`asked ${res.url} for bytes from ${at}, it sent Content-Range ${JSON.stringify(header)}`, { protocol: 'http', phase: 'headers' }));
    }
    const now = validatorOf(res, cr.complete);
    if (before && before.size !== undefined && now.size !== undefined && now.size !== before.size) return changed(`length ${before.size} → ${now.size}`);
    const flipped = before && versionChange(before, now);
    if (flipped) return changed(flipped);
    return { skip: 0, done: false, validator: before ?? now };
  }
  if (res.status === 206) {
    return refuse(new ProtocolError(`${res.url} sent a partial answer (206) to a request for the whole file`, { protocol: 'http', phase: 'headers' }));
  }
  if (res.status >= 200 && res.status < 300) {
    const now = validatorOf(res, cl);
    if (before) {
      // Range was ignored or If-Range failed: only the same file, read again from its start, can continue.
      if (before.ifRange === undefined || now.ifRange !== before.ifRange) return changed('If-Range did not match');
      if (before.size !== undefined && now.size !== undefined && now.size !== before.size) return changed(`length ${before.size} → ${now.size}`);
    }
    // The whole file, shorter than the bytes already held: those came from another version.
    if (now.size !== undefined && now.size < at) return changed(`${now.size} bytes long, ${at} already held`);
    return { skip: at, done: false, validator: before ?? now };
  }
  if (res.status === 416 && at > 0) {
    // Asking from the very end of a complete file is answered "not satisfiable, length N": nothing is missing.
    const cr = parseContentRange(res.headers.get('content-range'));
    if (cr && cr.first === undefined && cr.complete === at) {
      await res.body.cancel();
      return { skip: 0, done: true, validator: before ?? { ifRange: undefined, etag: undefined, lastModified: undefined, size: at } };
    }
  }
  return refuse(new ReplyError(`${res.url} answered ${res.status} ${res.statusText}`.trimEnd(), { protocol: 'http', phase: 'headers', reply: { code: res.status, text: res.statusText } }));
}
