/**
 * The options of {@link NntpClient.connect}.
 *
 * @module
 */
import type { LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { WaitOptions } from '../../util/guard.js';

/**
 * How the connection is protected: `false` plain text (port 119),
 * `'starttls'` STARTTLS before anything else (RFC 4642; refused = ReplyError,
 * never a silent fallback), `'implicit'` TLS from the first byte (nntps, 563).
 */
export type NntpSecurity = false | 'starttls' | 'implicit';

/** Options for {@link NntpClient.connect}. */
export interface NntpConnectOptions {
  host: string;
  /** Default 119, or 563 with `secure: 'implicit'`. */
  port?: number | undefined;
  secure?: NntpSecurity | undefined;
  /** TLS settings (verification stays on unless `rejectUnauthorized: false`). */
  tls?: TLSOptions | undefined;
  /** With `user`, connect() sends AUTHINFO USER/PASS (RFC 4643) before it resolves. */
  user?: string | undefined;
  password?: string | undefined;
  /**
   * Send MODE READER after connecting: `true` always, `false` never,
   * `'auto'` (default) only when CAPABILITIES lists MODE-READER (a
   * mode-switching server, RFC 3977 §5.3).
   */
  modeReader?: boolean | 'auto' | undefined;
  /** Bound on each wait (every reply, every body line), ms; 0 = none. Default 60000. */
  timeout?: number | undefined;
  /** Bound on resolve + TCP + TLS, ms. Default: `timeout`. */
  connectTimeout?: number | undefined;
  /** Aborts connecting and the commands connect() sends. */
  signal?: AbortSignal | undefined;
  lookup?: LookupFunction | undefined;
  /** Sees the conversation; AUTHINFO PASS is masked. */
  trace?: Tracer | undefined;
  /** Longest status line, bytes. Default 8192. */
  maxLine?: number | undefined;
  /** Longest article or overview line, bytes. Default 1 MiB. */
  maxBodyLine?: number | undefined;
  /** Most lines in a listing (LIST ACTIVE, OVER, CAPABILITIES). Default 1,000,000. */
  maxListEntries?: number | undefined;
  /** Most bytes in one listing (it is held whole). Default 64 MiB. */
  maxListBytes?: number | undefined;
}

/** Per-call bounds: every client method takes these. */
export type NntpWaitOptions = WaitOptions;

/** Options for reading an article, its head or its body. */
export interface NntpArticleOptions extends WaitOptions {
  /** Most bytes (each line counted with CRLF); past it a fatal LimitError. Default: no bound (it streams). */
  maxBytes?: number | undefined;
}
