/**
 * What the interop suites share: deterministic test bytes, curl as the
 * oracle, and nginx started on two loopback ports (HTTP, HTTPS with the test
 * CA) from the shipped config template.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary, startServer, type RunningServer } from './harness.js';
import type { TestPKI } from './ca.js';

/**
 * `n` bytes from an xorshift32 stream: content that does not compress or
 * repeat, the same on every run for a given seed.
 */
export function knownBytes(n: number, seed = 0x2545f491): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = x & 0xff;
  }
  return b;
}

/**
 * Runs curl (the oracle) with `-sS --max-time 30` and returns its stdout;
 * throws with curl's stderr when it exits non-zero.
 */
export function curl(args: string[], maxBuffer = 128 * 1024 * 1024): Buffer {
  const r = spawnSync(requireBinary('curl'), ['-sS', '--max-time', '30', ...args], { maxBuffer, timeout: 40_000 });
  if (r.status !== 0) throw new Error(`curl ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr?.toString()}`);
  return r.stdout;
}

/** A running nginx with its two ports named. */
export interface Nginx extends RunningServer {
  httpPort: number;
  httpsPort: number;
}

/**
 * nginx serving `root` over HTTP on one loopback port and HTTPS (the test
 * PKI's server certificate) on another, from test/interop/config/nginx.conf.
 */
export async function startNginx(root: string, pki: TestPKI): Promise<Nginx> {
  const srv = await startServer({
    name: 'nginx',
    command: 'nginx',
    ports: 2,
    config: { template: 'nginx.conf', vars: { root, cert: pki.server.certPath, key: pki.server.keyPath } },
    args: (ctx) => ['-p', ctx.dir, '-c', ctx.configPath!, '-e', join(ctx.dir, 'error.log'), '-g', 'daemon off;'],
    // Readiness waits for the HTTPS port; the HTTP one is bound in the same step.
    ready: { port: (ctx) => ctx.ports[1]! },
  });
  const [httpPort, httpsPort] = srv.ports as [number, number];
  return Object.assign(srv, { httpPort, httpsPort });
}
