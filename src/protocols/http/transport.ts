import type * as net from 'node:net';
import type { DialError } from '../../errors.js';
import { Socket } from '../../socket/socket.js';
import type { ByteStream } from '../../socket/types.js';

/** What a transport reports to its connection. */
export interface TransportSink {
  /** Bytes arrived; `lent`: they are a view into a buffer reused once this call returns. */
  bytes(chunk: Buffer, lent: boolean): void;
  /** The peer ended its side (or the stream closed). */
  eof(): void;
  /** Reading failed. */
  error(err: unknown): void;
}

/**
 * The stream under one HTTP connection, read all the time (so a server's
 * close is noticed while idle) and paused on request (back-pressure).
 *
 * Over a dialtone {@link Socket} with nothing queued it takes the node:net
 * socket over (`raw`): each read goes to the parser as node:net delivers it —
 * a view into one reused buffer when the socket was connected with lent reads
 * (plain TCP from the default connect factory), else a fresh Buffer per
 * 'data' event — with no promise per chunk, and writes go straight to the
 * socket. Any other ByteStream is read by a recv() loop.
 */
export class Transport {
  readonly stream: ByteStream;
  /** The node:net socket, when taken over. */
  readonly raw: net.Socket | undefined;
  readonly #sink: TransportSink;
  #paused = false;
  #stopped = false;
  #resumeLoop: (() => void) | undefined;

  constructor(stream: ByteStream, sink: TransportSink, takeOver: boolean) {
    this.stream = stream;
    this.#sink = sink;
    if (takeOver && stream instanceof Socket && stream.bufferedLength === 0 && !stream.detached) this.raw = this.#takeOver(stream);
    else void this.#loop();
  }

  /** Reading paused by {@link pause}. */
  get paused(): boolean {
    return this.#paused;
  }

  #takeOver(sock: Socket): net.Socket {
    const { socket: raw, ended: already, lent } = sock.detach();
    const sink = this.#sink;
    if (lent) {
      // Reads that came before the take-over, after the constructor (the connection is not set up yet).
      const early = lent.early.splice(0);
      if (early.length > 0)
        queueMicrotask(() => {
          for (const b of early) if (!this.#stopped) sink.bytes(b, false);
        });
      lent.sink = (view) => {
        if (this.#stopped) return false;
        sink.bytes(view, true);
        // A pause() during the call has stopped reading already.
        return true;
      };
    } else {
      raw.on('data', (chunk: Buffer) => {
        if (!this.#stopped) sink.bytes(chunk, false);
      });
    }
    const ended = () => {
      if (!this.#stopped) sink.eof();
    };
    raw.on('end', ended);
    raw.on('close', ended);
    raw.on('error', (err: Error) => {
      if (!this.#stopped) sink.error(err);
    });
    raw.resume();
    if (already) queueMicrotask(ended);
    return raw;
  }

  async #loop(): Promise<void> {
    const s = this.stream;
    try {
      while (!this.#stopped) {
        if (this.#paused) {
          await new Promise<void>((resolve) => (this.#resumeLoop = resolve));
          continue;
        }
        const chunk = await s.recv(65536);
        if (this.#stopped) return;
        if (chunk.length === 0) return this.#sink.eof();
        this.#sink.bytes(chunk, false);
      }
    } catch (err) {
      if (!this.#stopped) this.#sink.error(err);
    }
  }

  /** Stops reading until {@link resume}. */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    if (this.raw && !this.#stopped) this.raw.pause();
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.raw && !this.#stopped) this.raw.resume();
    const r = this.#resumeLoop;
    this.#resumeLoop = undefined;
    r?.();
  }

  /** Writes `data` and resolves once the kernel has it. */
  output(data: Uint8Array, closedError: () => DialError): Promise<void> {
    const raw = this.raw;
    if (!raw) return this.stream.send(data);
    return new Promise<void>((resolve, reject) => {
      if (raw.destroyed) return reject(closedError());
      raw.write(data, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Flushes what was written, then closes (forced after 2 s). Nothing more is reported. */
  close(): Promise<void> {
    this.#stop();
    const raw = this.raw;
    if (!raw) return this.stream.close().catch(() => {});
    if (raw.destroyed) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const force = setTimeout(() => raw.destroy(), 2000);
      force.unref();
      raw.once('close', () => {
        clearTimeout(force);
        resolve();
      });
      raw.destroySoon();
    });
  }

  /** Drops the stream at once. Nothing more is reported. */
  destroy(): void {
    this.#stop();
    const s = this.stream as ByteStream & { destroy?: (e?: DialError) => void };
    if (this.raw) this.raw.destroy();
    else if (typeof s.destroy === 'function') s.destroy();
    else void s.close().catch(() => {});
  }

  #stop(): void {
    this.#stopped = true;
    const r = this.#resumeLoop;
    this.#resumeLoop = undefined;
    r?.();
  }

  /** Whether the socket keeps the process alive (only while a request is in flight). */
  setRef(on: boolean): void {
    const raw = this.raw ?? (this.stream as { raw?: { ref?: () => void; unref?: () => void } }).raw;
    if (!raw) return;
    if (on) raw.ref?.();
    else raw.unref?.();
  }
}
