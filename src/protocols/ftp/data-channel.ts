/**
 * One FTP data connection: opened passively (we connect) or actively (the
 * server connects to our listener), optionally TLS-protected with the control
 * connection's session resumed (RFC 4217 §10; vsftpd `require_ssl_reuse`).
 *
 * It wraps the node:net socket directly rather than the Socket class: the
 * download hot path yields the kernel's own chunks with no queue and no copy.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { networkInterfaces } from 'node:os';
import { ProtocolError, TimeoutError, toDialError } from '../../errors.js';
import { connectTcp } from '../../socket/connect.js';
import { handshake, secured, tlsOpener, type TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import { guard, timerMs, type WaitOptions } from '../../util/guard.js';
import { LentFeed, QueueFeed, readAll } from './data-read.js';
import { sinkAll, type ConsumeSink } from './data-sink.js';
import { traceConnected, traceDataTls } from './data-trace.js';

/** A listener waiting for the server's active-mode connection. */
export class ActiveListener {
  readonly #srv: net.Server;
  readonly #expectFrom: string;
  #conn: net.Socket | undefined;
  #waiter: ((s: net.Socket) => void) | undefined;

  private constructor(srv: net.Server, expectFrom: string) {
    this.#srv = srv;
    this.#expectFrom = normalize(expectFrom);
    srv.on('connection', (s) => {
      // Only the server we talk to may connect: anyone else could feed us a file.
      if (this.#conn || normalize(s.remoteAddress ?? '') !== this.#expectFrom) return void s.destroy();
      this.#conn = s;
      this.#waiter?.(s);
    });
  }

  /**
   * Listens on `localAddress` — any free port, or the first free one of
   * `ports` — and accepts connections only from `peer`.
   */
  static async open(localAddress: string, peer: string, ports?: readonly [number, number]): Promise<ActiveListener> {
    const [first, last] = ports ?? [0, 0];
    for (let port = first; ; port++) {
      const srv = net.createServer({ allowHalfOpen: true });
      const err = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
        srv.once('error', resolve);
        srv.listen({ host: localAddress, port, backlog: 1 }, () => resolve(undefined));
      });
      if (!err) return new ActiveListener(srv, peer);
      srv.close();
      // A busy port of the range: the next one (curl walks its -P range the same way).
      if (err.code === 'EADDRINUSE' && port < last) continue;
      const range = ports ? ` (ports ${first}-${last})` : '';
      throw toDialError(err, `listening for the active data connection on ${localAddress}${range}`, { protocol: 'ftp', phase: 'data-listen' });
    }
  }

  /** Where the listener waits (sent to the server in PORT/EPRT). */
  get address(): { address: string; port: number } {
    const a = this.#srv.address() as net.AddressInfo;
    return { address: a.address, port: a.port };
  }

  /** Whether the listener (and a connection it took) keeps the process alive. */
  hold(on: boolean): void {
    for (const h of [this.#srv, this.#conn]) {
      if (on) h?.ref();
      else h?.unref();
    }
  }

  /** Waits for the server's connection. */
  async accept(wait: WaitOptions): Promise<net.Socket> {
    try {
      return this.#conn ?? (await guard(new Promise<net.Socket>((r) => (this.#waiter = r)), wait, 'waiting for the server to open the data connection'));
    } finally {
      this.close();
    }
  }

  /** Stops listening; safe to call twice. */
  close(): void {
    this.#waiter = undefined;
    if (this.#srv.listening) this.#srv.close();
  }
}

/**
 * Where active mode listens: `spec` (an IP address or a network interface's
 * name), else this end of the control connection. An interface gives its
 * address of the control connection's family, as curl picks it: the server
 * connects from its address of that family, the only one the listener takes.
 */
export function activeListenAddress(spec: string | undefined, controlLocal: string): string {
  if (spec === undefined) return controlLocal;
  if (net.isIP(spec)) return spec;
  const nic = networkInterfaces()[spec];
  if (!nic || nic.length === 0) return spec;
  const family = net.isIP(normalize(controlLocal)) === 6 ? 'IPv6' : 'IPv4';
  const pick = nic.find((a) => a.family === family) ?? nic[0]!;
  // A link-local address is only reachable through its interface.
  return pick.family === 'IPv6' && pick.scopeid ? `${pick.address}%${spec}` : pick.address;
}

function normalize(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** How {@link DataConnection.connect} opens a passive data connection. */
export interface DataConnectOptions {
  /** Read into one reused buffer (TransferOptions.reuseBuffer). */
  lend?: boolean | undefined;
  /** TLS from the start: the name the user connected to (SNI, identity) and the settings, session included. */
  tls?: { name: string; options: TLSOptions } | undefined;
  trace?: Tracer | undefined;
  /** Where the connection starts from (the control connection's --interface and --local-port). */
  local?: LocalEnd | undefined;
}

/** An open data connection. */
export class DataConnection {
  #sock: net.Socket;
  readonly #idle: number;
  /** How reads reach {@link read} when the connect call had to know (onread); else 'data' events. */
  readonly #feed: LentFeed | QueueFeed | undefined;
  #handshake: Promise<tls.TLSSocket> | undefined;
  #closed = false;

  constructor(sock: net.Socket, idleTimeout: number, feed?: LentFeed | QueueFeed) {
    this.#sock = sock;
    this.#idle = idleTimeout;
    this.#feed = feed;
    sock.on('error', () => {});
  }

  /** Whether the connection keeps the process alive. */
  hold(on: boolean): void {
    if (on) this.#sock.ref();
    else this.#sock.unref();
  }

  /**
   * Connects to the server's passive port. Reads land in a reused buffer
   * (node:net `onread`): copied out of it, fresh, or with `lend` handed over
   * as they are (see {@link read}: each chunk valid until the next is asked for).
   * With `tls` the TLS socket is made here and owns its TCP connection — the
   * only way node:tls honours `onread` — and its handshake, which starts at
   * once, is awaited by {@link secure}.
   */
  static async connect(host: string, port: number, wait: WaitOptions, idleTimeout: number, how: DataConnectOptions = {}): Promise<DataConnection> {
    // A copy per read costs less than the 'data' path's allocation per read, and a read fills 256 KiB, not 64.
    const t = how.tls;
    const feed = how.lend ? new LentFeed(t !== undefined) : new QueueFeed(undefined, true);
    const open = t ? tlsOpener(t.name, t.options) : undefined;
    const sock = await connectTcp({ host, port, timeout: wait.timeout, signal: wait.signal, onread: feed.onread, open, local: how.local });
    const conn = new DataConnection(sock, idleTimeout, feed);
    if (t) {
      // Observed from now: the server may finish the handshake before the transfer command's reply is read.
      conn.#handshake = secured(sock as tls.TLSSocket, t.options.servername ?? t.name, {}, undefined, t.options.pinnedPublicKeys);
      conn.#handshake.catch(() => {});
    }
    traceConnected(how.trace, sock, 'Connected to');
    return conn;
  }

  /** Reports a connection the server opened to us (active mode) as connected. */
  announceAccepted(trace: Tracer | undefined): void {
    traceConnected(trace, this.#sock, 'Accepted the connection from');
  }

  /** The socket underneath (TLS once {@link secure} ran). */
  get socket(): net.Socket {
    return this.#sock;
  }

  /**
   * Runs the TLS handshake as client, resuming `session` when given — or, on
   * a connection made with `tls`, waits for the handshake already under way.
   */
  async secure(host: string, options: TLSOptions, wait: WaitOptions, trace?: Tracer): Promise<void> {
    const sock = this.#sock;
    const t = this.#handshake
      ? await guard(this.#handshake, wait, `TLS handshake with ${options.servername ?? host}`, () => sock.destroy())
      : await handshake(sock, host, options, wait);
    this.#sock = t;
    t.on('error', () => {});
    traceDataTls(trace, t);
  }

  /** True when the TLS handshake resumed the session offered. */
  get resumed(): boolean {
    const t = this.#sock as tls.TLSSocket;
    return typeof t.isSessionReused === 'function' && t.isSessionReused();
  }

  /**
   * Yields the bytes up to the server's close: fresh chunks (each read copied
   * out of the read buffer on a connection made by {@link connect}, 'data'
   * events on others), or, when made with `lend`, views of reused buffers
   * (each valid until the next is asked for). Past `highWater` queued bytes
   * reading stops. `idleTimeout` bounds each silence; the signal destroys the socket.
   */
  read(signal: AbortSignal | undefined, highWater?: number): AsyncGenerator<Buffer, void, undefined> {
    return readAll(this.#sock, this.#feed ?? new QueueFeed(highWater), this.#idle, signal);
  }

  /**
   * Hands the bytes up to the server's close to `sink` as each read lands
   * (see sinkAll in data-sink.ts): a view of the read buffer on a connection
   * made by {@link connect}, a fresh chunk on others, valid only during the
   * call — or, when the sink returns a promise, until it settles (reading
   * stops meanwhile). `idleTimeout` bounds each silence; the signal destroys
   * the socket.
   */
  drain(signal: AbortSignal | undefined, sink: ConsumeSink): Promise<void> {
    return sinkAll(this.#sock, this.#feed ?? new QueueFeed(), this.#idle, signal, sink);
  }

  /** Sends every chunk of `source`, honouring back-pressure, then closes our side (TLS: close_notify). */
  async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal: AbortSignal | undefined, onChunk?: (n: number) => void): Promise<void> {
    const s = this.#sock;
    let broken: Error | undefined;
    const onErr = (e: Error) => (broken ??= e);
    s.on('error', onErr);
    s.on('close', () => (broken ??= new ProtocolError('the server closed the data connection during the upload', { protocol: 'ftp', phase: 'data' })));
    // Cut short, an upload ends with a reset (see reset()): the server must not take what it has as the file.
    const onAbort = () => this.reset();
    signal?.addEventListener('abort', onAbort, { once: true });
    // The idle bound counts waits on the server, not on the caller's source: a silence while the next chunk
    // is awaited with nothing unsent is put off until the chunk comes.
    let pulling = false;
    let deferred = false;
    const onTimeout = () => {
      if (pulling && s.writableLength === 0) {
        deferred = true;
        return;
      }
      broken ??= new TimeoutError(`the data connection stalled for ${this.#idle} ms`, { timeout: this.#idle, protocol: 'ftp', phase: 'data' });
      this.reset();
    };
    const pulled = () => {
      pulling = false;
      if (!deferred) return;
      deferred = false;
      s.setTimeout(timerMs(this.#idle));
    };
    if (this.#idle > 0) {
      s.on('timeout', onTimeout);
      s.setTimeout(timerMs(this.#idle));
    }
    try {
      pulling = true;
      for await (const chunk of source) {
        pulled();
        if (broken) throw broken;
        if (signal?.aborted) throw toDialError(Object.assign(new Error('upload aborted'), { name: 'AbortError' }), 'upload');
        if (!s.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              s.removeListener('drain', done);
              s.removeListener('close', done);
              resolve();
            };
            s.on('drain', done);
            s.on('close', done);
          });
        }
        onChunk?.(chunk.length);
        pulling = true;
      }
      pulled();
      if (broken) throw broken;
      await new Promise<void>((resolve, reject) => {
        s.end(() => resolve());
        s.once('close', () => (s.writableFinished ? resolve() : reject(broken ?? new ProtocolError('the data connection closed before the upload was flushed', { protocol: 'ftp', phase: 'data' }))));
      });
      // Our FIN is out; wait for the server's, so its final reply reflects every byte.
      if (!s.destroyed && !s.readableEnded) {
        await guard(
          new Promise<void>((resolve) => {
            s.once('close', () => resolve());
            s.once('end', () => resolve());
            s.resume();
          }),
          { timeout: this.#idle || undefined },
          'waiting for the server to close the data connection',
        ).catch(() => {});
      }
    } catch (e) {
      throw toDialError(e, 'the upload broke', { protocol: 'ftp', phase: 'data' });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      s.removeListener('timeout', onTimeout);
      s.setTimeout(0);
      s.removeListener('error', onErr);
    }
  }

  /** Closes at once (used on errors and aborts); a reader in progress fails with `err` when given. */
  destroy(err?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.destroy(err);
  }

  /**
   * Closes at once with a TCP reset: used when an upload is cut short. In
   * stream mode a clean close is the end of the file (RFC 959 §3.4.1), so a
   * FIN would have the server keep the bytes so far as the whole file and
   * answer 226; a reset makes it a failed transfer (426). Over TLS the
   * connection is dropped without close_notify, which marks a truncation there.
   */
  reset(): void {
    if (this.#closed) return;
    this.#closed = true;
    const s = this.#sock;
    if (!(s instanceof tls.TLSSocket) && !s.destroyed) {
      try {
        s.resetAndDestroy();
        return;
      } catch {
        // Not a TCP handle (a tunnelled socket may wrap another stream): closing is all that is left.
      }
    }
    s.destroy();
  }

  /** Closes gently. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.end();
    this.#sock.destroySoon();
  }
}
