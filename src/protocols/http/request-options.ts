/**
 * The options of {@link request}, in a file of their own so the client's
 * file holds its logic only.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import type { LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { AuthScheme } from './auth/server-auth.js';
import type { Agent } from './agent.js';
import type { HttpProgress } from './connection.js';
import type { HeaderList, HeadersInit } from './core/headers.js';
import type { HttpVersion } from './core/request.js';
import type { BodyFactory, BodyInit } from './request-body.js';
import type { CookieJar } from './cookies.js';
import type { HstsCache } from './hsts.js';
import type { request } from './client.js';

/** Options of {@link request}. Every one is optional. */
export interface RequestOptions {
  /** 'GET', or 'POST' when a body is given. Sent as given (methods are case-sensitive). */
  method?: string | undefined;
  headers?: HeadersInit | HeaderList | undefined;
  /**
   * Headers request() adds by itself when `headers` lacks them — User-Agent,
   * Accept, Content-Type (of `json` and form bodies), Accept-Encoding (of
   * `decompress`) — that are left out instead, matched case-insensitively
   * (curl's `-H 'Accept:'`, `-A ''`). The caller's own headers are sent as given.
   */
  omitDefaultHeaders?: readonly string[] | undefined;
  /** Bytes, text, a form, or a stream of chunks (sent chunked unless Content-Length is given). */
  body?: BodyInit | null | undefined;
  /**
   * Makes a streamed `body` afresh (opens the file again) for a redirect
   * that sends the body a second time (307, 308; 301/302 of a method other
   * than POST): without it such a redirect of a stream body is refused, as
   * a stream cannot be read twice. Called once per such hop; give the same
   * bytes each time (the hop announces the first hop's length).
   */
  reopenBody?: BodyFactory | undefined;
  /** A value sent as JSON with `Content-Type: application/json`. */
  json?: unknown;
  signal?: AbortSignal | undefined;
  /** Bound on the whole request, body included, ms (curl --max-time). */
  timeout?: number | undefined;
  /** Bound on resolve + connect + TLS, ms (default 30 s; 0 = none). */
  connectTimeout?: number | undefined;
  /** Bound from the end of sending to the response head, ms (default 300 s; 0 = none); bounds too each write of the request the server leaves untaken (a stalled upload). */
  headersTimeout?: number | undefined;
  /**
   * How long a request sent with `Expect: 100-continue` waits for the
   * server's 100 Continue before sending its body anyway, ms (default 1000,
   * as curl's; 0 = do not wait) — curl `--expect100-timeout`.
   */
  continueTimeout?: number | undefined;
  /** Bound on the server's silence while the body arrives, ms (default 300 s; 0 = none). Not counted while the reader is behind. */
  bodyTimeout?: number | undefined;
  /** The agent whose pools carry the request (default: the global agent). */
  agent?: Agent | undefined;
  /** Redirects followed; 0 (the default) returns the 3xx itself. */
  maxRedirects?: number | undefined;
  /**
   * On a redirect that turns the request into a GET (303; 301/302 after a
   * POST), keep the method name and drop only the body, as curl does with
   * `-X`. Default false: the RFC's (and browsers') GET.
   */
  keepRedirectMethod?: boolean | undefined;
  tls?: TLSOptions | undefined;
  /** Skip certificate verification (curl -k). */
  insecure?: boolean | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each new connection (curl --interface, --local-port); connections bound differently share no pool. */
  local?: LocalEnd | undefined;
  /** Talk to this Unix socket instead of the URL's host. */
  unixSocket?: string | undefined;
  /** Proxy URL; null = none, even when the environment names one; undefined = the environment's. */
  proxy?: string | null | undefined;
  /** Hosts that bypass the proxy (curl --noproxy). */
  noProxy?: string | undefined;
  /**
   * TLS settings for the connection to an https:// proxy (curl's
   * `--proxy-cacert`, `--proxy-cert`, `--proxy-key`): its certificate is
   * verified against the proxy's host name by default. `tls` and `insecure`
   * are the target's alone, as in curl.
   */
  proxyTls?: TLSOptions | undefined;
  /** Skip verification of an https:// proxy's certificate (curl --proxy-insecure). */
  proxyInsecure?: boolean | undefined;
  /**
   * How the proxy URL's credentials reach an HTTP(S) proxy, forwarding or
   * tunnelling: `'basic'` (the default, as curl) at once; `'digest'` never in
   * the clear — nothing at first, a Digest challenge in its 407 answered
   * (curl `--proxy-digest`); `'any'` — nothing at first, the strongest scheme
   * the 407 offers (curl `--proxy-anyauth`).
   */
  proxyAuth?: AuthScheme | undefined;
  /** Reach plain http through an HTTP(S) proxy by a CONNECT tunnel instead of having it forward the request (curl -p). */
  proxyTunnel?: boolean | undefined;
  /**
   * Headers for an HTTP(S) proxy only (curl `--proxy-header`): sent in the
   * CONNECT request of a tunnel — where `headers` never go — after Host and
   * the proxy's Basic credentials (a Host here replaces the CONNECT's own);
   * to a forwarding proxy, added after the request's own headers, as curl
   * sends them (a Host here is left out: the request's names the target).
   * A SOCKS proxy has no headers. Tunnels made with different proxy headers
   * are kept apart in the pool.
   */
  proxyHeaders?: HeadersInit | undefined;
  /**
   * The version of the CONNECT request to an HTTP(S) proxy: '1.1' (the
   * default) or '1.0' (curl `--proxy1.0`). A forwarded request keeps its own
   * version (`httpVersion`), as curl's does.
   */
  proxyConnectVersion?: HttpVersion | undefined;
  /**
   * Open each connection with a PROXY protocol v1 line (curl
   * `--haproxy-protocol`): `PROXY TCP4 <this end> <peer> <this port> <peer
   * port>`, before anything else (TLS included), so a server behind a load
   * balancer that speaks it learns the client's address; `PROXY UNKNOWN`
   * over a Unix socket. Through a tunnel (CONNECT, SOCKS) the line goes
   * inside it and names the connection to the proxy, as curl's does; to a
   * forwarding proxy it is that connection's first bytes. Such connections
   * are pooled apart from others.
   */
  haproxyProtocol?: boolean | undefined;
  /**
   * Accept an HTTP/0.9 response — one without a status line, its every byte
   * body, to the close — reported with status 0, version '0.9' and no
   * headers (curl `--http0.9`). Default false: such a response is a
   * ProtocolError with phase 'http09' ("Received HTTP/0.9 when not
   * allowed"), as curl 7.88 refuses it.
   */
  http09?: boolean | undefined;
  /**
   * Read a body to the close even when it has a Content-Length, the length
   * ignored (curl `--ignore-content-length`); the connection is then not
   * reused. A chunked body is still read as chunked.
   */
  ignoreContentLength?: boolean | undefined;
  /**
   * The body bytes exactly as they came (curl `--raw`): a chunked body with
   * its chunk framing, no transfer coding (gzip) undone, and no content
   * coding either, even with `decompress` (whose Accept-Encoding is still
   * sent). The end of the body is still found by its framing.
   */
  raw?: boolean | undefined;
  /** Ask for compressed content and decode it (curl --compressed). Default false. */
  decompress?: boolean | undefined;
  /** Credentials for Basic (or Digest, when challenged); default: the URL's `user:pass@`. */
  auth?: { user: string; password: string } | undefined;
  /**
   * Which schemes the credentials (`auth`, or the URL's) may be sent with:
   * `'basic'` (Basic up front only), `'digest'` (nothing up front, a Digest
   * challenge answered: the password never travels in the clear) or `'any'`
   * (nothing up front, the strongest scheme a 401 offers) — curl's
   * `--basic`, `--digest`, `--anyauth`. Default: Basic up front, and a Digest
   * challenge answered.
   */
  authScheme?: AuthScheme | undefined;
  /**
   * Sign every hop to the first origin with AWS Signature Version 4 (curl
   * `--aws-sigv4`): `provider1[:provider2[:region[:service]]]`, e.g.
   * `'aws:amz:us-east-1:s3'`, with `auth` (or the URL's userinfo) as access
   * key id and secret (`secret:session-token` adds X-Amz-Security-Token).
   * Replaces `authScheme`. See auth/aws-sigv4.ts for what is signed.
   */
  awsSigV4?: string | undefined;
  /** The caller's own credential headers, dropped like Authorization on a cross-origin redirect. */
  secretHeaders?: string[] | undefined;
  /** Follow an https → http redirect (and, with `handOffSchemes`, https → ftp). */
  allowDowngrade?: boolean | undefined;
  /**
   * Schemes besides http and https, with their colon (`['ftp:', 'ftps:']`),
   * whose redirects the caller follows itself (urlopen opens ftp:// as curl
   * and urllib follow to it). A redirect there ends the request: the 3xx
   * comes back, its body cancelled, with `handOff` naming the URL to open
   * and the method the hop would use. Default none: such a redirect is a
   * ProtocolError, as any scheme this client cannot speak.
   */
  handOffSchemes?: readonly string[] | undefined;
  trace?: Tracer | undefined;
  onUploadProgress?: ((p: HttpProgress) => void) | undefined;
  onDownloadProgress?: ((p: HttpProgress) => void) | undefined;
  /** Largest body accepted, bytes; past it a LimitError. */
  maxBodySize?: number | undefined;
  /** A byte range, inclusive (Range: bytes=start-end). */
  range?: { start: number; end?: number | undefined } | undefined;
  /** Requests in flight per connection when no agent is given (uses a shared pipelining agent). */
  pipelining?: number | undefined;
  /**
   * The request line's version (curl --http1.0 / --http1.1). '1.0': a body
   * needs a length (no chunked upload), no `Expect: 100-continue` wait, and
   * the connection is closed after the response. Default '1.1'.
   */
  httpVersion?: HttpVersion | undefined;
  /**
   * A cookie jar: every hop (redirects and the Digest retry too) sends the
   * jar's cookies for its URL after the caller's own Cookie header, and each
   * response's Set-Cookie lines are stored before the next hop is made.
   */
  cookies?: CookieJar | undefined;
  /**
   * curl's `--connect-to HOST1:PORT1:HOST2:PORT2` entries: a hop whose host
   * and port match the first matching entry (an empty field matches any)
   * connects to HOST2:PORT2 instead (an empty field keeps the URL's), while
   * Host, SNI and the certificate check stay the URL's. Each redirect hop is
   * matched afresh; pools are keyed by where they connect. Not used through a
   * proxy or a Unix socket. A matching entry with a bad PORT2 is an InputError.
   */
  connectTo?: readonly string[] | undefined;
  /**
   * The first URL's request-target as given, instead of its path and query
   * (curl `--request-target`, e.g. `*` for OPTIONS; or a path kept as typed,
   * `/a/../b`, which WHATWG URL parsing would squash — curl `--path-as-is`).
   * Through a forwarding proxy a target starting with `/` follows the
   * origin; another goes as the URL. Redirect hops use their Location's.
   * Space, controls and non-ASCII are an InputError before anything is sent.
   */
  requestTarget?: string | undefined;
  /**
   * Redirect statuses among 301, 302 and 303 after which a POST stays a POST
   * and its body is sent again (curl `--post301`, `--post302`, `--post303`).
   * Default none: the POST becomes a GET without its body.
   */
  keepPostOn?: readonly number[] | undefined;
  /**
   * Send the credentials (`auth` or the URL's, and the caller's
   * Authorization, Cookie and `secretHeaders`) to whatever origin a redirect
   * leads to (curl `--location-trusted`). Default false: they stay with the
   * first origin.
   */
  trustRedirects?: boolean | undefined;
  /**
   * Schemes with their colon (`['https:']`) a redirect may lead to (curl
   * `--proto-redir`); a hop to another is an InputError with code
   * `DIAL_E_UNSUPPORTED` (phase 'scheme'). Default: http, https and the
   * `handOffSchemes`.
   */
  redirectProtocols?: readonly string[] | undefined;
  /**
   * An HSTS cache (RFC 6797): an http:// URL of a host it knows — the first
   * one and every redirect's — is sent as https:// instead, and the
   * Strict-Transport-Security header of each verified https response is
   * noted in it (curl `--hsts`). Default: none.
   */
  hsts?: HstsCache | undefined;
}
