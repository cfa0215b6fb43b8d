import type * as net from 'node:net';
import type * as tls from 'node:tls';
import { DialError, InputError, NetworkError, ProtocolError, toDialError } from '../errors.js';
import { guard, throwIfAborted, type WaitOptions } from '../util/guard.js';
import { connectStream, type ConnectOptions } from './connect-stream.js';
import { handshake, type TLSOptions } from './tls.js';
import type { ByteStream, ShutdownHow } from './types.js';
import type { LentReads } from './lent-reads.js';
import { closeFlushed, endWrites, writeSettled } from './net-calls.js';
import { RecvQueue } from './recv-queue.js';
import { addressOf, peerLabel, type SocketAddress } from './socket-address.js';

export type { SocketAddress, ConnectOptions };

/** Per-socket settings. */
export interface SocketOptions {
  /** Default bound, in ms, on each recv/send wait that passes no timeout of its own. */
  timeout?: number | undefined;
  /** Bytes buffered unread before the socket stops reading from the kernel (default 256 KiB). */
  highWaterMark?: number | undefined;
  /** For a Unix-domain socket: the path, which node:net does not report back. */
  unixPath?: string | undefined;
  /** The host name connected to, which node:net does not keep: startTLS checks the certificate against it and sends it as SNI. */
  host?: string | undefined;
  /** The socket was connected with `lent.onread`: its reads arrive through `lent`, not 'data' events. */
  lent?: LentReads | undefined;
}

const EMPTY = Buffer.alloc(0);

/**
 * A connected stream socket (TCP, Unix-domain, or TLS over either) behind a
 * small promise API: `recv(max)` returns whatever has arrived, up to `max`
 * bytes, and an empty buffer at end of stream, as the BSD call does.
 *
 * Received bytes queue inside the socket; past `highWaterMark` the socket stops
 * reading so a slow consumer pushes back on the peer instead of growing memory.
 */
export class Socket implements ByteStream {
  #sock: net.Socket;
  readonly #queue = new RecvQueue();
  #eof = false;
  #readShut = false;
  #writeShut = false;
  #closed = false;
  #error: DialError | undefined;
  #waiter: (() => void) | undefined;
  #paused = false;
  #detached = false;
  #timeout: number | undefined;
  readonly #highWater: number;
  readonly #local: SocketAddress;
  readonly #remote: SocketAddress;
  readonly #label: string;
  #lent: LentReads | undefined;
  readonly #host: string | undefined;

  /** Wraps an already-connected node:net (or node:tls) socket. */
  constructor(sock: net.Socket, options: SocketOptions = {}) {
    this.#sock = sock;
    this.#timeout = options.timeout;
    this.#highWater = options.highWaterMark ?? 256 * 1024;
    this.#local = addressOf(sock, 'local', options.unixPath);
    this.#remote = addressOf(sock, 'remote', options.unixPath);
    this.#label = peerLabel(this.#remote);
    this.#host = options.host;
    this.#attach(sock);
    const lent = options.lent;
    if (lent) {
      this.#lent = lent;
      for (const b of lent.early.splice(0)) this.#onData(b);
      lent.sink = this.#onLent;
      if (!this.#paused) sock.resume();
    }
  }

  /**
   * Connects to `{host, port}` (Happy Eyeballs across every address) or to a
   * Unix socket `{path}`, then runs the TLS handshake if `tls` is given
   * (connect-stream.ts), all within `options.timeout`.
   */
  static async connect(options: ConnectOptions): Promise<Socket> {
    const sock = await connectStream(options);
    const target = 'path' in options ? { unixPath: options.path } : { host: options.host };
    return new Socket(sock, { highWaterMark: options.highWaterMark, ...target });
  }

  /** The local end of the connection. */
  get localAddress(): SocketAddress {
    return this.#local;
  }
  /** The peer. */
  get remoteAddress(): SocketAddress {
    return this.#remote;
  }
  /** True once TLS is in use (from the start or after `startTLS`). */
  get encrypted(): boolean {
    return (this.#sock as tls.TLSSocket).encrypted === true;
  }
  /** The ALPN protocol the server chose, or undefined. */
  get alpnProtocol(): string | undefined {
    const p = (this.#sock as tls.TLSSocket).alpnProtocol;
    return typeof p === 'string' ? p : undefined;
  }
  /** The TLS session, to resume on another connection (FTPS data channels). */
  get tlsSession(): Buffer | undefined {
    return this.encrypted ? (this.#sock as tls.TLSSocket).getSession() : undefined;
  }
  /** The peer's certificate, when TLS is in use. */
  get peerCertificate(): tls.PeerCertificate | undefined {
    return this.encrypted ? (this.#sock as tls.TLSSocket).getPeerCertificate() : undefined;
  }
  /** Bytes received and not yet read. */
  get bufferedLength(): number {
    return this.#queue.length;
  }
  /** The node:net socket underneath, for code that must hand it on (e.g. to an HTTP parser's fast path). */
  get raw(): net.Socket {
    return this.#sock;
  }

  /**
   * Hands the node:net (or node:tls) socket underneath to a new owner that
   * reads it through its own 'data' listener (an HTTP parser's fast path).
   * The raw socket comes back paused, with none of this Socket's listeners,
   * together with the bytes this Socket had received and not handed out yet
   * (`buffered`, to be read before anything the raw socket emits) and whether
   * the peer had already ended its side (`ended`: no 'end' event will follow).
   * The new owner must add its own 'error' listener at once and `resume()`
   * the socket when ready. A socket reading into a lent buffer comes with
   * its {@link LentReads} (`lent`): set its `sink` (and take `lent.early`
   * first) instead of listening for 'data'. From then on this Socket is unusable: recv and send
   * fail, close and destroy leave the handed-over socket alone.
   *
   * Throws when the socket has already failed or been closed (the caller
   * should close it instead).
   */
  detach(): { socket: net.Socket; buffered: Buffer; ended: boolean; lent: LentReads | undefined } {
    if (this.#error) throw this.#error;
    if (this.#closed) throw this.#closedError();
    const sock = this.#sock;
    // Paused first: with the 'data' listener gone a flowing socket would drop what it reads.
    sock.pause();
    this.#detach(sock);
    const lent = this.#lent;
    this.#lent = undefined;
    // Paused, so nothing should arrive before the new owner sets its sink; if it does, nothing is lost.
    if (lent) lent.sink = lent.keep;
    const buffered = this.#queue.takeAll();
    const ended = this.#eof;
    this.#detached = true;
    this.#closed = true;
    this.#wake();
    return { socket: sock, buffered, ended, lent };
  }

  /** True once {@link detach} has handed the socket to another owner. */
  get detached(): boolean {
    return this.#detached;
  }

  /** Sets the default bound (ms) for each recv/send wait; 0 removes it. */
  setTimeout(ms: number): void {
    this.#timeout = ms > 0 ? ms : undefined;
  }

  /** Resolves with 1..`max` bytes, or an empty buffer once the peer has closed its side. */
  async recv(max = 65536, options: WaitOptions = {}): Promise<Buffer> {
    checkSize(max);
    if (this.#queue.length === 0) await this.#wait(options, 'recv');
    if (this.#queue.length > 0) return this.#take(max);
    if (this.#error) throw this.#error;
    if (this.#closed) throw this.#closedError();
    return EMPTY;
  }

  /** Like recv, but leaves the bytes queued for the next recv (MSG_PEEK). */
  async peek(max = 65536, options: WaitOptions = {}): Promise<Buffer> {
    checkSize(max);
    if (this.#queue.length === 0) await this.#wait(options, 'peek');
    if (this.#queue.length > 0) return this.#queue.peek(max);
    if (this.#error) throw this.#error;
    // As recv: an empty buffer means the peer ended the stream, not that we closed it.
    if (this.#closed) throw this.#closedError();
    return EMPTY;
  }

  /**
   * Resolves with exactly `n` bytes; a ProtocolError if the stream ends
   * first. The bound applies to each wait for more bytes. When it fails
   * (timeout, abort, end of stream, error), the bytes it had read are put
   * back, so the next recv still sees them.
   */
  async recvExactly(n: number, options: WaitOptions = {}): Promise<Buffer> {
    if (!Number.isSafeInteger(n) || n < 0) throw new InputError(`recvExactly needs a byte count, got ${n}`);
    const parts: Buffer[] = [];
    let got = 0;
    try {
      while (got < n) {
        const chunk = await this.recv(n - got, options);
        if (chunk.length === 0) throw new ProtocolError(`connection closed after ${got} of ${n} bytes`, { phase: 'recv' });
        parts.push(chunk);
        got += chunk.length;
      }
    } catch (err) {
      // After shutdown('read') the bytes are to be discarded, as everything else queued was.
      if (!this.#readShut && !this.#detached) this.#queue.unshift(parts);
      throw err;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, n);
  }

  /**
   * Sends all of `data`; resolves once the kernel has taken it (so the caller
   * may reuse its buffer at once), waiting out back-pressure on the way.
   */
  async send(data: Uint8Array | string, options: WaitOptions = {}): Promise<void> {
    if (this.#error) throw this.#error;
    if (this.#closed || this.#writeShut) throw this.#closedError();
    const what = `send to ${this.#label}`;
    // Before the write: once node has the bytes they go out whatever the guard decides.
    throwIfAborted(options.signal, what);
    const written = writeSettled(this.#sock, data, () => this.#error, what);
    await guard(written, { signal: options.signal, timeout: options.timeout ?? this.#timeout }, what);
  }

  /**
   * Half-closes: 'write' sends FIN once queued bytes are flushed (the peer
   * reads end of stream, and can still answer); 'read' discards what arrives
   * from now on and makes recv return end of stream; 'both' does both. The
   * wait for the flush is bounded as a send's is: a peer that stops reading
   * gives a TimeoutError (the FIN stays queued) rather than a hang.
   */
  async shutdown(how: ShutdownHow, options: WaitOptions = {}): Promise<void> {
    if (how !== 'read' && how !== 'write' && how !== 'both') throw new InputError(`shutdown takes 'read', 'write' or 'both', not ${String(how)}`);
    if (how !== 'write') {
      this.#readShut = true;
      this.#queue.clear();
      this.#resumeIfPaused();
      this.#wake();
    }
    if (how !== 'read' && !this.#writeShut && !this.#closed) {
      this.#writeShut = true;
      await guard(endWrites(this.#sock), { signal: options.signal, timeout: options.timeout ?? this.#timeout }, `shutdown of ${this.#label}`);
    }
  }

  /** Flushes what was sent, closes, and releases the socket. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.#closed || this.#detached) return;
    this.#closed = true;
    const sock = this.#sock;
    this.#wake();
    if (sock.destroyed) return;
    await closeFlushed(sock);
  }

  /** Closes at once, dropping anything unsent. */
  destroy(error?: DialError): void {
    if (this.#detached) return;
    if (error && !this.#error) this.#error = error;
    this.#closed = true;
    this.#sock.destroy();
    this.#wake();
  }

  /**
   * Upgrades this connection to TLS in place (STARTTLS, STLS, AUTH TLS). Call it
   * right after the server's go-ahead reply: any byte already received beyond
   * that reply was sent in plaintext before the handshake and may be an
   * attacker's injection (curl CVE-2021-22947), so it is refused, not read.
   */
  async startTLS(options: TLSOptions & WaitOptions = {}): Promise<void> {
    if (this.encrypted) throw new InputError('startTLS on a connection that already uses TLS');
    if (this.#error) throw this.#error;
    if (this.#closed) throw this.#closedError();
    const plain = this.#sock;
    if (this.#queue.length > 0 || plain.readableLength > 0) {
      const n = this.#queue.length + plain.readableLength;
      const err = new ProtocolError(`${n} byte(s) arrived before the TLS handshake: refusing possible plaintext injection`, {
        code: 'DIAL_E_INJECTION',
        phase: 'tls',
      });
      // The refused bytes must never be handed out by a later recv.
      this.#queue.clear();
      this.destroy(err);
      throw err;
    }
    this.#detach(plain);
    // The name the caller dialled, not the address it resolved to: a certificate names hosts, and SNI takes no IP.
    const host = 'path' in this.#remote ? 'localhost' : (this.#host ?? this.#remote.address);
    try {
      this.#sock = await handshake(plain, host, options, { signal: options.signal, timeout: options.timeout ?? this.#timeout });
    } catch (err) {
      const e = toDialError(err, 'TLS upgrade failed', { phase: 'tls' });
      this.#error = e;
      this.#closed = true;
      this.#wake();
      throw e;
    }
    this.#attach(this.#sock);
  }

  /** Out-of-band (urgent) data has no Node.js API. */
  sendOOB(): never {
    throw new InputError('out-of-band (MSG_OOB) data is not available: Node.js exposes no urgent-data API', { code: 'DIAL_E_UNSUPPORTED' });
  }
  /** Out-of-band (urgent) data has no Node.js API. */
  recvOOB(): never {
    return this.sendOOB();
  }

  /** A read into the lent buffer: copied, since the queue outlives the call. */
  #onLent = (view: Buffer): boolean => {
    this.#onData(Buffer.from(view));
    return true;
  };

  #onData = (chunk: Buffer): void => {
    if (this.#readShut) return;
    this.#queue.push(chunk);
    if (this.#queue.length >= this.#highWater && !this.#paused) {
      this.#paused = true;
      this.#sock.pause();
    }
    this.#wake();
  };
  #onEnd = (): void => {
    this.#eof = true;
    this.#wake();
  };
  #onError = (err: Error): void => {
    this.#error ??= toDialError(err, `connection to ${this.#label} failed`);
    this.#wake();
  };
  #onClose = (): void => {
    this.#eof = true;
    this.#wake();
  };

  #attach(sock: net.Socket): void {
    sock.on('data', this.#onData);
    sock.on('end', this.#onEnd);
    sock.on('error', this.#onError);
    sock.on('close', this.#onClose);
  }
  #detach(sock: net.Socket): void {
    sock.removeListener('data', this.#onData);
    sock.removeListener('end', this.#onEnd);
    sock.removeListener('error', this.#onError);
    sock.removeListener('close', this.#onClose);
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  #wait(options: WaitOptions, what: string): Promise<void> {
    if (this.#eof || this.#readShut || this.#error || this.#closed) return Promise.resolve();
    if (this.#waiter) return Promise.reject(new InputError(`${what}: another recv is already waiting on this socket`));
    const p = new Promise<void>((resolve) => (this.#waiter = resolve));
    return guard(p, { signal: options.signal, timeout: options.timeout ?? this.#timeout }, `${what} from ${this.#label}`, () => {
      this.#waiter = undefined;
    });
  }

  #take(max: number): Buffer {
    const out = this.#queue.take(max);
    this.#resumeIfPaused();
    return out;
  }

  #resumeIfPaused(): void {
    if (this.#paused && this.#queue.length < this.#highWater / 2) {
      this.#paused = false;
      this.#sock.resume();
    }
  }

  #closedError(): NetworkError {
    if (this.#detached) return new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} was handed to another owner (detach)`);
    return new NetworkError('DIAL_E_CLOSED', `the connection to ${this.#label} is closed`);
  }
}

function checkSize(max: number): void {
  if (!Number.isSafeInteger(max) || max < 1) throw new InputError(`recv needs a positive byte count, got ${max}`);
}
