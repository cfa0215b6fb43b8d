import { timerMs } from '../../util/guard.js';
import { AbortError, DialError, NetworkError, TimeoutError, toDialError } from '../../errors.js';
import type { ByteStream } from '../../socket/types.js';
import { connectionFacts, type Tracer } from '../../trace.js';
import { HttpConnection, isRetryable, withPhase, type Exchange, type ExchangeResponse } from './connection.js';
import type { HttpLimits } from './core/response-parser.js';
import { isReplayable } from './request-body.js';

/** What a pool passes when it needs a new connection. */
export interface PoolConnectOptions {
  signal?: AbortSignal | undefined;
  /** Bound on resolve + connect + TLS, ms. */
  timeout?: number | undefined;
  trace?: Tracer | undefined;
}

/** Opens one transport to the pool's origin. */
export type PoolConnect = (options: PoolConnectOptions) => Promise<ByteStream>;

/** Settings of a {@link Pool}. */
export interface PoolOptions {
  /** Opens a connection to the origin. */
  connect: PoolConnect;
  /** Most connections open at once (default 16). */
  connections?: number | undefined;
  /** Requests in flight per connection; above 1 enables pipelining (default 1). */
  pipelining?: number | undefined;
  /**
   * How long a pipelined request at the front waits for its first response
   * byte before the server is taken not to pipeline (default 10,000 ms):
   * the requests behind are resent on a new connection and this origin's
   * pool stops pipelining.
   */
  pipelineStall?: number | undefined;
  /** How long an idle connection is kept, ms (default 4000); a server's shorter Keep-Alive hint wins. */
  idleTimeout?: number | undefined;
  /** Subtracted from the server's Keep-Alive timeout (default 1000 ms). */
  keepAliveMargin?: number | undefined;
  /** Requests allowed to wait for a connection (default 100000); past it a LimitError-like refusal. */
  maxQueue?: number | undefined;
  limits?: Partial<HttpLimits> | undefined;
  /** For messages and traces: `host:port`. */
  label?: string | undefined;
  /** The agent's key for this pool. */
  key?: string | undefined;
  /** Called when the pool holds no connection and no waiter (an agent drops it then). */
  onEmpty?: ((pool: Pool) => void) | undefined;
}

/** Per-request extras the pool uses (the exchange itself goes to the connection). */
export interface PoolRequestOptions {
  connectTimeout?: number | undefined;
  /** Never reuse: open a fresh connection for this request. */
  fresh?: boolean | undefined;
}

type Grant = HttpConnection | 'connect';
interface Waiter {
  grant(g: Grant): void;
  reject(e: Error): void;
}

/** Methods RFC 9110 §9.2.2 calls idempotent: safe to send twice. */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/**
 * The connections to one origin: reuses idle keep-alive connections (most
 * recently used first), opens new ones up to `connections`, queues requests
 * beyond that, and closes connections idle past `idleTimeout` or the server's
 * Keep-Alive hint. An idempotent request whose reused connection was closed
 * by the server before any byte of the response is retried once on a fresh
 * connection — the race every keep-alive client meets.
 */
export class Pool {
  readonly label: string;
  /** The agent's key for this pool, when an agent made it. */
  readonly key: string;
  readonly #o: PoolOptions;
  /** Requests per connection: the pipelining asked for, 1 once the server is seen to ignore pipelined requests. */
  #depth: number;
  readonly #conns = new Set<HttpConnection>();
  /**
   * Connections freed, most recent last (LIFO reuse keeps fewer sockets
   * warm). Entries may be stale — taken by pipelining, busy again, closed —
   * and are checked when popped, so finding an idle one does not walk every
   * connection.
   */
  readonly #idle: HttpConnection[] = [];
  readonly #idleTimers = new Map<HttpConnection, { timer: NodeJS.Timeout; ms: number }>();
  readonly #waiters: Waiter[] = [];
  #connecting = 0;
  #closed = false;
  #closeWaiters: Array<() => void> = [];

  constructor(options: PoolOptions) {
    this.#o = options;
    this.#depth = options.pipelining ?? 1;
    this.label = options.label ?? 'origin';
    this.key = options.key ?? '';
  }

  /** A snapshot for tests and meters. */
  get stats(): { connections: number; idle: number; busy: number; connecting: number; queued: number } {
    let idle = 0;
    for (const c of this.#conns) if (c.pending === 0) idle++;
    return { connections: this.#conns.size, idle, busy: this.#conns.size - idle, connecting: this.#connecting, queued: this.#waiters.length };
  }

  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Sends one exchange on a pooled connection; see the class note on retries.
   * With an idle connection at hand nothing is awaited before the request is
   * written: the connection's own promise is the only one (plus one step for
   * the retry), where a wait for a connection would add its own.
   */
  request(x: Exchange, options: PoolRequestOptions = {}): Promise<ExchangeResponse> {
    if (options.fresh !== true && !this.#closed && !x.signal?.aborted) {
      const conn = this.#findFree();
      if (conn) {
        conn.reserve();
        return this.#attempt(conn, x, options);
      }
    }
    return this.#acquire(x, options.connectTimeout, options.fresh === true).then((conn) => this.#attempt(conn, x, options));
  }

  #attempt(conn: HttpConnection, x: Exchange, options: PoolRequestOptions): Promise<ExchangeResponse> {
    if (conn.completed > 0) x.trace?.({ kind: '*', text: `Re-using existing connection to ${this.label}`, protocol: 'http', event: 'reused', data: connectionFacts(conn.stream) });
    let sent: Promise<ExchangeResponse>;
    try {
      sent = conn.request(x);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (options.fresh === true) return sent;
    return sent.catch((err: unknown) => {
      if (isRetryable(err) && IDEMPOTENT.has(x.method.toUpperCase()) && isReplayable(x.body) && !x.signal?.aborted && !this.#closed) {
        const why = conn.pipelineRefused ? `${this.label} left a pipelined request unanswered; pipelining off, retrying once on a new connection` : `Connection to ${this.label} was closed by the server before the response; retrying once on a new connection`;
        x.trace?.({ kind: '*', text: why, protocol: 'http' });
        return this.request(x, { ...options, fresh: true });
      }
      throw err;
    });
  }

  /** Stops taking requests, lets in-flight ones finish, then closes every connection. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#rejectWaiters(new NetworkError('DIAL_E_CLOSED', `the pool for ${this.label} was closed`, { protocol: 'http', phase: 'connect' }));
    for (const c of this.#conns) void c.close();
    if (this.#conns.size === 0 && this.#connecting === 0) return;
    await new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
  }

  /** Drops every connection at once; in-flight requests fail with `err`. */
  destroy(err?: DialError): void {
    this.#closed = true;
    const e = err ?? new NetworkError('DIAL_E_CLOSED', `the pool for ${this.label} was destroyed`, { protocol: 'http' });
    this.#rejectWaiters(e);
    for (const c of [...this.#conns]) c.destroy(e);
  }

  async #acquire(x: Exchange, connectTimeout: number | undefined, fresh: boolean): Promise<HttpConnection> {
    if (this.#closed) throw new NetworkError('DIAL_E_CLOSED', `the pool for ${this.label} is closed`, { protocol: 'http', phase: 'connect' });
    if (x.signal?.aborted) throw withPhase(abortOf(x.signal), 'connect');
    if (!fresh) {
      const c = this.#findFree();
      if (c) {
        c.reserve();
        return c;
      }
    }
    if (this.#conns.size + this.#connecting < (this.#o.connections ?? 16)) {
      this.#connecting++;
      return this.#open(x, connectTimeout);
    }
    if (this.#waiters.length >= (this.#o.maxQueue ?? 100_000))
      throw new NetworkError('DIAL_E_CLOSED', `too many requests queued for ${this.label}`, { protocol: 'http', phase: 'connect' });
    const grant = await new Promise<Grant>((resolve, reject) => {
      const w: Waiter = {
        grant: (g) => {
          x.signal?.removeEventListener('abort', onAbort);
          resolve(g);
        },
        reject: (e) => {
          x.signal?.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      const onAbort = () => {
        const i = this.#waiters.indexOf(w);
        if (i !== -1) this.#waiters.splice(i, 1);
        reject(withPhase(abortOf(x.signal!), 'connect'));
      };
      x.signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(w);
    });
    if (grant === 'connect') return this.#open(x, connectTimeout);
    return grant;
  }

  /** Opens a connection; the caller has already counted it in #connecting. */
  async #open(x: Exchange, timeout: number | undefined): Promise<HttpConnection> {
    let stream: ByteStream;
    try {
      stream = await this.#o.connect({ signal: x.signal, timeout, trace: x.trace });
    } catch (err) {
      this.#connecting--;
      this.#drain();
      this.#maybeEmpty();
      throw connectError(err, x.signal);
    }
    this.#connecting--;
    if (this.#closed) {
      void stream.close().catch(() => {});
      this.#maybeEmpty();
      throw new NetworkError('DIAL_E_CLOSED', `the pool for ${this.label} was closed`, { protocol: 'http', phase: 'connect' });
    }
    const conn = new HttpConnection(stream, {
      limits: this.#o.limits,
      keepAliveMargin: this.#o.keepAliveMargin,
      pipelineStall: this.#o.pipelineStall,
      label: this.label,
      onFree: (c) => this.#onFree(c),
      onClose: (c) => this.#onClose(c),
    });
    this.#conns.add(conn);
    conn.reserve();
    return conn;
  }

  #findFree(): HttpConnection | undefined {
    const depth = this.#depth;
    const idle = this.#idle;
    while (idle.length > 0) {
      const c = idle.pop()!;
      // Busy ones are skipped before the (clock-reading) reusable check.
      if (c.pending !== 0 || c.closed) continue;
      if (!c.reusable) {
        void c.close();
        continue;
      }
      // Its idle timer stays: it is refreshed when the connection is freed again, and does nothing while the connection is busy.
      return c;
    }
    if (depth > 1) {
      for (const c of this.#conns) if (c.reusable && c.completed > 0 && c.pending < depth) return c;
    }
    return undefined;
  }

  #onFree(c: HttpConnection): void {
    if (c.pending === 0 && !c.closed) {
      if (this.#closed) {
        void c.close();
        return;
      }
      // Offered before the waiters are served, so the first of them gets it.
      this.#idle.push(c);
    }
    this.#drain();
    if (c.pending === 0 && !c.closed) this.#armIdle(c);
  }

  #onClose(c: HttpConnection): void {
    if (c.pipelineRefused && this.#depth > 1) this.#depth = 1;
    this.#conns.delete(c);
    const i = this.#idle.lastIndexOf(c);
    if (i !== -1) this.#idle.splice(i, 1);
    this.#clearIdle(c);
    this.#drain();
    this.#maybeEmpty();
  }

  #drain(): void {
    while (this.#waiters.length > 0 && !this.#closed) {
      const c = this.#findFree();
      if (c) {
        c.reserve();
        this.#waiters.shift()!.grant(c);
        continue;
      }
      if (this.#conns.size + this.#connecting < (this.#o.connections ?? 16)) {
        this.#connecting++;
        this.#waiters.shift()!.grant('connect');
        continue;
      }
      break;
    }
  }

  /**
   * (Re)starts the connection's idle timer. One timer per connection, moved
   * on with refresh() each time it is freed (no timer per request); it fires
   * idleTimeout after the last free, and leaves a busy connection alone.
   */
  #armIdle(c: HttpConnection): void {
    const idle = this.#o.idleTimeout ?? 4000;
    const ms = c.expiresAt === Infinity ? idle : Math.max(0, Math.min(idle, c.expiresAt - Date.now()));
    const t = this.#idleTimers.get(c);
    if (t && t.ms === ms) {
      t.timer.refresh();
      return;
    }
    if (t) clearTimeout(t.timer);
    const timer = setTimeout(() => {
      this.#idleTimers.delete(c);
      if (c.pending === 0) void c.close();
    }, timerMs(ms));
    // An idle connection never keeps the process alive.
    timer.unref();
    this.#idleTimers.set(c, { timer, ms });
  }

  #clearIdle(c: HttpConnection): void {
    const t = this.#idleTimers.get(c);
    if (t) clearTimeout(t.timer);
    this.#idleTimers.delete(c);
  }

  #rejectWaiters(e: Error): void {
    for (const w of this.#waiters.splice(0)) w.reject(e);
  }

  #maybeEmpty(): void {
    if (this.#conns.size > 0 || this.#connecting > 0 || this.#waiters.length > 0) return;
    for (const r of this.#closeWaiters.splice(0)) r();
    this.#o.onEmpty?.(this);
  }
}

function abortOf(signal: AbortSignal): DialError {
  const r: unknown = signal.reason;
  if (r instanceof TimeoutError) return new TimeoutError(r.message, { timeout: r.timeout, protocol: 'http', cause: r });
  if (r instanceof DialError) return r;
  return new AbortError('the request was aborted', { cause: r, protocol: 'http' });
}

/** Connect failures keep their own phase (resolve, connect, tls); a bare timeout or abort is the connect phase's. */
function connectError(err: unknown, signal: AbortSignal | undefined): DialError {
  if (err instanceof AbortError && signal?.aborted && signal.reason instanceof TimeoutError)
    return new TimeoutError(signal.reason.message, { timeout: signal.reason.timeout, protocol: 'http', phase: 'connect', cause: err });
  return withPhase(toDialError(err, 'connect failed'), 'connect');
}
