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
import * as net from 'node:net';
import type * as tls from 'node:tls';
import { ProtocolError, TimeoutError, toDialError } from '../../errors.js';
import { connectTcp } from '../../socket/connect.js';
import { handshake, type TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import { guard, type WaitOptions } from '../../util/guard.js';
import { traceConnected, traceDataTls } from './data-trace.js';

const EMPTY = Buffer.alloc(0);

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

  /** Listens on `localAddress`, port 0; accepts connections only from `peer`. */
  static async open(localAddress: string, peer: string): Promise<ActiveListener> {
    const srv = net.createServer({ allowHalfOpen: true });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', (e) => reject(toDialError(e, 'listening for the active data connection', { protocol: 'ftp', phase: 'data' })));
      srv.listen({ host: localAddress, port: 0, backlog: 1 }, resolve);
    });
    return new ActiveListener(srv, peer);
  }

  /** Where the listener waits (sent to the server in PORT/EPRT). */
  get address(): { address: string; port: number } {
    const a = this.#srv.address() as net.AddressInfo;
    return { address: a.address, port: a.port };
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

function normalize(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/**
 * The state of a connection whose reads land in one reused buffer (node:net
 * `onread`): each read fills it, reading stops until the consumer has moved
 * past the chunk, then resumes — no allocation per chunk, so a long download
 * leaves no garbage behind (with 'data' events Node allocates 64 KiB per
 * read, and V8 collects those only every few tens of MB).
 */
interface Lent {
  pending: Buffer | undefined;
  wake: (() => void) | undefined;
}

/** Size of the reused read buffer: a loopback read rarely returns more. */
const LEND_SIZE = 256 * 1024;

/** An open data connection. */
export class DataConnection {
  #sock: net.Socket;
  readonly #idle: number;
  readonly #lent: Lent | undefined;
  #closed = false;

  constructor(sock: net.Socket, idleTimeout: number, lent?: Lent) {
    this.#sock = sock;
    this.#idle = idleTimeout;
    this.#lent = lent;
    sock.on('error', () => {});
  }

  /**
   * Connects to a passive port at an IP literal with one reused read buffer
   * (see {@link read}: each chunk is valid until the next is asked for). For
   * plain connections only: TLS takes the socket over and reads on its own.
   */
  static async connectLending(ip: string, port: number, wait: WaitOptions, idleTimeout: number, trace?: Tracer): Promise<DataConnection> {
    const lent: Lent = { pending: undefined, wake: undefined };
    const buffer = Buffer.allocUnsafeSlow(LEND_SIZE);
    const sock = net.connect({
      host: ip,
      port,
      allowHalfOpen: true,
      onread: {
        buffer,
        callback: (n: number, buf: Uint8Array) => {
          lent.pending = (buf as Buffer).subarray(0, n);
          const w = lent.wake;
          lent.wake = undefined;
          w?.();
          // Stop reading until the consumer has finished with this chunk.
          return false;
        },
      },
    });
    sock.on('error', () => {});
    try {
      await guard(
        new Promise<void>((resolve, reject) => {
          sock.once('connect', resolve);
          sock.once('error', reject);
        }),
        wait,
        `connecting the data channel to ${ip} port ${port}`,
        () => sock.destroy(),
      );
    } catch (e) {
      sock.destroy();
      throw toDialError(e, `connecting the data channel to ${ip} port ${port}`, { protocol: 'ftp', phase: 'data' });
    }
    traceConnected(trace, sock, 'Connected to');
    return new DataConnection(sock, idleTimeout, lent);
  }

  /** Connects to the server's passive port. */
  static async connect(host: string, port: number, wait: WaitOptions, idleTimeout: number, trace?: Tracer): Promise<DataConnection> {
    const s = await connectTcp({ host, port, timeout: wait.timeout, signal: wait.signal });
    traceConnected(trace, s, 'Connected to');
    return new DataConnection(s, idleTimeout);
  }

  /** Reports a connection the server opened to us (active mode) as connected. */
  announceAccepted(trace: Tracer | undefined): void {
    traceConnected(trace, this.#sock, 'Accepted the connection from');
  }

  /** The socket underneath (TLS once {@link secure} ran). */
  get socket(): net.Socket {
    return this.#sock;
  }

  /** Runs the TLS handshake as client, resuming `session` when given. */
  async secure(host: string, options: TLSOptions, wait: WaitOptions, trace?: Tracer): Promise<void> {
    const t = await handshake(this.#sock, host, options, wait);
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
   * Yields the bytes up to the server's close, each chunk exactly as the
   * kernel delivered it: flowing-mode 'data' events into a small queue, since
   * a Readable's own iterator may concatenate buffered chunks (a copy). Past
   * `highWater` queued bytes the socket is paused, so a slow consumer pushes
   * back on the server. `idleTimeout` bounds each silence; the signal
   * destroys the socket.
   */
  async *read(signal: AbortSignal | undefined, highWater = 1024 * 1024): AsyncGenerator<Buffer, void, undefined> {
    if (this.#lent) return yield* this.#readLent(this.#lent, signal);
    const s = this.#sock;
    const queue: Buffer[] = [];
    let head = 0;
    let queued = 0;
    let ended = false;
    let failure: unknown;
    let wake: (() => void) | undefined;
    const poke = () => {
      const w = wake;
      wake = undefined;
      w?.();
    };
    const onData = (b: Buffer) => {
      queue.push(b);
      queued += b.length;
      if (queued >= highWater) s.pause();
      poke();
    };
    const onEnd = () => {
      ended = true;
      poke();
    };
    const onError = (e: unknown) => {
      failure ??= e;
      poke();
    };
    const onClose = () => {
      ended = true;
      poke();
    };
    const onAbort = () => s.destroy(toDialError(Object.assign(new Error('data transfer aborted'), { name: 'AbortError' }), 'data transfer'));
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    // A tunnelled socket arrives explicitly paused (see connect.ts); a 'data' listener alone would not start it.
    if (queued < highWater) s.resume();
    if (this.#idle > 0) {
      s.setTimeout(this.#idle, () => s.destroy(new TimeoutError(`the data connection was idle for ${this.#idle} ms`, { timeout: this.#idle, protocol: 'ftp', phase: 'data' })));
    }
    try {
      for (;;) {
        if (head < queue.length) {
          const b = queue[head]!;
          queue[head++] = EMPTY;
          if (head > 1024) {
            queue.splice(0, head);
            head = 0;
          }
          queued -= b.length;
          if (s.isPaused() && queued < highWater / 2) s.resume();
          yield b;
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) {
          // The socket allows half-open; the server waits for our side to close too.
          s.destroy();
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } catch (e) {
      throw toDialError(e, 'the data connection broke', { protocol: 'ftp', phase: 'data' });
    } finally {
      s.removeListener('data', onData);
      s.removeListener('end', onEnd);
      s.removeListener('error', onError);
      s.removeListener('close', onClose);
      signal?.removeEventListener('abort', onAbort);
      s.setTimeout(0);
    }
  }

  /** {@link read} over the reused buffer: a chunk is the buffer itself, overwritten once the consumer asks for the next. */
  async *#readLent(lent: Lent, signal: AbortSignal | undefined): AsyncGenerator<Buffer, void, undefined> {
    const s = this.#sock;
    let ended = false;
    let failure: unknown;
    const poke = () => {
      const w = lent.wake;
      lent.wake = undefined;
      w?.();
    };
    const onEnd = () => {
      ended = true;
      poke();
    };
    const onError = (e: unknown) => {
      failure ??= e;
      poke();
    };
    const onAbort = () => s.destroy(toDialError(Object.assign(new Error('data transfer aborted'), { name: 'AbortError' }), 'data transfer'));
    s.on('end', onEnd);
    s.on('close', onEnd);
    s.on('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (this.#idle > 0) {
      s.setTimeout(this.#idle, () => s.destroy(new TimeoutError(`the data connection was idle for ${this.#idle} ms`, { timeout: this.#idle, protocol: 'ftp', phase: 'data' })));
    }
    try {
      for (;;) {
        const b = lent.pending;
        if (b) {
          lent.pending = undefined;
          yield b;
          s.resume();
          continue;
        }
        if (failure !== undefined) throw failure;
        if (ended) {
          s.destroy();
          return;
        }
        await new Promise<void>((resolve) => (lent.wake = resolve));
      }
    } catch (e) {
      throw toDialError(e, 'the data connection broke', { protocol: 'ftp', phase: 'data' });
    } finally {
      s.removeListener('end', onEnd);
      s.removeListener('close', onEnd);
      s.removeListener('error', onError);
      signal?.removeEventListener('abort', onAbort);
      s.setTimeout(0);
    }
  }

  /** Sends every chunk of `source`, honouring back-pressure, then closes our side (TLS: close_notify). */
  async write(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, signal: AbortSignal | undefined, onChunk?: (n: number) => void): Promise<void> {
    const s = this.#sock;
    let broken: Error | undefined;
    const onErr = (e: Error) => (broken ??= e);
    s.on('error', onErr);
    s.on('close', () => (broken ??= new ProtocolError('the server closed the data connection during the upload', { protocol: 'ftp', phase: 'data' })));
    const onAbort = () => s.destroy();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (this.#idle > 0) s.setTimeout(this.#idle, () => s.destroy(new TimeoutError(`the data connection stalled for ${this.#idle} ms`, { timeout: this.#idle, protocol: 'ftp', phase: 'data' })));
    try {
      for await (const chunk of source) {
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
      }
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
      s.setTimeout(0);
      s.removeListener('error', onErr);
    }
  }

  /** Closes at once (used on errors and aborts). */
  destroy(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.destroy();
  }

  /** Closes gently. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#sock.end();
    this.#sock.destroySoon();
  }
}
