/**
 * What every transfer of a run shares, worked out once before the first one:
 * the -d body, the TLS files, the resolver (-4/-6, --doh-url, --dns-servers),
 * -P's address, --url-query, .netrc, -z, --etag-compare, the cookie jar and
 * the HSTS cache.
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { LookupFunction } from '../socket/connect.js';
import type { OpenOptions } from '../urlopen/types.js';
import type { CookieJar } from '../protocols/http/cookies.js';
import type { HstsCache } from '../protocols/http/hsts.js';
import type { CliOptions } from './args.js';
import { buildDataBody, buildUrlQuery, type FileReader, readLocal } from './data.js';
import { dohResolver, onlyFamily } from './lookup.js';
import { parseTimeCond, type TimeCond } from './time-cond.js';
import { readNetrc, type NetrcEntry } from './netrc.js';
import { loadCookies } from './cookies.js';
import { loadHsts } from './hsts-file.js';
import { dnsServersResolver } from './dns-args.js';
import { resolveFtpPort, type ActivePort } from './ftp-port.js';
import { buildTlsOptions } from './tls-options.js';
import { readEtagCompare } from './etag.js';

/** Options shared by every transfer of a run, computed once. */
export interface SharedRequest {
  /** Body bytes from -d/--json (undefined when none). */
  data: { body: Buffer; json: boolean } | undefined;
  tls: OpenOptions['tls'];
  /** --proxy-insecure, --proxy-cacert, --proxy-cert/--proxy-key, read once for the run. */
  proxyTls?: OpenOptions['tls'];
  userAgent: string;
  /** The run's cookie jar when the engine is on (-b file, `-b ''`, -c). */
  cookieJar?: CookieJar | undefined;
  /** The -b cookie data, sent as a Cookie header. */
  cookieHeader?: string | undefined;
  /** -P: where active FTP listens, resolved once for the run. */
  ftpPort?: ActivePort | undefined;
  /** --hsts: the run's HSTS cache, read once and written back at the end. */
  hsts?: HstsCache | undefined;
  /** --doh-url: the run's resolver (the system's when undefined), under -4/-6 and --resolve. */
  resolver?: LookupFunction | undefined;
  /** -4 / -6: one lookup for the whole run, so every URL still shares its origin's connections (pools are keyed by the lookup). */
  lookup?: LookupFunction | undefined;
  /** --url-query: the query text added to every URL. */
  urlQuery?: string | undefined;
  /** -n and its kin: the .netrc entries, read once for the run. */
  netrc?: NetrcEntry[] | undefined;
  /** -z: the time condition, when its value was a file or a date. */
  timeCond?: TimeCond | undefined;
  /** --etag-compare: the If-None-Match value, read once for the run. */
  ifNoneMatch?: string | undefined;
  /** --resolve: the lookup of each origin (`scheme://host:port`), made once for the run, as pools are keyed by the lookup. */
  pinned?: Map<string, LookupFunction | undefined> | undefined;
}

/**
 * Reads the -d data and the TLS files (tls-options.ts) once per run. With `warn`, an
 * unreadable `-d @file` is a warning and an empty part, as in curl.
 */
export async function prepareShared(o: CliOptions, version: string, read: FileReader = readLocal, warn?: (line: string) => void): Promise<SharedRequest> {
  const data = await buildDataBody(o.data, read, warn);
  const tls = await buildTlsOptions(o);
  const shared: SharedRequest = { data, tls, userAgent: o.userAgent ?? `dial/${version}` };
  shared.proxyTls = await buildTlsOptions(o.proxyTls, 'proxy ');
  // --doh-url: every name of the run (but the DoH server's own) asked over HTTPS; -4/-6 and --resolve wrap it.
  if (o.dohUrl !== undefined) shared.resolver = await dohResolver(o.dohUrl, o, tls?.ca);
  else shared.resolver = await dnsServersResolver(o.dns);
  shared.lookup = o.ipFamily !== undefined ? onlyFamily(o.ipFamily, shared.resolver) : shared.resolver;
  if (o.ftpPort !== undefined) shared.ftpPort = await resolveFtpPort(o.ftpPort);
  shared.urlQuery = await buildUrlQuery(o.urlQuery, read);
  if (o.netrc !== undefined) shared.netrc = await readNetrc(o.netrcFile ?? join(homedir(), '.netrc'), warn ?? (() => {}));
  if (o.etagCompare !== undefined) shared.ifNoneMatch = await readEtagCompare(o.etagCompare, o.etagSave !== undefined);
  if (o.timeCond !== undefined) shared.timeCond = await parseTimeCond(o.timeCond, warn ?? (() => {}));
  if (o.cookies.length > 0 || o.cookieJar !== undefined) {
    const cookies = await loadCookies(o, read, warn ?? (() => {}));
    shared.cookieJar = cookies.jar;
    shared.cookieHeader = cookies.header;
  }
  if (o.hsts !== undefined) shared.hsts = await loadHsts(o.hsts, warn ?? (() => {}));
  return shared;
}
