/**
 * A DNS responder for tests: answers a query (RFC 1035 bytes) from a small
 * zone, with the question echoed, names compressed against it, and an
 * optional CNAME per name; and a DoH endpoint (RFC 8484 POST) serving it.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import * as dgram from 'node:dgram';

export interface Zone {
  [name: string]: { A?: string[]; AAAA?: string[]; CNAME?: string; ttl?: number } | undefined;
}

function nameBytes(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'latin1')]));
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function rr(owner: Buffer, type: number, ttl: number, data: Buffer): Buffer {
  const h = Buffer.alloc(10);
  h.writeUInt16BE(type, 0);
  h.writeUInt16BE(1, 2);
  h.writeUInt32BE(ttl, 4);
  h.writeUInt16BE(data.length, 8);
  return Buffer.concat([owner, h, data]);
}

function v6(addr: string): Buffer {
  const [head, tail] = addr.split('::') as [string, string | undefined];
  const a = head ? head.split(':') : [];
  const b = tail ? tail.split(':') : [];
  const groups = tail === undefined ? a : [...a, ...Array(8 - a.length - b.length).fill('0'), ...b];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** The response to `query` from `zone` (NXDOMAIN for a name it lacks). */
export function answer(query: Buffer, zone: Zone): Buffer {
  let at = 12;
  const labels: string[] = [];
  while (query[at] !== 0) {
    labels.push(query.toString('latin1', at + 1, at + 1 + query[at]!));
    at += 1 + query[at]!;
  }
  const qtype = query.readUInt16BE(at + 1);
  const question = query.subarray(12, at + 5);
  let name = labels.join('.').toLowerCase();
  const answers: Buffer[] = [];
  // The first owner is a pointer to the question's name (offset 12), as real servers compress it.
  let owner: Buffer = Buffer.from([0xc0, 12]);
  for (let hops = 0; hops < 20; hops++) {
    const z = zone[name];
    if (!z) break;
    const ttl = z.ttl ?? 60;
    if (z.CNAME) {
      answers.push(rr(owner, 5, ttl, nameBytes(z.CNAME)));
      name = z.CNAME;
      owner = nameBytes(name);
      continue;
    }
    for (const a of qtype === 1 ? (z.A ?? []) : qtype === 28 ? (z.AAAA ?? []) : []) answers.push(rr(owner, qtype, ttl, qtype === 1 ? Buffer.from(a.split('.').map(Number)) : v6(a)));
    break;
  }
  const known = zone[labels.join('.').toLowerCase()] !== undefined;
  const head = Buffer.alloc(12);
  head.writeUInt16BE(query.readUInt16BE(0), 0);
  head.writeUInt16BE(0x8180 | (known ? 0 : 3), 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answers.length, 6);
  return Buffer.concat([head, question, ...answers]);
}

export interface DohServer {
  url: string;
  /** The names asked, with their type (1 = A, 28 = AAAA), in order. */
  asked: Array<[string, number]>;
  close(): Promise<void>;
}

/** A DoH endpoint at /dns-query answering from `zone`; `tls` makes it https. */
export async function startDoh(zone: Zone, tls?: { cert: string | Buffer; key: string | Buffer }): Promise<DohServer> {
  const asked: Array<[string, number]> = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const q = Buffer.concat(parts);
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/dns-message' || q.length < 17) return void res.writeHead(400).end();
      let at = 12;
      const labels: string[] = [];
      while (q[at] !== 0 && at < q.length) {
        labels.push(q.toString('latin1', at + 1, at + 1 + q[at]!));
        at += 1 + q[at]!;
      }
      asked.push([labels.join('.'), q.readUInt16BE(at + 1)]);
      const body = answer(q, zone);
      res.writeHead(200, { 'Content-Type': 'application/dns-message', 'Content-Length': body.length }).end(body);
    });
  };
  const srv = tls ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  return {
    url: `${tls ? 'https' : 'http'}://${tls ? 'localhost' : '127.0.0.1'}:${port}/dns-query`,
    asked,
    close: () => new Promise<void>((r) => srv.close(() => r())),
  };
}

export interface UdpDnsServer {
  port: number;
  /** Source addresses of the queries, in order. */
  from: string[];
  close(): Promise<void>;
}

/** A UDP DNS server on 127.0.0.1 answering from `zone` (the same answers as the DoH endpoint). */
export async function startUdpDns(zone: Zone): Promise<UdpDnsServer> {
  const sock = dgram.createSocket('udp4');
  const from: string[] = [];
  sock.on('message', (q, rinfo) => {
    from.push(rinfo.address);
    if (q.length >= 17) sock.send(answer(q, zone), rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, from, close: () => new Promise<void>((r) => sock.close(() => r())) };
}
