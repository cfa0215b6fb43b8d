/**
 * What the interop suites share: deterministic test bytes, curl as the
 * oracle, and nginx started on two loopback ports (HTTP, HTTPS with the test
 * CA) from the shipped config template.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { requireBinary, startServer, type RunningServer } from './harness.js';
import type { CertPair, TestPKI } from './ca.js';

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

/** What {@link startSquid} needs beyond the harness's own options. */
export interface SquidOptions {
  name: string;
  /** squid.conf or squid-ftp.conf (each has a `{{https_port}}` line). */
  template: string;
  vars?: Record<string, string | number> | ((dir: string) => Record<string, string | number>);
  files?: Record<string, string>;
  /** Also listen as an https:// proxy (the second port, `https`), with this certificate pair. */
  tls?: CertPair | undefined;
}

/** A running squid; `https` is its https:// proxy port when asked for one. */
export interface Squid extends RunningServer {
  https: number | undefined;
}

/** squid in the foreground as the `proxy` user, on a loopback port (and an https:// one with `tls`). */
export async function startSquid(o: SquidOptions): Promise<Squid> {
  const tls = o.tls;
  const srv = await startServer({
    name: o.name,
    command: 'squid',
    user: 'proxy',
    ports: tls ? 2 : 1,
    config: {
      template: o.template,
      vars: (ctx) => ({
        ...(typeof o.vars === 'function' ? o.vars(ctx.dir) : o.vars),
        https_port: tls ? `https_port ${ctx.host}:${ctx.ports[1]} tls-cert=${ctx.dir}/proxy-cert.pem tls-key=${ctx.dir}/proxy-key.pem` : '# no https_port',
      }),
    },
    // squid runs as `proxy`: the pair is copied into its own directory, which it can read.
    files: { ...o.files, ...(tls ? { 'proxy-cert.pem': tls.cert, 'proxy-key.pem': tls.key } : {}) },
    args: (ctx) => ['-N', '-d', '1', '-f', ctx.configPath!],
    // Both ports: the https one is bound last.
    ready: { port: (ctx) => ctx.ports[tls ? 1 : 0]! },
    timeout: 20_000,
  });
  return Object.assign(srv, { https: tls ? srv.ports[1] : undefined });
}
