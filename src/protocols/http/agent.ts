import { isIP, type Socket as NetSocket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { DialError } from '../../errors.js';
import { connectTcp, connectUnix, unixPathLabel, type LookupFunction } from '../../socket/connect.js';
import { tracedLookup } from '../../socket/trace-connect.js';
import { localEndKey, type LocalEnd } from '../../socket/local-end.js';
import { LentReads } from '../../socket/lent-reads.js';
import { Socket } from '../../socket/socket.js';
import { handshake, secured, tlsOpener, type TLSOptions } from '../../socket/tls.js';
import type { ByteStream } from '../../socket/types.js';
import { nodeCrypto, nodeTls } from '../../util/builtins.js';
import type { TraceFacts, Tracer } from '../../trace.js';
import type { AuthScheme } from './auth/server-auth.js';
import type { HttpLimits } from './core/response-parser.js';
import type { HttpVersion } from './core/request.js';
import { Pool } from './pool.js';
import { connectThroughProxy } from './tunnel.js';
import { haproxyLine } from './haproxy.js';
import type { ConnectTarget } from './connect-to.js';

/** Where a request goes: scheme, host (no IPv6 brackets) and port. */
export interface Origin {
  protocol: 'http:' | 'https:';
  hostname: string;
  port: number;
}

/** How to reach an origin: everything that makes one connection unlike another. */
export interface ConnectSettings {
  /** TLS settings for https (already merged with `insecure`). */
  tls?: TLSOptions | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port); not used with a Unix socket. */
  local?: LocalEnd | undefined;
  /** Connect to this Unix socket instead of the host. */
  unixSocket?: string | undefined;
  /** A proxy URL the connect factory should go through. */
  proxy?: URL | undefined;
  /**
   * TLS settings for the connection to an https:// proxy that tunnels
   * (CONNECT); verified against the proxy's name unless
   * `rejectUnauthorized: false`. A forwarding https:// proxy is the pool's
   * origin, so its settings are `tls`.
   */
  proxyTls?: TLSOptions | undefined;
  /** How a tunnelling HTTP proxy gets the proxy URL's credentials (see RequestOptions.proxyAuth). */
  proxyAuth?: AuthScheme | undefined;
  /** Headers for a tunnelling HTTP proxy's CONNECT request (see RequestOptions.proxyHeaders). */
  proxyHeaders?: ReadonlyArray<readonly [string, string]> | undefined;
  /** The CONNECT request's version (see RequestOptions.proxyConnectVersion). */
  proxyConnectVersion?: HttpVersion | undefined;
  /** Each connection opens with a PROXY protocol v1 line (see RequestOptions.haproxyProtocol). */
  haproxyProtocol?: boolean | undefined;
  /**
   * Where the TCP connection really goes (curl --connect-to): Host, SNI and
   * the certificate check stay the origin's. Not used with a proxy or a Unix socket.
   */
  connectTo?: ConnectTarget | undefined;
}

/** Per-connection facts the factory receives. */
export interface ConnectFactoryOptions extends ConnectSettings {
  signal?: AbortSignal | undefined;
  /** Bound on resolve + connect + TLS, ms. */
  timeout?: number | undefined;
  trace?: Tracer | undefined;
}

/**
 * Opens a transport to `origin`, TLS included for https. Inject one to add
 * proxies, Unix sockets or test doubles.
 */
export type ConnectFactory = (origin: Origin, options: ConnectFactoryOptions) => Promise<ByteStream>;

/** Settings of an {@link Agent}; the pool settings apply to each origin's pool. */
export interface AgentOptions {
  /** Connections per origin (default 16). */
  connections?: number | undefined;
  /** Requests in flight per connection; above 1 enables pipelining (default 1). */
  pipelining?: number | undefined;
  /**
   * How long a pipelined request at the front waits for its first response
   * byte before the server is taken not to pipeline (default 10,000 ms):
   * the requests behind are resent on a new connection and this origin's
   * pool stops pipelining.
   */
  pipelineStall?: number | undefined;
  /** Idle keep-alive connections are closed after this many ms (default 4000). */
  idleTimeout?: number | undefined;
  keepAliveMargin?: number | undefined;
  maxQueue?: number | undefined;
  limits?: Partial<HttpLimits> | undefined;
  /** Opens connections (default: {@link defaultConnect}). */
  connect?: ConnectFactory | undefined;
  /** Offer the last TLS session of an origin's pool when opening another connection to it (default true). */
  tlsSessionReuse?: boolean | undefined;
}

const ids = new WeakMap<object, number>();
let nextId = 1;
/** A short key for a setting: objects and functions by identity, strings (PEM text) by content. */
function idOf(o: unknown): string {
  if (o === undefined || o === null) return '';
  if (typeof o === 'string') return `s${nodeCrypto().createHash('sha256').update(o).digest('hex').slice(0, 16)}`;
  if (typeof o !== 'object' && typeof o !== 'function') return `v${String(o)}`;
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = nextId++));
  return `o${id}`;
}

/**
 * Every TLS setting, so two pools differ whenever their handshakes could
 * (a key, a cipher list or a minimum version as much as a CA); built only when
 * a route is first made, never per request.
 */
function tlsKey(t: TLSOptions | undefined): string {
  if (!t) return '';
  const parts: string[] = [];
  for (const name of Object.keys(t).sort()) {
    const v = (t as Record<string, unknown>)[name];
    if (v === undefined) continue;
    parts.push(`${name}=${Array.isArray(v) ? v.map(idOf).join('+') : idOf(v)}`);
  }
  return parts.join(',');
}

/** The key of a pool: origin plus every setting that changes what the connection is. */
export function poolKey(origin: Origin, s: ConnectSettings): string {
  return `${origin.protocol}//${origin.hostname}:${origin.port}|${tlsKey(s.tls)}|${idOf(s.lookup)}|${s.unixSocket ?? ''}|${s.proxy?.href ?? ''}|${tlsKey(s.proxyTls)}|${s.proxyAuth ?? ''}${s.connectTo ? `|${s.connectTo.host}:${s.connectTo.port}` : ''}${s.local ? `|local=${localEndKey(s.local)}` : ''}${tunnelKey(s)}${s.haproxyProtocol ? '|haproxy' : ''}`;
}

/** What a tunnel's CONNECT says beyond its target: two tunnels that said different things are not one. */
function tunnelKey(s: ConnectSettings): string {
  if (!s.proxyHeaders?.length && s.proxyConnectVersion === undefined) return '';
  return `|${s.proxyConnectVersion ?? ''}|${JSON.stringify(s.proxyHeaders ?? [])}`;
}

/** Bytes of a plain connection's reused read buffer: what one loopback read of a big body returns at most. */
const READ_BUFFER = 128 * 1024;

/**
 * The default factory: TCP (Happy Eyeballs over every address) or a Unix
 * socket, then TLS for https with verification on and ALPN http/1.1.
 *
 * TCP and TLS are two steps here (where `Socket.connect` would do both) so a
 * tracer learns when each ended: `connected`, then `tls` (curl's
 * time_connect and time_appconnect).
 */
export const defaultConnect: ConnectFactory = async (origin, o) => {
  if (o.proxy) return connectThroughProxy(origin, o);
  const trace = o.trace;
  // --connect-to moves the TCP connection only: the name checked and sent (SNI) stays the origin's.
  const to = o.unixSocket ? undefined : o.connectTo;
  const where = o.unixSocket !== undefined ? unixPathLabel(o.unixSocket) : (to ? `${to.host} port ${to.port} (for ${origin.hostname} port ${origin.port})` : `${origin.hostname} port ${origin.port}`);
  trace?.({ kind: '*', text: `Connecting to ${where}`, protocol: 'http' });
  const tls = origin.protocol === 'https:' ? { ALPNProtocols: ['http/1.1'], servername: o.unixSocket ? origin.hostname : undefined, ...o.tls } : undefined;
  // An IP-literal origin sends no SNI, and node then checks the certificate against the address dialled: keep it the origin's.
  if (tls && to && !tls.checkServerIdentity && isIP(origin.hostname)) tls.checkServerIdentity = (_host, cert) => nodeTls().checkServerIdentity(origin.hostname, cert);
  const started = Date.now();
  const host = o.unixSocket ? 'localhost' : origin.hostname;
  // Reads land in one reused buffer (node:net onread): no allocation per
  // read, and a long download leaves no garbage behind. node:tls honours
  // onread only on a socket that owns its TCP handle, so over TCP the TLS
  // socket is made per Happy Eyeballs attempt; over a Unix socket TLS wraps
  // the connected one and reads into Buffers of its own.
  // The PROXY line must precede the TLS handshake, which a socket made per attempt would start at once.
  const direct = tls !== undefined && !o.unixSocket && !o.haproxyProtocol;
  const lent = !tls || direct ? new LentReads(READ_BUFFER) : undefined;
  const onread = lent?.onread;
  const open = direct ? tlsOpener(host, tls) : undefined;
  const raw = o.unixSocket
    ? await connectUnix({ path: o.unixSocket, timeout: o.timeout, signal: o.signal, onread })
    : await connectTcp({ host: to?.host ?? origin.hostname, port: to?.port ?? origin.port, lookup: trace ? tracedLookup(o.lookup, trace, 'http') : o.lookup, timeout: o.timeout, signal: o.signal, onread, open, local: o.local });
  if (trace) {
    const data: TraceFacts = o.unixSocket
      ? { path: o.unixSocket }
      : { remoteAddress: raw.remoteAddress, remotePort: raw.remotePort, localAddress: raw.localAddress, localPort: raw.localPort };
    const text = o.unixSocket ? `Connected to ${where}` : `Connected to ${to?.host ?? origin.hostname} (${raw.remoteAddress}) port ${raw.remotePort}`;
    trace({ kind: '*', text, protocol: 'http', event: 'connected', data });
  }
  let sock: NetSocket = raw;
  if (o.haproxyProtocol) raw.write(haproxyLine({ address: raw.localAddress, port: raw.localPort }, { address: raw.remoteAddress, port: raw.remotePort }));
  if (tls) {
    const left = o.timeout ? Math.max(1, o.timeout - (Date.now() - started)) : undefined;
    const wait = { signal: o.signal, timeout: left };
    const t = direct ? await secured(raw as TLSSocket, tls.servername ?? host, wait, undefined, tls.pinnedPublicKeys) : await handshake(raw, host, tls, wait);
    sock = t;
    if (trace) {
      const cert = t.getPeerCertificate();
      const resumed = t.isSessionReused();
      const alpn = typeof t.alpnProtocol === 'string' ? t.alpnProtocol : undefined;
      const data: TraceFacts = { tlsVersion: t.getProtocol() ?? undefined, alpn, verifyError: t.authorized ? undefined : String(t.authorizationError ?? 'UNKNOWN') };
      trace({ kind: '*', text: `TLS established${resumed ? ' (session resumed)' : ''}${alpn ? `, ALPN ${alpn}` : ''}${cert?.subject?.CN ? `, server certificate CN=${cert.subject.CN}` : ''}`, protocol: 'tls', event: 'tls', data });
    }
  }
  return new Socket(sock, { unixPath: o.unixSocket, lent });
};

/**
 * Keeps one {@link Pool} per origin (and per set of connection settings:
 * TLS trust, lookup, Unix socket, proxy), created on first use and dropped
 * when it has nothing open. Share one agent to share connections.
 */
export class Agent {
  readonly #o: AgentOptions;
  readonly #pools = new Map<string, Pool>();
  #closed = false;

  constructor(options: AgentOptions = {}) {
    this.#o = options;
  }

  /** The pool for `origin` reached with `settings`. */
  pool(origin: Origin, settings: ConnectSettings = {}): Pool {
    const key = poolKey(origin, settings);
    let p = this.#pools.get(key);
    if (p && !p.closed) return p;
    const connect = this.#o.connect ?? defaultConnect;
    const label = settings.unixSocket ? `${settings.unixSocket}` : `${origin.hostname.includes(':') ? `[${origin.hostname}]` : origin.hostname}:${origin.port}`;
    // TLS session resumption across the pool's connections: each new one offers
    // the session of the last one opened (read late, since TLS 1.3 tickets
    // arrive after the handshake), saving a full handshake.
    let last: ByteStream | undefined;
    // Through a tunnel too: the session is the target's, negotiated end to end inside it.
    const resumable = origin.protocol === 'https:' && this.#o.tlsSessionReuse !== false && settings.tls?.sessionReuse !== false;
    p = new Pool({
      connect: async (co) => {
        const session = resumable ? (last as { tlsSession?: Buffer } | undefined)?.tlsSession : undefined;
        const tls = session ? { ...settings.tls, session } : settings.tls;
        const s = await connect(origin, { ...settings, tls, ...co });
        if (resumable) last = s;
        return s;
      },
      connections: this.#o.connections,
      pipelining: this.#o.pipelining,
      pipelineStall: this.#o.pipelineStall,
      idleTimeout: this.#o.idleTimeout,
      keepAliveMargin: this.#o.keepAliveMargin,
      maxQueue: this.#o.maxQueue,
      limits: this.#o.limits,
      label,
      key,
      onEmpty: (emptied) => {
        if (this.#pools.get(key) === emptied) this.#pools.delete(key);
      },
    });
    if (this.#closed) void p.close();
    this.#pools.set(key, p);
    return p;
  }

  /** Pools currently held (for tests and meters). */
  get pools(): ReadonlyMap<string, Pool> {
    return this.#pools;
  }

  /**
   * Lets in-flight requests finish, then closes every connection. A response
   * body counts as in flight until it has been read to its end or cancelled:
   * a body nobody reads keeps this waiting, so read or `cancel()` every body,
   * or call {@link Agent.destroy} to drop them.
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#pools.values()].map((p) => p.close()));
    this.#pools.clear();
  }

  /** Drops every connection now. */
  destroy(err?: DialError): void {
    this.#closed = true;
    for (const p of this.#pools.values()) p.destroy(err);
    this.#pools.clear();
  }
}

let globalAgent = new Agent();

/** The agent `request()` uses when given none. */
export function getGlobalAgent(): Agent {
  return globalAgent;
}

/** Replaces the global agent (the old one is not closed). */
export function setGlobalAgent(agent: Agent): void {
  globalAgent = agent;
}
