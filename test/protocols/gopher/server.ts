/**
 * An in-process Gopher server for tests: answers each selector line from a
 * table (bytes, or a handler that writes what it likes), and records every
 * request line it received, byte for byte.
 */
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { closeAfterFile } from '../../helpers/close-after-file.js';

export type Handler = (sock: net.Socket, line: string) => void;

export interface GopherFixture {
  host: string;
  port: number;
  /** The request lines received (without CRLF). */
  requests: string[];
  url(path: string): string;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1; an unknown selector gets a `3` error line. */
export async function gopherServer(routes: Record<string, string | Buffer | Handler>): Promise<GopherFixture> {
  const requests: string[] = [];
  const socks = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    socks.add(sock);
    sock.on('close', () => socks.delete(sock));
    sock.on('error', () => {});
    let buf = '';
    sock.on('data', function onData(d: Buffer) {
      buf += d.toString('latin1');
      const nl = buf.indexOf('\r\n');
      if (nl < 0) return;
      sock.off('data', onData);
      const line = Buffer.from(buf.slice(0, nl), 'latin1').toString('utf8');
      requests.push(line);
      const key = line.split('\t')[0]!;
      const r = routes[line] ?? routes[key];
      if (typeof r === 'function') return r(sock, line);
      sock.end(r ?? `3'${key}' does not exist\terror.host\t1\r\n.\r\n`);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return {
    host: '127.0.0.1',
    port,
    requests,
    url: (path: string) => `gopher://127.0.0.1:${port}${path}`,
    close: closeAfterFile(
      () =>
        new Promise<void>((resolve) => {
          for (const s of socks) s.destroy();
          srv.close(() => resolve());
        }),
    ),
  };
}
