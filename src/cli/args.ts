/**
 * Command-line parsing for `dial`: what curl's options mean, as typed and
 * checked {@link CliOptions}, parsed with `util.parseArgs` (the option table
 * and the pairing of words into options are argv.ts). Nothing here touches
 * the network or loads a protocol, so `dial --help` and `dial --version`
 * stay cheap.
 *
 * @module
 */
import type { DnsArgs } from './dns-args.js';
import { parseRate } from './rate.js';
import { parseArgs } from 'node:util';
import { CliExit } from './exit-codes.js';
import { normalizeArgv, OPTION_SPECS } from './argv.js';
import { expandConfig } from './config-file.js';
import { ftpArgs, type FtpArgs } from './ftp-args.js';
import { mailArgs, type MailArgs } from './mail-args.js';
import { parseHttpFlags, type HttpFlags } from './http-flags.js';
import { parseHttpExtra, type HttpExtraArgs } from './http-extra-args.js';
import { proxyArgs, type ProxyArgs } from './proxy-args.js';
import { parseTlsArgs, type TlsArgs } from './tls-args.js';
import { netArgs, type NetArgs } from './net-args.js';

import { number, octalMode, size, usage } from './option-values.js';
export { normalizeArgv, OPTION_SPECS } from './argv.js';

/** One URL as given, with the output it was paired with (the n-th -o/-O goes to the n-th URL, as curl). */
export interface UrlArg {
  url: string;
  /** `-o` file name (may hold `#1` glob references); '-' = stdout. */
  output?: string | undefined;
  /** `-O`: name the file after the URL's last path segment. */
  remoteName: boolean;
}

/** One `-d`-family argument, kept in order because curl joins them in order. */
export interface DataArg {
  kind: 'ascii' | 'binary' | 'raw' | 'urlencode' | 'json';
  value: string;
}

/** Everything the command line asked for, typed and validated. */
/** One -F (curl's form syntax) or --form-string (`name=value`, the value as written) argument. */
export interface FormArg {
  arg: string;
  literal: boolean;
}

export interface CliOptions extends HttpFlags, HttpExtraArgs, ProxyArgs, FtpArgs, MailArgs, NetArgs {
  urls: UrlArg[];
  help: boolean;
  version: boolean;
  head: boolean;
  include: boolean;
  verbose: boolean;
  silent: boolean;
  showError: boolean;
  noProgressMeter: boolean;
  /** --stderr: the file dial's stderr goes to ('-' = stdout). */
  stderr: string | undefined;
  /** -#: curl's progress bar in place of the meter line. */
  progressBar: boolean;
  fail: boolean;
  failWithBody: boolean;
  location: boolean;
  /** curl's default is 50; -1 = unlimited. */
  maxRedirs: number;
  method: string | undefined;
  headers: string[];
  data: DataArg[];
  get: boolean;
  /** --url-query, in order: --data-urlencode's forms, or `+text` as written; added to every URL's query. */
  urlQuery: string[];
  /** -F and --form-string, in order: `literal` for --form-string, whose value is taken as written. */
  form: FormArg[];
  uploadFile: string | undefined;
  user: string | undefined;
  noproxy: string | undefined;
  /** -U user:password for the proxy (-x's or the environment's). */
  proxyUser: string | undefined;
  insecure: boolean;
  cacert: string | undefined;
  cert: string | undefined;
  key: string | undefined;
  /** The other TLS options: versions, ciphers, --capath, --pinnedpubkey, --pass, --cert-type/--key-type. */
  tlsArgs: TlsArgs;
  /** --etag-save: where the response's ETag is written ('-' = stdout). */
  etagSave: string | undefined;
  /** --etag-compare: the file whose ETag is sent as If-None-Match. */
  etagCompare: string | undefined;
  /** --create-file-mode: checked as curl checks it (octal, at most 0777); dial creates no remote file for it to apply to. */
  createFileMode: number | undefined;
  /** -C: a byte offset, or 'auto' for `-C -`. */
  continueAt: number | 'auto' | undefined;
  range: string | undefined;
  /** Seconds; undefined = no limit, which `-m 0` also means, as in curl (not a deadline already passed). */
  maxTime: number | undefined;
  connectTimeout: number | undefined;
  /** Bytes; undefined = no limit (`--max-filesize 0` too, as curl). */
  maxFilesize: number | undefined;
  /** --limit-rate: bytes per second, each way; undefined = no limit (`0` too, as curl). */
  limitRate: number | undefined;
  compressed: boolean;
  /** --basic, --digest or --anyauth, whichever came last; undefined = Basic, and a Digest challenge answered. */
  authScheme: 'basic' | 'digest' | 'any' | undefined;
  /** --http1.0 (-0) or --http1.1, whichever came last; undefined = the default, 1.1. */
  httpVersion: '1.0' | '1.1' | undefined;
  unixSocket: string | undefined;
  parallel: boolean;
  parallelMax: number;
  writeOut: string | undefined;
  mailFrom: string | undefined;
  mailRcpt: string[];
  listOnly: boolean;
  /**
   * -n / --netrc-file (`required`: .netrc's password wins over one in the URL)
   * or --netrc-optional (`optional`: the URL's wins); undefined: no .netrc.
   */
  netrc: 'required' | 'optional' | undefined;
  /** --netrc-file: the file instead of ~/.netrc. */
  netrcFile: string | undefined;
  /** What reading the options found to warn about (a config file's unknown option), for stderr unless -s. */
  warnings: string[];
  /** -z: `[+|-]FILE` or `[+|-]DATE`, read once per run (see time-cond.ts). */
  timeCond: string | undefined;
  /** --ssl-reqd: TLS required on ftp/pop3/nntp/smtp URLs (AUTH TLS, STLS, STARTTLS). */
  sslReqd: boolean;
  /** --fail-early: stop at the first failed transfer (else the last URL's result is the exit code). */
  failEarly: boolean;
  /** -b, in order: with a '=' cookie data sent as the Cookie header, else a cookie file to read ('' = none, '-' = stdin). */
  cookies: string[];
  /** -c: where the cookie jar is written at the end ('-' = stdout). */
  cookieJar: string | undefined;
  /** --hsts: the HSTS cache file, read at the start and written at the end of the run. */
  hsts: string | undefined;
  /** --doh-url: resolve names with DNS over HTTPS at this URL; --doh-insecure: without verifying its certificate. */
  dohUrl: string | undefined;
  dohInsecure: boolean;
  /** --dns-servers, --dns-ipv4-addr, --dns-ipv6-addr, --dns-interface (dns-args.ts). */
  dns: DnsArgs;
  /** --rate: ms between the starts of two serial transfers. */
  rate: number | undefined;
  /** --form-escape: -F names and file names backslash-escaped instead of percent-encoded. */
  formEscape: boolean;
  /** -j: leave the session cookies of the -b files out. */
  junkSessionCookies: boolean;
  userAgent: string | undefined;
  referer: string | undefined;
  traceJson: string | undefined;
  /** --trace / --trace-ascii: the dump file ('-' = stdout); the last of -v, --trace and --trace-ascii wins, as curl. */
  trace: string | undefined;
  /** The dump is --trace-ascii's. */
  traceAscii: boolean;
  /** --trace-time: a time before each -v line and each dump block. */
  traceTime: boolean;
  resolve: string[];
  retry: number;
  /** Seconds; undefined = curl's doubling back-off from 1 s. */
  retryDelay: number | undefined;
  retryMaxTime: number | undefined;
  retryConnrefused: boolean;
  retryAllErrors: boolean;
  dumpHeader: string | undefined;
  createDirs: boolean;
  /** -J: an -O file is named by the response's Content-Disposition filename. */
  remoteHeaderName: boolean;
  /** --no-clobber: an existing output file is never replaced (NAME.1 … NAME.100 instead). */
  noClobber: boolean;
  /** --remove-on-error: a failed transfer leaves no output file, even an appended one (-C). */
  removeOnError: boolean;
  /** --output-dir: where -o (relative) and -O files go. */
  outputDir: string | undefined;
  /** -R: give a saved file the server's Last-Modified time. */
  remoteTime: boolean;
  /** -N: every piece of a body goes out as it arrives, a small one too (no holding it for one write). */
  noBuffer: boolean;
  /** -4 / -6, whichever came last: resolve names to addresses of this family only. */
  ipFamily: 4 | 6 | undefined;
  globoff: boolean;
}

/**
 * Parses dial's arguments (without `node` and the script). Throws a
 * {@link CliExit} with curl's exit code 2 for unknown options, bad values
 * and conflicting flags.
 */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const warnings: string[] = [];
  const words = expandConfig(argv, (line) => warnings.push(line));
  let parsed;
  try {
    parsed = parseArgs({ args: normalizeArgv(words), options: OPTION_SPECS, allowPositionals: true, strict: true, tokens: true });
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'bad arguments';
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    throw usage(unknown ? `option ${unknown[1]}: is unknown` : msg);
  }
  const v = parsed.values;

  // Pair outputs with URLs in the order they appear, as curl does.
  const urls: UrlArg[] = [];
  const outputs: Array<{ output?: string; remoteName: boolean }> = [];
  for (const t of parsed.tokens) {
    if (t.kind === 'positional' || (t.kind === 'option' && t.name === 'url')) {
      const url = t.kind === 'positional' ? t.value : (t.value ?? '');
      urls.push({ url, remoteName: false });
    } else if (t.kind === 'option' && t.name === 'output') {
      // curl refuses an empty name before anything is sent (no file can be made by that name).
      if (!t.value) throw usage(`option ${t.rawName}: is badly used here`);
      outputs.push({ output: t.value, remoteName: false });
    }
    else if (t.kind === 'option' && t.name === 'remote-name') outputs.push({ remoteName: true });
  }
  outputs.forEach((o, i) => {
    const u = urls[i];
    if (u) Object.assign(u, o);
  });
  if (v['remote-name-all']) for (const u of urls) if (u.output === undefined) u.remoteName = true;

  const form: FormArg[] = [];
  for (const t of parsed.tokens) {
    if (t.kind === 'option' && (t.name === 'form' || t.name === 'form-string')) form.push({ arg: t.value ?? '', literal: t.name === 'form-string' });
  }

  const data: DataArg[] = [];
  const kinds = { data: 'ascii', 'data-ascii': 'ascii', 'data-binary': 'binary', 'data-raw': 'raw', 'data-urlencode': 'urlencode', json: 'json' } as const;
  for (const t of parsed.tokens) {
    if (t.kind === 'option' && t.name in kinds) data.push({ kind: kinds[t.name as keyof typeof kinds], value: t.value ?? '' });
  }

  // curl: the last of --http1.0 and --http1.1 wins, the last of -4 and -6, and the last of --basic, --digest and --anyauth.
  let httpVersion: '1.0' | '1.1' | undefined;
  let authScheme: CliOptions['authScheme'];
  let ipFamily: 4 | 6 | undefined;
  let trace: { file: string | undefined; ascii: boolean } | undefined;
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    if (t.name === 'verbose' || t.name === 'trace' || t.name === 'trace-ascii') trace = { file: t.name === 'verbose' ? undefined : (t.value ?? ''), ascii: t.name === 'trace-ascii' };
    if (t.name === 'http1.0' || t.name === 'http1.1') httpVersion = t.name === 'http1.0' ? '1.0' : '1.1';
    else if (t.name === 'ipv4' || t.name === 'ipv6') ipFamily = t.name === 'ipv4' ? 4 : 6;
    else if (t.name === 'basic' || t.name === 'digest' || t.name === 'anyauth') authScheme = t.name === 'anyauth' ? 'any' : t.name;
  }

  const ca = v['continue-at'];
  let continueAt: number | 'auto' | undefined;
  if (ca === '-') continueAt = 'auto';
  else continueAt = number('continue-at', ca, { integer: true });

  const opts: CliOptions = {
    urls,
    help: v.help ?? false,
    version: v.version ?? false,
    head: v.head ?? false,
    include: v.include ?? false,
    verbose: (v.verbose ?? false) && trace?.file === undefined,
    silent: v.silent ?? false,
    showError: v['show-error'] ?? false,
    noProgressMeter: v['no-progress-meter'] ?? false,
    progressBar: v['progress-bar'] ?? false,
    stderr: v.stderr,
    fail: v.fail ?? false,
    failWithBody: v['fail-with-body'] ?? false,
    // --location-trusted is -L too, as in curl.
    location: (v.location || v['location-trusted']) ?? false,
    maxRedirs: number('max-redirs', v['max-redirs'], { integer: true, min: -1 }) ?? 50,
    method: v.request,
    headers: v.header ?? [],
    data,
    get: v.get ?? false,
    urlQuery: v['url-query'] ?? [],
    form,
    uploadFile: v['upload-file'],
    user: v.user,
    ...proxyArgs(parsed.tokens, v),
    proxyUser: v['proxy-user'],
    noproxy: v.noproxy,
    insecure: v.insecure ?? false,
    cacert: v.cacert,
    cert: v.cert,
    key: v.key,
    tlsArgs: parseTlsArgs(v, parsed.tokens, '', warnings),
    etagSave: v['etag-save'],
    etagCompare: v['etag-compare'],
    createFileMode: octalMode(v['create-file-mode']),
    continueAt,
    range: v.range,
    maxTime: number('max-time', v['max-time']) || undefined,
    connectTimeout: number('connect-timeout', v['connect-timeout']),
    maxFilesize: size('max-filesize', v['max-filesize']) || undefined,
    limitRate: size('limit-rate', v['limit-rate']) || undefined,
    compressed: v.compressed ?? false,
    httpVersion,
    authScheme,
    unixSocket: v['unix-socket'],
    parallel: v.parallel ?? false,
    // curl: 0 means its default of 50, and more than 300 is 300; a negative count is refused.
    parallelMax: Math.min(300, number('parallel-max', v['parallel-max'], { integer: true }) || 50),
    writeOut: v['write-out'],
    mailFrom: v['mail-from'],
    mailRcpt: v['mail-rcpt'] ?? [],
    ...mailArgs(v),
    listOnly: v['list-only'] ?? false,
    ...ftpArgs(parsed.tokens, v, warnings),
    timeCond: v['time-cond'],
    warnings,
    netrc: v['netrc-optional'] ? 'optional' : v.netrc || v['netrc-file'] !== undefined ? 'required' : undefined,
    netrcFile: v['netrc-file'],
    sslReqd: v['ssl-reqd'] ?? false,
    failEarly: v['fail-early'] ?? false,
    cookies: v.cookie ?? [],
    cookieJar: v['cookie-jar'],
    hsts: v.hsts,
    dohUrl: v['doh-url'],
    dohInsecure: v['doh-insecure'] ?? false,
    dns: { servers: v['dns-servers'], ipv4: v['dns-ipv4-addr'], ipv6: v['dns-ipv6-addr'], iface: v['dns-interface'] },
    rate: v.rate === undefined ? undefined : parseRate(v.rate),
    formEscape: v['form-escape'] ?? false,
    junkSessionCookies: v['junk-session-cookies'] ?? false,
    userAgent: v['user-agent'],
    referer: v.referer,
    traceJson: v['trace-json'],
    trace: trace?.file,
    traceAscii: trace?.ascii ?? false,
    traceTime: v['trace-time'] ?? false,
    resolve: v.resolve ?? [],
    retry: number('retry', v.retry, { integer: true }) ?? 0,
    retryDelay: number('retry-delay', v['retry-delay']),
    retryMaxTime: number('retry-max-time', v['retry-max-time']),
    retryConnrefused: v['retry-connrefused'] ?? false,
    retryAllErrors: v['retry-all-errors'] ?? false,
    dumpHeader: v['dump-header'],
    createDirs: v['create-dirs'] ?? false,
    noClobber: v['no-clobber'] ?? false,
    remoteHeaderName: v['remote-header-name'] ?? false,
    removeOnError: v['remove-on-error'] ?? false,
    outputDir: v['output-dir'],
    remoteTime: v['remote-time'] ?? false,
    noBuffer: v['no-buffer'] ?? false,
    ipFamily,
    globoff: v.globoff ?? false,
    ...parseHttpFlags(v, warnings),
    ...parseHttpExtra(v),
    ...netArgs(v, parsed.tokens),
  };
  checkConflicts(opts);
  return opts;
}

/** curl refuses to guess between two request kinds; so does dial (exit 2). */
function checkConflicts(o: CliOptions): void {
  const kinds: string[] = [];
  if (o.head) kinds.push('HEAD (-I)');
  if (o.data.length > 0 && !o.get) kinds.push(o.data.some((d) => d.kind === 'json') ? 'POST (--json)' : 'POST (-d)');
  if (o.form.length > 0) kinds.push('multipart formpost (-F)');
  if (o.uploadFile !== undefined) kinds.push('PUT (-T)');
  if (kinds.length > 1) throw usage(`You can only select one HTTP request method! You asked for both ${kinds[0]} and ${kinds[1]}.`);
  if (o.get && o.form.length > 0) throw usage('You can only select one HTTP request method! You asked for both GET (-G) and multipart formpost (-F).');
  if (o.fail && o.failWithBody) throw usage('You must select either --fail or --fail-with-body, not both.');
  if (o.continueAt !== undefined && o.range !== undefined) throw usage('--continue-at and --range are mutually exclusive');
  if (o.range !== undefined && !/^(\d+-\d*|-\d+)$/.test(o.range)) throw usage(`option --range: invalid range '${o.range}'`);
  if (o.cert === undefined && o.key !== undefined) throw usage('option --key: needs --cert');
  if (o.proxyTls.cert === undefined && o.proxyTls.key !== undefined) throw usage('option --proxy-key: needs --proxy-cert');
  if (o.data.some((d) => d.kind === 'json') && o.data.some((d) => d.kind !== 'json'))
    throw usage('--json cannot be combined with other -d options');
  for (const r of o.resolve) {
    if (!/^(\[[^\]]+\]|[^:]+):\d+:.+$/.test(r)) throw usage(`option --resolve: bad entry '${r}' (want HOST:PORT:ADDRESS)`);
  }
}
