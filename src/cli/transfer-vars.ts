/**
 * The `-w` variables of one transfer, filled in as it goes: what is known
 * before it starts, what the response tells (status, version, redirects,
 * header list, request size), and the totals once it has ended — whether it
 * succeeded or not.
 *
 * @module
 */
import { escapeHighOctets } from '../util/percent.js';
import type { UrlResponse } from '../urlopen/response.js';
import type { HstsCache } from '../protocols/http/hsts.js';
import type { CliOptions } from './args.js';
import { headerPairs, isHttp } from './head.js';
import { requestBytes } from './hops.js';
import type { WriteOutVars } from './writeout.js';

/** The largest body curl sends together with the head (its MAX_INITIAL_POST_SIZE). */
const SMALL_POST = 64 * 1024;

/** The method the flags make dial send, as -w's %{method} names it. */
export function requestMethod(o: CliOptions): string {
  return o.method ?? (o.head ? 'HEAD' : o.data.length && !o.get ? 'POST' : o.form.length ? 'POST' : o.uploadFile !== undefined ? 'PUT' : 'GET');
}

/** %{url_effective} before any answer: a known HSTS host's http:// URL is the https:// one the library sends (curl names that one, even when it fails). */
export function hstsUpgraded(hsts: HstsCache | undefined, url: string): string {
  return (hsts && /^http:/i.test(url) && hsts.upgrade(new URL(url))?.href) || url;
}

/** The variables before anything is known: the URL and method, and zeroes. */
export function emptyVars(url: string, method: string, scheme: string): WriteOutVars {
  return {
    http_code: 0, response_code: 0, http_version: '0', size_download: 0, size_upload: 0, size_header: 0, size_request: 0,
    time_total: 0, time_namelookup: 0, time_connect: 0, time_appconnect: 0, time_pretransfer: 0, time_starttransfer: 0, time_redirect: 0,
    speed_download: 0, speed_upload: 0, url, url_effective: url, redirect_url: '',
    num_redirects: 0, num_headers: 0, content_type: '', exitcode: 0, errormsg: '', filename_effective: '', method, scheme,
    remote_ip: '', remote_port: 0, local_ip: '', local_port: 0, num_connects: 0, ssl_verify_result: 0, http_connect: 0, urlnum: 0, referer: '',
    headers: [],
  };
}

/**
 * curl's redirect_url: the Location a redirect not followed points to, made
 * absolute against the URL that sent it; '' for none, or an empty one, which
 * points nowhere (the client does not follow it either).
 */
export function redirectTarget(location: string | null | undefined, base: string): string {
  if (!location) return '';
  try {
    // The field's octets, not their latin1 reading UTF-8-encoded again (the HTTP client follows a Location the same way).
    return new URL(escapeHighOctets(location), base).href;
  } catch {
    return location;
  }
}

/** Schemes whose 200/206 urlopen makes up: curl has no response code for them (000). */
const NO_STATUS = new Set(['file', 'data', 'gopher', 'gophers']);

/** curl's %{response_code}: the protocol's last reply (FTP's 226 once the body is in), 0 where there is none. */
export function responseCode(res: UrlResponse): number {
  return NO_STATUS.has(res.protocol) ? 0 : res.finalStatus;
}

/**
 * What the response's head tells. `headers`: also list the header lines (only
 * -w reads them); `sentBody`: the request body the attempt sent.
 */
export function responseVars(vars: WriteOutVars, res: UrlResponse, headers: boolean, sentBody: unknown): void {
  const http = isHttp(res);
  vars.http_code = vars.response_code = responseCode(res);
  vars.url_effective = res.url;
  vars.num_redirects = res.redirects.length;
  vars.content_type = (http ? lastField(res, 'content-type') : undefined) ?? res.headers.get('content-type') ?? '';
  // curl 7.88 writes HTTP/1.0 as "1" (and 1.1 as "1.1"); HTTP/0.9 is '0', as for other protocols: scripts compare the string.
  const version = http && !res.protocol.endsWith('/0.9') ? (/(\d(?:\.\d)?)$/.exec(res.protocol)?.[1] ?? '1.1') : '0';
  vars.http_version = version === '1.0' ? '1' : version;
  if (headers) {
    vars.headers = headerPairs(res);
    vars.num_headers = vars.headers.length;
  }
  // The first Location field, as the client follows it: joined, two would make one URL of their own.
  vars.redirect_url = http && res.status >= 300 && res.status < 400 ? redirectTarget(firstField(res, 'location'), res.url) : '';
  vars.size_request = requestBytes(res);
  // curl sends a small in-memory body (-d, --json) in one piece with the head, and counts it in size_request.
  if (http && sentBody instanceof Uint8Array && sentBody.length < SMALL_POST) vars.size_request += sentBody.length;
}

/**
 * The value of the last `name` field of an HTTP head, as curl reads a
 * singleton such as Content-Type: a repeat replaces it (joined, two media
 * types would make one that is neither). Undefined when there is none.
 */
function lastField(res: UrlResponse, name: string): string | undefined {
  const pairs = headerPairs(res);
  for (let i = pairs.length - 1; i >= 0; i--) if (pairs[i]![0].toLowerCase() === name) return pairs[i]![1];
  return undefined;
}

/** The value of the first `name` field of an HTTP head (or of the synthesized headers), undefined when none. */
function firstField(res: UrlResponse, name: string): string | undefined {
  return headerPairs(res).find(([k]) => k.toLowerCase() === name)?.[1];
}

/**
 * How many more bytes %{size_download} counts than dial read of a body (`read`):
 * curl counts a body as it came off the wire — compressed, when --compressed
 * had it decoded (chunked framing left out) — so this is the coded size less
 * the decoded one, and 0 for a body read as it came.
 */
export function codedSurplus(res: UrlResponse, read: number): number {
  const wire = (res.raw as { receivedBytes?: unknown } | undefined)?.receivedBytes;
  return isHttp(res) && typeof wire === 'number' && wire > 0 ? wire - read : 0;
}

/** The totals once the transfer has ended: `received` body bytes, `t0` its start (performance.now()). */
export function settleVars(vars: WriteOutVars, received: number, t0: number): void {
  vars.size_download = received;
  vars.time_total = (performance.now() - t0) / 1000;
  vars.speed_download = vars.time_total > 0 ? received / vars.time_total : 0;
  vars.speed_upload = vars.time_total > 0 ? vars.size_upload / vars.time_total : 0;
}
