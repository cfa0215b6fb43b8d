import { timerMs } from '../../util/guard.js';
import { DialError, InputError, TimeoutError, toDialError } from '../../errors.js';
import { ForwardProxyAuth } from './auth/proxy-auth.js';
import { ServerAuth } from './auth/server-auth.js';
import { ACCEPT_ENCODING } from './decode.js';
import { codingsToUndo, decodedBody } from './decoding.js';
import { withPhase, type ExchangeResponse } from './connection.js';
import { rangeHeader } from './core/content-range.js';
import { HeaderList } from './core/headers.js';
import { prepareHop, sendHop } from './hop.js';
import { isRedirect, originOf, planRedirect, type RedirectRequest } from './redirects.js';
import { isReplayable, prepareBody, releaseBody, type PreparedBody } from './request-body.js';
import { HttpResponse, type HttpResponseHead } from './response.js';
import { targetOf, type Target } from './targets.js';
import type { CookieJar } from './cookies.js';
import type { RequestOptions } from './request-options.js';

export type { RequestOptions };

const USER_AGENT = 'dialtone/0.1';

/**
 * Sends one HTTP request and resolves once the response head has arrived;
 * the body streams from `res.body`. Redirects are followed only when
 * `maxRedirects` allows, and credentials never follow one to another origin.
 *
 * Errors are {@link DialError}s naming their phase — resolve, connect, tls,
 * send, headers or body — and a connect failure lists every address tried.
 *
 * @example
 * const res = await request('https://example.org/', { timeout: 10_000 });
 * console.log(res.status, await res.text());
 */
export function request(url: string | URL, options: RequestOptions = {}): Promise<HttpResponse> {
  let done = noop;
  try {
    const t = hstsTarget(targetOf(url), options);
    const creds = options.auth ?? t.creds;
    if (options.awsSigV4 !== undefined && !creds) throw new InputError('awsSigV4 needs credentials: auth (or the URL\'s user:password) as access key id and secret', { protocol: 'http' });
    // Without a total timeout there is nothing to release: no closures per request.
    if (!(options.timeout! > 0)) {
      const p = run(t, creds, options, options.signal);
      // A closure only for a body that may need letting go; the common request shares one handler.
      return typeof options.body === 'object' && options.body !== null
        ? p.catch((err: unknown) => {
            throw failure(err, options);
          })
        : p.catch(rethrow);
    }
    const d = deadline(options, t.url.href);
    done = d.done;
    return run(t, creds, options, d.signal).then(
      (res) => {
        res.body.onFinish(d.done);
        return res;
      },
      (err: unknown) => {
        d.done();
        throw failure(err, options);
      },
    );
  } catch (err) {
    done();
    return Promise.reject(failure(err, options));
  }
}

function rethrow(err: unknown): never {
  throw requestError(err);
}

/** A request that failed: a streamed body it never sent whole is let go (a file stream's descriptor closed), then the error is labelled. */
function failure(err: unknown, options: RequestOptions): DialError {
  if (options.body != null) releaseBody(options.body);
  return requestError(err);
}

function requestError(err: unknown): DialError {
  return err instanceof DialError ? withPhase(err, 'send') : toDialError(err, 'request failed', { protocol: 'http' });
}

/** The headers every request gets when the caller gives none: constant and valid, so not checked again. */
const DEFAULT_HEADERS = ['User-Agent', USER_AGENT, 'Accept', '*/*'] as const;
const PLAIN_HEADERS = new HeaderList([...DEFAULT_HEADERS]);

function run(t: Target, creds: { user: string; password: string } | undefined, options: RequestOptions, signal: AbortSignal | undefined): Promise<HttpResponse> {
  const first = t.url;
  let headers: HeaderList;
  let prepared: { body: PreparedBody; contentType: string | undefined };
  let plain = false;
  if (options.headers === undefined && options.body == null && options.json === undefined && options.omitDefaultHeaders === undefined) {
    plain = !options.range && !options.decompress && options.httpVersion !== '1.0';
    // Shared when nothing is added: a hop copies the list before it adds to it.
    headers = plain ? PLAIN_HEADERS : new HeaderList([...DEFAULT_HEADERS]);
    prepared = NO_BODY;
    if (options.range) headers.set('Range', rangeHeader(options.range));
    if (options.decompress) headers.append('Accept-Encoding', ACCEPT_ENCODING);
  } else {
    headers = HeaderList.from(options.headers);
    const declared = headers.size === 0 ? null : headers.get('content-length');
    prepared = prepareBody(options.body, options.json, declared !== null && /^\d{1,15}$/.test(declared) ? Number(declared) : undefined);
    // Every question first, then the additions: each addition drops the list's lookup index.
    const none = headers.size === 0;
    const omit = options.omitDefaultHeaders;
    const addType = prepared.contentType && (none || !headers.has('content-type')) && !omitted(omit, 'content-type');
    const addAgent = (none || !headers.has('user-agent')) && !omitted(omit, 'user-agent');
    const addAccept = (none || !headers.has('accept')) && !omitted(omit, 'accept');
    const addEncoding = options.decompress && (none || !headers.has('accept-encoding')) && !omitted(omit, 'accept-encoding');
    if (addType) headers.append('Content-Type', prepared.contentType!);
    if (addAgent) headers.append('User-Agent', USER_AGENT);
    if (addAccept) headers.append('Accept', '*/*');
    if (options.range) headers.set('Range', rangeHeader(options.range));
    if (addEncoding) headers.append('Accept-Encoding', ACCEPT_ENCODING);
  }
  if (options.reopenBody && prepared.body.kind === 'stream') prepared = { ...prepared, body: { ...prepared.body, reopen: options.reopenBody } };
  const method = options.method ?? (prepared.body.kind === 'none' ? 'GET' : 'POST');
  const cur: RedirectRequest = { url: first, method, headers, body: prepared.body, target: options.requestTarget };
  if (!creds && !((options.maxRedirects ?? 0) > 0) && !options.cookies && !options.hsts && !expectsContinue(cur) && !answersProxy(options)) {
    // One hop: nothing in the answer can lead to another request, so no loop
    // and no async frames — the connection's promise and one step after it.
    const hop = prepareHop(cur, undefined, options, signal, plain);
    return sendHop(hop).then((r) => finalResponse(cur.url, afterHop(r, method, options), [], r.interim ? interimHeads(r, []) : [], hop.x.head!.length));
  }
  return follow(cur, creds, options, signal);
}

const NO_BODY: { body: PreparedBody; contentType: undefined } = { body: { kind: 'none' }, contentType: undefined };

/** A replayable body sent with `Expect: 100-continue`: a 417 answer to it is retried without the expectation. */
function expectsContinue(cur: RedirectRequest): boolean {
  return cur.body.kind === 'bytes' && cur.headers.size > 0 && /100-continue/i.test(cur.headers.get('expect') ?? '');
}

function finalResponse(url: URL, r: ExchangeResponse, redirects: string[], history: HttpResponseHead[], requestBytes: number, handOff?: HttpResponse['handOff']): HttpResponse {
  return new HttpResponse({
    handOff,
    url: url.href,
    status: r.status,
    statusText: r.reason,
    httpVersion: r.version,
    headers: r.headers,
    rawHead: r.raw,
    wire: r.wire,
    redirects,
    history,
    requestBytes,
    body: r.body,
  });
}

/** Requests until an answer is final: redirects (as `maxRedirects` allows) and one Digest challenge. */
function follow(first: RedirectRequest, creds: { user: string; password: string } | undefined, options: RequestOptions, signal: AbortSignal | undefined): Promise<HttpResponse> {
  if (!options.reopenBody) return hops(first, creds, options, signal, undefined);
  // A body made again for a later hop is the request's own: if that hop fails, it is let go here (the caller only holds the first).
  const sent = { body: first.body };
  return hops(first, creds, options, signal, sent).catch((err: unknown) => {
    if (sent.body !== first.body && sent.body.kind === 'stream') releaseBody(sent.body.source);
    throw err;
  });
}

async function hops(
  first: RedirectRequest,
  creds: { user: string; password: string } | undefined,
  options: RequestOptions,
  signal: AbortSignal | undefined,
  sent: { body: PreparedBody } | undefined,
): Promise<HttpResponse> {
  const firstOrigin = originOf(first.url);
  const chain = [first.url.href];
  const redirects: string[] = [];
  const history: HttpResponseHead[] = [];
  let requestBytes = 0;
  let cur = first;
  const auth = creds ? new ServerAuth(creds, options.authScheme, options.awsSigV4) : undefined;
  const proxyAuth = answersProxy(options) ? new ForwardProxyAuth(options.proxyAuth!) : undefined;
  let loopFrom = 0;
  let expectRefused = false;
  for (;;) {
    // --location-trusted: the credentials go wherever the redirects lead.
    const sameOrigin = cur === first || options.trustRedirects === true || originOf(cur.url) === firstOrigin;
    const hop = prepareHop(options.cookies ? withJarCookies(cur, options.cookies) : cur, sameOrigin ? auth : undefined, options, signal, false, proxyAuth);
    requestBytes += hop.x.head!.length;
    const r = afterHop(await sendHop(hop), cur.method, options);
    if (r.interim) interimHeads(r, history);
    // Stored before anything else is asked: the next hop (a login's redirect) must carry them.
    const setCookies = options.cookies ? r.headers.getAll('set-cookie') : [];
    options.cookies?.storeAll(setCookies, cur.url);
    // The jar may now send something new: coming back to an earlier URL is progress (a login's redirect back), not a loop.
    if (setCookies.length > 0) loopFrom = chain.length;
    if (options.hsts && cur.url.protocol === 'https:' && verifies(options)) options.hsts.noteResponse(cur.url, r.headers.getAll('strict-transport-security'));
    const head: HttpResponseHead = { httpVersion: r.version, status: r.status, statusText: r.reason, headers: r.headers, rawHead: r.raw };
    // A challenge is answered once (a Digest one again only for stale=true); a refusal comes back as the 401 itself.
    const answer = r.status === 401 && auth && sameOrigin && isReplayable(cur.body) && !cur.headers.has('authorization') ? auth.challenged(r.headers.getAll('www-authenticate')) : undefined;
    if (answer) {
      r.body.cancel();
      history.push(head);
      options.trace?.({ kind: '*', text: `Server asked for ${answer === 'digest' ? 'Digest' : 'Basic'} authentication; answering its challenge`, protocol: 'http' });
      continue;
    }
    if (r.status === 407 && hop.proxyAuth && isReplayable(cur.body) && !cur.headers.has('proxy-authorization') && hop.proxyAuth.challenged(r.headers.getAll('proxy-authenticate'))) {
      r.body.cancel();
      history.push(head);
      options.trace?.({ kind: '*', text: 'Proxy asked for authentication; answering its challenge', protocol: 'http' });
      continue;
    }
    if (r.status === 417 && !expectRefused && expectsContinue(cur)) {
      // RFC 9110 §10.1.1: a 417 to a 100-continue expectation SHOULD be retried without it (curl does);
      // the body was never sent, and its bytes can go now.
      expectRefused = true;
      r.body.cancel();
      history.push(head);
      options.trace?.({ kind: '*', text: 'Server refused Expect: 100-continue (417); sending again without it', protocol: 'http' });
      cur = { ...cur, headers: HeaderList.from(cur.headers) };
      cur.headers.delete('expect');
      continue;
    }
    // Asked only when it matters: a lookup builds the response's header index.
    // The first Location field, as curl takes it: get() would join repeated ones into "/a, /a", a URL of its own.
    const location = (options.maxRedirects ?? 0) > 0 && isRedirect(r.status) ? (r.headers.getAll('location')[0] ?? null) : null;
    // An empty Location points nowhere: the 3xx is the answer (curl ignores it too), not a hop back to this URL.
    if (location !== null && location !== '') {
      r.body.cancel();
      const plan = planRedirect(cur, r.status, location, chain, {
        maxRedirects: options.maxRedirects ?? 0,
        allowDowngrade: options.allowDowngrade,
        secretHeaders: options.secretHeaders,
        loopFrom,
        keepMethod: options.keepRedirectMethod,
        handOff: options.handOffSchemes,
        keepPostOn: options.keepPostOn,
        trusted: options.trustRedirects,
        protocols: options.redirectProtocols,
        upgrade: options.hsts ? (u) => upgraded(u, options) : undefined,
      });
      options.trace?.({ kind: '*', text: `Following ${r.status} redirect to ${plan.url.href}`, protocol: 'http', event: 'redirect', data: { status: r.status, url: plan.url.href } });
      if (plan.dropped.length > 0) options.trace?.({ kind: '*', text: `Not sending ${plan.dropped.join(', ')} to ${originOf(plan.url)}`, protocol: 'http' });
      if (plan.handOff) return finalResponse(cur.url, r, redirects, history, requestBytes, { url: plan.url.href, method: plan.method });
      redirects.push(cur.url.href);
      history.push(head);
      chain.push(plan.url.href);
      cur = plan;
      if (sent) sent.body = cur.body;
      continue;
    }
    return finalResponse(cur.url, r, redirects, history, requestBytes);
  }
}

/** The target as an HSTS cache sends it: a known host's http:// URL as https://. */
function hstsTarget(t: Target, options: RequestOptions): Target {
  const up = options.hsts ? upgraded(t.url, options) : undefined;
  return up ? { ...t, url: up } : t;
}

function upgraded(url: URL, options: RequestOptions): URL | undefined {
  const up = options.hsts?.upgrade(url);
  if (up) options.trace?.({ kind: '*', text: `Switched from HTTP to HTTPS due to HSTS => ${up.href}`, protocol: 'http' });
  return up;
}

/** Whether an https response was read with its certificate verified: only then may it teach the HSTS cache (RFC 6797 §8.1). */
function verifies(options: RequestOptions): boolean {
  return !options.insecure && options.tls?.rejectUnauthorized !== false;
}

/** Appends the 1xx heads that came before `r` to `history`, each with the version its own status line gave. */
function interimHeads(r: ExchangeResponse, history: HttpResponseHead[]): HttpResponseHead[] {
  for (const h of r.interim!) history.push({ httpVersion: h.version, status: h.status, statusText: h.reason, headers: h.headers, rawHead: h.raw });
  return history;
}

/**
 * This hop's request with the jar's cookies before the caller's own Cookie
 * value (the order curl sends them in). The hop's copy only: `cur.headers` goes on to the next hop, where
 * the jar answers again for that URL.
 */
function withJarCookies(cur: RedirectRequest, jar: CookieJar): RedirectRequest {
  const fromJar = jar.cookieHeader(cur.url);
  if (fromJar === undefined) return cur;
  const headers = HeaderList.from(cur.headers);
  const own = headers.getAll('cookie');
  headers.set('Cookie', own.length > 0 ? `${fromJar}; ${own.join('; ')}` : fromJar);
  return { ...cur, headers };
}

/** The response with its transfer (and, when asked, content) codings undone. */
function afterHop(r: ExchangeResponse, method: string, options: RequestOptions): ExchangeResponse {
  if (options.raw) return r;
  const codings = codingsToUndo(r, method, options.decompress === true);
  return codings.length > 0 ? { ...r, body: decodedBody(r.body, codings) } : r;
}

const noop = (): void => {};

/** The proxy's credentials wait for its 407 (curl's --proxy-digest, --proxy-anyauth). */
function answersProxy(options: RequestOptions): boolean {
  return options.proxyAuth === 'digest' || options.proxyAuth === 'any';
}

/** True when `lower` is among the caller's default headers to leave out. */
function omitted(names: readonly string[] | undefined, lower: string): boolean {
  if (names === undefined) return false;
  for (const n of names) if (n.length === lower.length && n.toLowerCase() === lower) return true;
  return false;
}

/** Joins the caller's signal and the total timeout into one signal; `done` releases both. */
function deadline(options: RequestOptions, href: string): { signal: AbortSignal | undefined; done: () => void } {
  const total = options.timeout;
  if (!total || total <= 0) return { signal: options.signal, done: noop };
  const ctl = new AbortController();
  const outer = options.signal;
  const onOuter = () => ctl.abort(outer!.reason);
  if (outer?.aborted) ctl.abort(outer.reason);
  else outer?.addEventListener('abort', onOuter, { once: true });
  const timer = setTimeout(() => ctl.abort(new TimeoutError(`request to ${href} timed out after ${total} ms`, { timeout: total, protocol: 'http' })), timerMs(total));
  timer.unref();
  return {
    signal: ctl.signal,
    done: () => {
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuter);
    },
  };
}

export type { PreparedBody };
