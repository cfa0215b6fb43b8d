/**
 * In-process SOCKS5 and HTTP CONNECT proxies for the FTP proxy tests: each
 * records the tunnels asked of it and can refuse some ports.
 */
import * as net from 'node:net';

export interface FakeProxy {
  port: number;
  /** `host:port` of every tunnel opened, in order. */
  targets: string[];
  close(): Promise<void>;
}

/** Reads until `done(buffer)`; the rest of the buffer stays with the caller. */
function readUntil(s: net.Socket, done: (b: Buffer) => number): Promise<{ head: Buffer; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const onData = (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      const n = done(buf);
      if (n < 0) return;
      s.off('data', onData);
      s.pause();
      resolve({ head: buf.subarray(0, n), rest: buf.subarray(n) });
    };
    s.on('data', onData);
    s.once('error', reject);
    s.resume();
  });
}

/** Joins client and target; `coalesce`: the target's first bytes go out in one write with the proxy's reply (as squid may). */
function splice(client: net.Socket, host: string, port: number, rest: Buffer, reply: Buffer, coalesce = false): void {
  const up = net.connect(port, host, () => {
    const join = (first: Buffer) => {
      client.write(Buffer.concat([reply, first]));
      if (rest.length) up.write(rest);
      client.pipe(up);
      up.pipe(client);
      client.resume();
    };
    if (coalesce) up.once('data', join);
    else join(Buffer.alloc(0));
  });
  up.on('error', () => client.destroy());
  client.on('error', () => up.destroy());
  client.on('close', () => up.destroy());
}

async function listen(handler: (s: net.Socket, p: FakeProxy) => Promise<void>): Promise<FakeProxy> {
  const socks = new Set<net.Socket>();
  const p: FakeProxy = { port: 0, targets: [], close: async () => {} };
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => {});
    handler(s, p).catch(() => s.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  p.port = (srv.address() as net.AddressInfo).port;
  p.close = () => {
    for (const s of socks) s.destroy();
    return new Promise((r) => srv.close(() => r()));
  };
  return p;
}

/** What a fake proxy does besides tunnelling. */
export interface FakeProxyOptions {
  /** Targets on this port get the proxy's reply and the target's first bytes in one write (a server-first protocol's greeting). */
  coalesceTo?: number;
  /** Refuse tunnels to ports for which this says true (SOCKS5: reply 2, not allowed; CONNECT: 403). */
  refuse?: (port: number) => boolean;
}

/** SOCKS5, no authentication, CONNECT with a name (socks5h) or an IPv4 address (socks5). */
export function socks5Proxy(opts: FakeProxyOptions = {}): Promise<FakeProxy> {
  return listen(async (s, p) => {
    await readUntil(s, (b) => (b.length >= 2 && b.length >= 2 + b[1]! ? 2 + b[1]! : -1));
    s.write(Buffer.from([5, 0]));
    const req = await readUntil(s, (b) => {
      if (b.length < 5) return -1;
      const len = b[3] === 1 ? 4 : b[3] === 3 ? 1 + b[4]! : 16;
      return b.length >= 4 + len + 2 ? 4 + len + 2 : -1;
    });
    const b = req.head;
    const host = b[3] === 1 ? [...b.subarray(4, 8)].join('.') : b.subarray(5, 5 + b[4]!).toString();
    const port = b.readUInt16BE(b.length - 2);
    p.targets.push(`${host}:${port}`);
    if (opts.refuse?.(port)) return void s.end(Buffer.from([5, 2, 0, 1, 0, 0, 0, 0, 0, 0]));
    splice(s, host === 'localhost' ? '127.0.0.1' : host, port, req.rest, Buffer.from([5, 0, 0, 1, 127, 0, 0, 1, 0, 0]), port === opts.coalesceTo);
  });
}

/** HTTP CONNECT, any target. */
export function connectProxy(opts: FakeProxyOptions = {}): Promise<FakeProxy> {
  return listen(async (s, p) => {
    const { head, rest } = await readUntil(s, (b) => {
      const i = b.indexOf('\r\n\r\n');
      return i < 0 ? -1 : i + 4;
    });
    const m = /^CONNECT ([^ :]+):(\d+) HTTP\/1\.1\r\n/.exec(head.toString('latin1'));
    if (!m) return void s.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    p.targets.push(`${m[1]}:${m[2]}`);
    if (opts.refuse?.(Number(m[2]))) return void s.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
    splice(s, m[1] === 'localhost' ? '127.0.0.1' : m[1]!, Number(m[2]), rest, Buffer.from('HTTP/1.1 200 Connection established\r\n\r\n'), Number(m[2]) === opts.coalesceTo);
  });
}

