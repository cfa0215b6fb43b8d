/**
 * UDP datagram sockets over node:dgram, with a promise API.
 *
 * node:dgram pushes every datagram at an event handler; a protocol client
 * wants to *ask* for the next one, with a time bound. So each socket keeps a
 * bounded queue of datagrams that arrived while nobody was waiting, and a list
 * of waiters that get the next datagram first. Message boundaries are kept:
 * one `sendTo` on the peer is one `recvFrom` here, never merged or split.
 *
 * Connected semantics (as BSD sockets): `connect(host, port)` fixes the peer,
 * after which `send`/`recv` need no address and the kernel itself drops
 * datagrams from any other sender. An ICMP "port unreachable" for a datagram
 * sent on a connected socket comes back as the error of a later `recv`
 * (a {@link ConnectError} with `code` DIAL_E_CONNECT and `sysCode`
 * ECONNREFUSED); an unconnected socket never sees those errors.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { AbortError, ConnectError, DialError, InputError, NetworkError, toDialError } from '../errors.js';
import { guard, throwIfAborted, type WaitOptions } from '../util/guard.js';
import {
  bindError,
  checkHost,
  checkPort,
  DEFAULT_MAX_QUEUE,
  familyOf,
  MAX_DATAGRAM_V4,
  MAX_DATAGRAM_V6,
  sendError,
  toBuffer,
  type Datagram,
  type DatagramAddress,
  type DatagramBindOptions,
} from './udp-options.js';

export { DEFAULT_MAX_QUEUE, MAX_DATAGRAM_V4, MAX_DATAGRAM_V6, type Datagram, type DatagramAddress, type DatagramBindOptions };

interface Waiter {
  resolve(d: Datagram): void;
  reject(e: Error): void;
  /** Set when a datagram was handed over, so a late cancel can put it back. */
  delivered?: Datagram;
}

/** How often bind() retries pinning a kernel-chosen port that another socket grabbed first. */
const PIN_PORT_TRIES = 8;

/** Closes a dgram socket that may already be closed; resolves once it is. */
function closeQuietly(sock: dgram.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      sock.close(() => resolve());
    } catch {
      resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: closed already
    }
  });
}

/**
 * A UDP socket: create one with {@link DatagramSocket.bind}.
 *
 * ```ts
 * const u = await DatagramSocket.bind();
 * await u.connect('127.0.0.1', 7);
 * await u.send('ping');
 * const reply = await u.recv({ timeout: 1000 });
 * await u.close();
 * ```
 */
export class DatagramSocket {
  readonly #sock: dgram.Socket;
  readonly #family: 4 | 6;
  readonly #maxQueue: number;
  readonly #maxDatagram: number;
  readonly #local: DatagramAddress;
  readonly #queue: Datagram[] = [];
  readonly #waiters: Waiter[] = [];
  #peer: DatagramAddress | undefined;
  #connecting = false;
  /** An asynchronous socket error (ICMP unreachable) that arrived with nobody waiting; the next receive throws it. */
  #pendingError: DialError | undefined;
  #closed = false;
  #closing: Promise<void> | undefined;
  #dropped = 0;

  private constructor(sock: dgram.Socket, family: 4 | 6, maxQueue: number, maxDatagram: number) {
    this.#sock = sock;
    this.#family = family;
    this.#maxQueue = maxQueue;
    this.#maxDatagram = maxDatagram;
    const a = sock.address();
    // Kept, because node's address() throws once the socket is closed.
    this.#local = { address: a.address, port: a.port, family: familyOf(a.family) };
    sock.on('message', (msg, rinfo) => this.#onMessage(msg, rinfo));
    sock.on('error', (err) => this.#onError(err));
  }

  /**
   * Creates a UDP socket and binds it; resolves once it is ready to send and receive.
   * Rejects with an InputError for bad options, a ConnectError when the address cannot
   * be bound or resolved, a TimeoutError/AbortError per `timeout`/`signal`.
   */
  static async bind(options: DatagramBindOptions = {}): Promise<DatagramSocket> {
    throwIfAborted(options.signal, 'UDP bind');
    const port = checkPort(options.port ?? 0, 'UDP bind', true);
    if (options.host !== undefined) checkHost(options.host, 'UDP bind');
    if (options.family !== undefined && options.family !== 4 && options.family !== 6) {
      throw new InputError(`UDP bind: family must be 4 or 6, not ${String(options.family)}`, { protocol: 'udp' });
    }
    const family: 4 | 6 = options.family ?? (options.host !== undefined && net.isIPv6(options.host) ? 6 : 4);
    const host = options.host ?? (family === 6 ? '::' : '0.0.0.0');
    const ceiling = family === 6 ? MAX_DATAGRAM_V6 : MAX_DATAGRAM_V4;
    const maxDatagram = options.maxDatagram ?? ceiling;
    if (!Number.isInteger(maxDatagram) || maxDatagram < 0 || maxDatagram > ceiling) {
      throw new InputError(`UDP bind: maxDatagram must be an integer in 0..${ceiling}`, { protocol: 'udp' });
    }
    const maxQueue = options.maxQueue ?? DEFAULT_MAX_QUEUE;
    if (!Number.isInteger(maxQueue) || maxQueue < 0) {
      throw new InputError('UDP bind: maxQueue must be a non-negative integer', { protocol: 'udp' });
    }

    const type = family === 6 ? 'udp6' : 'udp4';
    const reuseAddr = options.reuseAddr ?? false;
    let current: dgram.Socket | undefined;
    let withdrawn = false;
    const bindOnce = (p: number) =>
      new Promise<dgram.Socket>((resolve, reject) => {
        if (withdrawn) return reject(new AbortError('UDP bind withdrawn'));
        const sock = dgram.createSocket({ type, reuseAddr });
        current = sock;
        const onError = (err: Error) => {
          sock.off('listening', onListening);
          void closeQuietly(sock);
          reject(bindError(err, `UDP bind ${host}:${p}`));
        };
        const onListening = () => {
          sock.off('error', onError);
          if (withdrawn) {
            void closeQuietly(sock);
            reject(new AbortError('UDP bind withdrawn'));
          } else resolve(sock);
        };
        sock.once('error', onError);
        sock.once('listening', onListening);
        sock.bind({ port: p, address: host });
      });
    const attempt = async (): Promise<dgram.Socket> => {
      if (port !== 0) return bindOnce(port);
      // Linux forgets a port the kernel chose (bind to 0) when a connected socket is
      // disconnected, so the socket would silently move to a new port. A port bound by
      // number is kept. So: let the kernel pick a free port, release it, and bind that
      // number — retrying in the rare case someone else took it in between.
      for (let tries = 1; ; tries++) {
        const probe = await bindOnce(0);
        const chosen = probe.address().port;
        await closeQuietly(probe);
        try {
          return await bindOnce(chosen);
        } catch (err) {
          if (tries >= PIN_PORT_TRIES || !(err instanceof DialError && err.sysCode === 'EADDRINUSE')) throw err;
        }
      }
    };
    // A timed-out or aborted bind must not leave a socket open behind the caller's back.
    const sock = await guard(attempt(), options, 'UDP bind', () => {
      withdrawn = true;
      if (current) void closeQuietly(current);
    });
    return new DatagramSocket(sock, family, maxQueue, maxDatagram);
  }

  /** The local address and port this socket is bound to. */
  get address(): DatagramAddress {
    return { ...this.#local };
  }

  /** The peer fixed by {@link connect}, or undefined when not connected. */
  get remoteAddress(): DatagramAddress | undefined {
    return this.#peer ? { ...this.#peer } : undefined;
  }

  /** The address family, 4 or 6. */
  get family(): 4 | 6 {
    return this.#family;
  }

  /** Datagrams thrown away because the queue was full or they exceeded `maxDatagram`. */
  get dropped(): number {
    return this.#dropped;
  }

  /** Datagrams received and not yet read. */
  get queued(): number {
    return this.#queue.length;
  }

  /** True once {@link close} was called. */
  get closed(): boolean {
    return this.#closed;
  }

  #assertOpen(what: string): void {
    if (this.#closed) throw new NetworkError('DIAL_E_CLOSED', `${what}: the UDP socket is closed`, { protocol: 'udp' });
  }

  #checkSize(buf: Buffer, what: string): void {
    if (buf.length > this.#maxDatagram) {
      throw new InputError(`${what}: datagram of ${buf.length} bytes exceeds the limit of ${this.#maxDatagram}; nothing was sent`, {
        protocol: 'udp',
        phase: 'send',
      });
    }
  }

  #onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    if (this.#closed) return;
    if (msg.length > this.#maxDatagram) {
      this.#dropped++;
      return;
    }
    const d: Datagram = { data: msg, address: rinfo.address, port: rinfo.port, family: familyOf(rinfo.family) };
    // The kernel already filters for a connected socket; this catches datagrams that were in flight while connect() ran.
    if (this.#peer && !this.#fromPeer(d)) return;
    const w = this.#waiters.shift();
    if (w) {
      w.delivered = d;
      w.resolve(d);
    } else if (this.#queue.length < this.#maxQueue) {
      this.#queue.push(d);
    } else {
      this.#dropped++;
    }
  }

  #onError(err: Error): void {
    if (this.#closed) return;
    // node reports asynchronous socket errors (ECONNREFUSED after an ICMP port unreachable
    // on a connected socket) as 'error' events from recvmsg; they belong to the next receive.
    const e = toDialError(err, 'UDP receive', { protocol: 'udp', phase: 'recv' });
    const w = this.#waiters.shift();
    if (w) w.reject(e);
    else this.#pendingError = e;
  }

  #fromPeer(d: DatagramAddress): boolean {
    return !!this.#peer && d.address === this.#peer.address && d.port === this.#peer.port;
  }

  /**
   * Sends one datagram to `host`:`port` (the socket must not be connected). Rejects with an
   * InputError — nothing sent — for an oversize datagram, a bad port or host, or a connected
   * socket; with a DialError mapped from the system error when the send fails.
   */
  async sendTo(data: Uint8Array | string, port: number, host: string, options: WaitOptions = {}): Promise<void> {
    this.#assertOpen('UDP sendTo');
    throwIfAborted(options.signal, 'UDP sendTo');
    const buf = toBuffer(data);
    checkPort(port, 'UDP sendTo', false);
    checkHost(host, 'UDP sendTo');
    if (this.#peer || this.#connecting) {
      throw new InputError('UDP sendTo: the socket is connected; use send()', { protocol: 'udp', phase: 'send' });
    }
    this.#checkSize(buf, 'UDP sendTo');
    await guard(this.#send(buf, port, host, `UDP send to ${host}:${port}`), options, 'UDP sendTo');
  }

  /**
   * Sends one datagram to the connected peer. Rejects with an InputError when the socket is
   * not connected or the datagram is too large (nothing sent), and with a ConnectError
   * (sysCode ECONNREFUSED) when an earlier datagram drew an ICMP port unreachable.
   */
  async send(data: Uint8Array | string, options: WaitOptions = {}): Promise<void> {
    this.#assertOpen('UDP send');
    throwIfAborted(options.signal, 'UDP send');
    const buf = toBuffer(data);
    if (!this.#peer) throw new InputError('UDP send: the socket is not connected; use sendTo() or connect() first', { protocol: 'udp', phase: 'send' });
    this.#checkSize(buf, 'UDP send');
    await guard(this.#send(buf, undefined, undefined, `UDP send to ${this.#peer.address}:${this.#peer.port}`), options, 'UDP send');
  }

  #send(buf: Buffer, port: number | undefined, host: string | undefined, what: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const cb = (err: Error | null) => (err ? reject(sendError(err, what)) : resolve());
      try {
        if (port === undefined) this.#sock.send(buf, cb);
        else this.#sock.send(buf, port, host, cb);
      } catch (err) {
        // node throws synchronously for states it checks itself (closed, connected); map them too.
        reject(sendError(err, what));
      }
    });
  }

  /**
   * Resolves with the next datagram and its sender. A datagram that arrived earlier is
   * returned at once from the queue. On timeout/abort the wait is withdrawn, so the next
   * datagram stays queued for a later call rather than being lost.
   */
  recvFrom(options: WaitOptions = {}): Promise<Datagram> {
    try {
      this.#assertOpen('UDP recv');
      throwIfAborted(options.signal, 'UDP recv');
    } catch (err) {
      return Promise.reject(err);
    }
    if (this.#pendingError) {
      const e = this.#pendingError;
      this.#pendingError = undefined;
      return Promise.reject(e);
    }
    const first = this.#queue.shift();
    if (first) return Promise.resolve(first);
    let waiter!: Waiter;
    const p = new Promise<Datagram>((resolve, reject) => {
      waiter = { resolve, reject };
    });
    this.#waiters.push(waiter);
    return guard(p, options, 'UDP recv', () => {
      const i = this.#waiters.indexOf(waiter);
      if (i >= 0) this.#waiters.splice(i, 1);
      // Handed a datagram in the same tick the timer fired: put it back, first in line.
      else if (waiter.delivered && !this.#closed) this.#queue.unshift(waiter.delivered);
    });
  }

  /** Resolves with the payload of the next datagram (usually on a connected socket); see {@link recvFrom}. */
  async recv(options: WaitOptions = {}): Promise<Buffer> {
    return (await this.recvFrom(options)).data;
  }

  /**
   * Fixes the peer: afterwards `send`/`recv` use it and the kernel drops datagrams from any
   * other address. Datagrams from other senders still queued are discarded. Connecting
   * again replaces the peer. Resolves the host name first (DIAL_E_RESOLVE on failure).
   */
  async connect(host: string, port: number, options: WaitOptions = {}): Promise<void> {
    this.#assertOpen('UDP connect');
    throwIfAborted(options.signal, 'UDP connect');
    checkHost(host, 'UDP connect');
    checkPort(port, 'UDP connect', false);
    if (this.#connecting) throw new InputError('UDP connect: a connect is already in progress', { protocol: 'udp', phase: 'connect' });
    if (this.#peer) this.disconnect();
    this.#connecting = true;
    let withdrawn = false;
    const p = new Promise<void>((resolve, reject) => {
      const what = `UDP connect to ${host}:${port}`;
      try {
        this.#sock.connect(port, host, (err?: Error) => {
          this.#connecting = false;
          if (err) {
            reject(toDialError(err, what, { protocol: 'udp', phase: 'connect' }));
            return;
          }
          if (this.#closed) {
            reject(new NetworkError('DIAL_E_CLOSED', `${what}: the UDP socket was closed`, { protocol: 'udp' }));
            return;
          }
          if (withdrawn) {
            // The caller gave up (timeout/abort): leave the socket as it was, unconnected.
            try { this.#sock.disconnect(); } catch { /* not connected */ }
            return;
          }
          const r = this.#sock.remoteAddress();
          this.#peer = { address: r.address, port: r.port, family: familyOf(r.family) };
          for (let i = this.#queue.length - 1; i >= 0; i--) {
            if (!this.#fromPeer(this.#queue[i]!)) this.#queue.splice(i, 1);
          }
          resolve();
        });
      } catch (err) {
        this.#connecting = false;
        reject(toDialError(err, what, { protocol: 'udp', phase: 'connect' }));
      }
    });
    await guard(p, options, 'UDP connect', () => {
      withdrawn = true;
    });
  }

  /** Forgets the peer fixed by {@link connect}; datagrams from anyone are accepted again. A no-op when not connected. */
  disconnect(): void {
    this.#assertOpen('UDP disconnect');
    if (!this.#peer) return;
    this.#peer = undefined;
    this.#pendingError = undefined;
    try { this.#sock.disconnect(); } catch { /* node already considers it disconnected */ }
  }

  /**
   * Closes the socket: pending receives reject with NetworkError DIAL_E_CLOSED, queued
   * datagrams are discarded. Safe to call more than once; every call resolves when closed.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#queue.length = 0;
    const err = new NetworkError('DIAL_E_CLOSED', 'UDP recv: the socket was closed', { protocol: 'udp' });
    for (const w of this.#waiters.splice(0)) w.reject(err);
    this.#closing = closeQuietly(this.#sock);
    return this.#closing;
  }
}
