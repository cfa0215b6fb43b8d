/**
 * The options of {@link Pop3Client.connect}.
 *
 * @module
 */
import type { LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { WaitOptions } from '../../util/guard.js';

/**
 * How the connection is protected: `false` plain text (port 110),
 * `'starttls'` STLS before login (RFC 2595; refused = ReplyError, never a
 * silent fallback), `'implicit'` TLS from the first byte (pop3s, port 995).
 */
export type Pop3Security = false | 'starttls' | 'implicit';

/**
 * How to log in: `'user'` USER/PASS (RFC 1939 §7), `'apop'` the MD5 digest
 * of the greeting's time stamp, `'plain'` AUTH PLAIN (RFC 5034), `'auto'`
 * PLAIN when CAPA offers it, else USER/PASS.
 */
export type Pop3Auth = 'auto' | 'user' | 'apop' | 'plain';

/** Options for {@link Pop3Client.connect}. */
export interface Pop3ConnectOptions {
  host: string;
  /** Default 110, or 995 with `secure: 'implicit'`. */
  port?: number | undefined;
  secure?: Pop3Security | undefined;
  /** TLS settings (verification stays on unless `rejectUnauthorized: false`). */
  tls?: TLSOptions | undefined;
  /** With `user` (and `password`), connect() logs in before it resolves. */
  user?: string | undefined;
  password?: string | undefined;
  auth?: Pop3Auth | undefined;
  /** Bound on each wait (every reply, every body line), ms; 0 = none. Default 60000. */
  timeout?: number | undefined;
  /** Bound on resolve + TCP + TLS, ms. Default: `timeout`. */
  connectTimeout?: number | undefined;
  /** Aborts connecting and logging in. */
  signal?: AbortSignal | undefined;
  lookup?: LookupFunction | undefined;
  /** Sees the conversation; passwords and AUTH responses are masked. */
  trace?: Tracer | undefined;
  /** Longest status line, bytes. Default 8192. */
  maxLine?: number | undefined;
  /** Longest body line, bytes. Default 1 MiB. */
  maxBodyLine?: number | undefined;
  /** Most entries in a LIST or UIDL listing and lines in CAPA. Default 1,000,000. */
  maxListEntries?: number | undefined;
  /** Most bytes in one such listing (it is held whole). Default 64 MiB. */
  maxListBytes?: number | undefined;
}

/** Per-call bounds: every client method takes these. */
export type Pop3WaitOptions = WaitOptions;

/** Options for {@link Pop3Client.retr} and {@link Pop3Client.top}. */
export interface Pop3RetrieveOptions extends WaitOptions {
  /** Most bytes the body may have (each line counted with CRLF); past it a fatal LimitError. Default: no bound (it streams). */
  maxBytes?: number | undefined;
}
