/**
 * The http: and https: schemes: a thin adapter from {@link OpenOptions} to
 * the HTTP client's `request()`, and from its response to {@link UrlResponse}.
 * The client's own response is kept as `raw`, so the CLI can print the exact
 * status line and header lines (-i, -v).
 *
 * @module
 */
import { InputError } from '../../errors.js';
import { UrlResponse } from '../response.js';
import type { Opener, OpenOptions, Progress } from '../types.js';

/** The part of the HTTP client's response this adapter reads. */
interface HttpResponseLike {
  url: string;
  status: number;
  statusText: string;
  httpVersion: string;
  headers: Iterable<[string, string]>;
  redirects: string[];
  body: AsyncIterable<Uint8Array> & { cancel(): unknown };
}

interface HttpClientModule {
  request(url: string | URL, options: Record<string, unknown>): Promise<HttpResponseLike>;
}

/** The client module, loaded once; a computed specifier keeps this file compiling while the client is written. */
let client: Promise<HttpClientModule> | undefined;
function loadClient(): Promise<HttpClientModule> {
  const specifier = '../../protocols/http/index.js';
  client ??= (import(specifier) as Promise<HttpClientModule>).catch((err: unknown) => {
    client = undefined;
    throw new InputError('the http: scheme is not available: the HTTP client module could not be loaded', { code: 'DIAL_E_UNSUPPORTED', cause: err });
  });
  return client;
}

/** Accepts the client's progress shape ({transferred|loaded, total}) and reports ours. */
function progress(direction: Progress['direction'], onProgress: (p: Progress) => void) {
  return (p: { transferred?: number; loaded?: number; total?: number | undefined }) =>
    onProgress({ direction, transferred: p.transferred ?? p.loaded ?? 0, total: p.total });
}

/** Copies the response's header lines into a Headers; a line Headers refuses (non-Latin-1) is left to `raw`. */
function toHeaders(list: Iterable<[string, string]>): Headers {
  const h = new Headers();
  for (const [name, value] of list) {
    try {
      h.append(name, value);
    } catch {
      // Still visible, byte for byte, in raw.headers.
    }
  }
  return h;
}

function requestHeaders(options: OpenOptions): Array<[string, string]> | Record<string, string> | undefined {
  const given = options.headers;
  if (options.bodyLength === undefined) return given;
  const list: Array<[string, string]> = Array.isArray(given) ? [...given] : Object.entries(given ?? {});
  if (!list.some(([n]) => n.toLowerCase() === 'content-length')) list.push(['Content-Length', String(options.bodyLength)]);
  return list;
}

/** Maps OpenOptions onto the HTTP client's request options. */
export function toRequestOptions(options: OpenOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    method: options.method,
    headers: requestHeaders(options),
    body: options.body,
    signal: options.signal,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout,
    maxRedirects: options.maxRedirects,
    tls: options.tls,
    proxy: options.proxy,
    noProxy: options.noProxy,
    lookup: options.lookup,
    unixSocket: options.unixSocket,
    decompress: options.compressed,
    trace: options.trace,
    maxBodySize: options.maxBodySize,
    range: options.range,
  };
  if (options.user !== undefined || options.password !== undefined) out['auth'] = { user: options.user ?? '', password: options.password ?? '' };
  if (options.onProgress) {
    out['onUploadProgress'] = progress('upload', options.onProgress);
    out['onDownloadProgress'] = progress('download', options.onProgress);
  }
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** Opens an http: or https: URL with the HTTP client. */
export const openHttp: Opener = async (url, options) => {
  const { request } = await loadClient();
  const res = await request(url, toRequestOptions(options));
  return new UrlResponse({
    url: res.url,
    status: res.status,
    statusText: res.statusText,
    protocol: `http/${res.httpVersion}`.toLowerCase().replace(/^http\/http\//, 'http/'),
    headers: toHeaders(res.headers),
    body: res.body,
    cancel: async () => {
      await res.body.cancel();
    },
    redirects: res.redirects,
    raw: res,
  });
};
