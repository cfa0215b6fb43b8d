/**
 * The bounds of the HTTP/1.x response parser: every one an error when
 * reached, never a silent truncation.
 *
 * @module
 */

/** Bounds on what a response may make the parser hold. */
export interface HttpLimits {
  /** Longest status line (default 8 KiB). */
  maxStatusLine: number;
  /** Bytes of header fields in one head, each line counted with its CRLF (default 64 KiB). */
  maxHeaderBytes: number;
  /** Header fields in one head (default 256). */
  maxHeaders: number;
  /** Longest chunk-size line including extensions (default 4 KiB). */
  maxChunkLine: number;
  /** Bytes of trailer fields (default 16 KiB). */
  maxTrailerBytes: number;
  /** 1xx interim responses before the final one (default 32). */
  maxInformational: number;
}

/** The default {@link HttpLimits}; frozen, spread it to change one. */
export const DEFAULT_LIMITS: Readonly<HttpLimits> = Object.freeze({
  maxStatusLine: 8192,
  maxHeaderBytes: 64 * 1024,
  maxHeaders: 256,
  maxChunkLine: 4096,
  maxTrailerBytes: 16 * 1024,
  maxInformational: 32,
});
