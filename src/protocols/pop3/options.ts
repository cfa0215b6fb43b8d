/**
 * The options of {@link Pop3Client.connect}.
 *
 * @module
 */
import type { LineSecurity, LineSessionOptions } from '../../line/session.js';
import type { WaitOptions } from '../../util/guard.js';

/** How the connection is protected: plain (110), STLS before login (RFC 2595), or TLS from the first byte (pop3s, 995). */
export type Pop3Security = LineSecurity;

/**
 * How to log in: `'user'` USER/PASS (RFC 1939 §7), `'apop'` the MD5 digest
 * of the greeting's time stamp, `'plain'` AUTH PLAIN (RFC 5034),
 * `'oauthbearer'` / `'xoauth2'` AUTH with an OAuth 2.0 bearer token (RFC
 * 7628 / Google's), `'auto'` — with a bearer token OAUTHBEARER when CAPA
 * offers it, else XOAUTH2 (as curl; never a password); without one PLAIN
 * when CAPA offers it, else USER/PASS.
 */
export type Pop3Auth = 'auto' | 'user' | 'apop' | 'plain' | 'oauthbearer' | 'xoauth2';

/**
 * Options for {@link Pop3Client.connect}: the shared ones (port 110, 995
 * with `secure: 'implicit'`; with `user`, a login before it resolves,
 * passwords and AUTH responses masked in the trace) and how to log in.
 */
export interface Pop3ConnectOptions extends LineSessionOptions, Pop3SaslOptions {
  auth?: Pop3Auth | undefined;
  /** An OAuth 2.0 access token to log in with instead of `password` (see {@link Pop3Auth}); masked in the trace. */
  bearer?: string | undefined;
}

/** How the AUTH logins are sent. */
export interface Pop3SaslOptions {
  /**
   * Send the first response with AUTH itself (RFC 5034 §4's initial
   * response) rather than after the server's `+ `. Default: PLAIN's only.
   * `true`: PLAIN's and the bearer message, as curl `--sasl-ir` — each only
   * when the command stays within 255 octets (RFC 5034 §4), else after the
   * `+ `. `false`: never, as curl by default.
   */
  initialResponse?: boolean | undefined;
  /** PLAIN only: the identity to act as (RFC 4616 authzid; curl `--sasl-authzid`). Default: none. */
  authzid?: string | undefined;
}

/** Options for {@link Pop3Client.login}. */
export interface Pop3LoginOptions extends WaitOptions, Pop3SaslOptions {
  auth?: Pop3Auth | undefined;
  /** An OAuth 2.0 access token (see {@link Pop3Auth}). */
  bearer?: string | undefined;
}

/** Per-call bounds: every client method takes these. */
export type Pop3WaitOptions = WaitOptions;

/** Options for {@link Pop3Client.retr} and {@link Pop3Client.top}. */
export interface Pop3RetrieveOptions extends WaitOptions {
  /** Most bytes the body may have (each line counted with CRLF); past it a fatal LimitError. Default: no bound (it streams). */
  maxBytes?: number | undefined;
}
