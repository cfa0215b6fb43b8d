/**
 * Creating and binding the node:dgram socket under a DatagramSocket (udp.ts),
 * within the caller's time bound, and keeping the port the kernel chose.
 *
 * @module
 */
import dgram from 'node:dgram';
import { AbortError, DialError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import { bindError, type BindPlan } from './udp-options.js';

/** How often a bind retries pinning a kernel-chosen port that another socket grabbed first. */
export const PIN_PORT_TRIES = 8;

/** Closes a dgram socket that may already be closed; resolves once it is. */
export function closeQuietly(sock: dgram.Socket): Promise<void> {
  return new Promise<void>((resolve) => {
    try {
      sock.close(() => resolve());
    } catch {
      resolve(); // ERR_SOCKET_DGRAM_NOT_RUNNING: closed already
    }
  });
}

/**
 * Creates a dgram socket and binds it as `plan` says; resolves once it is
 * listening. Port 0 ends on a port bound by number (see below). A ConnectError
 * when the address cannot be bound; TimeoutError/AbortError per `wait`, and a
 * bind given up that way leaves no socket open.
 */
export async function bindDatagram(plan: BindPlan, wait: WaitOptions): Promise<dgram.Socket> {
  const { host, port, reuseAddr } = plan;
  const type = plan.family === 6 ? 'udp6' : 'udp4';
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
  return guard(attempt(), wait, 'UDP bind', () => {
    withdrawn = true;
    if (current) void closeQuietly(current);
  });
}
