/**
 * UDP datagram sockets over node:dgram, with a promise API.
 *
 * node:dgram pushes every datagram at an event handler; a protocol client
 * wants to *ask* for the next one, with a time bound. So each socket keeps a
 * bounded queue of datagrams that arrived while nobody was waiting, and a list
 * of waiters that get the next datagram first (udp-inbox.ts). Message
 * boundaries are kept: one `sendTo` on the peer is one `recvFrom` here, never
 * merged or split. Option checks live in udp-options.ts, binding in udp-bind.ts;
 * this file holds the socket's own state: its peer, sending, and closing.
 *
 * Connected semantics (as BSD sockets): `connect(host, port)` fixes the peer,
 * after which `send`/`recv` need no address and the kernel itself drops
 * datagrams from any other sender. An ICMP "port unreachable" for a datagram
 * sent on a connected socket comes back as the error of a later `recv`
 * (a {@link ConnectError} with `code` DIAL_E_CONNECT and `sysCode`
 * ECONNREFUSED); an unconnected socket never sees those errors.
 */
import type dgram from 'node:dgram';
import { ConnectError, InputError, NetworkError, toDialError } from '../errors.js';
import { guard, throwIfAborted, type WaitOptions } from '../util/guard.js';
import { bindDatagram, closeQuietly } from './udp-bind.js';
import { DatagramInbox } from './udp-inbox.js';
import {
  checkBindOptions,
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
  readonly #maxDatagram: number;
  readonly #local: DatagramAddress;
  readonly #inbox: DatagramInbox;
  #peer: DatagramAddress | undefined;
  #connecting = false;
  #closed = false;
  #closing: Promise<void> | undefined;

  private constructor(sock: dgram.Socket, family: 4 | 6, maxQueue: number, maxDatagram: number) {
    this.#sock = sock;
    this.#family = family;
    this.#inbox = new DatagramInbox(maxQueue);
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
    const plan = checkBindOptions(options);
    const sock = await bindDatagram(plan, options);
    return new DatagramSocket(sock, plan.family, plan.maxQueue, plan.maxDatagram);
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
    return this.#inbox.dropped;
  }

  /** Datagrams received and not yet read. */
  get queued(): number {
    return this.#inbox.queued;
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
      this.#inbox.drop();
      return;
    }
    const d: Datagram = { data: msg, address: rinfo.address, port: rinfo.port, family: familyOf(rinfo.family) };
    // The kernel already filters for a connected socket; this catches datagrams that were in flight while connect() ran.
    if (this.#peer && !this.#fromPeer(d)) return;
    this.#inbox.deliver(d);
  }

  #onError(err: Error): void {
    if (this.#closed) return;
    // node reports asynchronous socket errors (ECONNREFUSED after an ICMP port unreachable
    // on a connected socket) as 'error' events from recvmsg; they belong to the next receive.
    this.#inbox.fail(toDialError(err, 'UDP receive', { protocol: 'udp', phase: 'recv' }));
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
    return this.#inbox.next(options);
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
          this.#inbox.filter((d) => this.#fromPeer(d));
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
    this.#inbox.clearError();
    try { this.#sock.disconnect(); } catch { /* node already considers it disconnected */ }
  }

  /**
   * Closes the socket: pending receives reject with NetworkError DIAL_E_CLOSED, queued
   * datagrams are discarded. Safe to call more than once; every call resolves when closed.
   */
  close(): Promise<void> {
    if (this.#closing) return this.#closing;
    this.#closed = true;
    this.#inbox.close(new NetworkError('DIAL_E_CLOSED', 'UDP recv: the socket was closed', { protocol: 'udp' }));
    this.#closing = closeQuietly(this.#sock);
    return this.#closing;
  }
}
