/**
 * A scripted HTTP/1.x server on loopback for client tests: each connection
 * runs `handler` with a small reader/writer, so a test says byte for byte
 * what the server does — including the wrong things.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { Agent } from '../../../src/protocols/http/agent.js';
import { closeAfterFile } from '../../helpers/close-after-file.js';

export interface ReceivedRequest {
  method: string;
  target: string;
  version: string;
  headers: Array<[string, string]>;
  raw: string;
  header(name: string): string | undefined;
}

export class ServerConn {
  #buf = Buffer.alloc(0);
  #waiter: (() => void) | undefined;
  #ended = false;
  readonly index: number;

  constructor(
    readonly socket: net.Socket,
    index: number,
  ) {
    this.index = index;
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d]);
      this.#wake();
    });
    socket.on('end', () => {
      // The client is done with this connection: finish ours too, as real servers do.
      this.#ended = true;
      socket.end();
      this.#wake();
    });
    socket.on('close', () => {
      this.#ended = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async #more(): Promise<boolean> {
    if (this.#ended) return false;
    await new Promise<void>((r) => (this.#waiter = r));
    return true;
  }

  /** Reads one request head; undefined if the client closed first. */
  async readHead(): Promise<ReceivedRequest | undefined> {
    for (;;) {
      const i = this.#buf.indexOf('\r\n\r\n');
      if (i !== -1) {
        const raw = this.#buf.subarray(0, i).toString('latin1');
        this.#buf = this.#buf.subarray(i + 4);
        const [line, ...rest] = raw.split('\r\n');
        const [method, target, version] = line!.split(' ') as [string, string, string];
        const headers = rest.map((l) => {
          const c = l.indexOf(':');
          return [l.slice(0, c), l.slice(c + 1).trim()] as [string, string];
        });
        return { method, target, version, headers, raw, header: (n) => headers.find(([k]) => k.toLowerCase() === n.toLowerCase())?.[1] };
      }
      if (!(await this.#more())) return undefined;
    }
  }

  /** Reads exactly n body bytes. */
  async readBytes(n: number): Promise<Buffer> {
    while (this.#buf.length < n) if (!(await this.#more())) break;
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Reads a chunked body and returns it decoded. */
  async readChunked(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for (;;) {
      let i: number;
      while ((i = this.#buf.indexOf('\r\n')) === -1) if (!(await this.#more())) return Buffer.concat(parts);
      const size = parseInt(this.#buf.subarray(0, i).toString('latin1'), 16);
      this.#buf = this.#buf.subarray(i + 2);
      if (size === 0) {
        await this.readBytes(2);
        return Buffer.concat(parts);
      }
      parts.push(await this.readBytes(size));
      await this.readBytes(2);
    }
  }

  /** Reads the body the request head announces. */
  async readBody(req: ReceivedRequest): Promise<Buffer> {
    if (/chunked/i.test(req.header('transfer-encoding') ?? '')) return this.readChunked();
    const n = Number(req.header('content-length') ?? 0);
    return this.readBytes(n);
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(data, () => resolve());
    });
  }

  /** A complete response with a Content-Length. */
  respond(status: number, body: string | Buffer = '', headers: Record<string, string> = {}): Promise<void> {
    const b = typeof body === 'string' ? Buffer.from(body) : body;
    let head = `HTTP/1.1 ${status} ${REASONS[status] ?? 'X'}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (!('Content-Length' in headers) && !('Transfer-Encoding' in headers)) head += `Content-Length: ${b.length}\r\n`;
    return this.write(Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), b]));
  }

  end(): void {
    this.socket.end();
  }
  destroy(): void {
    this.socket.destroy();
  }
  get ended(): boolean {
    return this.#ended;
  }
}

const REASONS: Record<number, string> = { 200: 'OK', 201: 'Created', 204: 'No Content', 206: 'Partial Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other', 307: 'Temporary Redirect', 308: 'Permanent Redirect', 401: 'Unauthorized', 404: 'Not Found', 413: 'Content Too Large', 500: 'Internal Server Error' };

export interface TestServer {
  port: number;
  url: string;
  /** Connections accepted so far. */
  accepted: number;
  /** Connections currently open on the server side. */
  open(): number;
  close(): Promise<void>;
}

/** Starts a server whose every connection runs `handler`. */
export async function serve(handler: (c: ServerConn) => Promise<void> | void, options: { tls?: tls.TlsOptions } = {}): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  const onConn = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    const c = new ServerConn(s, accepted++);
    Promise.resolve()
      .then(() => handler(c))
      .catch(() => s.destroy());
  };
  const srv = options.tls ? tls.createServer({ ...options.tls, allowHalfOpen: true }, onConn) : net.createServer({ allowHalfOpen: true }, onConn);
  if (options.tls) {
    // Track the TCP sockets too: one whose handshake fails never becomes a TLS connection but must still be closed.
    const raw = new Set<net.Socket>();
    srv.on('connection', (s: net.Socket) => {
      raw.add(s);
      s.on('close', () => raw.delete(s));
    });
    srv.on('tlsClientError', (_e: Error, s: net.Socket) => s.destroy());
    srv.on('close', () => {
      for (const s of raw) s.destroy();
    });
    const close = srv.close.bind(srv);
    srv.close = ((cb?: (err?: Error) => void) => {
      for (const s of raw) s.destroy();
      return close(cb);
    }) as typeof srv.close;
  }
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  const close = closeAfterFile(
    () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  );
  return {
    port,
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    open: () => sockets.size,
    close,
  };
}

/** A keep-alive server answering every request with `respond(req)`, until the client closes. */
export function keepAlive(respond: (req: ReceivedRequest, body: Buffer, c: ServerConn) => Promise<void> | void): (c: ServerConn) => Promise<void> {
  return async (c) => {
    for (;;) {
      const req = await c.readHead();
      if (!req) return c.end();
      const body = await c.readBody(req);
      await respond(req, body, c);
    }
  };
}

/** Waits until `cond` holds, up to `ms`. */
export async function until(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A new Agent per call, each destroyed when the test file ends: for tests
 * that want a fresh pool without a try/finally of their own.
 */
export function agentsDestroyedAfter(after: (fn: () => void) => void): () => Agent {
  const agents: Agent[] = [];
  after(() => {
    for (const a of agents) a.destroy();
  });
  return () => {
    const a = new Agent();
    agents.push(a);
    return a;
  };
}
