/**
 * FtpPool: parallel transfers to one server. One FTP control connection runs
 * one transfer at a time, so the pool keeps up to `size` logged-in sessions
 * (same host, credentials and settings) and runs each operation on a free
 * one, queueing when all are busy. Idle sessions are closed after
 * `idleTimeout`; a session whose connection broke is dropped and a new one
 * connected when needed.
 *
 * @module
 */
import { timerMs } from '../../util/guard.js';
import { DialError, InputError, ProtocolError, ReplyError, AbortError } from '../../errors.js';
import type { Reply } from '../../line/replies.js';
import { FtpClient } from './client.js';
import type { FileEntry } from './core/entry.js';
import type { FtpConnectOptions, RetrieveOptions, StoreOptions } from './options.js';
import type { Download, TransferOptions } from './transfer.js';

/** Options for {@link FtpPool}: those of every session, and the pool's own. */
export interface FtpPoolOptions extends FtpConnectOptions {
  /** Sessions at most (default 4). Servers limit connections per client IP (vsftpd `max_per_ip`); stay below. */
  size?: number | undefined;
  /** An idle session is closed (QUIT) after this many ms (default 30000; 0 = kept until close()). */
  idleTimeout?: number | undefined;
  /** How sessions are opened (default FtpClient.connect): for tests, or to run setup commands on each. */
  connect?: ((options: FtpConnectOptions) => Promise<FtpClient>) | undefined;
}

interface Session {
  client: FtpClient;
  idleTimer: NodeJS.Timeout | undefined;
}

interface Waiter {
  resolve(s: Session): void;
  reject(e: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  /** Rejected by its signal: a session that still reaches it goes back to the pool. */
  done: boolean;
}

/** A pool of FTP sessions to one server. Every method takes a `signal` that also withdraws a queued request. */
export class FtpPool {
  readonly #opts: FtpPoolOptions;
  readonly #size: number;
  readonly #idleTimeout: number;
  readonly #idle: Session[] = [];
  readonly #busy = new Set<Session>();
  readonly #waiters: Waiter[] = [];
  #connecting = 0;
  #closed = false;

  constructor(options: FtpPoolOptions) {
    const size = options.size ?? 4;
    if (!Number.isSafeInteger(size) || size < 1) throw new InputError(`pool size must be a positive integer, got ${size}`, { protocol: 'ftp' });
    const idle = options.idleTimeout ?? 30_000;
    if (!Number.isFinite(idle) || idle < 0) throw new InputError(`idleTimeout must be a non-negative number, got ${idle}`, { protocol: 'ftp' });
    this.#opts = options;
    this.#size = size;
    this.#idleTimeout = idle;
  }

  /** Sessions open now (idle and busy), and how many requests wait for one. */
  get stats(): { idle: number; busy: number; connecting: number; queued: number } {
    return { idle: this.#idle.length, busy: this.#busy.size, connecting: this.#connecting, queued: this.#waiters.length };
  }

  /**
   * Runs `fn` on a free session and gives the session back when it settles.
   * An operation that fails because a reused idle session's connection had
   * died (the server's idle timeout closed it) is retried once on a fresh
   * session when `retry` says it may be repeated.
   */
  async use<T>(fn: (client: FtpClient) => Promise<T>, options: { signal?: AbortSignal | undefined; retry?: boolean } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { session, reused } = await this.#acquire(options.signal);
      try {
        const out = await fn(session.client);
        this.#release(session);
        return out;
      } catch (e) {
        const dead = !session.client.usable;
        this.#release(session);
        if (options.retry !== false && retriable(e, dead, reused, attempt)) continue;
        throw e;
      }
    }
  }

  /**
   * RETR on a free session. The session stays taken until the Download has
   * been read to its end or cancelled — do one or the other, or the session
   * is never given back.
   */
  async retrieve(path: string, options: RetrieveOptions = {}): Promise<Download> {
    for (let attempt = 0; ; attempt++) {
      const { session, reused } = await this.#acquire(options.signal);
      let dl: Download;
      try {
        dl = await session.client.retrieve(path, options);
      } catch (e) {
        const dead = !session.client.usable;
        this.#release(session);
        if (retriable(e, dead, reused, attempt)) continue;
        throw e;
      }
      return this.#hold(session, dl);
    }
  }

  /** STOR (APPE with `append`) on a free session. Not retried: the source may be consumed. */
  async store(path: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: StoreOptions & { append?: boolean } = {}): Promise<Reply> {
    return this.use((c) => c.store(path, source, options), { signal: options.signal, retry: false });
  }

  /** A directory listing (see {@link FtpClient.list}) on a free session. */
  async list(path?: string, options: TransferOptions = {}): Promise<FileEntry[]> {
    return this.use((c) => c.list(path, options), { signal: options.signal });
  }

  /**
   * Closes the pool: queued requests reject with DIAL_E_CLOSED, idle sessions
   * QUIT now, busy ones (and one still being opened for a request, which
   * runs) as soon as their operation ends. Later calls reject.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const err = this.#closedError();
    for (const w of this.#waiters.splice(0)) this.#settle(w, undefined, err);
    const idle = this.#idle.splice(0);
    // Held open again for their QUIT, which the caller awaits.
    for (const s of idle) s.client.adopt(this.#opts.trace);
    await Promise.all(idle.map((s) => this.#discard(s, true)));
  }

  #hold(session: Session, dl: Download): Download {
    let given = false;
    const giveBack = () => {
      if (given) return;
      given = true;
      this.#release(session);
    };
    // Which way the caller reads; the session goes back only once that read is over (a refused second read leaves it busy).
    let reading: 'iterate' | 'consume' | undefined;
    const refuse = () => new ProtocolError('a download can be read only once', { protocol: 'ftp' });
    async function* body(): AsyncGenerator<Buffer, void, undefined> {
      if (reading) throw refuse();
      reading = 'iterate';
      const inner = dl[Symbol.asyncIterator]();
      try {
        for (;;) {
          const r = await inner.next();
          if (r.done) return;
          yield r.value;
        }
      } finally {
        // Leaving early (break) must stop the server before the session is reused.
        await inner.return?.();
        giveBack();
      }
    }
    const it = body();
    return {
      reply: dl.reply,
      expectedSize: dl.expectedSize,
      get finalReply() {
        return dl.finalReply;
      },
      [Symbol.asyncIterator]: () => it,
      consume: async (sink) => {
        if (reading) throw refuse();
        reading = 'consume';
        try {
          return await dl.consume(sink);
        } finally {
          giveBack();
        }
      },
      cancel: async () => {
        try {
          await dl.cancel();
        } finally {
          giveBack();
        }
      },
    };
  }

  async #acquire(signal: AbortSignal | undefined): Promise<{ session: Session; reused: boolean }> {
    if (this.#closed) throw this.#closedError();
    if (signal?.aborted) throw new AbortError('waiting for an FTP session aborted', { cause: signal.reason, protocol: 'ftp' });
    while (this.#idle.length > 0) {
      const s = this.#idle.pop()!;
      clearTimeout(s.idleTimer);
      if (!s.client.usable) {
        void this.#discard(s, false);
        continue;
      }
      s.client.adopt(this.#opts.trace);
      this.#busy.add(s);
      return { session: s, reused: true };
    }
    if (this.#busy.size + this.#connecting < this.#size) return { session: await this.#open(signal), reused: false };
    return new Promise<{ session: Session; reused: boolean }>((resolve, reject) => {
      const w: Waiter = { resolve: (s) => resolve({ session: s, reused: true }), reject, signal, onAbort: undefined, done: false };
      if (signal) {
        w.onAbort = () => {
          w.done = true;
          const i = this.#waiters.indexOf(w);
          if (i >= 0) this.#waiters.splice(i, 1);
          reject(new AbortError('waiting for an FTP session aborted', { cause: signal.reason, protocol: 'ftp' }));
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      this.#waiters.push(w);
    });
  }

  async #open(signal: AbortSignal | undefined): Promise<Session> {
    this.#connecting++;
    try {
      const connect = this.#opts.connect ?? ((o: FtpConnectOptions) => FtpClient.connect(o));
      const { size: _s, idleTimeout: _i, connect: _c, ...rest } = this.#opts;
      const client = await connect({ ...rest, signal: signal ?? this.#opts.signal });
      const s: Session = { client, idleTimer: undefined };
      // Closed meanwhile: the request that asked for this session had started, so it runs; the session QUITs on release.
      this.#busy.add(s);
      this.#connecting--;
      return s;
    } catch (e) {
      this.#connecting--;
      // Requests queued behind this one wait for a release that will not come: the next of them tries its own.
      this.#refill();
      throw e;
    }
  }

  /** Gives a session back: to the first waiter, to the idle list, or — broken or pool closed — away. */
  #release(s: Session): void {
    this.#busy.delete(s);
    if (this.#closed || !s.client.usable) {
      void this.#discard(s, this.#closed);
      this.#refill();
      return;
    }
    const w = this.#waiters.shift();
    if (w) {
      this.#busy.add(s);
      this.#settle(w, s);
      return;
    }
    if (this.#idleTimeout > 0) {
      s.idleTimer = setTimeout(() => {
        const i = this.#idle.indexOf(s);
        if (i >= 0) this.#idle.splice(i, 1);
        void this.#discard(s, true);
      }, timerMs(this.#idleTimeout));
      s.idleTimer.unref();
    }
    // Parked, a session does not hold the process open (as node's http.Agent leaves its free sockets).
    s.client.idle();
    this.#idle.push(s);
  }

  /** A session went away while requests wait: connect a replacement for the first of them. */
  #refill(): void {
    if (this.#closed || this.#waiters.length === 0 || this.#busy.size + this.#connecting >= this.#size) return;
    const w = this.#waiters.shift()!;
    this.#open(w.signal).then(
      (s) => this.#settle(w, s),
      (e) => this.#settle(w, undefined, e),
    );
  }

  #settle(w: Waiter, s: Session | undefined, err?: unknown): void {
    if (w.done) {
      if (s) this.#release(s);
      return;
    }
    w.done = true;
    if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
    if (s) w.resolve(s);
    else w.reject(err);
  }

  async #discard(s: Session, polite: boolean): Promise<void> {
    clearTimeout(s.idleTimer);
    await (polite ? s.client.quit() : s.client.close()).catch(() => {});
  }

  #closedError(): DialError {
    return new DialError('DIAL_E_CLOSED', 'the FTP pool is closed', { protocol: 'ftp' });
  }
}

/** Only a reused session found dead on first use is worth one more try: a refusal (but 421, "closing") or an abort is the answer. */
function retriable(e: unknown, dead: boolean, reused: boolean, attempt: number): boolean {
  if (!dead || !reused || attempt > 0 || e instanceof AbortError) return false;
  return !(e instanceof ReplyError) || e.reply?.code === 421;
}
