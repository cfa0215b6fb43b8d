/**
 * The Gopher client: one connection per request (RFC 1436 §2) — connect,
 * send the selector line, read the reply to end of stream. The reply is
 * streamed: text items come through the sans-IO {@link TextUnstuffer}, menus
 * are parsed on demand by {@link MenuParser}, anything else is passed on raw.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import { AbortError, InputError, LimitError, TimeoutError, toDialError } from '../../errors.js';
import { Socket } from '../../socket/socket.js';
import type { LookupFunction } from '../../socket/connect.js';
import { tracedLookup } from '../../socket/trace-connect.js';
import { connectionFacts, type Tracer } from '../../trace.js';
import { throwIfAborted } from '../../util/guard.js';
import { MenuEnd, MenuParser, type MenuItem, type MenuParserOptions } from './core/menu.js';
import { TextUnstuffer } from './core/text.js';
import { buildGopherUrl, checkTarget, GOPHER_PORT, parseGopherUrl, requestLine, type GopherTarget } from './core/url.js';

/** A request given as fields instead of a URL; `type` defaults to `1` (menu), `port` to 70. */
export interface GopherRequest {
  host: string;
  port?: number | undefined;
  type?: string | undefined;
  selector?: string | undefined;
  query?: string | undefined;
  plus?: string | undefined;
  /** `'latin1'` sends each character of the selector, query and Gopher+ string as one byte (a MenuItem from a menu that is not UTF-8 carries it). */
  encoding?: 'utf8' | 'latin1' | undefined;
}

/** Options for {@link gopherFetch}. */
export interface GopherFetchOptions {
  signal?: AbortSignal | undefined;
  /** Bound on the whole exchange, connect to last byte, ms. */
  timeout?: number | undefined;
  /** Bound on connecting, ms (default: what is left of `timeout`). */
  connectTimeout?: number | undefined;
  trace?: Tracer | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port). */
  local?: LocalEnd | undefined;
  /** Most bytes read from the server; past it a LimitError. Default: unlimited for raw bodies, the menu bound for menus. */
  maxBytes?: number | undefined;
  /** Bounds on a parsed menu (items, bytes, line length). */
  menu?: MenuParserOptions | undefined;
}

/** How the reply to an item type is read. */
export type GopherKind = 'menu' | 'text' | 'binary';

/** `1` and `7` answer with a menu, `0` with dot-terminated text, the rest with raw bytes to end of stream. */
export function kindOf(type: string): GopherKind {
  if (type === '1' || type === '7') return 'menu';
  if (type === '0') return 'text';
  return 'binary';
}

/**
 * A reply being received. Read it once: iterate `body` (text un-stuffed,
 * menus and binaries as received), or use `items()`/`menu()` for a menu, or
 * `bytes()`/`text()`; `cancel()` drops the connection.
 */
export class GopherResponse {
  /** What was asked for. */
  readonly target: GopherTarget;
  /** The request as a gopher: URL. */
  readonly url: string;
  readonly kind: GopherKind;
  readonly #raw: AsyncGenerator<Buffer, void, undefined>;
  readonly #menuOptions: MenuParserOptions | undefined;
  readonly #drop: () => void;
  readonly #text = new TextUnstuffer();
  #used = false;

  /** @internal Use {@link gopherFetch}. */
  constructor(target: GopherTarget, raw: AsyncGenerator<Buffer, void, undefined>, drop: () => void, menuOptions: MenuParserOptions | undefined) {
    this.target = target;
    this.url = buildGopherUrl(target);
    this.kind = kindOf(target.type);
    this.#raw = raw;
    this.#drop = drop;
    this.#menuOptions = menuOptions;
  }

  /** The item type asked for. */
  get type(): string {
    return this.target.type;
  }

  /** For text: true once the terminating `.` line arrived (false if the server just closed). */
  get complete(): boolean {
    return this.#text.done;
  }

  #take(): AsyncGenerator<Buffer, void, undefined> {
    if (this.#used) throw new InputError('the gopher response body was already read', { protocol: 'gopher' });
    this.#used = true;
    return this.#raw;
  }

  /** The body: un-stuffed text for type 0, a menu as received through its `.` line, otherwise the bytes as received. */
  get body(): AsyncIterable<Buffer> {
    const raw = this.#take();
    if (this.kind === 'text') return this.#unstuff(raw);
    return this.kind === 'menu' ? this.#menuBytes(raw) : raw;
  }

  async *#menuBytes(raw: AsyncGenerator<Buffer, void, undefined>): AsyncGenerator<Buffer, void, undefined> {
    const end = new MenuEnd();
    try {
      for await (const chunk of raw) {
        const n = end.scan(chunk);
        if (n > 0) yield n === chunk.length ? chunk : chunk.subarray(0, n);
        // A server that sends the '.' line and keeps the connection open must not hold the reader until the timeout.
        if (end.done) return;
      }
    } finally {
      await raw.return(undefined);
    }
  }

  async *#unstuff(raw: AsyncGenerator<Buffer, void, undefined>): AsyncGenerator<Buffer, void, undefined> {
    try {
      for await (const chunk of raw) {
        const out = this.#text.push(chunk);
        if (out.length > 0) yield out;
        // The server should close now; what it sends after the terminator is not text.
        if (this.#text.done) return;
      }
      this.#text.end();
    } finally {
      await raw.return(undefined);
    }
  }

  /** The menu's items as they arrive, bounded by the menu options. */
  async *items(): AsyncGenerator<MenuItem, void, undefined> {
    const raw = this.#take();
    const parser = new MenuParser(this.#menuOptions);
    try {
      for await (const chunk of raw) {
        yield* parser.push(chunk);
        if (parser.done) return;
      }
      yield* parser.end();
    } finally {
      await raw.return(undefined);
    }
  }

  /** The whole menu. */
  async menu(): Promise<MenuItem[]> {
    const out: MenuItem[] = [];
    for await (const item of this.items()) out.push(item);
    return out;
  }

  /** The whole body (as `body` yields it). */
  async bytes(): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const c of this.body) parts.push(c);
    return Buffer.concat(parts);
  }

  /** The whole body as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  /** Closes the connection without reading the rest; a read in progress rejects with an AbortError. Safe to call twice. */
  async cancel(): Promise<void> {
    this.#used = true;
    // The socket goes first: return() on a generator waiting in a read is queued behind that read, which
    // a silent server never ends. (A generator never started runs no finally either.)
    this.#drop();
    await this.#raw.return(undefined);
  }
}

function toTarget(what: string | URL | GopherRequest): GopherTarget {
  if (typeof what === 'string' || what instanceof URL) return parseGopherUrl(what);
  const t: GopherTarget = {
    host: what.host,
    port: what.port ?? GOPHER_PORT,
    type: what.type ?? '1',
    selector: what.selector ?? '',
  };
  if (what.query !== undefined) t.query = what.query;
  if (what.plus !== undefined) t.plus = what.plus;
  if (what.encoding !== undefined) t.encoding = what.encoding;
  return checkTarget(t);
}

/**
 * Fetches one Gopher item: resolves once the request is sent, with the reply
 * to be streamed. Every field is checked before connecting (a tab, CR, LF or
 * NUL in the selector or query is an InputError and nothing is sent).
 *
 * ```ts
 * const res = await gopherFetch('gopher://localhost/1/');
 * console.log(formatMenu(await res.menu()));
 * ```
 */
export async function gopherFetch(what: string | URL | GopherRequest, options: GopherFetchOptions = {}): Promise<GopherResponse> {
  const target = toTarget(what);
  const line = requestLine(target);
  throwIfAborted(options.signal, `gopher request to ${target.host}`);
  const trace = options.trace;
  const started = Date.now();
  const left = (): number | undefined => (options.timeout ? Math.max(1, options.timeout - (Date.now() - started)) : undefined);
  trace?.({ kind: '*', text: `Connecting to ${target.host} port ${target.port}`, protocol: 'gopher' });
  // The tighter of the connect bound and what is left of the overall one.
  const connectBound = Math.min(options.connectTimeout || Infinity, left() ?? Infinity);
  let sock: Socket;
  try {
    sock = await Socket.connect({
      host: target.host,
      port: target.port,
      signal: options.signal,
      timeout: Number.isFinite(connectBound) ? connectBound : undefined,
      lookup: trace ? tracedLookup(options.lookup, trace, 'gopher') : options.lookup,
      local: options.local,
    });
  } catch (err) {
    throw toDialError(err, `connect to ${target.host} port ${target.port}`, { protocol: 'gopher', phase: 'connect' });
  }
  try {
    if (trace) {
      // The structured fact dial -w reads (time_connect, num_connects, remote_ip), worded as HTTP's connect.
      const data = connectionFacts(sock);
      trace({ kind: '*', text: `Connected to ${target.host} (${data.remoteAddress ?? '?'}) port ${data.remotePort ?? target.port}`, protocol: 'gopher', event: 'connected', data });
    }
    // Shown as it was encoded: a latin1 selector's bytes are not UTF-8.
    trace?.({ kind: '>', text: line.subarray(0, line.length - 2).toString(target.encoding ?? 'utf8'), protocol: 'gopher' });
    await sock.send(line, { signal: options.signal, timeout: left() });
  } catch (err) {
    sock.destroy();
    throw toDialError(err, `send to ${target.host}`, { protocol: 'gopher', phase: 'send' });
  }
  const limit = options.maxBytes;
  return new GopherResponse(target, receive(sock, target, options, left, limit), () => sock.destroy(new AbortError('the gopher response was cancelled', { protocol: 'gopher', phase: 'body' })), options.menu);
}

/** Reads the reply to end of stream, each wait bounded by what is left of the timeout. */
async function* receive(
  sock: Socket,
  target: GopherTarget,
  options: GopherFetchOptions,
  left: () => number | undefined,
  limit: number | undefined,
): AsyncGenerator<Buffer, void, undefined> {
  let total = 0;
  let clean = false;
  try {
    for (;;) {
      let chunk: Buffer;
      try {
        chunk = await sock.recv(65536, { signal: options.signal, timeout: left() });
      } catch (err) {
        if (err instanceof TimeoutError) throw new TimeoutError(`gopher: no complete reply from ${target.host} within ${options.timeout} ms`, { timeout: options.timeout, protocol: 'gopher', phase: 'body', cause: err });
        throw toDialError(err, `receive from ${target.host}`, { protocol: 'gopher', phase: 'body' });
      }
      if (chunk.length === 0) break;
      total += chunk.length;
      if (limit !== undefined && total > limit) throw new LimitError(`the gopher reply exceeded ${limit} bytes`, { limit, protocol: 'gopher', phase: 'body' });
      yield chunk;
    }
    clean = true;
    options.trace?.({ kind: '<', text: `[${total} bytes of data]`, protocol: 'gopher', bytes: total });
  } finally {
    options.trace?.({ kind: '*', text: `Closing connection to ${target.host}`, protocol: 'gopher' });
    if (clean) await sock.close();
    else sock.destroy();
  }
}
