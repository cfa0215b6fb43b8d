/**
 * urlopen's ftp: and ftps: scheme (RFC 1738 §3.2).
 *
 * - `ftp://[user[:password]@]host[:port]/dir/…/file[;type=a|i|d]`: each
 *   directory segment is a CWD (percent-decoded; a segment decoding to a
 *   `/` — other than a leading `%2F` for an absolute path — is refused),
 *   then RETR of the last one. `;type=a` transfers in ASCII, `;type=d` and
 *   `listOnly` list names (NLST), a trailing `/` lists the directory (LIST)
 *   as text.
 * - `ftps://` is implicit FTPS (port 990), as in curl; explicit FTPS on an
 *   ftp:// URL is `ftpSecure: 'explicit'` (curl --ssl-reqd).
 * - Credentials from `options.user`/`password`, else from the URL, else anonymous.
 * - `method: 'PUT'` with a body stores it (STOR); `HEAD` asks SIZE/MDTM only.
 * - `range` resumes with REST; a range end stops the transfer (ABOR) there;
 *   a start past the file's SIZE is an InputError (phase 'range').
 * - `res.consume(sink)` reads with the download's own `consume` (each read
 *   handed to the sink in node's read callback, no copy per chunk): the same
 *   range, bound, errors and session end as iterating (ftp-body.ts).
 * - `proxy`/`noProxy` (or `ftp_proxy`/`all_proxy` in the environment):
 *   control and data connections are tunnelled (SOCKS, or HTTP CONNECT as
 *   curl's `--proxytunnel`; never FTP-over-HTTP GET).
 *
 * Status: retrievals and listings answer 200 — the FTP final reply (226)
 * only arrives after the body, when the response has long been returned; it
 * is then `finalStatus` (and `raw.download.finalReply`). An upload answers its final reply's code
 * (226), which it knows. Headers are synthesized: Content-Length (from SIZE,
 * less a range start), Last-Modified (MDTM), Content-Type (by extension, or
 * text/plain for listings).
 *
 * @module
 */
import { AbortError, DialError, InputError, LimitError, ReplyError, TimeoutError } from '../../errors.js';
import { timerMs } from '../../util/guard.js';
import { FtpClient, type FtpConnectOptions, type FtpSecurity } from '../../protocols/ftp/client.js';
import { asciiToLocal } from '../../protocols/ftp/core/ascii.js';
import { checkArg } from '../../protocols/ftp/core/path.js';
import type { Download } from '../../protocols/ftp/transfer.js';
import { checkRange, onceBody, requestChunks } from '../body.js';
import { rangeSpan } from '../byte-response.js';
import { typeForName } from '../mime.js';
import { percentDecode } from '../../util/percent.js';
import { credentials, hasHeaders, serverAddress, urlScheme } from '../server-url.js';
import { UrlResponse } from '../response.js';
import { operationDeadline } from '../deadline.js';
import type { OpenOptions, Opener } from '../types.js';
import { UrlHeaders } from '../headers.js';
import { park, sessionKey, takeSession, type FtpSession } from '../ftp-sessions.js';
import { ftpBody } from './ftp-body.js';
import { strictUtf8 } from '../../util/utf8.js';

/** ftp-only extras on top of {@link OpenOptions}. */
export interface FtpOpenOptions extends OpenOptions {
  /** For ftp:// URLs: 'explicit' asks AUTH TLS first (curl --ssl-reqd). ftps:// is always implicit. */
  ftpSecure?: FtpSecurity | undefined;
}

/** What `raw` holds on an FTP response. */
export interface FtpRawInfo {
  /** The preliminary reply (150/125), or the final one for uploads. */
  reply: { code: number; text: string } | undefined;
  /** The transfer, whose `finalReply` is set once the body has been read. */
  download: Download | undefined;
}

interface FtpTarget {
  dirs: string[];
  file: string;
  type: 'a' | 'i' | 'd' | undefined;
  isDir: boolean;
  /** 'latin1' when the path's escapes are not UTF-8: every segment is then read one byte per character, and sent so. */
  encoding: 'utf8' | 'latin1';
}


/** Splits an RFC 1738 path into CWD segments, the file, and `;type=`. */
export function parseFtpPath(pathname: string): FtpTarget {
  let path = pathname.replace(/^\//, '');
  let type: FtpTarget['type'];
  const m = /;type=([aidAID])$/.exec(path);
  if (m) {
    type = m[1]!.toLowerCase() as FtpTarget['type'];
    path = path.slice(0, m.index);
  }
  const bytes = path.split('/').map((s) => percentDecode(s));
  const texts = bytes.map((b) => strictUtf8(b));
  // A name that is not UTF-8 (as a Latin-1 server lists it) is sent as its bytes, as curl sends it: the whole path is then one byte per character.
  const encoding = texts.every((t) => t !== undefined) ? 'utf8' : 'latin1';
  const segs = bytes.map((b, i) => {
    const d = encoding === 'utf8' ? texts[i]! : b.toString('latin1');
    checkArg(d, 'URL path segment');
    if (d.includes('/') && !(i === 0 && d.startsWith('/') && !d.slice(1).includes('/'))) {
      throw new InputError(`the URL path segment ${JSON.stringify(d)} holds an encoded "/"`, { protocol: 'ftp' });
    }
    return d;
  });
  const file = segs.pop() ?? '';
  return { dirs: segs.filter((s) => s !== ''), file, type, isDir: file === '', encoding };
}

/** Opens an ftp:// or ftps:// URL (see the module notes). */
export const openFtp: Opener = async (url: URL, options: FtpOpenOptions) => {
  const scheme = urlScheme(url);
  if (scheme !== 'ftp' && scheme !== 'ftps') throw new InputError(`openFtp cannot open ${scheme}: URLs`);
  if (url.search) throw new InputError('ftp URLs have no query part', { protocol: 'ftp' });
  const target = parseFtpPath(url.pathname);
  const method = (options.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT' && method !== 'POST') throw new InputError(`ftp does not support method ${method}`, { protocol: 'ftp' });
  if (hasHeaders(options)) {
    throw new InputError('ftp has no request headers', { protocol: 'ftp' });
  }
  const range = checkRange(options.range, (m) => new InputError(m, { protocol: 'ftp' }));
  const upload = method === 'PUT' || method === 'POST';
  if (upload && (options.body === undefined || target.isDir)) throw new InputError('an ftp upload needs a body and a file name', { protocol: 'ftp' });

  const { signal, translate } = operationDeadline(options, 'ftp');
  const secure: FtpSecurity = scheme === 'ftps' ? 'implicit' : (options.ftpSecure ?? (options.requireTls ? 'explicit' : false));
  const connect: FtpConnectOptions = {
    ...serverAddress(url),
    ...credentials(url, options),
    secure,
    tls: options.tls,
    // The bound on each reply; connectTimeout bounds only connecting and logging in (startSession), as curl's does.
    timeout: options.timeout,
    dataTimeout: options.timeout,
    signal,
    trace: options.trace,
    lookup: options.lookup,
    activeMode: options.activeMode,
    proxy: options.proxy,
    proxyTls: options.proxyTls,
    proxyAuth: options.proxyAuth,
    noProxy: options.noProxy,
  };
  if (target.encoding === 'latin1') connect.encoding = 'latin1';
  // A latin1 session reads and writes differently, and a session's reply bound is its opener's timeout for
  // as long as it lives: each is kept apart, so no URL inherits another caller's encoding or bound.
  const key = `${sessionKey(connect)}|${connect.timeout ?? ''}${target.encoding === 'latin1' ? '|latin1' : ''}`;
  const session = await startSession(key, connect, options.connectTimeout, { dirs: target.dirs, create: options.ftpCreateDirs === true }, options.trace).catch((e: unknown) => Promise.reject(translate(e)));
  const { client } = session;
  const release = (): void => park(key, session);
  try {
    const shown = url.href;
    if (upload) {
      const reply = await client.store(target.file, requestChunks(options.body!), {
        signal,
        ascii: target.type === 'a',
        offset: range?.start,
        expectedSize: options.bodyLength,
        onProgress: options.onProgress,
      });
      release();
      return new UrlResponse({
        url: shown,
        status: reply.code,
        statusText: reply.lines[0] ?? '',
        protocol: 'ftp',
        headers: new UrlHeaders(),
        body: onceBody(Buffer.alloc(0)),
        raw: { reply: { code: reply.code, text: reply.text }, download: undefined } satisfies FtpRawInfo,
      });
    }
    const listing = target.isDir || target.type === 'd';
    const headers = new UrlHeaders();
    // An answer known without a data connection (HEAD, an empty file, a listing read whole): the session is free again at once.
    const answered = (bytes: Uint8Array): UrlResponse => {
      release();
      return new UrlResponse({ url: shown, status: 200, protocol: 'ftp', headers, body: onceBody(bytes) });
    };
    let dl: Download | undefined;
    let total: number | undefined;
    if (listing) {
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      if (method === 'HEAD') return answered(Buffer.alloc(0));
      const name = target.isDir ? undefined : target.file;
      const command = options.listOnly || target.type === 'd' ? 'NLST' : 'LIST';
      // The server's bytes, names in whatever charset it uses (as curl hands them on); TYPE A text, so local line endings.
      const bytes = await listWithin(client, name, command, signal, options.maxBodySize);
      headers.set('Content-Length', String(bytes.length));
      return answered(bytes);
    }
    const { size, modified } = await bounded(client, signal, () => client.stat(target.file));
    headers.set('Content-Type', typeForName(target.file));
    if (modified) headers.set('Last-Modified', modified.toUTCString());
    if (size !== undefined && target.type !== 'a') {
      // A start past the end names bytes the file does not have (curl: exit 36), unlike a start at
      // the end, which is a finished download; REST there would only make the server fail the RETR.
      if (range && range.start > size) {
        throw new InputError(`${url.href}: range start ${range.start} is beyond the end of the file (${size} bytes)`, { protocol: 'ftp', phase: 'range' });
      }
      total = rangeSpan(range, size).length;
      headers.set('Content-Length', String(total));
    }
    if (method === 'HEAD' || total === 0) return answered(Buffer.alloc(0));
    dl = await client.retrieve(target.file, {
      signal,
      ascii: target.type === 'a',
      offset: range?.start,
      expectedSize: range?.end === undefined ? total : undefined,
      onProgress: options.onProgress,
    });
    const download = dl;
    // REST started the transfer at the range's start; its end is cut in the body, which stops the rest with ABOR.
    const body = ftpBody(download, {
      length: range?.end !== undefined ? range.end - range.start + 1 : undefined,
      maxBodySize: options.maxBodySize,
      translate,
      // A transfer that ended with its final reply leaves the session ready for the next URL.
      end: async (clean) => {
        if (clean && client.usable) release();
        else await client.quit().catch(() => {});
      },
    });
    return new UrlResponse({
      url: shown,
      status: 200,
      statusText: dl.reply.lines[0] ?? '',
      protocol: 'ftp',
      headers,
      body,
      cancel: async () => {
        await download.cancel().catch(() => {});
        await client.quit().catch(() => {});
      },
      raw: { reply: { code: dl.reply.code, text: dl.reply.text }, download: dl } satisfies FtpRawInfo,
      finalStatus: () => dl.finalReply?.code,
    });
  } catch (e) {
    await client.close().catch(() => {});
    throw translate(e);
  }
};

/**
 * Runs `step`, made of control commands that take no signal (CWD, PWD, NOOP,
 * SIZE, MDTM), within `signal`: they would wait out the session's own reply
 * bound — 30 s, or the timeout of whoever opened a kept session — whatever
 * this URL's caller asked. On abort the connection is closed, which ends the
 * wait, and the step rejects with an AbortError (the deadline's becomes a
 * TimeoutError in `translate`).
 */
async function bounded<T>(client: FtpClient, signal: AbortSignal | undefined, step: () => Promise<T>): Promise<T> {
  if (!signal) return step();
  const abortError = () => new AbortError('the ftp operation was aborted', { cause: signal.reason, protocol: 'ftp' });
  if (signal.aborted) throw abortError();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(abortError());
      void client.close().catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    // The step's own rejection, once the connection is closed under it, is settled here and dropped.
    return await Promise.race([step(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/**
 * A listing read whole with local line endings, bounded by the caller's
 * `maxBodySize` (a LimitError) as a file is, not only by the client's own
 * listing bound. The transfer is stopped once the wire bytes prove the
 * listing too big: CRLF becoming LF at most halves them.
 */
async function listWithin(client: FtpClient, name: string | undefined, command: 'LIST' | 'NLST', signal: AbortSignal | undefined, max: number | undefined): Promise<Buffer> {
  if (max === undefined) return asciiToLocal(await client.listBytes(name, { signal, command }));
  const limit = new LimitError(`the listing exceeded maxBodySize (${max} bytes)`, { limit: max, phase: 'body', protocol: 'ftp' });
  const stop = new AbortController();
  const onProgress = (p: { transferred: number }): void => {
    if (p.transferred > 2 * max) stop.abort(limit);
  };
  let bytes: Buffer;
  try {
    bytes = asciiToLocal(await client.listBytes(name, { signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal, command, onProgress }));
  } catch (e) {
    if (stop.signal.aborted && !signal?.aborted) throw limit;
    throw e;
  }
  if (bytes.length > max) throw limit;
  return bytes;
}

/**
 * A session for `dirs`: a parked one (checked, and back in its login
 * directory) or a fresh login; then CWD into each directory. A parked session
 * that fails before its first reply (the server dropped it while it waited) is
 * replaced by a fresh one, once.
 */
async function startSession(key: string, connect: FtpConnectOptions, connectTimeout: number | undefined, path: FtpPath, trace: FtpConnectOptions['trace']): Promise<FtpSession> {
  const { signal } = connect;
  const kept = takeSession(key);
  if (kept) {
    kept.client.adopt(trace);
    trace?.({ kind: '*', text: `Re-using the FTP session with ${connect.host}`, protocol: 'ftp', event: 'reused', data: kept.client.connection });
    try {
      return await bounded(kept.client, signal, () => enter(kept, path, true));
    } catch (e) {
      await kept.client.close();
      // A refusal is the server's answer to this URL; a dropped session (closed, reset, 421 "closing") is not; an abort ends the URL.
      const stale = e instanceof DialError && !(e instanceof AbortError) && (!(e instanceof ReplyError) || e.reply?.code === 421);
      if (!stale) throw e;
    }
  }
  const client = await connectWithin(connect, connectTimeout);
  try {
    return await bounded(client, signal, () => enter({ client, home: undefined, away: false }, path));
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
}

/**
 * Connects and logs in within `bound` ms (curl --connect-timeout): the
 * connection's own `timeout` bounds each reply for as long as the session
 * lives, so the connect bound is a signal that only connecting and login
 * read. Its expiry is a TimeoutError in phase 'connect'.
 */
async function connectWithin(connect: FtpConnectOptions, bound: number | undefined): Promise<FtpClient> {
  if (!bound) return FtpClient.connect(connect);
  const timer = AbortSignal.timeout(timerMs(bound));
  try {
    return await FtpClient.connect({ ...connect, signal: connect.signal ? AbortSignal.any([connect.signal, timer]) : timer });
  } catch (e) {
    if (timer.aborted && !connect.signal?.aborted) {
      throw new TimeoutError(`connecting and logging in to ${connect.host} took more than ${bound} ms`, { timeout: bound, protocol: 'ftp', phase: 'connect', cause: e });
    }
    throw e;
  }
}

/** The directories to enter, and whether one that is missing is made (curl --ftp-create-dirs). */
interface FtpPath {
  dirs: string[];
  create: boolean;
}

/**
 * Back to the login directory if the session left it, then into `dirs` (learning the login directory first, to come back).
 * A `kept` session is made to answer once here, so that a drop is found while a fresh login can still stand in.
 */
async function enter(session: FtpSession, { dirs, create }: FtpPath, kept = false): Promise<FtpSession> {
  const { client } = session;
  // A 421 or close that came while parked sits unread until the next command: were that SIZE or RETR, the URL would fail.
  // Any reply but 421 (even a server's 502 to NOOP) shows the session alive.
  if (kept && !session.away && dirs.length === 0) {
    await client.noop().catch((e: unknown) => {
      if (!(e instanceof ReplyError) || e.reply?.code === 421) throw e;
    });
  }
  if (session.away && session.home !== undefined) {
    await client.cd(session.home);
    session.away = false;
  }
  if (dirs.length > 0) {
    if (session.home === undefined) session.home = await client.pwd().catch(() => undefined);
    session.away = true;
    for (const d of dirs) {
      try {
        await client.cd(d).catch(async (e: unknown) => {
          // A directory refused as missing is made, then entered, as curl does; a second refusal stands.
          if (!create || !(e instanceof ReplyError) || e.reply?.code === 421) throw e;
          await client.mkdir(d).catch(() => Promise.reject(e));
          await client.cd(d);
        });
      } catch (e) {
        // A refused CWD is the URL's path being denied (curl: exit 9), not a missing file.
        if (e instanceof ReplyError && e.reply && e.reply.code !== 421) throw new ReplyError(e.message, { reply: e.reply, protocol: 'ftp', phase: 'cwd', cause: e });
        throw e;
      }
    }
  }
  return session;
}
