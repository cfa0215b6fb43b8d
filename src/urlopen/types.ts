/**
 * The contract between urlopen, its scheme openers and the dial CLI. Every
 * scheme takes the same {@link OpenOptions} (ignoring what does not apply)
 * and answers with the same {@link UrlResponse}.
 *
 * @module
 */
import type { LocalEnd } from '../socket/local-end.js';
import type { LookupFunction } from '../socket/connect.js';
import type { TLSOptions } from '../socket/tls.js';
import type { Tracer } from '../trace.js';
import type { CookieJar } from '../protocols/http/cookies.js';
import type { HstsCache } from '../protocols/http/hsts.js';
import type { UrlResponse } from './response.js';

/** A request body: bytes, text, or a stream of chunks. */
export type OpenBody = string | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** Progress of one transfer, for meters. `total` is undefined when unknown. */
export interface Progress {
  direction: 'download' | 'upload';
  transferred: number;
  total: number | undefined;
}

/** Options every scheme accepts; a scheme ignores what does not apply to it. */
export interface OpenOptions {
  signal?: AbortSignal | undefined;
  /** Bound on the whole operation, ms (curl --max-time). */
  timeout?: number | undefined;
  /** Bound on connecting (resolve + TCP + TLS), ms (curl --connect-timeout). */
  connectTimeout?: number | undefined;
  /** 'GET' by default; 'HEAD' for headers only; 'PUT'/'POST' upload (ftp: PUT = STOR). */
  method?: string | undefined;
  /** Request headers (http); extra ones are refused by schemes that have none. */
  headers?: Record<string, string> | Array<[string, string]> | undefined;
  body?: OpenBody | undefined;
  /** Length of `body` when it is a stream and the length is known. */
  bodyLength?: number | undefined;
  /** Credentials (override those in the URL). */
  user?: string | undefined;
  password?: string | undefined;
  /** Follow redirects up to this many (http); 0 or undefined = do not follow. */
  maxRedirects?: number | undefined;
  /** Byte range: first byte and optional last byte, inclusive (http Range, ftp REST). */
  range?: { start: number; end?: number | undefined } | undefined;
  /** TLS settings for https/ftps (verification is on unless `rejectUnauthorized: false`). */
  tls?: TLSOptions | undefined;
  /** Proxy URL (http://, https://, socks5://, socks5h://); null = none even if the environment sets one. */
  proxy?: string | null | undefined;
  /** Hosts that bypass the proxy (curl --noproxy syntax). */
  noProxy?: string | undefined;
  /** TLS settings for an https:// proxy (verified against its own name unless `rejectUnauthorized: false`); `tls` is the server's. */
  proxyTls?: TLSOptions | undefined;
  /** How the proxy URL's credentials reach an HTTP(S) proxy: 'basic' (default) at once, 'digest' or 'any' in answer to its 407 (curl --proxy-digest, --proxy-anyauth). */
  proxyAuth?: 'basic' | 'digest' | 'any' | undefined;
  /** http: reach the server through an HTTP(S) proxy by a CONNECT tunnel, not a forwarded request (curl -p); ftp always tunnels. */
  proxyTunnel?: boolean | undefined;
  /** Resolve names yourself (curl --resolve). */
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port). */
  local?: LocalEnd | undefined;
  /** Talk HTTP over this Unix socket (curl --unix-socket). */
  unixSocket?: string | undefined;
  /** Ask for compressed content and decode it (curl --compressed). */
  compressed?: boolean | undefined;
  /** http: the request line's version, '1.0' or '1.1' (the default; curl --http1.0 / --http1.1). */
  httpVersion?: '1.0' | '1.1' | undefined;
  /** http: a cookie jar every hop sends from and stores into (curl's cookie engine, -b/-c). */
  cookies?: CookieJar | undefined;
  /** http: an HSTS cache: http:// URLs of the hosts it knows go as https://, and verified https answers teach it (curl --hsts). */
  hsts?: HstsCache | undefined;
  /** ftp: list names only (NLST; curl --list-only). */
  listOnly?: boolean | undefined;
  /**
   * ftp, pop3, nntp, smtp: on a plain URL, upgrade the connection with TLS
   * (AUTH TLS, STLS, STARTTLS) and fail when the server cannot — never go on
   * in the clear (curl --ssl-reqd). Without it the mail schemes still upgrade
   * when the server offers to; ftp:// stays plain.
   */
  requireTls?: boolean | undefined;
  /** ftp: TLS on an ftp:// URL — 'explicit' is AUTH TLS (as `requireTls`), 'try' AUTH TLS when the server takes it; ftps:// is always implicit. */
  ftpSecure?: false | 'explicit' | 'implicit' | 'try' | undefined;
  /** ftp: use active mode (PORT/EPRT) instead of passive. */
  activeMode?: boolean | undefined;
  /** ftp, active mode: the IP address to listen on and announce, and the ports to try (curl `-P address:first-last`). */
  activeAddress?: string | undefined;
  activePorts?: readonly [number, number] | undefined;
  /** ftp: a directory of the path that does not exist is made (MKD) on the way, as curl --ftp-create-dirs. */
  ftpCreateDirs?: boolean | undefined;
  /**
   * ftp: raw commands sent after login, from the login directory, before the
   * URL's directories are entered (curl -Q). A leading `*` lets a command
   * fail; any other answered 4xx/5xx fails the URL with a ReplyError in phase
   * 'quote' (curl's exit 21). CR, LF or NUL in one is an InputError.
   */
  ftpQuote?: readonly string[] | undefined;
  /** ftp: raw commands sent once the directories are entered, just before the transfer (curl -Q '+CMD'). */
  ftpPreQuote?: readonly string[] | undefined;
  /** ftp: raw commands sent after a transfer that ended well (curl -Q '-CMD'). */
  ftpPostQuote?: readonly string[] | undefined;
  /** ftp: an upload appends to the file (APPE) instead of replacing it (STOR), as curl --append. */
  ftpAppend?: boolean | undefined;
  /** ftp: ASCII transfers (TYPE A, line endings converted) as `;type=a` asks; a `;type=` in the URL still wins (curl --use-ascii). */
  ftpAscii?: boolean | undefined;
  /** ftp: every LF of an upload's body is sent as CRLF, one after a CR too (curl --crlf). */
  crlf?: boolean | undefined;
  /**
   * ftp: how the URL's path is reached (curl --ftp-method): 'multicwd' (the
   * default) a CWD per directory; 'singlecwd' one CWD to the whole directory
   * path; 'nocwd' no CWD, the full path in SIZE, RETR, STOR and LIST.
   */
  ftpMethod?: 'multicwd' | 'singlecwd' | 'nocwd' | undefined;
  /** ftp: false: PASV only, never EPSV (curl --disable-epsv). Default true. */
  ftpEpsv?: boolean | undefined;
  /** ftp: active mode over IPv4 tries EPRT before PORT (curl's default); false: PORT only (curl --disable-eprt). Default false. */
  ftpEprt?: boolean | undefined;
  /** ftp: false: connect to the address a PASV reply names instead of the control host (curl --no-ftp-skip-pasv-ip). Default true. */
  ftpSkipPasvIp?: boolean | undefined;
  /** ftp: sent with ACCT when the server asks for an account (332) at login (curl --ftp-account). */
  ftpAccount?: string | undefined;
  /** ftp: the command sent in place of a USER the server refused, its reply read as USER's (curl --ftp-alternative-to-user). */
  ftpAlternativeToUser?: string | undefined;
  /** Biggest body accepted, bytes; past it a LimitError. */
  maxBodySize?: number | undefined;
  /** file: list a directory instead of refusing it. */
  listDirectories?: boolean | undefined;
  /** smtp (when its client lands): the envelope sender and recipients (curl --mail-from/--mail-rcpt). */
  mailFrom?: string | undefined;
  mailRcpt?: string[] | undefined;
  /** Sees every step of the conversation (`dial -v`). */
  trace?: Tracer | undefined;
  /** Called as bytes move. */
  onProgress?: ((p: Progress) => void) | undefined;
}

/** Opens one URL of one scheme. `url` is parsed and its scheme is the opener's. */
export type Opener = (url: URL, options: OpenOptions) => Promise<UrlResponse>;
