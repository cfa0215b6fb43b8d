/**
 * The loopback peer the data-connection reader tests share: a server that
 * runs a function on each connection (closed when the file's tests end), and
 * a client socket wired to a feed's onread the way the FTP client wires it.
 */
import { after } from 'node:test';
import { once } from 'node:events';
import * as net from 'node:net';
import { LentFeed, QueueFeed, type Feed } from '../../../src/protocols/ftp/data-read.js';

const servers: net.Server[] = [];
after(() => {
  for (const s of servers) s.close();
});

/** A server that runs `fn` on each connection; resolves with its port. */
export async function serve(fn: (s: net.Socket) => void | Promise<void>): Promise<number> {
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    void fn(s);
  });
  servers.push(srv);
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return (srv.address() as net.AddressInfo).port;
}

/** The three ways a data connection is read: 'data' events, reads copied out of a read buffer, lent buffers. */
export const FEED_KINDS = ['queue', 'copy', 'lent'] as const;

/** A fresh feed of `kind`. */
export function feedOf(kind: (typeof FEED_KINDS)[number]): Feed {
  return kind === 'queue' ? new QueueFeed() : kind === 'copy' ? new QueueFeed(undefined, true) : new LentFeed();
}

/** How many listeners a reader left on the socket's events: the same before and after a read. */
export function listeners(s: net.Socket): number[] {
  return ['end', 'close', 'error', 'data'].map((e) => s.listenerCount(e));
}

/** Connects with `feed` (its onread when it has one) and waits for the connection. */
export async function dial(port: number, feed: Feed): Promise<net.Socket> {
  const onread = feed instanceof LentFeed || feed instanceof QueueFeed ? feed.onread : undefined;
  const s = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true, onread });
  s.on('error', () => {});
  await once(s, 'connect');
  return s;
}
