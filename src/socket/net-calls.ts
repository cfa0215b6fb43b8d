/**
 * The node:net calls a stream Socket (socket.ts) waits on, as promises: a
 * write that settles when the kernel has the bytes, a FIN, and a close that
 * flushes first but cannot hang. They keep no state; the Socket decides when
 * each is allowed.
 *
 * @module
 */
import type * as net from 'node:net';
import { NetworkError, toDialError, type DialError } from '../errors.js';

/** How long a graceful close may wait for unsent bytes to drain before the socket is destroyed. */
export const CLOSE_FLUSH_MS = 2000;

/**
 * Writes `data` and settles once node reports the kernel took it, so the
 * caller may reuse its buffer at once. `recorded()` returns the error the
 * connection's own 'error' listener has already kept, if any: that one wins
 * over node's report of the same failure. `what` names the write in errors
 * (`send to host:port`).
 */
export function writeSettled(sock: net.Socket, data: Uint8Array | string, recorded: () => DialError | undefined, what: string): Promise<void> {
  // Node queues a Buffer by reference: resolving before the write callback
  // would let a caller overwrite bytes that are not on the wire yet.
  return new Promise<void>((resolve, reject) => {
    sock.write(data, (err) => {
      if (err) return reject(recorded() ?? toDialError(err, `${what} failed`));
      if (!sock.destroyed) return resolve();
      // Node also reports success for a write cut short by destroy (a reset,
      // or our own destroy or forced close): the bytes were not confirmed, so
      // this is never a success. Wait for the close, by which time any error is known.
      const settle = () => reject(recorded() ?? new NetworkError('DIAL_E_CLOSED', `${what}: the connection was closed before the data was sent`));
      if (sock.closed) settle();
      else sock.once('close', settle);
    });
  });
}

/** Sends FIN once queued bytes are flushed; resolves then, or when the socket closes first. Never rejects. */
export function endWrites(sock: net.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    if (sock.destroyed) return resolve();
    sock.end(() => resolve());
    sock.once('close', () => resolve());
  });
}

/**
 * Closes after flushing what was written; a peer that stops reading gets
 * `forceMs` before the socket is destroyed, so a close never hangs. Resolves
 * on 'close'. The socket must not be destroyed already (no 'close' would come).
 */
export function closeFlushed(sock: net.Socket, forceMs = CLOSE_FLUSH_MS): Promise<void> {
  return new Promise<void>((resolve) => {
    const force = setTimeout(() => sock.destroy(), forceMs);
    sock.once('close', () => {
      clearTimeout(force);
      resolve();
    });
    sock.destroySoon();
  });
}
