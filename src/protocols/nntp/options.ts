/**
 * The options of {@link NntpClient.connect}.
 *
 * @module
 */
import type { LineSecurity, LineSessionOptions } from '../../line/session.js';
import type { WaitOptions } from '../../util/guard.js';

/** How the connection is protected: plain (119), STARTTLS first (RFC 4642), or TLS from the first byte (nntps, 563). */
export type NntpSecurity = LineSecurity;

/**
 * Options for {@link NntpClient.connect}: the shared ones (port 119, 563
 * with `secure: 'implicit'`; with `user`, AUTHINFO USER/PASS (RFC 4643),
 * masked in the trace) and MODE READER.
 */
export interface NntpConnectOptions extends LineSessionOptions {
  /**
   * Send MODE READER after the greeting, before STARTTLS and AUTHINFO
   * (which a mode-switching server forgets at the switch): `true` always,
   * `false` never, `'auto'` (default) only when CAPABILITIES lists
   * MODE-READER (a mode-switching server, RFC 3977 §5.3).
   */
  modeReader?: boolean | 'auto' | undefined;
}

/** Per-call bounds: every client method takes these. */
export type NntpWaitOptions = WaitOptions;

/** Options for reading an article, its head or its body. */
export interface NntpArticleOptions extends WaitOptions {
  /** Most bytes (each line counted with CRLF); past it a fatal LimitError. Default: no bound (it streams). */
  maxBytes?: number | undefined;
}
