/**
 * The news:, nntp: (RFC 5538) and nntps:/snews: schemes:
 *
 * - `news:id@host` or `news://server/id@host`: the article with message-id
 *   `<id@host>` (`message/rfc822`). Without a server, $NNTPSERVER names it.
 * - `news://server/group` and `nntp://server/group`: the group's overview,
 *   one `number TAB subject TAB from TAB date TAB message-id` line per
 *   article (`text/plain`); a wildmat (`news://server/comp.*`) lists the
 *   matching groups as LIST ACTIVE lines.
 * - `nntp://server/group/N`: article N of the group.
 * - `method: 'POST'` (or `'PUT'`, what an upload such as `dial -T` asks
 *   for) with a body (headers and body, as RFC 5536) posts it;
 *   the status is then the server's 240.
 * - nntps/snews are TLS from the first byte (port 563); news/nntp use
 *   STARTTLS when CAPABILITIES offers it, and require it with
 *   `requireTls` (`--ssl-reqd`). Certificates are verified.
 * - Credentials (`user`/`password`, else the URL's) log in with AUTHINFO.
 * - `timeout` bounds the whole operation.
 *
 * @module
 */
import { InputError, ReplyError } from '../../errors.js';
import { NntpClient, type NntpConnectOptions } from '../../protocols/nntp/client.js';
import { articleNumber, messageId, token } from '../../protocols/nntp/core/args.js';
import { parseNumber } from '../../protocols/nntp/core/responses.js';
import { checkRange, onceBody, requestChunks, sessionBody, shapeBody } from '../body.js';
import { UrlHeaders } from '../headers.js';
import { credentials, hasHeaders, serverAddress, tlsRequired, urlScheme, urlText } from '../server-url.js';
import { UrlResponse } from '../response.js';
import { byteResponse, rangeSpan } from '../byte-response.js';
import { operationDeadline } from '../deadline.js';
import type { Opener, OpenOptions } from '../types.js';

/** What a news/nntp URL asks for. */
export type NewsTarget =
  | { kind: 'article'; messageId: string }
  | { kind: 'number'; group: string; number: number }
  | { kind: 'group'; group: string }
  | { kind: 'groups'; wildmat: string }
  | { kind: 'server' };

function refuse(msg: string): InputError {
  return new InputError(msg, { protocol: 'nntp' });
}

/** Reads the target from a URL's path (RFC 5538 §2.1, §2.2). */
export function parseNewsPath(scheme: string, pathname: string): NewsTarget {
  const p = urlText(pathname.replace(/^\//, ''));
  if (p === '') return { kind: 'server' };
  if (p.includes('@')) {
    if (scheme === 'nntp' || scheme === 'nntps') throw refuse('nntp URLs name a group and an article number; use news: for a message-id');
    return { kind: 'article', messageId: messageId(p.startsWith('<') ? p : `<${p}>`) };
  }
  const parts = p.split('/');
  if (parts.length === 2 && parts[1] === '') parts.pop();
  if (parts.length > 2) throw refuse(`the news URL path ${JSON.stringify(p.slice(0, 80))} has too many parts`);
  const group = token(parts[0], 'group name');
  if (parts.length === 2) {
    const n = parseNumber(parts[1]);
    if (n === undefined) throw refuse(`the article number ${JSON.stringify(parts[1]!.slice(0, 20))} is not a number`);
    return { kind: 'number', group, number: articleNumber(n) };
  }
  if (group.includes('*') || group.includes('?') || group.includes(',') || group.includes('[')) return { kind: 'groups', wildmat: group };
  return { kind: 'group', group };
}

/**
 * GROUP's count is an estimate (RFC 3977 §6.1.1.2): articles cancelled or
 * expired may leave its range empty, and OVER then answers 423 — an empty
 * overview, not a failure. Any other error goes on.
 */
function noneInRange(e: unknown): [] {
  if (e instanceof ReplyError && e.reply?.code === 423) return [];
  throw e;
}

/** Opens a news:, nntp:, nntps: or snews: URL (see the module notes). */
export const openNntp: Opener = async (url: URL, options: OpenOptions) => {
  const scheme = urlScheme(url);
  if (!['news', 'nntp', 'nntps', 'snews'].includes(scheme)) throw refuse(`openNntp cannot open ${scheme}: URLs`);
  if (url.search || url.hash) throw refuse(`${scheme} URLs have no query or fragment`);
  const asked = (options.method ?? (options.body !== undefined ? 'POST' : 'GET')).toUpperCase();
  // An upload is a post: NNTP has one way to send an article.
  const method = asked === 'PUT' ? 'POST' : asked;
  if (method !== 'GET' && method !== 'POST') throw new InputError(`${scheme} does not support method ${asked}`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'nntp' });
  if (method === 'POST' && options.body === undefined) throw refuse('a news POST needs the article as its body');
  if (method === 'GET' && options.body !== undefined) throw refuse('a news GET takes no body; use POST to post');
  if (hasHeaders(options)) throw refuse('nntp has no request headers: put them in the article');
  const range = checkRange(options.range, (m) => refuse(m));
  const target = parseNewsPath(scheme, url.pathname);
  // news:id@host has no authority: the server comes from the environment then.
  const { host: named, port } = serverAddress(url);
  const host = named || (process.env.NNTPSERVER ?? '');
  if (host === '') throw refuse(`${url.href} names no server, and NNTPSERVER is not set`);

  const { signal, translate } = operationDeadline(options, 'nntp');
  const implicit = scheme === 'nntps' || scheme === 'snews';
  const { user } = credentials(url, options);
  const connect: NntpConnectOptions = {
    host,
    port,
    // STARTTLS is this opener's to send, after MODE READER (see below).
    secure: implicit ? 'implicit' : false,
    tls: options.tls,
    modeReader: false,
    timeout: options.timeout,
    connectTimeout: options.connectTimeout ?? options.timeout,
    signal,
    lookup: options.lookup,
    local: options.local,
    trace: options.trace,
  };
  const news = await NntpClient.connect(connect).catch((e: unknown) => Promise.reject(translate(e)));
  try {
    const wait = { signal };
    let caps = await news.capabilities(wait);
    // RFC 3977 §5.3.3: a mode-switching server's reader session, begun by MODE READER, forgets TLS and a login
    // and may be the only one to offer them — so it comes first, and its capabilities decide.
    if (caps.has('MODE-READER')) {
      await news.modeReader(wait);
      caps = await news.capabilities(wait);
    }
    // Required TLS is asked for even when not offered: the server's refusal is the error then.
    if (!news.encrypted && (tlsRequired(options) || caps.has('STARTTLS'))) await news.starttls(options.tls, wait);
    if (user !== undefined) await news.authinfo(user, options.password ?? urlText(url.password), wait);
    const headers = new UrlHeaders();
    if (method === 'POST') {
      const text = await news.post(requestChunks(options.body!), wait);
      await news.quit(wait);
      return new UrlResponse({ url: url.href, status: 240, statusText: text, protocol: 'nntp', headers, body: onceBody(Buffer.alloc(0)), raw: news });
    }
    let body: AsyncIterable<Uint8Array>;
    if (target.kind === 'article' || target.kind === 'number') {
      if (target.kind === 'number') await news.group(target.group, wait);
      const art = await news.article(target.kind === 'article' ? target.messageId : target.number, { signal });
      headers.set('Content-Type', 'message/rfc822');
      headers.set('Message-ID', art.messageId);
      body = sessionBody(art.body, { quit: () => news.quit(wait), close: () => news.close() }, translate);
    } else {
      let lines: string[];
      if (target.kind === 'group') {
        const g = await news.group(target.group, wait);
        const over = g.count === 0 || g.high < g.low ? [] : await news.over({ from: g.low, to: g.high }, wait).catch(noneInRange);
        lines = over.map((o) => [o.number, o.subject, o.from, o.date, o.messageId].join('\t'));
      } else {
        const active = await news.listActive(target.kind === 'groups' ? target.wildmat : undefined, wait);
        lines = active.map((a) => `${a.group} ${a.high} ${a.low} ${a.status}`);
      }
      await news.quit(wait);
      const text = Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8');
      headers.set('Content-Type', 'text/plain; charset=utf-8');
      headers.set('Content-Length', String(rangeSpan(range, text.length).length));
      body = onceBody(text);
    }
    return byteResponse({
      url: url.href,
      protocol: 'nntp',
      headers,
      range,
      body: shapeBody(body, { range, maxBodySize: options.maxBodySize, onProgress: options.onProgress }, 'nntp', undefined),
      cancel: () => news.close(),
      raw: news,
    });
  } catch (e) {
    await news.close();
    throw translate(e);
  }
};

/** The same opener, under the name of the news: scheme. */
export const openNews: Opener = openNntp;
