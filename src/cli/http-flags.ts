/**
 * The HTTP-side options that change where a request connects, what its
 * request line says and how redirects treat it: --connect-to,
 * --request-target, --path-as-is, --post301/302/303, --location-trusted,
 * --proto, --proto-redir, --oauth2-bearer and --aws-sigv4, read from parseArgs' values
 * (args.ts holds the rest).
 *
 * @module
 */
import { ALL_PROTOCOLS, DEFAULT_REDIRECT_PROTOCOLS, parseProtocols } from './proto.js';
import { typedTarget } from './url.js';

/** What those options asked for. */
export interface HttpFlags {
  /** --connect-to HOST1:PORT1:HOST2:PORT2, in order (the first matching entry wins). */
  connectTo: string[];
  /** --request-target: the request line's target as given. */
  requestTarget: string | undefined;
  /** --path-as-is: send the URL's path as typed, /../ and /./ included. */
  pathAsIs: boolean;
  /** --post301, --post302, --post303: the redirect statuses after which a POST stays a POST. */
  keepPostOn: number[];
  /** --location-trusted: -L, and the credentials go to every host the redirects lead to. */
  locationTrusted: boolean;
  /** --proto: the schemes dial may use (lowercase, no colon); undefined = every one. */
  proto: Set<string> | undefined;
  /** --proto-redir: the schemes a redirect may lead to; undefined = curl's default (http, https, ftp, ftps). */
  protoRedir: Set<string> | undefined;
  /** --oauth2-bearer: the token sent as `Authorization: Bearer`. */
  oauth2Bearer: string | undefined;
  /** --aws-sigv4: `provider1[:provider2[:region[:service]]]`, the request signed with -u's key and secret. */
  awsSigV4: string | undefined;
}

/** The parsed values these options are read from. */
interface Values {
  'connect-to'?: string[] | undefined;
  'request-target'?: string | undefined;
  'path-as-is'?: boolean | undefined;
  post301?: boolean | undefined;
  post302?: boolean | undefined;
  post303?: boolean | undefined;
  'location-trusted'?: boolean | undefined;
  proto?: string | undefined;
  'proto-redir'?: string | undefined;
  'oauth2-bearer'?: string | undefined;
  'aws-sigv4'?: string | undefined;
}

/** Reads the options; an unknown protocol name is curl's warning (pushed on `warnings`), a bad list exit 2. */
export function parseHttpFlags(v: Values, warnings: string[]): HttpFlags {
  const warn = (line: string) => warnings.push(line);
  const keepPostOn: number[] = [];
  if (v.post301) keepPostOn.push(301);
  if (v.post302) keepPostOn.push(302);
  if (v.post303) keepPostOn.push(303);
  return {
    connectTo: v['connect-to'] ?? [],
    requestTarget: v['request-target'],
    pathAsIs: v['path-as-is'] ?? false,
    keepPostOn,
    locationTrusted: v['location-trusted'] ?? false,
    proto: v.proto === undefined ? undefined : parseProtocols('proto', v.proto, ALL_PROTOCOLS, warn),
    protoRedir: v['proto-redir'] === undefined ? undefined : parseProtocols('proto-redir', v['proto-redir'], DEFAULT_REDIRECT_PROTOCOLS, warn),
    oauth2Bearer: v['oauth2-bearer'],
    awsSigV4: v['aws-sigv4'],
  };
}

/**
 * The schemes (with their colon, as the HTTP client takes them) a redirect
 * may lead to: --proto-redir's (or curl's default), less what --proto
 * refuses. Always given, so a hop elsewhere (gopher:, file:) is curl's
 * exit 1 (unsupported protocol) rather than a refusal of the server's reply.
 */
export function redirectProtocols(f: Pick<HttpFlags, 'proto' | 'protoRedir'>): string[] {
  const redir = f.protoRedir ?? new Set(DEFAULT_REDIRECT_PROTOCOLS);
  return [...redir].filter((s) => f.proto === undefined || f.proto.has(s)).map((s) => `${s}:`);
}

/** The library options of these flags, for one attempt at `url` (an http(s) URL as typed, -G's query and -T's name added). */
export interface HttpFlagOptions {
  connectTo?: readonly string[] | undefined;
  requestTarget?: string | undefined;
  keepPostOn?: readonly number[] | undefined;
  trustRedirects?: boolean | undefined;
  redirectProtocols?: readonly string[] | undefined;
  awsSigV4?: string | undefined;
}

/** Sets on `opts` what these flags ask of the HTTP client for `url`. */
export function applyHttpFlags(o: HttpFlags, opts: HttpFlagOptions, url: string): void {
  if (o.connectTo.length > 0) opts.connectTo = o.connectTo;
  // --request-target wins over --path-as-is: it replaces the path altogether.
  if (o.requestTarget !== undefined) opts.requestTarget = o.requestTarget;
  else if (o.pathAsIs && /^https?:\/\//i.test(url)) opts.requestTarget = typedTarget(url);
  if (o.keepPostOn.length > 0) opts.keepPostOn = o.keepPostOn;
  if (o.locationTrusted) opts.trustRedirects = true;
  if (o.awsSigV4 !== undefined) opts.awsSigV4 = o.awsSigV4;
  opts.redirectProtocols = redirectProtocols(o);
}
