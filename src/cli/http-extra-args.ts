/**
 * curl's less common HTTP and proxy options — --proxy-header,
 * --suppress-connect-headers, --expect100-timeout, --haproxy-protocol,
 * --ignore-content-length, --http0.9, --tr-encoding, --raw — read from
 * parseArgs' values and turned into the library's options (args.ts and
 * request.ts only call in; --proxy1.0 is read with -x in proxy-args.ts).
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** What those options asked for. */
export interface HttpExtraArgs {
  /** --proxy-header lines as name/value pairs, in order (`Name;` an empty value; `Name:` sends nothing). */
  proxyHeaders: Array<[string, string]>;
  /** --suppress-connect-headers: -i, -I and -D leave out a proxy's answer to CONNECT. */
  suppressConnectHeaders: boolean;
  /** --expect100-timeout: seconds an `Expect: 100-continue` request waits for 100 Continue; undefined = the library's 1 s, curl's default too. */
  expect100Timeout: number | undefined;
  /** --haproxy-protocol: each HTTP connection opens with a PROXY protocol v1 line. */
  haproxyProtocol: boolean;
  /** --ignore-content-length: HTTP bodies are read to the close. */
  ignoreContentLength: boolean;
  /** --http0.9: a response without a status line is accepted (curl 7.88 refuses it by default, exit 1). */
  http09: boolean;
  /** --tr-encoding: ask for a gzip transfer coding (`TE: gzip`, `Connection: TE`); one is undone anyway. */
  trEncoding: boolean;
  /** --raw: body bytes as received, chunk framing included, no coding undone. */
  raw: boolean;
}

/** The parsed values these options are read from. */
interface Values {
  'proxy-header'?: string[] | undefined;
  'suppress-connect-headers'?: boolean | undefined;
  'expect100-timeout'?: string | undefined;
  'haproxy-protocol'?: boolean | undefined;
  'ignore-content-length'?: boolean | undefined;
  'http0.9'?: boolean | undefined;
  'tr-encoding'?: boolean | undefined;
  raw?: boolean | undefined;
}

/** Reads the options; a header line with neither `:` nor `;` after a name is exit 2. */
export function parseHttpExtra(v: Values): HttpExtraArgs {
  return {
    proxyHeaders: headerPairs('proxy-header', v['proxy-header'] ?? []),
    suppressConnectHeaders: v['suppress-connect-headers'] ?? false,
    expect100Timeout: seconds('expect100-timeout', v['expect100-timeout']),
    haproxyProtocol: v['haproxy-protocol'] ?? false,
    ignoreContentLength: v['ignore-content-length'] ?? false,
    http09: v['http0.9'] ?? false,
    trEncoding: v['tr-encoding'] ?? false,
    raw: v.raw ?? false,
  };
}

/** A non-negative number of seconds, fractions allowed, as curl reads one; anything else is exit 2. */
function seconds(option: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new CliExit(EXIT.FAILED_INIT, `option --${option}: expected a proper numerical parameter`);
  if (n < 0) throw new CliExit(EXIT.FAILED_INIT, `option --${option}: expected a positive numerical parameter`);
  return n;
}

/**
 * curl's header-line syntax: `Name: value` is sent, `Name;` is sent empty,
 * and `Name:` with nothing after it is not sent (it removes a header curl
 * would add of its own; the proxy headers dial adds itself, Host and
 * Proxy-Authorization, are not removed by it).
 */
function headerPairs(option: string, lines: readonly string[]): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const line of lines) {
    const semi = /^([^:;\s]+);\s*$/.exec(line);
    if (semi) {
      out.push([semi[1]!, '']);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new CliExit(EXIT.FAILED_INIT, `option --${option}: bad header line '${line}'`);
    const value = line.slice(colon + 1).trim();
    if (value !== '') out.push([line.slice(0, colon).trim(), value]);
  }
  return out;
}

/** The library options of these flags (HttpOpenOptions' names). */
export interface HttpExtraOptions {
  proxyHeaders?: ReadonlyArray<readonly [string, string]> | undefined;
  proxyConnectVersion?: '1.0' | '1.1' | undefined;
  continueTimeout?: number | undefined;
  haproxyProtocol?: boolean | undefined;
  ignoreContentLength?: boolean | undefined;
  http09?: boolean | undefined;
  raw?: boolean | undefined;
  headers?: Record<string, string> | Array<[string, string]> | undefined;
}

/** Sets on `opts` what these flags (and --proxy1.0, read with the other proxy options) ask of the HTTP client for `url`. */
export function applyHttpExtra(o: HttpExtraArgs & { proxyConnectVersion?: '1.0' | undefined }, opts: HttpExtraOptions, url: string): void {
  if (o.proxyHeaders.length > 0) opts.proxyHeaders = o.proxyHeaders;
  if (o.proxyConnectVersion !== undefined) opts.proxyConnectVersion = o.proxyConnectVersion;
  if (o.expect100Timeout !== undefined) opts.continueTimeout = Math.round(o.expect100Timeout * 1000);
  if (o.haproxyProtocol) opts.haproxyProtocol = true;
  if (o.ignoreContentLength) opts.ignoreContentLength = true;
  if (o.http09) opts.http09 = true;
  if (o.raw) opts.raw = true;
  if (o.trEncoding && /^https?:/i.test(url) && Array.isArray(opts.headers)) opts.headers = askTransferCoding(opts.headers);
}

/**
 * curl's --tr-encoding headers: `TE: gzip`, and TE named in Connection (a
 * hop-by-hop header must be), added to a -H Connection's own value. A -H TE
 * of the user's is left as it is. The list is copied, never changed in place.
 */
function askTransferCoding(headers: ReadonlyArray<[string, string]>): Array<[string, string]> {
  const out = headers.slice();
  const at = out.findIndex(([n]) => n.toLowerCase() === 'connection');
  if (at < 0) out.push(['Connection', 'TE']);
  else out[at] = [out[at]![0], `${out[at]![1]}, TE`];
  if (!out.some(([n]) => n.toLowerCase() === 'te')) out.push(['TE', 'gzip']);
  return out;
}
