/**
 * The one scripted line-protocol server of the POP3, NNTP and SMTP client
 * tests: it listens on 127.0.0.1, greets, cuts what the client sends into
 * CRLF lines, records each, and hands it to the test's `reply` script. The
 * script answers with text, or acts on the connection: close or reset it on
 * cue, upgrade it to TLS, take the raw bytes of a dot-ended block (SMTP
 * DATA), or flood it. What it holds is bounded (`maxBuffered`); so are its
 * start and its close.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { after } from 'node:test';
import { within } from './peers.js';

/** What a script returns: text to send, or undefined when it sent (or will send) by itself. */
export type LineReply = string | undefined;

/** A certificate and key for the server side of TLS. */
export interface ServerCert {
  cert: string;
  key: string;
}

/** One client connection, as the script sees it. */
export interface LineConn {
  /** The socket in use: the TLS one after {@link LineConn.startTLS}. */
  readonly socket: net.Socket;
  /** Whether the connection is TLS (implicit, or upgraded). */
  readonly tls: boolean;
  /** Writes `data` unless the connection is already going away. */
  send(data: string | Uint8Array): void;
  /** Writes `data` (if any), then closes: the server hanging up on cue. */
  end(data?: string | Uint8Array): void;
  /** Drops the connection with a TCP reset. */
  reset(): void;
  /**
   * Writes `goAhead` in the clear, then serves the rest of the connection
   * over TLS. Bytes the client sent after its command and before the
   * handshake are dropped: reading them as TLS-era data is what injection
   * attacks rely on.
   */
  startTLS(cert: ServerCert, goAhead: string): void;
  /**
   * Takes the next block up to a line holding only `.` as raw bytes (still
   * dot-stuffed, CRLF, the CRLF before the dot included) instead of lines;
   * `onBlock`'s answer is sent as a reply is, then lines resume.
   */
  readDotBlock(onBlock: (raw: Buffer) => LineReply): void;
}

export interface LineServerOptions {
  /** Sent on connect; none when empty. */
  greeting?: string;
  /** Answers one line (without its CRLF). */
  reply: (line: string, conn: LineConn) => LineReply;
  /** TLS from the first byte (implicit TLS), with this certificate. */
  tls?: ServerCert;
  /** How received lines are decoded: latin1 (default) keeps every byte; SMTPUTF8 tests want utf8. */
  encoding?: BufferEncoding;
  /** The most bytes held unprocessed on one connection (a partial line or block); beyond it the connection is reset. 16 MiB by default. */
  maxBuffered?: number;
}

/** A running scripted server. */
export interface LineServer {
  readonly port: number;
  /** Every line received, on every connection, in order (block bytes are not lines). */
  readonly received: string[];
  /** Ends every connection and stops listening; at most a few seconds. */
  close(): Promise<void>;
}

const DOT_END = Buffer.from('\r\n.\r\n');
const DOT_FIRST = Buffer.from('.\r\n');

/** Starts a scripted server on a free loopback port; it is also added to `registry`, for the file's `after`. */
export async function startLineServer(opts: LineServerOptions, registry?: LineServer[]): Promise<LineServer> {
  const received: string[] = [];
  const sockets = new Set<net.Socket>();
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
  };
  const onConnection = (raw: net.Socket) => {
    track(raw);
    serve(raw, opts, received, track);
  };
  const srv = opts.tls ? tls.createServer({ ...opts.tls }, onConnection) : net.createServer(onConnection);
  srv.listen(0, '127.0.0.1');
  await within(once(srv, 'listening'), 5000, 'fake line server listen');
  let closing: Promise<void> | undefined;
  const server: LineServer = {
    port: (srv.address() as net.AddressInfo).port,
    received,
    close: () => {
      for (const s of sockets) s.destroy();
      closing ??= within(new Promise<void>((r) => srv.close(() => r())), 5000, 'fake line server close');
      return closing;
    },
  };
  registry?.push(server);
  return server;
}

/**
 * Call at a test file's top level: the returned starter builds each server's
 * options with `options(...args)`, and the file's `after` closes them all.
 */
export function lineServers<A extends unknown[]>(options: (...args: A) => LineServerOptions): (...args: A) => Promise<LineServer> {
  const open: LineServer[] = [];
  after(() => Promise.all(open.map((s) => s.close())));
  return (...args) => startLineServer(options(...args), open);
}

function serve(raw: net.Socket, opts: LineServerOptions, received: string[], track: (s: net.Socket) => void): void {
  const max = opts.maxBuffered ?? 16 * 1024 * 1024;
  let socket = raw;
  let isTls = opts.tls !== undefined;
  let buf: Buffer = Buffer.alloc(0);
  let onBlock: ((raw: Buffer) => LineReply) | undefined;
  // Set by startTLS: the rest of the current chunk is not to be read.
  let upgraded = false;
  const live = () => socket.writable && !socket.destroyed;
  const conn: LineConn = {
    get socket() {
      return socket;
    },
    get tls() {
      return isTls;
    },
    send: (data) => {
      if (live()) socket.write(data);
    },
    end: (data) => {
      if (!live()) return;
      if (data === undefined) socket.end();
      else socket.end(data);
    },
    reset: () => {
      if (!socket.destroyed) socket.resetAndDestroy();
    },
    startTLS: (cert, goAhead) => {
      conn.send(goAhead);
      socket.removeListener('data', onData);
      const t = new tls.TLSSocket(socket, { isServer: true, ...cert });
      track(t);
      socket = t;
      isTls = true;
      buf = Buffer.alloc(0);
      upgraded = true;
      t.on('data', onData);
    },
    readDotBlock: (fn) => {
      onBlock = fn;
    },
  };
  const answer = (out: LineReply) => {
    if (out !== undefined) conn.send(out);
  };
  // One step: a whole block or a whole line taken from `buf`; false when it holds neither yet.
  const step = (): boolean => {
    if (onBlock) {
      const first = buf.subarray(0, 3).equals(DOT_FIRST);
      const end = first ? -1 : buf.indexOf(DOT_END);
      if (!first && end < 0) return false;
      const block = first ? Buffer.alloc(0) : Buffer.from(buf.subarray(0, end + 2));
      buf = buf.subarray(first ? 3 : end + DOT_END.length);
      const fn = onBlock;
      onBlock = undefined;
      answer(fn(block));
      return true;
    }
    const nl = buf.indexOf('\r\n');
    if (nl < 0) return false;
    const line = buf.subarray(0, nl).toString(opts.encoding ?? 'latin1');
    buf = buf.subarray(nl + 2);
    received.push(line);
    answer(opts.reply(line, conn));
    return true;
  };
  function onData(chunk: Buffer): void {
    buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
    upgraded = false;
    // Bounded: each step consumes at least two bytes of what is held. A server that hung up reads no further.
    for (let guard = buf.length; guard >= 0 && !upgraded && live() && step(); guard--);
    if (buf.length > max) conn.reset();
  }
  socket.on('data', onData);
  if (opts.greeting) conn.send(opts.greeting);
}

/**
 * Writes `prefix`, then `chunk` again and again until `total` bytes went out
 * or the client stops reading (backpressure respected), then `suffix`;
 * `counter.sent` counts the chunks' bytes. Returns undefined, so a script
 * can `return flood(...)`.
 */
export function flood(sock: net.Socket, chunk: string | Uint8Array, total: number, counter: { sent: number }, prefix = '', suffix = ''): undefined {
  const b = Buffer.from(chunk);
  sock.write(prefix);
  const pump = () => {
    while (counter.sent < total && !sock.destroyed && !sock.writableEnded) {
      counter.sent += b.length;
      if (!sock.write(b)) return void sock.once('drain', pump);
    }
    if (suffix && !sock.destroyed && !sock.writableEnded) sock.write(suffix);
  };
  pump();
  return undefined;
}

/** `text` as a dot block on the wire: each leading dot doubled, the terminating line added. */
export function dotStuff(text: string): string {
  return text.replace(/^\./gm, '..') + '.\r\n';
}
