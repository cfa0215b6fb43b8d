import { escapeHighOctets } from '../../util/percent.js';
import { InputError, LimitError, ProtocolError } from '../../errors.js';
import { HeaderList } from './core/headers.js';
import { resendBody, type PreparedBody } from './request-body.js';

/** The request as it stands before a hop. */
export interface RedirectRequest {
  url: URL;
  method: string;
  headers: HeaderList;
  body: PreparedBody;
  /** The request-target to send instead of the URL's (the caller's, first URL only: a plan never carries it on). */
  target?: string | undefined;
}

/** The caller's rules for following. */
export interface RedirectPolicy {
  /** Hops allowed; the one after the last is a LimitError. */
  maxRedirects: number;
  /** Follow https → http (default: refuse). */
  allowDowngrade?: boolean | undefined;
  /** The caller's own credential-bearing headers, dropped like Authorization on a change of origin. */
  secretHeaders?: readonly string[] | undefined;
  /**
   * Index in the chain from which a return to a URL is a loop (default 0).
   * A hop after which the request changed (a cookie jar took the answer's
   * Set-Cookie) may come back to an earlier URL: the login flow
   * /page → /login (sets the session) → /page.
   */
  loopFrom?: number | undefined;
  /**
   * Keep the request's method name where the RFC's rule (and the browsers')
   * would turn it into GET — a 303, or a 301/302 to a POST — as curl does
   * for a method given with -X. The body and its headers still go.
   */
  keepMethod?: boolean | undefined;
  /**
   * Schemes other than http and https, with their colon (`'ftp:'`), that a
   * redirect may lead to when the caller opens them itself, as curl and
   * Python's urllib follow http → ftp: such a hop is planned with
   * `handOff` set instead of refused. The downgrade rule still holds: from
   * https only to a scheme with TLS (`ftps:`) unless `allowDowngrade`.
   */
  handOff?: readonly string[] | undefined;
  /** Statuses among 301, 302, 303 after which a POST stays a POST with its body (curl --post301/302/303). */
  keepPostOn?: readonly number[] | undefined;
  /** Upgrades an http:// target to https:// (an HSTS cache's `upgrade`), before any rule is applied to it. */
  upgrade?: ((url: URL) => URL | undefined) | undefined;
  /** Keep the credentials (Authorization, Cookie, `secretHeaders`) on a change of origin (curl --location-trusted). */
  trusted?: boolean | undefined;
  /** The schemes, with their colon, a redirect may lead to at all (curl --proto-redir); others are refused as unsupported. */
  protocols?: readonly string[] | undefined;
}

/** The request for the next hop, and what was done to get it. */
export interface RedirectPlan extends RedirectRequest {
  /** Scheme, host or port changed from the previous hop. */
  crossOrigin: boolean;
  /** Header names removed (for the trace). */
  dropped: string[];
  /** The target's scheme is one of the policy's `handOff`: the caller opens `url` (its user:password kept) with `method`. */
  handOff?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Schemes whose hop keeps TLS: from https, anything else is a downgrade. */
const SECURE = new Set(['https:', 'ftps:']);
/** Dropped whenever the origin changes: they authenticate to the old one. */
const CREDENTIALS = ['authorization', 'cookie', 'proxy-authorization', 'host'];
/** Dropped with the body when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location', 'transfer-encoding', 'expect'];

/** True for the statuses this client follows. */
export function isRedirect(status: number): boolean {
  return REDIRECTS.has(status);
}

/** `scheme://host:port` with the default port filled in, for comparing origins. */
export function originOf(u: URL): string {
  const port = u.port || (u.protocol === 'https:' ? '443' : '80');
  return `${u.protocol}//${u.hostname.toLowerCase()}:${port}`;
}

/**
 * Plans the hop a 3xx asks for, or refuses it. `location` is the field value
 * as received (latin1: an octet past 0x7F is kept as that octet, %-escaped).
 * `chain` holds every URL requested so far, the current one last; refusals
 * name the whole chain.
 *
 * - 303 → GET (HEAD stays HEAD); 301/302 → GET only for POST, as browsers
 *   and curl do; the body and its headers go (with `keepMethod` the method
 *   name stays, as curl -X keeps it). A POST after a status in `keepPostOn`
 *   stays a POST with its body, as a 307 would.
 * - 307/308 keep method and body, and so do 301/302 for any method but
 *   POST; a streamed body is made again by its `reopen` factory, and one
 *   without a factory cannot be sent twice, so such a hop is refused
 *   with the reason (curl stops there too when it cannot rewind).
 * - Credentials (Authorization, Cookie, Proxy-Authorization, the caller's
 *   `secretHeaders`) never cross to another scheme, host or port, unless
 *   `trusted` (Proxy-Authorization never does).
 * - With `protocols`, a scheme outside it is refused first (InputError,
 *   DIAL_E_UNSUPPORTED).
 * - Only http and https targets, and the policy's `handOff` schemes; from
 *   https to a scheme without TLS only with `allowDowngrade`.
 */
export function planRedirect(cur: RedirectRequest, status: number, location: string, chain: readonly string[], policy: RedirectPolicy): RedirectPlan {
  const hops = chain.length - 1;
  const path = () => chain.join(' -> ');
  if (hops >= policy.maxRedirects)
    throw new LimitError(`too many redirects (limit ${policy.maxRedirects}): ${path()} -> ${location}`, { limit: policy.maxRedirects, protocol: 'http', phase: 'redirect' });
  let next: URL;
  try {
    next = new URL(escapeHighOctets(location), cur.url);
  } catch (err) {
    throw new ProtocolError(`invalid Location ${JSON.stringify(location.slice(0, 200))} after ${path()}`, { cause: err, protocol: 'http', phase: 'headers' });
  }
  // A known HSTS host is never reached in the clear: the hop is planned, and judged, as the https one it becomes.
  next = policy.upgrade?.(next) ?? next;
  if (policy.protocols && !policy.protocols.includes(next.protocol))
    throw new InputError(`refusing to follow a redirect to ${next.protocol.slice(0, -1)}, a protocol not allowed: ${path()} -> ${next.href}`, {
      code: 'DIAL_E_UNSUPPORTED',
      protocol: 'http',
      phase: 'scheme',
    });
  const handOff = next.protocol !== 'http:' && next.protocol !== 'https:';
  if (handOff && !policy.handOff?.includes(next.protocol))
    throw new ProtocolError(`refusing to follow a redirect to ${next.protocol} (only http and https are followed): ${path()} -> ${next.href}`, { protocol: 'http', phase: 'headers' });
  if (cur.url.protocol === 'https:' && !SECURE.has(next.protocol) && !policy.allowDowngrade)
    throw new ProtocolError(`refusing to follow a redirect from https to ${next.protocol.slice(0, -1)} (allowDowngrade not set): ${path()} -> ${next.href}`, { protocol: 'http', phase: 'headers' });
  // An http hop authenticates with the caller's credentials (or none), never with a user:password the server put in Location;
  // another scheme's client logs in with them (an ftp:// mirror's anonymous or named login), as curl does.
  if (!handOff) {
    next.username = '';
    next.password = '';
  }
  if (!next.hash && cur.url.hash) next.hash = cur.url.hash;
  const key = withoutHash(next);
  if (chain.some((u, i) => i >= (policy.loopFrom ?? 0) && withoutHash(new URL(u)) === key))
    // A bound like the hop count (curl has no loop check; its limit is what stops a loop), so the same kind and phase.
    throw new LimitError(`redirect loop: ${path()} -> ${next.href}`, { limit: policy.maxRedirects, protocol: 'http', phase: 'redirect' });

  const headers = HeaderList.from(cur.headers);
  const dropped: string[] = [];
  const drop = (name: string) => {
    if (headers.has(name)) {
      headers.delete(name);
      dropped.push(name);
    }
  };
  let method = cur.method;
  let body = cur.body;
  const upper = method.toUpperCase();
  const keepPost = upper === 'POST' && policy.keepPostOn?.includes(status) === true;
  if (!keepPost && ((status === 303 && upper !== 'HEAD' && upper !== 'GET') || ((status === 301 || status === 302) && upper === 'POST'))) {
    if (!policy.keepMethod) method = 'GET';
    body = { kind: 'none' };
    for (const h of BODY_HEADERS) drop(h);
  } else if (body.kind === 'stream') {
    // Whatever the status: a 301/302 keeps PUT, DELETE… with their body too, and the stream is spent unless it can be made again.
    const again = resendBody(body);
    // Phase 'rewind': the body could not be sent again (curl: its rewind failed, exit 65).
    if (!again)
      throw new InputError(`cannot follow ${status} to ${next.href}: the request body was a stream, which cannot be sent a second time`, {
        code: 'DIAL_E_UNSUPPORTED',
        protocol: 'http',
        phase: 'rewind',
      });
    body = again;
  }
  const crossOrigin = originOf(next) !== originOf(cur.url);
  if (crossOrigin && policy.trusted) {
    // Trusted: the credentials go on; Host and the proxy's credentials are never another origin's.
    drop('host');
    drop('proxy-authorization');
  } else if (crossOrigin) {
    for (const h of CREDENTIALS) drop(h);
    for (const h of policy.secretHeaders ?? []) drop(h.toLowerCase());
  }
  return handOff ? { url: next, method, headers, body, crossOrigin, dropped, handOff } : { url: next, method, headers, body, crossOrigin, dropped };
}

function withoutHash(u: URL): string {
  return u.href.replace(/#.*$/s, '');
}
