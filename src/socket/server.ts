import * as net from 'node:net';
import * as tls from 'node:tls';
import { InputError, NetworkError, toDialError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import { Socket, type SocketAddress, type SocketOptions } from './socket.js';
import { checkUnixPath } from './connect.js';

/** Where to listen: TCP `{host, port}` (port 0 picks a free one) or a Unix `{path}`. */
export type ListenOptions = ({ host?: string | undefined; port?: number | undefined } | { path: string }) &
  SocketOptions & {
    backlog?: number | undefined;
    /** Serve TLS with this certificate and key (and optionally ask for client certificates). */
    tls?: tls.TlsOptions | undefined;
    /** Connections accepted but not yet taken by `accept()`; past this, new ones are refused (closed). */
    maxPending?: number | undefined;
  };

/**
 * A listening socket for tests, demos and small servers: `accept()` or
 * `for await (const conn of server)` yields each connection as a {@link Socket}.
 */
export class Server implements AsyncIterable<Socket> {
  readonly #srv: net.Server;
  readonly #pending: Socket[] = [];
  readonly #waiters: Array<(s: Socket | undefined) => void> = [];
  readonly #maxPending: number;
  /** TLS connections still in their handshake: not ours to hand out yet, but ours to end on close. */
  readonly #handshaking = new Set<net.Socket>();
  #closed = false;
  readonly address: SocketAddress;

  private constructor(srv: net.Server, options: ListenOptions) {
    this.#srv = srv;
    this.#maxPending = options.maxPending ?? 128;
    const a = srv.address();
    this.address =
      typeof a === 'string' || a === null
        ? { path: 'path' in options ? options.path : String(a) }
        : { address: a.address, port: a.port, family: a.family === 'IPv6' ? 'IPv6' : 'IPv4' };
    const sockOpts: SocketOptions = { timeout: options.timeout, highWaterMark: options.highWaterMark, unixPath: 'path' in options ? options.path : undefined };
    srv.on(options.tls ? 'secureConnection' : 'connection', (raw: net.Socket) => {
      const conn = new Socket(raw, sockOpts);
      const w = this.#waiters.shift();
      if (w) w(conn);
      else if (this.#pending.length < this.#maxPending) this.#pending.push(conn);
      else conn.destroy();
    });
    // A client that fails its TLS handshake is that client's problem, not the server's.
    srv.on('tlsClientError', (_err: Error, s: net.Socket) => s.destroy());
    if (options.tls) {
      // With allowHalfOpen, a client that gives up mid-handshake (say, on an
      // untrusted certificate) leaves its connection open for ever and no
      // tlsClientError fires: track them so close() can end them.
      srv.on('connection', (raw: net.Socket) => {
        this.#handshaking.add(raw);
        raw.once('close', () => this.#handshaking.delete(raw));
      });
      srv.on('secureConnection', (t: tls.TLSSocket) => {
        const under = (t as unknown as { _parent?: net.Socket })._parent;
        if (under) this.#handshaking.delete(under);
      });
    }
  }

  /** Starts listening; resolves once the address is bound. */
  static async listen(options: ListenOptions = {}): Promise<Server> {
    if ('path' in options) checkUnixPath(options.path, 'listen');
    const srv = options.tls
      ? tls.createServer({ ...options.tls, allowHalfOpen: true })
      : net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', (err) => reject(toDialError(err, 'listen failed', { phase: 'listen' })));
      if ('path' in options) srv.listen({ path: options.path, backlog: options.backlog }, resolve);
      else srv.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, backlog: options.backlog }, resolve);
    });
    return new Server(srv, options);
  }

  /** The TCP port bound (0 for a Unix socket). */
  get port(): number {
    return 'port' in this.address ? this.address.port : 0;
  }

  /** Waits for the next connection. Rejects with DIAL_E_CLOSED once the server is closed. */
  async accept(options: WaitOptions = {}): Promise<Socket> {
    const ready = this.#pending.shift();
    if (ready) return ready;
    if (this.#closed) throw new NetworkError('DIAL_E_CLOSED', 'the server is closed');
    let waiter!: (s: Socket | undefined) => void;
    const next = new Promise<Socket | undefined>((resolve) => {
      waiter = resolve;
      this.#waiters.push(resolve);
    });
    const conn = await guard(next, options, 'accept', () => {
      const i = this.#waiters.indexOf(waiter);
      if (i >= 0) this.#waiters.splice(i, 1);
    });
    if (!conn) throw new NetworkError('DIAL_E_CLOSED', 'the server is closed');
    return conn;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Socket> {
    for (;;) {
      let conn: Socket;
      try {
        conn = await this.accept();
      } catch (err) {
        if (this.#closed) return;
        throw err;
      }
      yield conn;
    }
  }

  /**
   * Stops listening, wakes every `accept()` and destroys connections not yet
   * accepted. Connections already handed out stay open: their owners close them.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(undefined);
    for (const s of this.#pending.splice(0)) s.destroy();
    for (const raw of this.#handshaking) raw.destroy();
    this.#handshaking.clear();
    await new Promise<void>((resolve) => this.#srv.close(() => resolve()));
  }
}

/** Shorthand for {@link Server.listen}. */
export function listen(options: ListenOptions = {}): Promise<Server> {
  return Server.listen(options);
}

/** SOCK_RAW has no Node.js API; this says so with a typed error instead of failing obscurely. */
export function rawSocket(): never {
  throw new InputError('raw sockets (SOCK_RAW) are not available: Node.js has no API for them; use a native addon or a helper process', {
    code: 'DIAL_E_UNSUPPORTED',
  });
}
