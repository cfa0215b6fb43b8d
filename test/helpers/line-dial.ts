/**
 * The line layer over a real loopback server, for the interop suites that
 * speak a protocol by hand through LineClient: a client on a dialtone
 * Socket with every wait bounded, and a dot block collected as bytes.
 */
import { LineClient } from '../../src/line/index.js';
import { Socket } from '../../src/socket/index.js';
import { LOOPBACK } from '../interop/harness.js';

/** The bound on every wait: connect, each read, each write, each TLS handshake. */
export const LINE_TIMEOUT = 15_000;

/** A LineClient for `protocol` to the loopback `port`: implicit TLS with `tls`, a tighter body-line bound with `maxBodyLine`. */
export async function dialLine(port: number, protocol: string, opts: { tls?: { ca: string }; maxBodyLine?: number } = {}): Promise<LineClient> {
  const sock = await Socket.connect({ host: LOOPBACK, port, timeout: LINE_TIMEOUT, ...(opts.tls ? { tls: opts.tls } : {}) });
  return new LineClient(sock, { timeout: LINE_TIMEOUT, protocol, ...(opts.maxBodyLine !== undefined ? { maxBodyLine: opts.maxBodyLine } : {}) });
}

/** A dot block's unstuffed lines, each as its own bytes. */
export async function dotLines(line: LineClient): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for await (const l of line.readDotBlockBytes()) out.push(Buffer.from(l));
  return out;
}
