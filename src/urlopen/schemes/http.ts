/**
 * The http: and https: schemes: a thin adapter from {@link OpenOptions} to
 * the HTTP client's `request()`, and from its response to {@link UrlResponse}.
 * The client's own {@link HttpResponse} is kept as `raw`, so the CLI can print
 * the exact status line and header lines (-i, -v).
 *
 * @module
 */
import { request, type RequestOptions } from '../../protocols/http/client.js';
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
}

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
    noProxy: options.noProxy,
    lookup: options.lookup,
    unixSocket: options.unixSocket,
    decompress: options.compressed,
    httpVersion: options.httpVersion,
    cookies: options.cookies,
    trace: options.trace,
    maxBodySize: options.maxBodySize,
    range: options.range,
    onUploadProgress: options.onProgress,
    onDownloadProgress: options.onProgress,
  };
  if (options.omitDefaultHeaders !== undefined) out.omitDefaultHeaders = options.omitDefaultHeaders;
  if (options.keepRedirectMethod) out.keepRedirectMethod = true;
  if (options.reopenBody) out.reopenBody = options.reopenBody;
  if (options.user !== undefined || options.password !== undefined) out.auth = { user: options.user ?? '', password: options.password ?? '' };
  return out;
}

/** Opens an http: or https: URL with the HTTP client. */
export const openHttp: Opener = async (url, options) => {
  const res: HttpResponse = await request(url, toRequestOptions(options));
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
