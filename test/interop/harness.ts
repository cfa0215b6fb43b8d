/**
 * The real-server harness: starts a Debian-packaged server (nginx, vsftpd,
 * squid…) on free loopback ports with a config the repo ships, waits until it
 * answers, and stops it — with every process it forked — at the end.
 *
 * Rules it keeps:
 * - A missing binary FAILS the test with the package to install; nothing is
 *   ever skipped because a server is absent (scripts/install-servers.sh,
 *   run by `npm test`'s pretest, installs them all).
 * - Each server runs in the foreground in its own process group, in a fresh
 *   temp dir holding its config, pid file, logs and temp files; `stop()`
 *   kills the group (SIGTERM, then SIGKILL after a bound) and removes the dir.
 * - Every wait is bounded, and a server that does not come up fails with its
 *   own stderr and log files in the message.
 *
 * ```ts
 * const srv = await startServer({
 *   name: 'nginx', command: 'nginx', ports: 2,
 *   config: { template: 'nginx.conf', vars: { root: '/srv/x' } },
 *   args: (ctx) => ['-p', ctx.dir, '-c', ctx.configPath!, '-e', join(ctx.dir, 'error.log'), '-g', 'daemon off;'],
 *   ready: { port: (ctx) => ctx.ports[1]! },   // default: the first port
 * });
 * srv.port; srv.ports; srv.dir; await srv.stop();
 * ```
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { basename, delimiter, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The loopback address every server listens on. */
export const LOOPBACK = '127.0.0.1';

/** The Debian package that ships each binary the interop suite runs. */
export const PACKAGES: Readonly<Record<string, string>> = {
  nginx: 'nginx',
  openssl: 'openssl',
  curl: 'curl',
  squid: 'squid',
  danted: 'dante-server',
  microsocks: 'microsocks',
  vsftpd: 'vsftpd',
  'pure-ftpd': 'pure-ftpd',
  python3: 'python3-pyftpdlib',
  gophernicus: 'gophernicus',
  wrk: 'wrk',
  dovecot: 'dovecot-core',
  exim4: 'exim4-daemon-light',
  innd: 'inn2',
  makedbz: 'inn2',
};

/** Where binaries are looked for besides PATH (daemons live in sbin, often not in a user's PATH). */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin', '/usr/local/bin', '/usr/bin', '/bin'];

/** The repository's root (the nearest folder above this file holding package.json). */
export const REPO_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('harness: cannot find the repository root (no package.json above ' + fileURLToPath(import.meta.url) + ')');
    dir = up;
  }
})();

/** The folder of config templates the repo ships. */
export const CONFIG_DIR = join(REPO_ROOT, 'test', 'interop', 'config');

/**
 * The absolute path of an executable `binary`, looked up in PATH, then in
 * /usr/local/sbin, /usr/sbin and /sbin; undefined when there is none. A name
 * holding a slash is checked as it is.
 */
export function which(binary: string): string | undefined {
  const isExe = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return statSync(p).isFile();
    } catch {
      return false;
    }
  };
  if (binary.includes('/')) return isExe(binary) ? binary : undefined;
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter(Boolean);
  for (const d of [...dirs, ...EXTRA_DIRS]) {
    const p = join(d, binary);
    if (isExe(p)) return p;
  }
  return undefined;
}

/** The error for a binary that is not installed: names the package and how to install it. */
export class MissingBinaryError extends Error {
  constructor(
    readonly binary: string,
    readonly packageName: string,
  ) {
    super(
      `interop: the binary "${binary}" is not installed (looked in PATH, /usr/sbin and /sbin). ` +
        `Install the Debian package "${packageName}": run \`bash scripts/install-servers.sh\` as root, ` +
        `or \`apt-get install -y --no-install-recommends ${packageName}\`.`,
    );
    this.name = 'MissingBinaryError';
  }
}

/**
 * Like {@link which} but throws a {@link MissingBinaryError} naming the
 * package (from `pkg`, else {@link PACKAGES}) when the binary is missing.
 */
export function requireBinary(binary: string, pkg?: string): string {
  const found = which(binary);
  if (found) return found;
  throw new MissingBinaryError(binary, pkg ?? PACKAGES[basename(binary)] ?? `the package that provides ${basename(binary)}`);
}

/**
 * `count` distinct free TCP ports on `host`: binds them all at once on port 0
 * (so the kernel hands out distinct numbers), reads the numbers and closes.
 * Another process may take one before it is reused; {@link startServer}
 * retries with new ports when a server reports "address in use".
 */
export async function freePorts(count: number, host: string = LOOPBACK): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1 || count > 64) throw new RangeError(`freePorts: count must be 1..64, got ${count}`);
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const srv = net.createServer();
      servers.push(srv);
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        srv.listen({ host, port: 0, exclusive: true }, () => resolve());
      });
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise<void>((resolve) => (s.listening ? s.close(() => resolve()) : resolve()))));
  }
}

/** One free TCP port on `host`. */
export async function freePort(host: string = LOOPBACK): Promise<number> {
  return (await freePorts(1, host))[0]!;
}

/** True when something accepts a TCP connection on host:port within `timeout` ms. */
export function canConnect(port: number, host: string = LOOPBACK, timeout = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeout);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** What a server's args, vars and readiness check are computed from. */
export interface ServerContext {
  /** The `name` given to startServer, for messages. */
  name: string;
  /** The absolute path of the binary that will run. */
  binary: string;
  /** The fresh temp dir: config, pid file, logs, temp files. Removed by stop(). */
  dir: string;
  /** The address the server must listen on (127.0.0.1). */
  host: string;
  /** The first of {@link ports}. */
  port: number;
  /** The free loopback ports reserved for this server. */
  ports: number[];
  /** Where the rendered config was written, when a template was given. */
  configPath: string | undefined;
  /** process.getuid() === 0: configs that need a user (nginx `user root;`) look at this. */
  root: boolean;
  /** The uid/gid the server runs as, when `user` was given and the harness is root. */
  uid: number | undefined;
  gid: number | undefined;
}

type Vars = Record<string, string | number | boolean>;

/** How to tell that the server is up. */
export type ReadyCheck =
  /** A TCP connection to `port` (default: ctx.port) on `host` (default 127.0.0.1) succeeds. */
  | { port?: number | ((ctx: ServerContext) => number); host?: string }
  /** A file exists (pid file, Unix socket — a socket must also accept). Relative paths are inside ctx.dir. */
  | { path: string | ((ctx: ServerContext) => string) }
  /** Your own probe; polled until it resolves true. */
  | ((ctx: ServerContext) => Promise<boolean>);

export interface StartServerOptions {
  /** A short name for messages: 'nginx', 'vsftpd'… */
  name: string;
  /** The binary to run, by name (looked up with {@link which}) or absolute path. */
  command: string;
  /** The Debian package to name when the binary is missing (default: from {@link PACKAGES}). */
  package?: string;
  /** The arguments; must keep the server in the foreground (nginx `-g 'daemon off;'`, squid `-N`…). */
  args: (ctx: ServerContext) => string[];
  /**
   * A config template under test/interop/config (or an absolute path). `{{name}}`
   * placeholders are replaced by `vars` plus the built-ins: dir, host, port,
   * port0…portN, name, user_root (`user root;` when running as root, else empty).
   * An unknown placeholder is an error. Written to ctx.dir/`file` (default: the
   * template's file name).
   */
  config?: { template: string; vars?: Vars | ((ctx: ServerContext) => Vars); file?: string };
  /** Extra files to write into ctx.dir before the start (relative path → content); folders are made. */
  files?: Record<string, string | Uint8Array> | ((ctx: ServerContext) => Record<string, string | Uint8Array>);
  /** How many free ports to reserve (default 1), or the exact ports to use. */
  ports?: number | number[];
  /** Readiness check (default: TCP connect to ctx.port). */
  ready?: ReadyCheck;
  /** Readiness deadline in ms (default 15000). */
  timeout?: number;
  /** How long stop() waits after SIGTERM before SIGKILL, in ms (default 3000). */
  stopTimeout?: number;
  /** Extra environment (merged over process.env). */
  env?: Record<string, string>;
  /**
   * inetd style: the harness itself listens on ctx.port and runs the command
   * once per connection with the socket as its stdin and stdout (gophernicus).
   * `ready` is then ignored.
   */
  inetd?: boolean;
  /** How many times to retry on fresh ports when the server reports "address in use" (default 2). */
  retries?: number;
  /**
   * Run as this system user (e.g. 'nobody') when the harness runs as root — for
   * servers that refuse root (gophernicus). ctx.dir is then handed to that
   * user. Ignored when not root (the server runs as the current user).
   */
  user?: string;
}

export interface RunningServer {
  name: string;
  host: string;
  port: number;
  ports: number[];
  /** The server's temp dir (removed by stop()). */
  dir: string;
  configPath: string | undefined;
  /** The server's process id (its process group id too); for inetd servers, the last child's (or undefined). */
  readonly pid: number | undefined;
  /** What the server wrote to stdout/stderr so far (the last 64 KiB). */
  output(): string;
  /** The captured output plus the tail of every *.log file in dir: for assertion messages. */
  diagnostics(): string;
  /** Kills the process group (SIGTERM, then SIGKILL), removes dir; safe to call twice. */
  stop(): Promise<void>;
}

const OUTPUT_CAP = 64 * 1024;
const ADDR_IN_USE = /address already in use|EADDRINUSE|bind\(\) to .* failed \(98/i;

/** Every live process group this process started, killed on exit if a test forgot to. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
/** The start time (/proc stat field 22) of each group's leader, to tell our group from a later one with the same number. */
const leaderStart = new Map<number, string>();
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  const start = procStat(pid)?.start;
  if (start !== undefined) leaderStart.set(pid, start);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const g of liveGroups) killGroup(g, 'SIGKILL');
    });
  }
}

/**
 * Signals process group `pgid` — only while it is still ours. Linux never
 * hands out a number still in use as a group id, so once our group is gone
 * the number can name another test's server (pids wrap at 32768 here, and
 * every node thread takes one): a process `pgid` that started at another
 * time than our leader is that other group, and is left alone.
 */
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  const mine = leaderStart.get(pgid);
  const now = procStat(pgid)?.start;
  if (mine !== undefined && now !== undefined && now !== mine) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    /* already gone */
  }
}

/**
 * True while any non-zombie process is in process group `pgid` (a zombie
 * whose parent is not reaping it counts as gone).
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch {
    return false;
  }
  // kill(0) also succeeds for zombies: look at /proc for a live member.
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const st = procStat(Number(e));
    if (st && st.pgrp === pgid && st.state !== 'Z' && st.state !== 'X') return true;
  }
  return false;
}

/** True when process `pid` exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const st = procStat(pid);
  return st === undefined ? true : st.state !== 'Z' && st.state !== 'X';
}

function procStat(pid: number): { state: string; pgrp: number; start: string } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'latin1');
    // pid (comm) state ppid pgrp … starttime (field 22) — comm may hold spaces and parens.
    const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '', pgrp: Number(rest[2]), start: rest[19] ?? '' };
  } catch {
    return undefined;
  }
}

/** Processes (other than those in `exclude`) whose command line mentions `dir`: servers that daemonized out of their group. */
function strays(dir: string): number[] {
  const out: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      const cmd = readFileSync(`/proc/${e}/cmdline`, 'latin1');
      if (cmd.includes(dir)) {
        const st = procStat(Number(e));
        if (st && st.state !== 'Z') out.push(Number(e));
      }
    } catch {
      /* gone */
    }
  }
  return out;
}

/** A system user's uid and gid, from /etc/passwd. */
export function lookupUser(name: string): { uid: number; gid: number } {
  let passwd = '';
  try {
    passwd = readFileSync('/etc/passwd', 'utf8');
  } catch {
    /* no passwd file */
  }
  for (const line of passwd.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new Error(`harness: no system user "${name}" in /etc/passwd`);
}

function chownTree(path: string, uid: number, gid: number): void {
  chownSync(path, uid, gid);
  if (statSync(path).isDirectory()) for (const n of readdirSync(path)) chownTree(join(path, n), uid, gid);
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Replaces `{{ name }}` placeholders; throws on one with no value. */
export function renderTemplate(text: string, vars: Vars, what = 'template'): string {
  return text.replace(/\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g, (_m, key: string) => {
    if (!(key in vars)) throw new Error(`${what}: no value for {{${key}}} (have: ${Object.keys(vars).sort().join(', ')})`);
    return String(vars[key]);
  });
}

function tailOf(text: string, max: number): string {
  return text.length <= max ? text : '…' + text.slice(text.length - max);
}

function readLogs(dir: string): string {
  let out = '';
  const walk = (d: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(d, n);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (st.isDirectory() && depth < 2) walk(p, depth + 1);
      else if (st.isFile() && /\.log$|^log$|\.err$/.test(n)) {
        try {
          const t = readFileSync(p, 'utf8').trim();
          if (t) out += `\n--- ${p} ---\n${tailOf(t, 8192)}`;
        } catch {
          /* unreadable */
        }
      }
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * Starts a real server and resolves once it is ready. Rejects (never skips)
 * when the binary is missing, when the server exits early, or when it is not
 * ready by the deadline — with its stderr and logs in the message.
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const binary = requireBinary(options.command, options.package);
  const retries = options.retries ?? 2;
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(options, binary);
    } catch (err) {
      const explicitPorts = Array.isArray(options.ports);
      if (attempt < retries && !explicitPorts && err instanceof ServerStartError && ADDR_IN_USE.test(err.diagnostics)) continue;
      throw err;
    }
  }
}

/** A server that did not come up; `diagnostics` holds its output and logs. */
export class ServerStartError extends Error {
  constructor(
    message: string,
    readonly diagnostics: string,
  ) {
    super(`${message}${diagnostics ? `\n${diagnostics}` : '\n(the server printed nothing and wrote no log)'}`);
    this.name = 'ServerStartError';
  }
}

async function startOnce(options: StartServerOptions, binary: string): Promise<RunningServer> {
  const ports = Array.isArray(options.ports) ? [...options.ports] : await freePorts(options.ports ?? 1);
  const dir = mkdtempSync(join(tmpdir(), `dialtone-${options.name.replace(/[^A-Za-z0-9_-]/g, '_')}-`));
  const ctx: ServerContext = {
    name: options.name,
    binary,
    dir,
    host: LOOPBACK,
    port: ports[0]!,
    ports,
    configPath: undefined,
    root: typeof process.getuid === 'function' && process.getuid() === 0,
    uid: undefined,
    gid: undefined,
  };
  try {
    if (options.user !== undefined && ctx.root) {
      const u = lookupUser(options.user);
      ctx.uid = u.uid;
      ctx.gid = u.gid;
    }
    const files = typeof options.files === 'function' ? options.files(ctx) : (options.files ?? {});
    for (const [rel, content] of Object.entries(files)) {
      const p = isAbsolute(rel) ? rel : join(dir, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
    }
    if (options.config) {
      const tpl = isAbsolute(options.config.template) ? options.config.template : join(CONFIG_DIR, options.config.template);
      const builtins: Vars = { dir, host: LOOPBACK, port: ctx.port, name: options.name, user_root: ctx.root ? 'user root;' : '' };
      ports.forEach((p, i) => (builtins[`port${i}`] = p));
      const extra = typeof options.config.vars === 'function' ? options.config.vars(ctx) : (options.config.vars ?? {});
      const text = renderTemplate(readFileSync(tpl, 'utf8'), { ...builtins, ...extra }, tpl);
      ctx.configPath = join(dir, options.config.file ?? basename(tpl));
      writeFileSync(ctx.configPath, text);
    }
    if (ctx.uid !== undefined) chownTree(dir, ctx.uid, ctx.gid ?? ctx.uid);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return options.inetd ? startInetd(options, ctx) : startDaemon(options, ctx);
}

/** Collects a child's stdout/stderr into one bounded string. */
function capture(child: ChildProcess, sink: { text: string }): void {
  const add = (b: Buffer) => {
    sink.text += b.toString('utf8');
    if (sink.text.length > OUTPUT_CAP * 2) sink.text = sink.text.slice(sink.text.length - OUTPUT_CAP);
  };
  child.stdout?.on('data', add);
  child.stderr?.on('data', add);
}

async function startDaemon(options: StartServerOptions, ctx: ServerContext): Promise<RunningServer> {
  const args = options.args(ctx);
  const sink = { text: '' };
  const child = spawn(ctx.binary, args, {
    cwd: ctx.dir,
    detached: true, // its own process group: stop() kills the whole group
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
    ...(ctx.uid !== undefined ? { uid: ctx.uid, gid: ctx.gid } : {}),
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  let spawnError: Error | undefined;
  const exitedP = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      // A group whose leader has been reaped and that has no member left no
      // longer exists, and its number may be handed to another test's server
      // (pid_max is often 32768 and the suite spawns thousands of
      // processes): never signal it again.
      if (child.pid !== undefined && !groupAlive(child.pid)) {
        groupGone = true;
        liveGroups.delete(child.pid);
      }
      resolve();
    });
    child.once('error', (err) => {
      spawnError = err;
      resolve();
    });
  });
  let groupGone = false;
  capture(child, sink);
  const pid = child.pid;
  if (pid !== undefined) trackGroup(pid);

  const diagnostics = () => {
    let d = '';
    if (sink.text.trim()) d += `--- ${ctx.name} stdout/stderr ---\n${tailOf(sink.text.trim(), 8192)}`;
    d += readLogs(ctx.dir);
    return d.trim();
  };

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const bound = options.stopTimeout ?? 3000;
      if (pid !== undefined) {
        if (!groupGone) {
          killGroup(pid, 'SIGTERM');
          const deadline = Date.now() + bound;
          while (Date.now() < deadline && (exited === undefined || groupAlive(pid))) {
            await Promise.race([exitedP, sleep(25)]);
          }
          if (exited === undefined || groupAlive(pid)) {
            killGroup(pid, 'SIGKILL');
            await Promise.race([exitedP, sleep(bound)]);
          }
        }
        // Whatever escaped the group (a server that daemonized) still names our dir.
        for (const p of strays(ctx.dir)) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            /* gone */
          }
        }
        liveGroups.delete(pid);
      }
      child.stdout?.destroy();
      child.stderr?.destroy();
      rmSync(ctx.dir, { recursive: true, force: true });
    })());

  const server: RunningServer = {
    name: ctx.name,
    host: ctx.host,
    port: ctx.port,
    ports: ctx.ports,
    dir: ctx.dir,
    configPath: ctx.configPath,
    pid,
    output: () => sink.text,
    diagnostics,
    stop,
  };

  const timeout = options.timeout ?? 15000;
  const deadline = Date.now() + timeout;
  const probe = makeProbe(options.ready, ctx);
  const cmdline = [ctx.binary, ...args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');
  for (;;) {
    if (spawnError) {
      const d = diagnostics();
      await stop();
      throw new ServerStartError(`interop: ${ctx.name} could not be started (${cmdline}): ${spawnError.message}`, d);
    }
    if (exited) {
      // Let the pipes drain so the message holds the server's last words.
      await sleep(50);
      const d = diagnostics();
      await stop();
      const how = exited.signal ? `signal ${exited.signal}` : `code ${exited.code}`;
      throw new ServerStartError(`interop: ${ctx.name} exited with ${how} before it was ready (${cmdline})`, d);
    }
    let ok = false;
    try {
      ok = await probe();
    } catch {
      ok = false;
    }
    if (ok && !exited) return server;
    if (Date.now() >= deadline) {
      const d = diagnostics();
      await stop();
      throw new ServerStartError(`interop: ${ctx.name} was not ready within ${timeout} ms (${cmdline})`, d);
    }
    await Promise.race([exitedP, sleep(50)]);
  }
}

function makeProbe(ready: ReadyCheck | undefined, ctx: ServerContext): () => Promise<boolean> {
  if (typeof ready === 'function') return () => ready(ctx);
  if (ready && 'path' in ready) {
    const raw = typeof ready.path === 'function' ? ready.path(ctx) : ready.path;
    const p = isAbsolute(raw) ? raw : join(ctx.dir, raw);
    return async () => {
      let st;
      try {
        st = statSync(p);
      } catch {
        return false;
      }
      if (!st.isSocket()) return true;
      return new Promise<boolean>((resolve) => {
        const s = net.connect({ path: p });
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => (s.destroy(), resolve(false)));
      });
    };
  }
  const port = ready?.port === undefined ? ctx.port : typeof ready.port === 'function' ? ready.port(ctx) : ready.port;
  const host = ready?.host ?? ctx.host;
  return () => canConnect(port, host, 1000);
}

/** The inetd mode: one child per connection, the accepted socket as its stdin/stdout. */
async function startInetd(options: StartServerOptions, ctx: ServerContext): Promise<RunningServer> {
  const sink = { text: '' };
  const children = new Set<ChildProcess>();
  let lastPid: number | undefined;
  const srv = net.createServer({ pauseOnConnect: true }, (sock) => {
    const args = options.args(ctx);
    const child = spawn(ctx.binary, args, {
      cwd: ctx.dir,
      detached: true,
      stdio: [sock, sock, 'pipe'],
      ...(ctx.uid !== undefined ? { uid: ctx.uid, gid: ctx.gid } : {}),
      env: {
        ...process.env,
        REMOTE_ADDR: sock.remoteAddress ?? '',
        REMOTE_PORT: String(sock.remotePort ?? ''),
        ...options.env,
      },
    });
    // The child holds its own copy of the descriptor; ours can go.
    sock.destroy();
    if (child.pid !== undefined) {
      lastPid = child.pid;
      trackGroup(child.pid);
    }
    children.add(child);
    capture(child, sink);
    child.once('error', (err) => {
      sink.text += `\n[harness] spawn failed: ${err.message}\n`;
      children.delete(child);
    });
    child.once('exit', () => {
      children.delete(child);
      if (child.pid !== undefined) liveGroups.delete(child.pid);
    });
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen({ host: ctx.host, port: ctx.port, exclusive: true }, () => resolve());
  }).catch((err: Error) => {
    rmSync(ctx.dir, { recursive: true, force: true });
    throw new ServerStartError(`interop: ${ctx.name} (inetd) could not listen on ${ctx.host}:${ctx.port}: ${err.message}`, '');
  });
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
      const bound = options.stopTimeout ?? 3000;
      for (const c of children) if (c.pid !== undefined) killGroup(c.pid, 'SIGTERM');
      const deadline = Date.now() + bound;
      while (children.size > 0 && Date.now() < deadline) await sleep(25);
      for (const c of children) if (c.pid !== undefined) killGroup(c.pid, 'SIGKILL');
      rmSync(ctx.dir, { recursive: true, force: true });
    })());
  return {
    name: ctx.name,
    host: ctx.host,
    port: ctx.port,
    ports: ctx.ports,
    dir: ctx.dir,
    configPath: ctx.configPath,
    get pid() {
      return lastPid;
    },
    output: () => sink.text,
    diagnostics: () => (sink.text.trim() ? `--- ${ctx.name} stderr ---\n${tailOf(sink.text.trim(), 8192)}` : '') + readLogs(ctx.dir),
    stop,
  };
}
