/**
 * The ceiling: a minimal keep-alive HTTP/1.1 client straight on node:net,
 * reading with `onread` into one reused 64 KiB buffer per connection. It
 * parses only what it must (the end of the head, Content-Length, a 200
 * status) and skips body bytes without copying them. `--pipelining d` keeps
 * d requests in flight per connection and tops up in one write.
 *
 * Not a general client: it needs Content-Length responses (nginx static files
 * and `return` give them) — a sanity check that no tool beats the socket.
 */
import * as net from 'node:net';
import { jsonBody, main, measure, parseClientArgs, type ClientArgs } from '../lib/client.js';

const CRLFCRLF = Buffer.from('\r\n\r\n');
const CL = Buffer.from('\r\ncontent-length:');

function requestBytes(args: ClientArgs, url: URL): Buffer {
  const body = args.bodySize > 0 ? jsonBody(args.bodySize) : undefined;
  const head =
    `${args.method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n` +
    (body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : '') +
    '\r\n';
  return body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
}

/** Runs `count` requests over `connections` sockets; resolves with the totals. */
function run(args: ClientArgs, url: URL, count: number, duration: number): Promise<{ requests: number; bytes: number }> {
  const one = requestBytes(args, url);
  const depth = args.pipelining;
  const batch = Buffer.concat(Array.from({ length: depth }, () => one));
  const deadline = duration > 0 ? Date.now() + duration * 1000 : Infinity;
  let issued = 0;
  let completed = 0;
  let bytes = 0;
  let open = 0;
  return new Promise((resolve, reject) => {
    const conns = Math.min(args.connections, Math.max(1, count));
    for (let c = 0; c < conns; c++) {
      open++;
      let inflight = 0;
      let bodyLeft = -1; // -1: reading a head
      let pending: Buffer | undefined; // a head split across reads
      const topUp = (sock: net.Socket): void => {
        let k = 0;
        while (inflight + k < depth && issued < count && ((issued & 63) !== 0 || Date.now() < deadline)) {
          k++;
          issued++;
        }
        if (k > 0) {
          inflight += k;
          sock.write(k === 1 ? one : batch.subarray(0, one.length * k));
        } else if (inflight === 0) {
          sock.destroy();
          if (--open === 0) resolve({ requests: completed, bytes });
        }
      };
      const endOfResponse = (): void => {
        inflight--;
        completed++;
        bodyLeft = -1;
      };
      const onHead = (head: Buffer): void => {
        if (head[9] !== 0x32 || head[10] !== 0x30 || head[11] !== 0x30) throw new Error(`status: ${head.subarray(0, 12).toString('latin1')}`);
        // Content-Length, case-insensitively: lower-case a copy of the head (small).
        const lower = Buffer.from(head.toString('latin1').toLowerCase(), 'latin1');
        const at = lower.indexOf(CL);
        if (at < 0) throw new Error('raw-net: response without Content-Length');
        let i = at + CL.length;
        while (lower[i] === 0x20) i++;
        let n = 0;
        while (lower[i]! >= 0x30 && lower[i]! <= 0x39) n = n * 10 + (lower[i++]! - 0x30);
        bodyLeft = n;
        if (n === 0) endOfResponse();
      };
      const sock: net.Socket = net.connect({
        host: url.hostname,
        port: Number(url.port || 80),
        noDelay: true,
        onread: {
          buffer: Buffer.allocUnsafe(65536),
          callback: (nread: number, buf: Uint8Array): boolean => {
            let b = buf as Buffer;
            let n = nread;
            if (pending) {
              // A head was split across reads: join (rare; copies only then).
              b = Buffer.concat([pending, b.subarray(0, nread)]);
              n = b.length;
              pending = undefined;
            }
            let i = 0;
            try {
              while (i < n) {
                if (bodyLeft > 0) {
                  const take = Math.min(bodyLeft, n - i);
                  bodyLeft -= take;
                  bytes += take;
                  i += take;
                  if (bodyLeft === 0) endOfResponse();
                  continue;
                }
                const end = b.indexOf(CRLFCRLF, i);
                if (end < 0 || end + 4 > n) {
                  pending = Buffer.from(b.subarray(i, n));
                  if (pending.length > 65536) throw new Error('raw-net: head too big');
                  break;
                }
                const head = b.subarray(i, end + 4);
                i = end + 4;
                onHead(head);
              }
              topUp(sock);
            } catch (err) {
              sock.destroy();
              reject(err);
            }
            return true;
          },
        },
      });
      sock.on('connect', () => topUp(sock));
      sock.on('error', reject);
      sock.on('end', () => {
        if (inflight > 0 || issued < count) reject(new Error('raw-net: server closed the connection'));
      });
    }
  });
}

main(async () => {
  const args = parseClientArgs();
  const url = new URL(args.url);
  if (url.protocol !== 'http:') throw new Error('raw-net: http only');
  if (args.warmup > 0) await run(args, url, args.warmup, 0);
  await measure(() => run(args, url, args.count, args.duration));
});
