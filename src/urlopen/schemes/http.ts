/**
 * The http: and https: schemes: a thin adapter from {@link OpenOptions} to
 * the HTTP client's `request()`, and from its response to {@link UrlResponse}.
 * The client's own {@link HttpResponse} is kept as `raw`, so the CLI can print
 * the exact status line and header lines (-i, -v).
 *
 * Redirects are the client's to follow, except one to ftp:// or ftps://,
 * which curl and Python's urllib follow too: the client hands it back and
 * this opens it with urlopen, carrying none of the HTTP request (headers,
 * body, credentials, cookies) across.
 *
 * @module
 */
import { ProtocolError } from '../../errors.js';
import { request, type RequestOptions } from '../../protocols/http/client.js';
import type { AuthScheme } from '../../protocols/http/auth/server-auth.js';
import type { HeaderList } from '../../protocols/http/core/headers.js';
import type { HttpResponse } from '../../protocols/http/response.js';
import { UrlResponse } from '../response.js';
import type { Opener, OpenOptions } from '../types.js';
import { UrlHeaders } from '../headers.js';

/**
 * What the http scheme reads beyond {@link OpenOptions}: choices where curl
 * differs from the HTTP client's RFC defaults, which dial sets to behave as curl.
 */
export interface HttpOpenOptions extends OpenOptions {
  /** Default headers not to add when `headers` lacks them (curl `-H 'Accept:'`, `-A ''`); see the client's option of that name. */
  omitDefaultHeaders?: readonly string[] | undefined;
  /** Keep the method name on a redirect that would make it GET (curl -X with -L); see the client's `keepRedirectMethod`. */
  keepRedirectMethod?: boolean | undefined;
  /** Makes a streamed `body` afresh for a redirect that sends it again (307/308); see the client's `reopenBody`. */
  reopenBody?: (() => AsyncIterable<Uint8Array> | Iterable<Uint8Array>) | undefined;
  /** Which schemes `user`/`password` (or the URL's) may be sent with (curl --basic, --digest, --anyauth); see the client's `authScheme`. */
  authScheme?: AuthScheme | undefined;
  /** Sign the request with AWS Signature Version 4 (curl --aws-sigv4); see the client's `awsSigV4`. */
  awsSigV4?: string | undefined;
  /** Follow a redirect from https to a scheme without TLS (http, ftp), as curl -L does; default: refuse it. */
  allowDowngrade?: boolean | undefined;
  /** curl --connect-to entries; see the client's `connectTo`. */
  connectTo?: readonly string[] | undefined;
  /** The request line's target as given (curl --request-target, --path-as-is); see the client's `requestTarget`. */
  requestTarget?: string | undefined;
  /** 301/302/303 after which a POST stays a POST (curl --post301…); see the client's `keepPostOn`. */
  keepPostOn?: readonly number[] | undefined;
  /** Credentials follow redirects to other origins (curl --location-trusted); see the client's `trustRedirects`. */
  trustRedirects?: boolean | undefined;
  /** Schemes a redirect may lead to (curl --proto-redir), with their colon; see the client's `redirectProtocols`. */
  redirectProtocols?: readonly string[] | undefined;
  /** Headers for the HTTP proxy only (curl --proxy-header); see the client's `proxyHeaders`. */
  proxyHeaders?: ReadonlyArray<readonly [string, string]> | undefined;
  /** The CONNECT request's version (curl --proxy1.0); see the client's `proxyConnectVersion`. */
  proxyConnectVersion?: '1.0' | '1.1' | undefined;
  /** How long `Expect: 100-continue` waits for 100 Continue, ms (curl --expect100-timeout); see the client's `continueTimeout`. */
  continueTimeout?: number | undefined;
  /** Open each connection with a PROXY protocol v1 line (curl --haproxy-protocol); see the client's `haproxyProtocol`. */
  haproxyProtocol?: boolean | undefined;
  /** Accept an HTTP/0.9 response (curl --http0.9); see the client's `http09`. */
  http09?: boolean | undefined;
  /** Read bodies to the close, Content-Length ignored (curl --ignore-content-length); see the client's `ignoreContentLength`. */
  ignoreContentLength?: boolean | undefined;
  /** Body bytes as received, no coding undone (curl --raw); see the client's `raw`. */
  raw?: boolean | undefined;
}

/** The schemes a redirect may leave HTTP for (curl's default redirect protocols beside http and https). */
const HAND_OFF = ['ftp:', 'ftps:'] as const;

/** Copies the response's header lines into a UrlHeaders (the received order and case stay in `raw.headers`). */
function toHeaders(list: HeaderList): UrlHeaders {
  const h = new UrlHeaders();
  for (const [name, value] of list) h.append(name, value);
  return h;
}

function requestHeaders(options: OpenOptions): RequestOptions['headers'] {
  const given = options.headers;
  if (options.bodyLength === undefined) return given;
  const list: Array<[string, string]> = Array.isArray(given) ? [...given] : Object.entries(given ?? {});
  if (!list.some(([n]) => n.toLowerCase() === 'content-length')) list.push(['Content-Length', String(options.bodyLength)]);
  return list;
}

/** Maps OpenOptions onto the HTTP client's request options. */
export function toRequestOptions(options: HttpOpenOptions): RequestOptions {
  const out: RequestOptions = {
    method: options.method,
    headers: requestHeaders(options),
    body: options.body,
    signal: options.signal,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout,
    maxRedirects: options.maxRedirects,
    tls: options.tls,
    insecure: options.tls?.rejectUnauthorized === false ? true : undefined,
    proxy: options.proxy,
    proxyTls: options.proxyTls,
    proxyAuth: options.proxyAuth,
    proxyTunnel: options.proxyTunnel,
    noProxy: options.noProxy,
    lookup: options.lookup,
    local: options.local,
    unixSocket: options.unixSocket,
    decompress: options.compressed,
    httpVersion: options.httpVersion,
    cookies: options.cookies,
    hsts: options.hsts,
    trace: options.trace,
    maxBodySize: options.maxBodySize,
    range: options.range,
    onUploadProgress: options.onProgress,
    onDownloadProgress: options.onProgress,
  };
  if (options.omitDefaultHeaders !== undefined) out.omitDefaultHeaders = options.omitDefaultHeaders;
  if (options.keepRedirectMethod) out.keepRedirectMethod = true;
  if (options.reopenBody) out.reopenBody = options.reopenBody;
  if (options.allowDowngrade) out.allowDowngrade = true;
  if (options.authScheme) out.authScheme = options.authScheme;
  if (options.awsSigV4 !== undefined) out.awsSigV4 = options.awsSigV4;
  if (options.connectTo?.length) out.connectTo = options.connectTo;
  if (options.requestTarget !== undefined) out.requestTarget = options.requestTarget;
  if (options.keepPostOn?.length) out.keepPostOn = options.keepPostOn;
  if (options.trustRedirects) out.trustRedirects = true;
  if (options.redirectProtocols) out.redirectProtocols = options.redirectProtocols;
  if (options.proxyHeaders?.length) out.proxyHeaders = options.proxyHeaders;
  if (options.proxyConnectVersion !== undefined) out.proxyConnectVersion = options.proxyConnectVersion;
  if (options.continueTimeout !== undefined) out.continueTimeout = options.continueTimeout;
  if (options.haproxyProtocol) out.haproxyProtocol = true;
  if (options.http09) out.http09 = true;
  if (options.ignoreContentLength) out.ignoreContentLength = true;
  if (options.raw) out.raw = true;
  // --proto-redir may allow more than ftp(s) (curl's +gopher, all): urlopen opens those too.
  if (options.maxRedirects) out.handOffSchemes = options.redirectProtocols ? options.redirectProtocols.filter((s) => s !== 'http:' && s !== 'https:') : HAND_OFF;
  if (options.user !== undefined || options.password !== undefined) out.auth = { user: options.user ?? '', password: options.password ?? '' };
  return out;
}

/** Opens an http: or https: URL with the HTTP client. */
export const openHttp: Opener = async (url, options) => {
  const res: HttpResponse = await request(url, toRequestOptions(options));
  if (res.handOff) return followOut(res, res.handOff, options);
  return new UrlResponse({
    url: res.url,
    status: res.status,
    statusText: res.statusText,
    protocol: `http/${res.httpVersion}`,
    headers: toHeaders(res.headers),
    body: res.body,
    cancel: () => res.body.cancel(),
    redirects: res.redirects,
    raw: res,
  });
};

/**
 * Opens the ftp(s) URL a redirect pointed at. Only a retrieval crosses (GET,
 * or HEAD for a HEAD): another method would be an upload the user never
 * asked of that server. The answer is the FTP one, with the HTTP hops in its
 * `redirects` and, in `raw.history`, their heads (what `dial -i -L` prints).
 */
async function followOut(res: HttpResponse, to: { url: string; method: string }, options: HttpOpenOptions): Promise<UrlResponse> {
  const method = to.method.toUpperCase();
  if (method !== 'GET' && method !== 'HEAD')
    throw new ProtocolError(`refusing to follow ${res.status} from ${res.url} to ${to.url} with ${method}: only a download is carried to another scheme`, { protocol: 'http', phase: 'headers' });
  const { urlopen } = await import('../index.js');
  const carried: HttpOpenOptions = {
    ...options,
    method: method === 'HEAD' ? 'HEAD' : undefined,
    headers: undefined,
    body: undefined,
    bodyLength: undefined,
    user: undefined,
    password: undefined,
    cookies: undefined,
    maxRedirects: undefined,
    omitDefaultHeaders: undefined,
    keepRedirectMethod: undefined,
    reopenBody: undefined,
    requestTarget: undefined,
  };
  const next = await urlopen(to.url, carried);
  const head = { httpVersion: res.httpVersion, status: res.status, statusText: res.statusText, headers: res.headers };
  return new UrlResponse({
    url: next.url,
    status: next.status,
    statusText: next.statusText,
    protocol: next.protocol,
    headers: next.headers,
    body: next.body,
    cancel: () => next.cancel(),
    finalStatus: () => next.finalStatus,
    redirects: [...res.redirects, res.url, ...next.redirects],
    raw: { ...(next.raw as object | undefined), history: [...res.history, head], requestBytes: res.requestBytes },
  });
}
