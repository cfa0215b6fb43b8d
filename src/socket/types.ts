import type { WaitOptions } from '../util/guard.js';

/** Which direction(s) to shut down. */
export type ShutdownHow = 'read' | 'write' | 'both';

/**
 * The byte-stream contract every stream socket (TCP, Unix, TLS) meets, and the
 * only thing the line layer and protocol clients depend on — so they run over
 * an in-memory pair in tests as well as over a real socket.
 */
export interface ByteStream {
  /** Resolves with 1..max bytes, or an empty buffer at end of stream. */
  recv(max?: number, options?: WaitOptions): Promise<Buffer>;
  /** Resolves once the bytes are accepted by the transport (back-pressure honoured). */
  send(data: Uint8Array | string, options?: WaitOptions): Promise<void>;
  /** Half-closes (write: sends FIN once the queued bytes are out, within the bound), stops reading (read), or both. */
  shutdown(how: ShutdownHow, options?: WaitOptions): Promise<void>;
  /** Flushes, closes, and releases the stream; safe to call twice. */
  close(): Promise<void>;
}
