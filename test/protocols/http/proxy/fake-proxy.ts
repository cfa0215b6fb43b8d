/**
 * In-process fake proxies for the proxy tests: a TCP server whose every
 * connection runs a script, and an echo server to tunnel to.
 */
import * as net from 'node:net';

export interface FakeServer {
  host: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Every byte each connection sent, by connection. */
  readonly received: Buffer[][];
  close(): Promise<void>;
}

/** Reads from `sock` until `n` bytes (or the predicate) are there; returns them all. */
export function readUntil(sock: net.Socket, done: (buf: Buffer) => boolean, log?: Buffer[]): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      log?.push(c);
      buf = Buffer.concat([buf, c]);
      if (done(buf)) {
        sock.off('data', onData);
        sock.off('end', onEnd);
        sock.pause();
        resolve(buf);
      }
    };
    const onEnd = () => {
      sock.off('data', onData);
      reject(new Error(`peer closed after ${buf.length} bytes`));
    };
    sock.on('data', onData);
    sock.once('end', onEnd);
    sock.resume();
  });
}

export const untilHeadEnd = (b: Buffer) => b.indexOf('\r\n\r\n') !== -1;
export const atLeast = (n: number) => (b: Buffer) => b.length >= n;

/** A server running `script` for each connection; script errors just close the socket. */
export async function fakeServer(script: (sock: net.Socket, log: Buffer[]) => Promise<void> | void, host = '127.0.0.1'): Promise<FakeServer> {
  const sockets = new Set<net.Socket>();
  const received: Buffer[][] = [];
  let connections = 0;
  const srv = net.createServer({ allowHalfOpen: true }, (sock) => {
    connections++;
    sockets.add(sock);
    const log: Buffer[] = [];
    received.push(log);
    sock.on('error', () => {});
    sock.on('close', () => sockets.delete(sock));
    Promise.resolve()
      .then(() => script(sock, log))
      .catch(() => sock.destroy());
  });
  await new Promise<void>((resolve) => srv.listen(0, host, resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** An echo server: what it reads it writes back, prefixed by `greeting` once if given. */
export function echoServer(): Promise<FakeServer> {
  return fakeServer((sock) => {
    sock.pipe(sock);
  });
}

/** Opens a plain connection to `port` and splices it to `sock` both ways. */
export function splice(sock: net.Socket, port: number, host = '127.0.0.1'): Promise<void> {
  return new Promise((resolve, reject) => {
    const up = net.connect({ host, port }, () => {
      sock.pipe(up);
      up.pipe(sock);
      sock.resume();
      resolve();
    });
    up.on('error', reject);
    sock.on('close', () => up.destroy());
    up.on('close', () => sock.destroy());
  });
}
