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
 * - curl's FTP flags: `ftpQuote`/`ftpPreQuote`/`ftpPostQuote` (-Q),
 *   `ftpAppend` (-a), `ftpAscii` (-B), `crlf`, `ftpMethod`, `ftpEpsv`,
 *   `ftpEprt`, `ftpSkipPasvIp`, `ftpAccount` (see OpenOptions; the session
 *   and path steps are ftp-session.ts).
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
import { InputError, LimitError } from '../../errors.js';
import { FtpClient, type FtpConnectOptions, type FtpSecurity } from '../../protocols/ftp/client.js';
import { asciiToLocal, lfToCrlf } from '../../protocols/ftp/core/ascii.js';
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
import { park, sessionKey } from '../ftp-sessions.js';
import { bounded, reach, startSession } from './ftp-session.js';
import { parseQuotes, sendQuotes } from '../../protocols/ftp/quote.js';
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

  const path = reach(target.dirs, target.file, options.ftpMethod);
  // A `;type=` in the URL says how this file is sent; --use-ascii speaks for URLs that do not say.
  const ascii = target.type === undefined ? options.ftpAscii === true : target.type === 'a';
  const quotes = { before: parseQuotes(options.ftpQuote ?? []), pre: parseQuotes(options.ftpPreQuote ?? []), after: parseQuotes(options.ftpPostQuote ?? []) };
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
    local: options.local,
    activeMode: options.activeMode,
    activeAddress: options.activeAddress,
    activePorts: options.activePorts,
    proxy: options.proxy,
    proxyTls: options.proxyTls,
    proxyAuth: options.proxyAuth,
    noProxy: options.noProxy,
    epsv: options.ftpEpsv,
    eprt: options.ftpEprt,
    pasvUseControlHost: options.ftpSkipPasvIp,
    account: options.ftpAccount,
    alternativeToUser: options.ftpAlternativeToUser,
  };
  if (target.encoding === 'latin1') connect.encoding = 'latin1';
  // A latin1 session reads and writes differently, and a session's reply bound is its opener's timeout for
  // as long as it lives: each is kept apart, so no URL inherits another caller's encoding or bound.
  const key = `${sessionKey(connect)}|${connect.timeout ?? ''}${target.encoding === 'latin1' ? '|latin1' : ''}`;
  const session = await startSession(key, connect, options.connectTimeout, { dirs: path.dirs, create: options.ftpCreateDirs === true, quote: quotes.before }, options.trace).catch((e: unknown) => Promise.reject(translate(e)));
  const { client } = session;
  // The commands after a transfer that ended well (curl's POSTQUOTE); one refused leaves the session, as the URL failed.
  const release = async (): Promise<void> => {
    if (quotes.after.length > 0) await bounded(client, signal, () => sendQuotes(client, quotes.after));
    park(key, session);
  };
  try {
    const shown = url.href;
    if (quotes.pre.length > 0) await bounded(client, signal, () => sendQuotes(client, quotes.pre));
    if (upload) {
      const chunks = requestChunks(options.body!);
      const reply = await client.store(path.name, options.crlf ? crlfChunks(chunks) : chunks, {
        signal,
        ascii,
        append: options.ftpAppend === true,
        // A failed transfer's session is closed below: a data connection that never opened is not worth an ABOR to wait on (curl closes at once; here and for RETR, LIST).
        onDataConnectFailure: 'close',
        offset: range?.start,
        // What goes on the wire once line ends are converted is not known ahead.
        expectedSize: ascii || options.crlf ? undefined : options.bodyLength,
        onProgress: options.onProgress,
      });
      await release();
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
    const answered = async (bytes: Uint8Array): Promise<UrlResponse> => {
      await release();
      return new UrlResponse({ url: shown, status: 200, protocol: 'ftp', headers, body: onceBody(bytes) });
    };
    let dl: Download | undefined;
    let total: number | undefined;
    if (listing) {
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      if (method === 'HEAD') return answered(Buffer.alloc(0));
      const name = path.name === '' ? undefined : path.name;
      const command = options.listOnly || target.type === 'd' ? 'NLST' : 'LIST';
      // The server's bytes, names in whatever charset it uses (as curl hands them on); TYPE A text, so local line endings.
      const bytes = await listWithin(client, name, command, signal, options.maxBodySize);
      headers.set('Content-Length', String(bytes.length));
      return answered(bytes);
    }
    const { size, modified } = await bounded(client, signal, () => client.stat(path.name));
    headers.set('Content-Type', typeForName(target.file));
    if (modified) headers.set('Last-Modified', modified.toUTCString());
    if (size !== undefined && !ascii) {
      // A start past the end names bytes the file does not have (curl: exit 36), unlike a start at
      // the end, which is a finished download; REST there would only make the server fail the RETR.
      if (range && range.start > size) {
        throw new InputError(`${url.href}: range start ${range.start} is beyond the end of the file (${size} bytes)`, { protocol: 'ftp', phase: 'range' });
      }
      total = rangeSpan(range, size).length;
      headers.set('Content-Length', String(total));
    }
    if (method === 'HEAD' || total === 0) return answered(Buffer.alloc(0));
    dl = await client.retrieve(path.name, {
      signal,
      onDataConnectFailure: 'close',
      ascii,
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
        if (!clean || !client.usable) return void (await client.quit().catch(() => {}));
        try {
          await release();
        } catch (e) {
          await client.close().catch(() => {});
          throw translate(e);
        }
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
 * A listing read whole with local line endings, bounded by the caller's
 * `maxBodySize` (a LimitError) as a file is, not only by the client's own
 * listing bound. The transfer is stopped once the wire bytes prove the
 * listing too big: CRLF becoming LF at most halves them.
 */
async function listWithin(client: FtpClient, name: string | undefined, command: 'LIST' | 'NLST', signal: AbortSignal | undefined, max: number | undefined): Promise<Buffer> {
  if (max === undefined) return asciiToLocal(await client.listBytes(name, { signal, command, onDataConnectFailure: 'close' }));
  const limit = new LimitError(`the listing exceeded maxBodySize (${max} bytes)`, { limit: max, phase: 'body', protocol: 'ftp' });
  const stop = new AbortController();
  const onProgress = (p: { transferred: number }): void => {
    if (p.transferred > 2 * max) stop.abort(limit);
  };
  let bytes: Buffer;
  try {
    bytes = asciiToLocal(await client.listBytes(name, { signal: signal ? AbortSignal.any([signal, stop.signal]) : stop.signal, command, onProgress, onDataConnectFailure: 'close' }));
  } catch (e) {
    if (stop.signal.aborted && !signal?.aborted) throw limit;
    throw e;
  }
  if (bytes.length > max) throw limit;
  return bytes;
}


/** The upload's chunks with every LF sent as CRLF (curl --crlf). */
async function* crlfChunks(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  for await (const c of chunks) yield lfToCrlf(c);
}
