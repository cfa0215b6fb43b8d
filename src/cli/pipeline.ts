/**
 * Many URLs to one origin without a round trip each. When every request of a
 * run is safe to repeat (GET or HEAD, no body, no resume, no upload, no
 * proxy), dial hands the HTTP client an agent that pipelines, and a
 * sequential run sends the next requests of the same origin ahead of their
 * turn. Each transfer still reads its response, writes its output and
 * reports its errors in command-line order: only the requests leave early.
 *
 * @module
 */
import { systemLookup } from '../socket/system-lookup.js';
import type { UrlResponse } from '../urlopen/response.js';
import type { CliOptions } from './args.js';
import { EXIT, exitCodeFor } from './exit-codes.js';
import { normalizeUrl, type TransferEnv, type TransferJob } from './transfer.js';
import { effectiveUrl, type DialOpenOptions } from './request.js';
import { cookieEngineOn } from './cookies.js';

/** A request sent before its transfer's turn. */
export interface Prefetched {
  /** The URL it was sent to (the transfer's effective URL). */
  url: string;
  /** Its `scheme://host:port`. */
  origin: string;
  options: DialOpenOptions;
  response: Promise<UrlResponse>;
}

/** How many requests one connection carries at once when pipelining. */
export const PIPELINE_DEPTH = 16;

const PROXY_VARS = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY'];

/**
 * Whether every request the options describe may share a pipelined
 * connection: a safe method (GET, or HEAD for -I) with no body, no -C, -T or
 * -F, no HTTP/1.0, and no proxy (neither -x nor one from the environment).
 */
export function pipelineSafe(o: CliOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (o.method !== undefined && o.method !== 'GET' && o.method !== 'HEAD') return false;
  if ((o.data.length > 0 && !o.get) || o.form.length > 0 || o.uploadFile !== undefined || o.continueAt !== undefined) return false;
  if (o.unixSocket !== undefined) return false;
  // An HTTP/1.0 request ends its connection: nothing can be sent behind it.
  if (o.httpVersion === '1.0') return false;
  if (o.proxy !== undefined) return o.proxy === '';
  return !PROXY_VARS.some((v) => (env[v] ?? '') !== '');
}

/**
 * Whether a sequential run may also send requests ahead: pipelineSafe;
 * nothing that times a transfer from its own start or prints its steps as
 * they happen (-w, -v, --trace-json, --trace, -m); and nothing that makes a transfer
 * send a second request of its own (-L, --retry, -u's Digest answer) — that
 * request would queue on the connection behind the ones sent ahead, whose
 * responses nobody reads until this transfer is done; nor the cookie engine
 * (-b FILE, -c), since a response's Set-Cookie changes the next request.
 */
export function lookaheadSafe(o: CliOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  if (o.writeOut !== undefined || o.verbose || o.traceJson !== undefined || o.trace !== undefined || o.maxTime !== undefined) return false;
  if (o.location || o.retry > 0 || o.user !== undefined) return false;
  // With the cookie engine on, a response can change what the next request sends.
  if (cookieEngineOn(o)) return false;
  return pipelineSafe(o, env);
}

/**
 * `scheme://authority` of an http(s) URL as normalizeUrl leaves it (the
 * scheme first), lowercased; undefined for any other URL. It only groups
 * requests for sending ahead — the HTTP client picks the connection — so a
 * text comparison, without parsing the URL again, is enough.
 */
export function httpOrigin(url: string): string | undefined {
  if (!HTTP_URL.test(url)) return undefined;
  const start = url.indexOf('//') + 2;
  let end = start;
  while (end < url.length && !AUTHORITY_END.has(url.charCodeAt(end))) end++;
  return url.slice(0, end).toLowerCase();
}

/** A URL carrying credentials (`user:pw@`): a Digest challenge would make its transfer ask again. */
function hasUserinfo(origin: string): boolean {
  return origin.includes('@');
}

const HTTP_URL = /^https?:\/\//i;
/** `/`, `?`, `#` and `\` (which the URL parser reads as `/` in http URLs) end the authority. */
const AUTHORITY_END = new Set([0x2f, 0x3f, 0x23, 0x5c]);

/** Exit codes of a connection that died under a request before its answer began. */
const CONNECTION_LOST = new Set<number>([EXIT.GOT_NOTHING, EXIT.SEND_ERROR, EXIT.RECV_ERROR]);

/**
 * The response to a request sent ahead. It shared its connection with the
 * requests before it, so a server closing that connection early (a
 * keep-alive limit below the pipeline's depth) can take it down twice
 * before its turn; it then gets one more try of its own, as it would have
 * had if sent alone.
 */
export async function sentAhead(pre: Prefetched, again: (options: DialOpenOptions) => Promise<UrlResponse>, signal: AbortSignal): Promise<UrlResponse> {
  try {
    return await pre.response;
  } catch (err) {
    if (signal.aborted || !CONNECTION_LOST.has(exitCodeFor(err))) throw err;
    return again(onOwnConnection(pre.options));
  }
}

/**
 * The options with a lookup of their own. The HTTP client's agent keeps a
 * pool per lookup, so the request gets a connection of its own instead of
 * queueing behind the responses sent ahead, which nobody reads before it.
 */
function onOwnConnection(options: DialOpenOptions): DialOpenOptions {
  const inner = options.lookup ?? systemLookup;
  return { ...options, lookup: (host, o) => inner(host, o) };
}

/** A request sent ahead, whose response nobody will read: released so the connection moves on. */
export function discard(p: Prefetched): void {
  p.response.then(
    (r) => r.cancel(),
    () => undefined,
  ).catch(() => undefined);
}

/**
 * The requests of a sequential run, sent up to `depth` ahead. `take(i)` is
 * called for each job in order; it sends job i and the jobs after it that go
 * to the same origin (up to the window), and hands back job i's request —
 * or undefined when the transfer must send its own (another scheme, a URL
 * that does not parse, options built asynchronously).
 */
export class Lookahead {
  readonly #jobs: readonly TransferJob[];
  readonly #env: TransferEnv;
  readonly #depth: number;
  readonly #sent = new Map<number, Prefetched>();
  /** The next job not yet considered for sending. */
  #next = 0;

  constructor(jobs: readonly TransferJob[], env: TransferEnv, depth = PIPELINE_DEPTH) {
    this.#jobs = jobs;
    this.#env = env;
    this.#depth = depth;
  }

  /** Job i's request, if it was sent ahead; sends the window after it. */
  take(i: number): Prefetched | undefined {
    if (this.#next <= i) this.#send(i);
    const p = this.#sent.get(i);
    this.#sent.delete(i);
    const origin = p?.origin;
    // Refilled only once half the window is used, so the requests leave in
    // bursts (one write for several) rather than one write per transfer.
    if (this.#next - i > this.#depth / 2) return p;
    // Never more in flight than the connection pipelines: the rest would wait in the pool and trickle out one by one.
    while (origin !== undefined && this.#next < this.#jobs.length && this.#next < i + this.#depth) {
      if (this.#urlOf(this.#next)?.origin !== origin) break;
      this.#send(this.#next);
    }
    return p;
  }

  /** Releases every request sent but not taken (the run was interrupted). */
  close(): void {
    for (const p of this.#sent.values()) discard(p);
    this.#sent.clear();
  }

  /** Effective URL and origin of the jobs looked at but not yet sent. */
  #urls = new Map<number, { url: string; origin: string | undefined } | undefined>();

  #urlOf(i: number): { url: string; origin: string | undefined } | undefined {
    if (this.#urls.has(i)) return this.#urls.get(i);
    let found: { url: string; origin: string | undefined } | undefined;
    try {
      const url = effectiveUrl(this.#env.opts, this.#env.shared, normalizeUrl(this.#jobs[i]!.url, this.#env.opts));
      const origin = httpOrigin(url);
      found = { url, origin: origin === undefined || hasUserinfo(origin) ? undefined : origin };
    } catch {
      // The transfer itself reports the bad URL, in its turn.
      found = undefined;
    }
    this.#urls.set(i, found);
    return found;
  }

  /** Sends job i when it can go ahead (an http(s) URL, options built at once). */
  #send(i: number): void {
    this.#next = i + 1;
    const found = this.#urlOf(i);
    this.#urls.delete(i);
    const build = this.#env.openOptions;
    if (found?.origin === undefined || !build || this.#env.signal.aborted) return;
    const { url, origin } = found;
    let options: ReturnType<typeof build>;
    try {
      options = build({ url });
    } catch {
      // A bad flag fails the transfer itself, in its turn.
      return;
    }
    if (options instanceof Promise) {
      // Not expected for a pipelineSafe run; the transfer builds its own.
      options.catch(() => undefined);
      return;
    }
    options.signal = this.#env.signal;
    const response = this.#env.urlopen(url, options);
    // Its failure is reported when its transfer takes it; until then it must not count as unhandled.
    response.catch(() => undefined);
    this.#sent.set(i, { url, origin, options, response });
  }
}
