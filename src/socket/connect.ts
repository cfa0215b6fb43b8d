import * as net from 'node:net';
import { systemLookup } from './system-lookup.js';
import { checkLocalEnd, localPorts, resolveLocal, type LocalAddresses, type LocalEnd } from './local-end.js';
import { ConnectError, InputError, TimeoutError, toDialError, type ConnectAttempt } from '../errors.js';
import { guard, throwIfAborted, timerMs, type WaitOptions } from '../util/guard.js';

/** One resolved address. */
export interface LookupAddress {
  address: string;
  family: 4 | 6;
}

/**
 * Resolves a host name to its addresses, in preference order. The default is
 * the system resolver (getaddrinfo, which applies RFC 6724 ordering); pass
 * your own to pin names (curl's `--resolve`) or to use DNS directly.
 */
export type LookupFunction = (hostname: string, options: { family?: 4 | 6 | undefined; signal?: AbortSignal | undefined }) => Promise<LookupAddress[]>;

/** Where and how to open a TCP connection. */
export interface TcpTarget extends WaitOptions {
  host: string;
  port: number;
  /** Only addresses of this family. */
  family?: 4 | 6 | undefined;
  lookup?: LookupFunction | undefined;
  /** RFC 8305 "Connection Attempt Delay": how long one attempt runs alone before the next starts (default 250 ms). */
  attemptDelay?: number | undefined;
  /** A bound on each single attempt, in ms (default: only the overall `timeout`). */
  attemptTimeout?: number | undefined;
  /** The local address to bind (an IP literal); {@link TcpTarget.local} offers interface names and ports too and wins over this. */
  localAddress?: string | undefined;
  /**
   * The local end of each attempt (curl --interface, --local-port): an
   * interface, address or host name to bind, and ports tried in order while
   * each is taken. A failure to bind rejects with a ConnectError of phase `bind`.
   */
  local?: LocalEnd | undefined;
  /**
   * node:net `onread`: reads land in this one reused buffer and go to its
   * callback instead of 'data' events (see {@link LentReads} in socket.ts).
   * Every Happy Eyeballs attempt gets the same one: only the winner reads.
   */
  onread?: net.OnReadOpts | undefined;
  /**
   * Makes each attempt's socket from node:net's connect options (default
   * `net.connect`). `tls.connect` here gives a TLS socket that owns its TCP
   * handle, the only way node:tls honours `onread`; the race still ends at
   * the TCP connect, and the caller then awaits the handshake (`secured` in tls.ts).
   */
  open?: ((options: net.TcpNetConnectOpts) => net.Socket) | undefined;
}

/** Where to open a Unix-domain stream connection. */
export interface UnixTarget extends WaitOptions {
  path: string;
  /** node:net `onread`, as for {@link TcpTarget.onread}. */
  onread?: net.OnReadOpts | undefined;
}


/**
 * RFC 8305 §4: keep the resolver's first choice first, then alternate
 * families so one broken family costs at most one attempt delay.
 */
export function interleaveFamilies(addrs: readonly LookupAddress[]): LookupAddress[] {
  if (addrs.length < 2) return [...addrs];
  const first = addrs[0]!.family;
  const a = addrs.filter((x) => x.family === first);
  const b = addrs.filter((x) => x.family !== first);
  const out: LookupAddress[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (i < a.length) out.push(a[i]!);
    if (i < b.length) out.push(b[i]!);
  }
  return out;
}

async function resolve(target: TcpTarget): Promise<LookupAddress[]> {
  const fam = net.isIP(target.host);
  if (fam) return [{ address: target.host, family: fam === 6 ? 6 : 4 }];
  const lookup = target.lookup ?? systemLookup;
  let addrs: LookupAddress[];
  try {
    addrs = await guard(lookup(target.host, { family: target.family, signal: target.signal }), target, `resolving ${target.host}`);
  } catch (err) {
    if (err instanceof TimeoutError || (err as { code?: string }).code === 'DIAL_E_ABORT') throw err;
    throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${target.host}: ${(err as Error).message}`, { cause: err });
  }
  if (target.family) addrs = addrs.filter((a) => a.family === target.family);
  if (addrs.length === 0) throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${target.host}: no addresses`);
  return interleaveFamilies(addrs);
}

/**
 * Opens a TCP connection, racing the host's addresses as Happy Eyeballs
 * (RFC 8305): a new attempt starts every `attemptDelay` or as soon as the
 * previous one fails; the first to connect wins and the rest are destroyed.
 * Rejects with a ConnectError listing every address tried.
 */
export async function connectTcp(target: TcpTarget): Promise<net.Socket> {
  checkTcpTarget(target);
  if (target.local) checkLocalEnd(target.local);
  throwIfAborted(target.signal, `connect to ${target.host}:${target.port}`);
  const started = Date.now();
  const addrs = await resolve(target);
  // No await without an interface: a plain connect keeps the ticks it had.
  const locals = target.local?.interface ? await localAddresses(target, addrs, started) : {};
  const remaining = target.timeout ? Math.max(1, target.timeout - (Date.now() - started)) : undefined;
  const ports = localPorts(target.local);
  const attempts: ConnectAttempt[] = [];
  const live = new Set<net.Socket>();
  let cancelled = false;
  // Attempts that failed only because the local end could not be bound (curl's exit 45, not 7).
  let bindFailures = 0;
  const race = new Promise<net.Socket>((resolveRace, rejectRace) => {
    let next = 0;
    let delayTimer: NodeJS.Timeout | undefined;
    let settled = false;
    let lastError: unknown;
    const giveUpIfDone = () => {
      if (settled || live.size > 0 || next < addrs.length) return;
      settled = true;
      const tried = attempts.map((a) => `${fmt(a.address, target.port)} (${a.error})`).join(', ');
      const bind = bindFailures === attempts.length;
      const why = bind ? `could not bind the local end for ${target.host} port ${target.port}: ${tried}` : `could not connect to ${target.host} port ${target.port}: ${tried}`;
      rejectRace(new ConnectError('DIAL_E_CONNECT', why, { attempts, cause: lastError, ...(bind ? { phase: 'bind' } : {}) }));
    };
    const attempt = (a: LookupAddress, portIndex: number) => {
      const localAddress = target.local?.interface ? locals[a.family] : target.localAddress;
      if (target.local?.interface && localAddress === undefined) {
        bindFailures++;
        attempts.push({ address: a.address, port: target.port, error: `no local address of family IPv${a.family}` });
        return startNext();
      }
      const localPort = ports[portIndex];
      const s = (target.open ?? net.connect)({ host: a.address, port: target.port, family: a.family, localAddress, localPort, allowHalfOpen: true, noDelay: true, onread: target.onread });
      live.add(s);
      let attemptTimer: NodeJS.Timeout | undefined;
      const fail = (why: string, err?: NodeJS.ErrnoException) => {
        if (attemptTimer) clearTimeout(attemptTimer);
        if (!live.delete(s)) return;
        s.destroy();
        lastError = err ?? lastError;
        // A taken port moves on to the next of the range, as curl's does; the address stays the same.
        if (err?.syscall === 'bind' && err.code === 'EADDRINUSE' && portIndex + 1 < ports.length && !settled && !cancelled) return attempt(a, portIndex + 1);
        // EINVAL is a local address of the other family: curl reports that as a failed connect.
        if (err?.syscall === 'bind' && err.code !== 'EINVAL') bindFailures++;
        attempts.push({ address: a.address, port: target.port, error: err?.syscall === 'bind' ? `bind ${localAddress ?? '*'}${localPort ? ` port ${localPort}` : ''}: ${why}` : why });
        startNext();
      };
      if (target.attemptTimeout) attemptTimer = setTimeout(() => fail(`timed out after ${target.attemptTimeout} ms`), timerMs(target.attemptTimeout));
      s.once('error', (err: NodeJS.ErrnoException) => fail(err.code ?? err.message, err));
      s.once('connect', () => {
        if (attemptTimer) clearTimeout(attemptTimer);
        s.removeAllListeners('error');
        live.delete(s);
        if (settled || cancelled) return void s.destroy();
        settled = true;
        if (delayTimer) clearTimeout(delayTimer);
        for (const other of live) other.destroy();
        live.clear();
        resolveRace(s);
      });
    };
    const startNext = (): void => {
      if (delayTimer) clearTimeout(delayTimer);
      if (settled || cancelled || next >= addrs.length) return giveUpIfDone();
      const a = addrs[next++]!;
      if (next < addrs.length) delayTimer = setTimeout(startNext, target.attemptDelay ?? 250);
      attempt(a, 0);
    };
    startNext();
  });
  const cancel = () => {
    cancelled = true;
    for (const s of live) s.destroy();
    live.clear();
  };
  return guard(race, { signal: target.signal, timeout: remaining }, `connect to ${target.host} port ${target.port}`, cancel);
}

/** The address to bind per family, resolved once before the race, within the connect's bound. */
function localAddresses(target: TcpTarget, addrs: readonly LookupAddress[], started: number): Promise<LocalAddresses> {
  const timeout = target.timeout ? Math.max(1, target.timeout - (Date.now() - started)) : undefined;
  return guard(resolveLocal(target.local!, addrs, target.lookup ?? systemLookup, target.signal), { signal: target.signal, timeout }, `binding to ${target.local!.interface}`);
}

/** The longest Unix socket path in bytes: sockaddr_un's sun_path (108 on Linux, 104 elsewhere) less its NUL. */
export const MAX_UNIX_PATH = process.platform === 'linux' ? 107 : 103;

/**
 * Refuses a Unix-domain socket path node:net would not use as given: an
 * empty one (node then dials TCP to localhost instead), one with a NUL
 * after the first byte (cut there), or one longer than sun_path holds (cut
 * silently, so a connect meets another socket's path and a listen creates
 * one where nobody will look). A leading NUL (Linux abstract names) and
 * Windows pipe names are left to the system.
 */
export function checkUnixPath(path: unknown, what: string): string {
  if (typeof path !== 'string' || path.length === 0) throw new InputError(`${what}: a Unix socket path must be a non-empty string`, { phase: what, protocol: 'unix' });
  if (process.platform === 'win32') return path;
  if (path.indexOf('\0', 1) >= 0) throw new InputError(`${what}: the Unix socket path holds a NUL byte`, { phase: what, protocol: 'unix' });
  const n = Buffer.byteLength(path);
  if (n > MAX_UNIX_PATH) {
    throw new InputError(`${what}: the Unix socket path is ${n} bytes; the system holds at most ${MAX_UNIX_PATH}`, { phase: what, protocol: 'unix' });
  }
  return path;
}

/**
 * Refuses a host or port node:net would reject with a bare RangeError or
 * TypeError (port 70000, NaN, 1.5, none) or hand to the resolver mangled (a
 * control character in the name): the caller gets an InputError instead.
 */
function checkTcpTarget(target: TcpTarget): void {
  const { host, port } = target;
  if (typeof host !== 'string' || host === '' || /[\0-\x1f\x7f]/.test(host)) {
    throw new InputError(`connect: the host must be a name or address without control characters, got ${JSON.stringify(host)}`, { phase: 'connect' });
  }
  // node takes a decimal string too, and untyped callers pass one: it stays accepted.
  const n = typeof port === 'string' && /^[0-9]{1,5}$/.test(port) ? Number(port) : port;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InputError(`connect: the port must be an integer 1-65535, got ${typeof port === 'string' ? JSON.stringify(port) : String(port)}`, { phase: 'connect' });
  }
}

/** A Unix socket path for messages: a Linux abstract name (leading NUL) is shown as `@name`, as ss and /proc/net/unix show it, not with a raw NUL. */
export function unixPathLabel(path: string): string {
  return path.startsWith('\0') ? `@${path.slice(1)}` : path;
}

/** Opens a Unix-domain stream connection. */
export function connectUnix(target: UnixTarget): Promise<net.Socket> {
  checkUnixPath(target.path, 'connect');
  const name = unixPathLabel(target.path);
  throwIfAborted(target.signal, `connect to ${name}`);
  const s = net.connect({ path: target.path, allowHalfOpen: true, onread: target.onread });
  const opened = new Promise<net.Socket>((resolve, reject) => {
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (err) => {
      // node names an abstract path with its NUL: shown as @, as in the rest of the message.
      err.message = err.message.replaceAll('\0', '@');
      reject(toDialError(err, `could not connect to ${name}`, { phase: 'connect', protocol: 'unix' }));
    });
  });
  return guard(opened, target, `connect to ${name}`, () => s.destroy());
}

function fmt(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}
