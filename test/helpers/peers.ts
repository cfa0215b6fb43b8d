/**
 * Small loopback peers and guards shared by the hostile test files: a raw
 * node:net server whose behaviour each test scripts, and a hang guard.
 */
import * as net from 'node:net';
import { once } from 'node:events';
import { closeAfterFile } from './close-after-file.js';

/** A scripted peer: its port, and a close that also ends every open connection. */
export interface RawPeer {
  port: number;
  close(): Promise<void>;
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Starts a raw node:net peer on 127.0.0.1 that hands each connection to
 * `onConn`; it is also added to `registry`, so the file's `after` can close
 * every peer it started.
 */
export async function rawPeer(onConn: (c: net.Socket) => void, registry?: RawPeer[]): Promise<RawPeer> {
  const conns = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (c) => {
    conns.add(c);
    c.on('close', () => conns.delete(c));
    c.on('error', () => {});
    onConn(c);
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  let closing: Promise<void> | undefined;
  const p: RawPeer = {
    port: (srv.address() as net.AddressInfo).port,
    close: closeAfterFile(() => {
      for (const c of conns) c.destroy();
      closing ??= new Promise<void>((r) => srv.close(() => r()));
      return closing;
    }),
  };
  registry?.push(p);
  return p;
}

/** Rejects if `p` does not settle within `ms`: the test's own guard against a hang. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t!: NodeJS.Timeout;
  const limit = new Promise<never>((_, rej) => (t = setTimeout(() => rej(new Error(`${what} did not settle within ${ms} ms`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(t));
}
