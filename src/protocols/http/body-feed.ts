import { AbortError, LimitError, NetworkError, type DialError } from '../../errors.js';
import type { BodySource, BodyStream } from './body-stream.js';
import type { ConnectionTimer } from './connection-timer.js';
import type { ResponseParser } from './core/response-parser.js';
import type { ConnectionOptions, Entry } from './exchange.js';
import type { Transport } from './transport.js';

/** What the body feed asks of its connection. */
export interface FeedHost {
  /** The connection fails with `err`, and everything in flight on it. */
  fail(err: DialError): void;
  /** `entry` alone failed with `err` and takes the connection with it (the others fail as its closing). */
  failOne(entry: Entry, err: DialError): void;
}

/**
 * The body side of one HTTP/1.1 connection: hands each piece of a response
 * body to its {@link BodyStream} (counted against `maxBodySize`, reported as
 * progress), keeps the body's idle bound (`bodyTimeout`) armed while the
 * server owes bytes and not while the reader is behind, stops reading the
 * socket while a body's reader is behind (and lets the process end
 * meanwhile) and starts again once it catches up, and, when the reader walks
 * away, drains a short rest to keep the connection or gives the connection up.
 *
 * Kept apart from the connection because none of this is about matching
 * responses to requests; it is about the pace of one body's reader. It is
 * the {@link BodySource} of every body on its connection: one object, not
 * two closures per response.
 */
export class BodyFeed implements BodySource {
  /** The exchange whose reader is behind: its body's idle bound waits until reading resumes. */
  #pausedEntry: Entry | undefined;
  /** A response whose head came in the read being handled: its body's bound is armed after the read. */
  #due: Entry | undefined;
  #paused = false;
  #stopped = false;
  readonly #t: Pick<Transport, 'pause' | 'resume' | 'setRef'>;
  readonly #timer: ConnectionTimer;
  /** The connection's queue itself (never replaced, only changed in place): a cancelled body is looked up in it. */
  readonly #queue: readonly Entry[];
  readonly #parser: Pick<ResponseParser, 'state'>;
  readonly #host: FeedHost;
  readonly #opts: ConnectionOptions;

  constructor(
    t: Pick<Transport, 'pause' | 'resume' | 'setRef'>,
    timer: ConnectionTimer,
    queue: readonly Entry[],
    parser: Pick<ResponseParser, 'state'>,
    host: FeedHost,
    opts: ConnectionOptions,
  ) {
    this.#t = t;
    this.#timer = timer;
    this.#queue = queue;
    this.#parser = parser;
    this.#host = host;
    this.#opts = opts;
  }

  /** `entry`'s head was handed over in the read being handled. */
  started(entry: Entry): void {
    this.#due = entry;
  }

  /**
   * The read is handled. A body's idle bound starts only now, so a body
   * that ended in the same read (a small response) never arms it.
   */
  readDone(): void {
    const due = this.#due;
    if (due === undefined) return;
    this.#due = undefined;
    if (due.stage === 'body' && this.#pausedEntry !== due && !due.discarding) this.#timer.arm(due, due.x.bodyTimeout, 'body');
  }

  /** Body bytes of `entry`'s response; `lent`: they are views into a read buffer that will be reused. */
  data(entry: Entry, bytes: Buffer, lent: boolean): void {
    this.#timer.touch(entry);
    if (entry.discarding) {
      entry.discarded += bytes.length;
      if (entry.discarded > (this.#opts.drainCap ?? 65536)) this.#host.fail(new NetworkError('DIAL_E_CLOSED', 'abandoned body too large to drain', { protocol: 'http', phase: 'body' }));
      return;
    }
    entry.received += bytes.length;
    if (entry.wire) entry.wire.received = entry.received;
    const max = entry.x.maxBodySize;
    if (max !== undefined && entry.received > max) {
      this.#host.failOne(entry, new LimitError(`response body exceeds the limit of ${max} bytes`, { limit: max, protocol: 'http', phase: 'body' }));
      return;
    }
    entry.x.onDownloadProgress?.({ direction: 'download', transferred: entry.received, total: entry.total });
    if (!entry.body!.push(bytes, lent)) {
      this.#paused = true;
      this.#t.pause();
      // A consumer taking its time is not a silent server: the idle bound waits while reading is paused.
      this.#pausedEntry = entry;
      this.#timer.release(entry);
      // Nobody is waiting on the socket now: a body left unread (a script that wanted only the status) must not keep
      // the process alive, as fetch's and undici's do not. A pull makes the reader wait, and resume() holds it again.
      this.#t.setRef(false);
      this.#timer.unref();
    }
  }

  /** The reader caught up: reading resumes (unless the connection is closed) and the body's idle bound with it. */
  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (!this.#stopped) {
      this.#t.resume();
      this.#t.setRef(true);
    }
    const e = this.#pausedEntry;
    this.#pausedEntry = undefined;
    if (e && e.stage === 'body' && !e.discarding) this.#timer.arm(e, e.x.bodyTimeout, 'body');
  }

  /** The reader dropped `body`. */
  cancel(body: BodyStream): void {
    for (const entry of this.#queue) if (entry.body === body) return this.#cancel(entry);
  }

  /** The connection closed: nothing is read again; a paused body lets its bound go. */
  stop(): void {
    this.#stopped = true;
    this.resume();
  }

  /** Read a little more to keep the connection, or drop it. */
  #cancel(entry: Entry): void {
    if (entry.stage === 'done') return;
    const cap = this.#opts.drainCap ?? 65536;
    const left = entry.total === undefined ? undefined : entry.total - entry.received;
    if (left === undefined || left > cap || this.#parser.state === 'idle') {
      this.#host.failOne(entry, new AbortError('the response body was cancelled', { protocol: 'http', phase: 'body' }));
      return;
    }
    entry.discarding = true;
    entry.discarded = 0;
    this.#timer.arm(entry, 1000, 'body');
    this.resume();
  }
}
