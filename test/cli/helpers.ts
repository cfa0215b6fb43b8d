/**
 * Shared fixtures for the dial end-to-end tests: spawning the compiled CLI
 * (located relative to this compiled file, so it works from dist/ and from
 * any other out dir), spawning curl for comparisons, and a loopback HTTP
 * server with the routes the tests need.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
/** The compiled entry point next to this compiled test (…/test/cli → …/src/cli/main.js). */
export const MAIN = join(here, '../../src/cli/main.js');
/** The repository root when the tests run from its dist/ (…/dist/test/cli → …/). */
export const REPO_ROOT = join(here, '../../..');

/** What a finished process left. */
export interface RunResult {
  code: number | null;
  stdout: Buffer;
  stderr: string;
  /** stdout as text. */
  out: string;
}

/** Spawns a command and collects its output; `input` is written to stdin. */
export function runCommand(cmd: string, args: readonly string[], opts: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd ?? tmpdir(), env: { ...process.env, NO_PROXY: '*', http_proxy: '', https_proxy: '', HTTP_PROXY: '', HTTPS_PROXY: '', ALL_PROXY: '', all_proxy: '', ...opts.env } });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeout ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const stdout = Buffer.concat(out);
      resolve({ code, stdout, stderr: err, out: stdout.toString('latin1') });
    });
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `dial` (the compiled main.js) with `args`. */
export function dial(args: readonly string[], opts: Parameters<typeof runCommand>[2] = {}): Promise<RunResult> {
  return runCommand(process.execPath, [MAIN, ...args], opts);
}

/** curl's path, or undefined when it is not installed (comparisons are then skipped). */
export const CURL = (() => {
  const r = spawnSync('curl', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? 'curl' : undefined;
})();

/** Runs curl with `args` (never a user's ~/.curlrc). */
export function curl(args: readonly string[], opts: Parameters<typeof runCommand>[2] = {}): Promise<RunResult> {
  return runCommand(CURL ?? 'curl', ['-q', ...args], opts);
}

/** A fresh temp directory. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'dial-cli-'));
}

/** Deterministic bytes for download tests. */
export function pattern(n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = 97 + ((i * 7 + (i >> 8)) % 26);
  return b;
}

export const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** What the server saw of one request. */
export interface SeenRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** The loopback server and what it recorded. */
export interface TestServer {
  url: (path: string) => string;
  port: number;
  requests: SeenRequest[];
  /** TCP connections accepted so far (connection reuse). */
  connections: number;
  /** Per-key counters for flaky routes. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export const BIG = pattern(300_000);

function sendRange(req: http.IncomingMessage, res: http.ServerResponse, data: Buffer, type = 'application/octet-stream'): void {
  const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  if (!m) {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': data.length, 'Accept-Ranges': 'bytes' });
    res.end(req.method === 'HEAD' ? undefined : data);
    return;
  }
  const start = Number(m[1]);
  const end = m[2] ? Math.min(Number(m[2]), data.length - 1) : data.length - 1;
  if (start >= data.length) {
    res.writeHead(416, { 'Content-Range': `bytes */${data.length}`, 'Content-Length': 0 });
    res.end();
    return;
  }
  const part = data.subarray(start, end + 1);
  res.writeHead(206, { 'Content-Type': type, 'Content-Length': part.length, 'Content-Range': `bytes ${start}-${end}/${data.length}` });
  res.end(req.method === 'HEAD' ? undefined : part);
}

/**
 * Routes: /hello, /big (Range aware), /norange, /binary, /status/N, /redirect/N,
 * /moved?code=N&to=URL (a redirect of that status), /loop, /echo (JSON of the request), /flaky?id=&fail=N[&after=S] (503 with
 * Retry-After: S, default 0, N times), /cut?id= (first answer breaks half way, then honours Range; with
 * &full=1 the retry answers 200 with everything), /cutrange?id= (the same, but the
 * first answer is the 206 of the Range asked for, a suffix too, broken half way),
 * /slow (never answers), /gzip, /bad-gzip (corrupt), /slowbody (trickles for ~1.5 s), /proxy-check,
 * /setcookie?c=LINE&c=LINE[&to=URL] (a Set-Cookie per c; a 302 to `to`).
 */
export async function startServer(): Promise<TestServer> {
  const requests: SeenRequest[] = [];
  const hits = new Map<string, number>();
  const sockets = new Set<import('node:net').Socket>();
  const hold: http.ServerResponse[] = [];
  const server = http.createServer(async (req, res) => {
    res.sendDate = false;
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks);
    requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
    const u = new URL(req.url ?? '/', 'http://x');
    const id = u.searchParams.get('id') ?? '';
    const count = (hits.get(u.pathname + id) ?? 0) + 1;
    hits.set(u.pathname + id, count);
    if ((req.url ?? '').startsWith('http://')) {
      const text = `proxied ${req.url}\n`;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': text.length });
      return res.end(text);
    }
    const p = u.pathname;
    if (p === '/hello') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 12, 'X-Test': 'yes' });
      return res.end(req.method === 'HEAD' ? undefined : 'hello world\n');
    }
    if (p === '/dated') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 6, 'Last-Modified': 'Tue, 03 Jun 2008 11:05:30 GMT' });
      return res.end('dated\n');
    }
    if (p === '/big') return sendRange(req, res, BIG);
    if (p === '/norange') {
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': BIG.length });
      return res.end(BIG);
    }
    if (p === '/binary') {
      const b = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13, 1, 2, 3]);
      res.writeHead(200, { 'Content-Type': 'image/png', 'Content-Length': b.length });
      return res.end(b);
    }
    const st = /^\/status\/(\d+)$/.exec(p);
    if (st) {
      const text = `status ${st[1]}\n`;
      res.writeHead(Number(st[1]), { 'Content-Type': 'text/plain', 'Content-Length': text.length });
      return res.end(text);
    }
    const rd = /^\/redirect\/(\d+)$/.exec(p);
    if (rd) {
      const n = Number(rd[1]);
      const text = 'moved\n';
      res.writeHead(302, { Location: n > 1 ? `/redirect/${n - 1}` : '/hello', 'Content-Length': text.length, 'Content-Type': 'text/plain' });
      return res.end(text);
    }
    if (p === '/moved') {
      // A redirect of the status asked for (default 302) to `to`.
      res.writeHead(Number(u.searchParams.get('code') ?? '302'), { Location: u.searchParams.get('to') ?? '/hello', 'Content-Length': 0 });
      return res.end();
    }
    if (p === '/loop') {
      res.writeHead(301, { Location: '/loop', 'Content-Length': 0 });
      return res.end();
    }
    if (p === '/echo') {
      const text = JSON.stringify({ method: req.method, url: req.url, version: req.httpVersion, headers: req.headers, body: body.toString('latin1') });
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
      return res.end(text);
    }
    if (p === '/setcookie') {
      // Every `c` is one Set-Cookie line; with `to`, a 302 there.
      const to = u.searchParams.get('to');
      res.writeHead(to ? 302 : 200, { 'Set-Cookie': u.searchParams.getAll('c'), ...(to ? { Location: to } : {}), 'Content-Length': 3 });
      return res.end('ok\n');
    }
    if (p === '/flaky') {
      const fails = Number(u.searchParams.get('fail') ?? '1');
      if (count <= fails) {
        res.writeHead(Number(u.searchParams.get('code') ?? '503'), { 'Retry-After': u.searchParams.get('after') ?? '0', 'Content-Length': 5 });
        return res.end('busy\n');
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 3 });
      return res.end('ok\n');
    }
    if (p === '/cut') {
      if (count === 1) {
        res.writeHead(200, { 'Content-Length': BIG.length, 'Accept-Ranges': 'bytes' });
        res.write(BIG.subarray(0, 100_000));
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      // full=1: the retry ignores Range and sends everything again.
      if (u.searchParams.get('full')) {
        res.writeHead(200, { 'Content-Length': BIG.length });
        return res.end(BIG);
      }
      return sendRange(req, res, BIG);
    }
    if (p === '/cutrange') {
      // The first answer honours the Range (206) but breaks after half of the part.
      const m = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (count === 1 && m && (m[1] || m[2])) {
        // bytes=-N is the last N bytes.
        const start = m[1] ? Number(m[1]) : BIG.length - Number(m[2]);
        const end = m[1] && m[2] ? Math.min(Number(m[2]), BIG.length - 1) : BIG.length - 1;
        const part = BIG.subarray(start, end + 1);
        res.writeHead(206, { 'Content-Length': part.length, 'Content-Range': `bytes ${start}-${end}/${BIG.length}` });
        res.write(part.subarray(0, part.length >> 1));
        setTimeout(() => res.socket?.destroy(), 50);
        return;
      }
      return sendRange(req, res, BIG);
    }
    if (p === '/slow') {
      hold.push(res);
      return;
    }
    if (p === '/slowbody') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': 16 * 1024 });
      let sent = 0;
      const t = setInterval(() => {
        res.write(Buffer.alloc(1024, 120));
        if (++sent === 16) {
          clearInterval(t);
          res.end();
        }
      }, 100);
      return;
    }
    if (p === '/bad-gzip') {
      // Says gzip, sends a gzip header and then garbage: curl exits 61 (bad content encoding).
      const z = Buffer.concat([gzipSync('x').subarray(0, 10), Buffer.from('this is not deflate data at all')]);
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': z.length });
      return res.end(z);
    }
    if (p === '/gzip') {
      const text = 'compressed text\n'.repeat(50);
      if (/gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
        const z = gzipSync(text);
        res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Encoding': 'gzip', 'Content-Length': z.length });
        return res.end(z);
      }
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': text.length });
      return res.end(text);
    }
    res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10 });
    res.end('not found\n');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    fixture.connections++;
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const fixture: TestServer = {
    port,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    connections: 0,
    hits,
    close: async () => {
      for (const r of hold) r.destroy();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return fixture;
}

/** What the test server's /echo route saw, as it reports it. */
export interface Echo {
  method: string;
  url: string;
  version: string;
  headers: Record<string, string>;
  /** The request body, read as latin1. */
  body: string;
}

/** The /echo report in a run's stdout. */
export const echo = (r: { out: string }): Echo => JSON.parse(r.out) as Echo;

/** True when the bundled CLI exists at the repo's dist/cli (so bin/dial.js can run). */
export function binUsable(): boolean {
  return existsSync(join(REPO_ROOT, 'bin/dial.js')) && existsSync(join(REPO_ROOT, 'dist/cli/main.js'));
}

/** A loopback HTTPS server of the test PKI's server certificate. */
export interface TlsTestServer {
  server: https.Server;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts an HTTPS server on 127.0.0.1 with `pki`'s server certificate;
 * `handler` answers (by default 200 `secure\n`), `extra` adds server options
 * (asking for a client certificate, say).
 */
export async function startTlsServer(pki: Pki, handler?: http.RequestListener, extra: https.ServerOptions = {}): Promise<TlsTestServer> {
  const answer: http.RequestListener = handler ?? ((_req, res) => void res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 7 }).end('secure\n'));
  const server = https.createServer({ cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey), ...extra }, answer);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: async () => {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    },
  };
}

/** PEM files for TLS tests: a CA, a server cert for localhost/127.0.0.1 and a client cert signed by it, and an unrelated CA. */
export interface Pki {
  dir: string;
  caCert: string;
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/** Makes a throwaway PKI with the openssl binary; undefined when openssl is missing or fails. */
export function makePki(): Pki | undefined {
  const dir = tempDir();
  const ssl = (...args: string[]) => spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' }).status === 0;
  const ca = (name: string) =>
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  const leaf = (name: string, ext: string) => {
    writeFileSync(join(dir, `${name}.ext`), ext);
    return (
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`) &&
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`)
    );
  };
  const ok =
    ca('ca') && ca('other') &&
    leaf('server', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') &&
    leaf('client', 'extendedKeyUsage=clientAuth\n');
  if (!ok) return undefined;
  const f = (n: string) => join(dir, n);
  return { dir, caCert: f('ca.crt'), otherCaCert: f('other.crt'), serverCert: f('server.crt'), serverKey: f('server.key'), clientCert: f('client.crt'), clientKey: f('client.key') };
}
