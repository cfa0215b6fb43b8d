/**
 * Flags → {@link OpenOptions}: the one place where dial's command line meets
 * the library. Everything a transfer sends is decided here; protocol details
 * stay in urlopen.
 *
 * @module
 */
import { createReadStream, promises as fsp } from 'node:fs';
import type { OpenOptions } from '../urlopen/types.js';
import type { HttpOpenOptions } from '../urlopen/schemes/http.js';
import type { MailOpenOptions } from '../urlopen/schemes/smtp.js';
import { mailOpenOptions } from './mail-args.js';
import type { CliOptions } from './args.js';
import type { SharedRequest } from './shared-request.js';
import { appendQuery } from './data.js';
import { CliExit, EXIT } from './exit-codes.js';
import { connectUrl, pinnedLookup } from './lookup.js';
import { parseProxyUrl, proxyForUrl } from '../protocols/http/proxy/env.js';
import { timeCondHeader } from './time-cond.js';
import { netrcLogin } from './netrc.js';
import { applyHttpFlags } from './http-flags.js';
import { applyHttpExtra } from './http-extra-args.js';
import { applyNetArgs } from './net-args.js';
import { checkProtocol } from './proto.js';

export { prepareShared, type SharedRequest } from './shared-request.js';

/** OpenOptions plus what the mail schemes read (until OpenOptions names them). */
export type DialOpenOptions = HttpOpenOptions & MailOpenOptions & { mailFrom?: string | undefined; mailRcpt?: string[] | undefined };

/** curl's -H rules: `Name: value` sets, `Name:` removes a default, `Name;` sends it empty. */
export function buildHeaders(o: CliOptions, shared: SharedRequest, extra: Array<[string, string]> = []): Array<[string, string]> {
  const defaults: Array<[string, string]> = [];
  if (shared.userAgent !== '') defaults.push(['User-Agent', shared.userAgent]);
  if (o.referer !== undefined) defaults.push(['Referer', o.referer.replace(/;auto$/, '')]);
  // As curl: a -H Authorization replaces it, and like it the token stays with the first origin unless --location-trusted.
  if (o.oauth2Bearer !== undefined) defaults.push(['Authorization', `Bearer ${o.oauth2Bearer}`]);
  // As curl: -H Cookie replaces the -b data, and -H 'Cookie:' removes it.
  if (shared.cookieHeader !== undefined) defaults.push(['Cookie', shared.cookieHeader]);
  if (shared.timeCond) defaults.push(timeCondHeader(shared.timeCond));
  if (shared.ifNoneMatch !== undefined) defaults.push(['If-None-Match', shared.ifNoneMatch]);
  if (shared.data && !o.get) {
    if (shared.data.json) {
      defaults.push(['Content-Type', 'application/json'], ['Accept', 'application/json']);
    } else defaults.push(['Content-Type', 'application/x-www-form-urlencoded']);
  }
  defaults.push(...extra);
  const user: Array<[string, string]> = [];
  const removed = new Set<string>();
  for (const line of o.headers) {
    const semi = /^([^:;\s]+);\s*$/.exec(line);
    if (semi) {
      user.push([semi[1]!, '']);
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw new CliExit(EXIT.FAILED_INIT, `option --header: bad header line '${line}'`);
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (value === '') removed.add(name.toLowerCase());
    else user.push([name, value]);
  }
  const userNames = new Set(user.map(([n]) => n.toLowerCase()));
  // -A '' and -H 'User-Agent:' both mean: send none.
  return [...defaults.filter(([n]) => !userNames.has(n.toLowerCase()) && !removed.has(n.toLowerCase())), ...user];
}

/**
 * The headers the user removed (`-H 'Name:'`, and User-Agent for `-A ''`),
 * lower-cased: the HTTP client must not add its own of those either, as
 * curl's internal ones go. Undefined when none.
 */
export function removedHeaders(o: CliOptions, shared: SharedRequest): string[] | undefined {
  const names: string[] = [];
  if (shared.userAgent === '') names.push('user-agent');
  for (const line of o.headers) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(colon + 1).trim() === '') names.push(line.slice(0, colon).trim().toLowerCase());
  }
  return names.length > 0 ? names : undefined;
}

/** Splits `-u user:password` at the first colon. */
export function splitUser(u: string | undefined): { user?: string; password?: string } {
  if (u === undefined) return {};
  const i = u.indexOf(':');
  return i < 0 ? { user: u } : { user: u.slice(0, i), password: u.slice(i + 1) };
}

/** The parts of one transfer that the request depends on. */
export interface RequestTarget {
  url: string;
  /** First byte to ask for (resume), if any: counted from the start of `within` when it is set. */
  resumeFrom?: number | undefined;
  /** The part of the document (-r) an earlier attempt was sent and broke in: a resume stays inside it. */
  within?: { start: number; end?: number | undefined } | undefined;
}

/** The range one attempt asks for: a resume (inside the -r part an earlier attempt got, if any), else -r's own. */
function attemptRange(target: RequestTarget, range: { start: number; end: number | undefined } | undefined): { start: number; end?: number | undefined } | undefined {
  const resume = target.resumeFrom ?? 0;
  if (resume > 0) return target.within ? { start: target.within.start + resume, end: target.within.end } : { start: resume };
  return range ? { ...range } : undefined;
}

/** -T: the file to send as a fresh stream (one per attempt), its length when known, and how to open it again for a redirect (not stdin). */
async function uploadBody(path: string): Promise<{ body: AsyncIterable<Uint8Array>; length: number | undefined; reopen?: () => AsyncIterable<Uint8Array> }> {
  if (path === '-' || path === '.') return (await stdinFile()) ?? { body: process.stdin as AsyncIterable<Uint8Array>, length: undefined };
  let size: number;
  try {
    const st = await fsp.stat(path);
    if (!st.isFile()) throw new Error('not a regular file');
    size = st.size;
    await (await fsp.open(path, 'r')).close();
  } catch (e) {
    throw new CliExit(EXIT.READ_ERROR, `Failed to open/read local data from file/application: ${path} (${(e as Error).message})`, { cause: e });
  }
  return { body: createReadStream(path) as AsyncIterable<Uint8Array>, length: size, reopen: () => fileChunks(path) };
}

/**
 * Stdin when it is a regular file (`dial -T - URL < file`): read by position
 * from where the descriptor stands, so a redirect (307/308) can send it again
 * as curl rewinds it, and its length is known. Undefined for a pipe or a
 * terminal, or where the position cannot be read (/proc/self/fdinfo is Linux's).
 */
async function stdinFile(): Promise<{ body: AsyncIterable<Uint8Array>; length: number; reopen: () => AsyncIterable<Uint8Array> } | undefined> {
  const st = await fsp.stat('/dev/stdin').catch(() => undefined);
  if (!st?.isFile()) return undefined;
  const info = await fsp.readFile('/proc/self/fdinfo/0', 'utf8').catch(() => '');
  const pos = /^pos:\s*(\d+)$/m.exec(info);
  if (!pos) return undefined;
  const start = Number(pos[1]);
  const read = () => createReadStream('', { fd: 0, start, autoClose: false }) as AsyncIterable<Uint8Array>;
  return { body: read(), length: Math.max(0, st.size - start), reopen: read };
}

/** A file's bytes, opened only when first read: a redirect's copy that is never sent holds no descriptor. */
async function* fileChunks(path: string): AsyncGenerator<Uint8Array> {
  for await (const chunk of createReadStream(path)) yield chunk as Uint8Array;
}

/** curl appends the upload file's name to a URL that ends in a slash. */
export function uploadUrl(url: string, file: string | undefined): string {
  if (file === undefined || file === '-' || file === '.' || !/\/$/.test(url.replace(/[?#].*$/, ''))) return url;
  const name = file.slice(file.replace(/\\/g, '/').lastIndexOf('/') + 1);
  const q = url.search(/[?#]/);
  return q < 0 ? url + encodeURIComponent(name) : url.slice(0, q) + encodeURIComponent(name) + url.slice(q);
}

/** The final URL for a transfer: -G query and -T file name applied. */
export function effectiveUrl(o: CliOptions, shared: SharedRequest, url: string): string {
  let u = url;
  if (o.get && shared.data) u = appendQuery(u, shared.data.body);
  if (shared.urlQuery) u = appendQuery(u, Buffer.from(shared.urlQuery, 'utf8'));
  checkProtocol(u.slice(0, u.indexOf(':')).toLowerCase(), o.proto);
  return uploadUrl(u, o.uploadFile);
}

/**
 * Builds the OpenOptions for one attempt of one transfer. Bodies are created
 * afresh each call, because a retry needs a stream it has not read.
 */
export async function buildOpenOptions(o: CliOptions, shared: SharedRequest, target: RequestTarget): Promise<DialOpenOptions> {
  const url = new URL(target.url);
  const http = url.protocol === 'http:' || url.protocol === 'https:';
  const extra: Array<[string, string]> = [];
  const opts: DialOpenOptions = {};
  let method = o.method;
  // pop3 answers HEAD from LIST N alone; other schemes have none: the CLI prints their head and skips the body.
  if (o.head && (http || POP3_URL.test(target.url))) method ??= 'HEAD';
  if (shared.data && !o.get) {
    opts.body = shared.data.body;
    opts.bodyLength = shared.data.body.length;
    method ??= 'POST';
  }
  if (o.form.length > 0) {
    // Loaded only for -F.
    const { encodeForm, literalFormField, parseFormField } = await import('./form.js');
    const form = await encodeForm(o.form.map((f) => (f.literal ? literalFormField(f.arg) : parseFormField(f.arg))), undefined, undefined, o.formEscape);
    opts.body = form.body;
    opts.bodyLength = form.length;
    if (http) opts.reopenBody = form.reopen;
    extra.push(['Content-Type', form.contentType]);
    method ??= 'POST';
  }
  if (o.uploadFile !== undefined) {
    const up = await uploadBody(o.uploadFile);
    opts.body = up.body;
    opts.bodyLength = up.length;
    if (http && up.reopen) opts.reopenBody = up.reopen;
    method ??= 'PUT';
  }
  if (method !== undefined) opts.method = method;
  if (http || o.headers.length > 0) {
    const headers = buildHeaders(o, shared, extra);
    // curl's -r with a suffix (`-500`) has no {start,end} form: send the header itself.
    if (o.range?.startsWith('-')) headers.push(['Range', `bytes=${o.range}`]);
    // Content-Type of a form must reach the server even if urlopen adds none.
    opts.headers = headers;
    const removed = http ? removedHeaders(o, shared) : undefined;
    if (removed) opts.omitDefaultHeaders = removed;
  }
  Object.assign(opts, splitUser(o.user), o.user === undefined ? netrcLogin(shared.netrc, o.netrc, target.url) : {});
  opts.maxRedirects = maxRedirectsOf(o);
  // curl keeps a -X method on every hop, even where a 303 (or a 301/302 to a POST) would make it GET.
  if (http && o.method !== undefined && o.location) opts.keepRedirectMethod = true;
  // curl -L follows https → http (and → ftp) like any other hop: its redirect protocols hold no rule about TLS.
  if (http && o.location) opts.allowDowngrade = true;
  const range = attemptRange(target, byteRange(o.range));
  if (range) opts.range = range;
  return copyFlags(o, shared, url, opts, target.url);
}

/** How many redirects -L/--max-redirs allow (0 without -L; -1 means no limit). */
function maxRedirectsOf(o: CliOptions): number {
  return o.location ? (o.maxRedirs < 0 ? 1_000_000 : o.maxRedirs) : 0;
}

/** `-r a-b` as {start, end}; undefined for none or a suffix range (`-500`, sent as a header). */
function byteRange(r: string | undefined): { start: number; end: number | undefined } | undefined {
  if (r === undefined || r.startsWith('-')) return undefined;
  const [a, b] = r.split('-');
  return { start: Number(a), end: b ? Number(b) : undefined };
}

/** An http: or https: URL, as normalizeUrl leaves it (the scheme first, in any case). */
const HTTP_URL = /^https?:/i;
const POP3_URL = /^pop3s?:/i;

/** The options copied straight from flags, the same for every attempt of every URL but `--resolve`'s lookup (`url` is needed only with --resolve). */
function copyFlags(o: CliOptions, shared: SharedRequest, url: URL | undefined, opts: DialOpenOptions, target: string): DialOpenOptions {
  if (shared.tls) opts.tls = shared.tls;
  if (shared.proxyTls) opts.proxyTls = shared.proxyTls;
  if (o.proxyAuth !== undefined) opts.proxyAuth = o.proxyAuth;
  if (o.proxyTunnel) opts.proxyTunnel = true;
  if (o.proxy !== undefined) opts.proxy = o.proxy === '' ? null : o.proxy;
  if (o.noproxy !== undefined) opts.noProxy = o.noproxy;
  else if (o.proxy) {
    // curl applies the environment's no_proxy list to a -x proxy too (the library, given a proxy, applies only its noProxy).
    const env = process.env['no_proxy'] || process.env['NO_PROXY'];
    if (env) opts.noProxy = env;
  }
  // -U: the credentials go on whichever proxy this URL uses, -x's or the environment's.
  if (o.proxyUser !== undefined && opts.proxy !== null) {
    const proxy = opts.proxy ?? proxyForUrl(new URL(target), process.env, opts.noProxy);
    if (proxy !== undefined) opts.proxy = withProxyUser(proxy, o.proxyUser);
  }
  if (o.resolve.length > 0 && url) {
    const lookup = pinnedLookup(o, shared, connectUrl(o, url));
    if (lookup) opts.lookup = lookup;
  }
  if (opts.lookup === undefined && shared.lookup) opts.lookup = shared.lookup;
  if (o.unixSocket !== undefined) opts.unixSocket = o.unixSocket;
  if (o.compressed) opts.compressed = true;
  if (o.authScheme !== undefined) opts.authScheme = o.authScheme;
  if (o.httpVersion !== undefined) opts.httpVersion = o.httpVersion;
  if (shared.cookieJar) opts.cookies = shared.cookieJar;
  if (shared.hsts) opts.hsts = shared.hsts;
  if (o.listOnly) opts.listOnly = true;
  if (o.ftpPort !== undefined) Object.assign(opts, { activeMode: true, ...shared.ftpPort });
  if (o.ftpCreateDirs) opts.ftpCreateDirs = true;
  if (o.quote.before.length > 0) opts.ftpQuote = o.quote.before;
  if (o.quote.pre.length > 0) opts.ftpPreQuote = o.quote.pre;
  if (o.quote.after.length > 0) opts.ftpPostQuote = o.quote.after;
  if (o.append) opts.ftpAppend = true;
  if (o.useAscii) opts.ftpAscii = true;
  if (o.crlf) opts.crlf = true;
  if (o.ftpMethod !== undefined) opts.ftpMethod = o.ftpMethod;
  if (!o.epsv) opts.ftpEpsv = false;
  // curl offers EPRT before PORT unless told not to; the library's default is PORT.
  opts.ftpEprt = o.eprt;
  if (!o.ftpSkipPasvIp) opts.ftpSkipPasvIp = false;
  if (o.ftpAccount !== undefined) opts.ftpAccount = o.ftpAccount;
  if (o.ftpAlternativeToUser !== undefined) opts.ftpAlternativeToUser = o.ftpAlternativeToUser;
  if (o.sslReqd) opts.requireTls = true;
  else if (o.ssl) opts.ftpSecure = 'try';
  if (o.maxFilesize !== undefined) opts.maxBodySize = o.maxFilesize;
  if (o.maxTime !== undefined) opts.timeout = o.maxTime * 1000;
  if (o.connectTimeout !== undefined) opts.connectTimeout = o.connectTimeout * 1000;
  Object.assign(opts, mailOpenOptions(o));
  // smtp and pop3 log in with the token (SASL OAUTHBEARER / XOAUTH2); HTTP sends it as a header (buildHeaders) and reads no option.
  if (o.oauth2Bearer !== undefined && !HTTP_URL.test(target)) opts.oauth2Bearer = o.oauth2Bearer;
  applyHttpFlags(o, opts, target);
  applyHttpExtra(o, opts, target);
  applyNetArgs(o, opts);
  return opts;
}

/** `proxy` with -U's `user:password` (split at the first colon), unless it names its own (curl lets those win). */
function withProxyUser(proxy: string, userPassword: string): string {
  const u = parseProxyUrl(proxy);
  if (u.username || u.password) return proxy;
  const i = userPassword.indexOf(':');
  u.username = encodeURIComponent(i < 0 ? userPassword : userPassword.slice(0, i));
  u.password = encodeURIComponent(i < 0 ? '' : userPassword.slice(i + 1));
  return u.href;
}

/** Builds one attempt's OpenOptions; synchronous when nothing has to be read per attempt. */
export type OpenOptionsBuilder = (target: RequestTarget) => DialOpenOptions | Promise<DialOpenOptions>;

/**
 * {@link buildOpenOptions} with the parts that are the same for every URL of
 * a run worked out once. A form or an upload needs a fresh body per attempt,
 * so those runs go through buildOpenOptions itself.
 */
export function openOptionsBuilder(o: CliOptions, shared: SharedRequest): OpenOptionsBuilder {
  if (o.form.length > 0 || o.uploadFile !== undefined) return (target) => buildOpenOptions(o, shared, target);
  const body = shared.data && !o.get ? shared.data.body : undefined;
  // Other schemes have no HEAD; the CLI prints their head and skips the body.
  const methodOther = o.method ?? (body ? 'POST' : undefined);
  const methodHttp = o.method ?? (o.head ? 'HEAD' : methodOther);
  const sendHeaders = o.headers.length > 0;
  // Built on first use, so a bad -H line fails each transfer as buildOpenOptions does.
  let headers: Array<[string, string]> | undefined;
  const headerList = (): Array<[string, string]> => {
    if (!headers) {
      const h = buildHeaders(o, shared);
      // curl's -r with a suffix (`-500`) has no {start,end} form: send the header itself.
      if (o.range?.startsWith('-')) h.push(['Range', `bytes=${o.range}`]);
      headers = h;
    }
    return headers.slice();
  };
  const removed = removedHeaders(o, shared);
  const user = splitUser(o.user);
  const maxRedirects = maxRedirectsOf(o);
  const keepMethod = o.method !== undefined && o.location;
  const range = byteRange(o.range);
  return (target) => {
    // Parsed only for --resolve, which needs the host and port.
    const url = o.resolve.length > 0 ? new URL(target.url) : undefined;
    const http = HTTP_URL.test(target.url);
    const opts: DialOpenOptions = {};
    if (body) {
      opts.body = body;
      opts.bodyLength = body.length;
    }
    const method = http || (o.head && POP3_URL.test(target.url)) ? methodHttp : methodOther;
    if (method !== undefined) opts.method = method;
    if (http || sendHeaders) opts.headers = headerList();
    if (http && removed) opts.omitDefaultHeaders = removed;
    Object.assign(opts, user, o.user === undefined ? netrcLogin(shared.netrc, o.netrc, target.url) : {});
    opts.maxRedirects = maxRedirects;
    if (http && keepMethod) opts.keepRedirectMethod = true;
    if (http && o.location) opts.allowDowngrade = true;
    const asked = attemptRange(target, range);
    if (asked) opts.range = asked;
    return copyFlags(o, shared, url, opts, target.url);
  };
}
