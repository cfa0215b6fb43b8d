/**
 * The options of {@link FtpClient} and its transfers, in one place.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import type { LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { ParseListingOptions } from './core/listing.js';
import type { TransferOptions } from './transfer.js';

/**
 * How the connection is protected: not at all, AUTH TLS on the control
 * port ('explicit', required), TLS from the first byte ('implicit'), or AUTH
 * TLS when the server takes it and in the clear when it refuses ('try',
 * curl's --ssl).
 */
export type FtpSecurity = false | 'explicit' | 'implicit' | 'try';

/** Options for {@link FtpClient.connect}. */
export interface FtpConnectOptions {
  host: string;
  /** Default 21, or 990 for implicit FTPS. */
  port?: number | undefined;
  /** Default `anonymous`. */
  user?: string | undefined;
  /** Default `anonymous@` for the anonymous user, else empty. */
  password?: string | undefined;
  /** Sent when the server asks for an account (332). */
  account?: string | undefined;
  /**
   * Sent in place of a USER the server refused (4xx/5xx), its reply then read
   * as USER's (331: PASS follows), once — curl's --ftp-alternative-to-user
   * (e.g. `USER name@firewall`). Default: none, the refusal stands.
   */
  alternativeToUser?: string | undefined;
  /** false (plain, the default), 'explicit', 'implicit' or 'try': see {@link FtpSecurity}. */
  secure?: FtpSecurity | undefined;
  /** TLS settings; verification is on unless `rejectUnauthorized: false`. */
  tls?: TLSOptions | undefined;
  /**
   * Bound on connecting and on each command's reply, ms (default 30000). It
   * never runs while a transfer's data flows: a transfer's final reply is
   * awaited for this long only once the data connection has closed.
   */
  timeout?: number | undefined;
  /** Bound on each silence of a data connection, ms (default: `timeout`). */
  dataTimeout?: number | undefined;
  /** Aborts connecting and login. */
  signal?: AbortSignal | undefined;
  trace?: Tracer | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of the control and passive data connections (curl --interface, --local-port); active mode listens on the control connection's local address. */
  local?: LocalEnd | undefined;
  /** Let the server connect to us (PORT/EPRT) instead of passive mode. */
  activeMode?: boolean | undefined;
  /**
   * Active mode: the IP address to listen on and announce (curl's `-P
   * address`), or a network interface's name (its address of the control
   * connection's family). Default: this end of the control connection.
   */
  activeAddress?: string | undefined;
  /** Active mode: the ports to listen on, tried in order, inclusive (curl's `-P addr:32000-33000`). Default: any free port. */
  activePorts?: readonly [number, number] | undefined;
  /**
   * Connect data channels to the control connection's host, ignoring the
   * address in a PASV reply (default true: that address can point anywhere,
   * curl's --ftp-skip-pasv-ip).
   */
  pasvUseControlHost?: boolean | undefined;
  /**
   * With pasvUseControlHost false: follow a PASV address that differs from
   * the control host (FXP-style setups). Default false: such a reply is a
   * ProtocolError, since it can aim our connection at a third party.
   */
  allowForeignDataHost?: boolean | undefined;
  /** Try EPSV before PASV (default true). */
  epsv?: boolean | undefined;
  /**
   * Active mode over IPv4: offer the address with EPRT first, then PORT once
   * EPRT is refused, as curl does by default (default false: PORT at once;
   * curl --disable-eprt). Over IPv6 it is always EPRT.
   */
  eprt?: boolean | undefined;
  /**
   * Proxy for the control connection and every passive data connection, as
   * curl's `-x` takes it: socks5:// (names resolved here), socks5h:// (names
   * resolved by the proxy), socks4://, socks4a://, or http:// / https://
   * used as a CONNECT tunnel (curl `--proxytunnel`; the proxy must allow
   * CONNECT to the control and passive ports). undefined: the environment
   * decides (`ftp_proxy`, `FTP_PROXY`, `ftps_proxy` for implicit FTPS, then
   * `all_proxy`, minus `no_proxy`); null: direct. Active mode through a proxy
   * is an InputError (DIAL_E_UNSUPPORTED).
   */
  proxy?: string | URL | null | undefined;
  /** Hosts that go direct, whether the proxy comes from `proxy` or the environment (curl `--noproxy` syntax; replaces `no_proxy`). */
  noProxy?: string | undefined;
  /** TLS settings for an https:// proxy itself (curl's `--proxy-cacert`…); its certificate is verified against its name unless `rejectUnauthorized: false`. */
  proxyTls?: TLSOptions | undefined;
  /** How the proxy URL's credentials reach an HTTP proxy: 'basic' (default) at once, 'digest' or 'any' in answer to its 407 (see openProxyTunnel). */
  proxyAuth?: 'basic' | 'digest' | 'any' | undefined;
  /** Options for parsing LIST output (the clock for year-less dates…). */
  listing?: ParseListingOptions | undefined;
  /** Bound on a directory listing's size, bytes (default 64 MiB). */
  maxListingBytes?: number | undefined;
  /**
   * How commands (paths included) and replies become bytes: UTF-8 (the
   * default), or `'latin1'` — one byte per character — for a server whose
   * names are not UTF-8. On a latin1 session a name that listRaw()/nlst()
   * read as Latin-1 is sent back as the server's own bytes; a character past
   * U+00FF is an InputError and nothing is sent.
   */
  encoding?: 'utf8' | 'latin1' | undefined;
}

/** Options of a download. */
export interface RetrieveOptions extends TransferOptions {
  /** Resume from this byte (REST). */
  offset?: number | undefined;
}

/** Options of an upload. */
export interface StoreOptions extends TransferOptions {
  /** Resume the remote file from this byte (REST, then STOR). */
  offset?: number | undefined;
}

/** Default bound on connecting and on each reply, ms. */
export const DEFAULT_TIMEOUT = 30_000;

