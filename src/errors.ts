/**
 * The one error tree of dialtone. Every public function rejects only with a
 * {@link DialError} subclass; the system error (ECONNREFUSED, a TLS alert…)
 * rides along as `cause`, and its code as `sysCode`.
 *
 * Subclasses name the *condition*, not the protocol: a refused FTP login and a
 * 404 are both {@link ReplyError}s. `code` is a stable string from
 * {@link ERROR_CODES}; the README documents the table and `dial` maps each code
 * to curl's exit status.
 */

/** Every code a DialError can carry, with its one-line meaning. */
export const ERROR_CODES = {
  DIAL_E_RESOLVE: 'the host name could not be resolved',
  DIAL_E_CONNECT: 'no connection could be made to any address',
  DIAL_E_TIMEOUT: 'an operation ran past its time limit',
  DIAL_E_ABORT: 'the caller aborted the operation through its AbortSignal',
  DIAL_E_TLS: 'the TLS handshake or session failed',
  DIAL_E_TLS_CERT: "the peer's certificate was not trusted or did not match the name",
  DIAL_E_TLS_PINNED: "the peer's public key was none of the pinned keys",
  DIAL_E_RESET: 'the peer reset the connection or it broke mid-transfer',
  DIAL_E_CLOSED: 'the connection was already closed when it was used',
  DIAL_E_PROTOCOL: 'the peer broke the protocol',
  DIAL_E_INJECTION: 'the peer sent bytes it must not have sent (e.g. plaintext before a TLS upgrade)',
  DIAL_E_DECODE: 'the content coding (gzip, deflate, br) was corrupt or unknown',
  DIAL_E_REPLY: 'the server refused the request (a 4xx/5xx reply)',
  DIAL_E_LIMIT: 'a configured bound (length, size, count) was reached',
  DIAL_E_INPUT: "the caller's input was malformed or unsafe; nothing was sent",
  DIAL_E_UNSUPPORTED: 'the operation has no implementation on this platform or in this library',
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** A server's own reply to a command: its numeric code and text. */
export interface ServerReply {
  code: number;
  text: string;
}

/** Extra facts an error can carry. */
export interface DialErrorOptions {
  /** The underlying error, usually a Node system error. */
  cause?: unknown;
  /** The protocol in use: 'tcp', 'tls', 'http', 'ftp'… */
  protocol?: string;
  /** The phase of the operation: 'resolve', 'connect', 'tls', 'send', 'headers', 'body'… */
  phase?: string;
  /** The server's reply, for ReplyError and some ProtocolErrors. */
  reply?: ServerReply;
}

/** The base of every error dialtone throws. */
export class DialError extends Error {
  /** A stable code from {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** The system's error code from `cause` (ECONNREFUSED, ETIMEDOUT…), if any. */
  readonly sysCode: string | undefined;
  readonly protocol: string | undefined;
  readonly phase: string | undefined;
  readonly reply: ServerReply | undefined;

  constructor(code: ErrorCode, message: string, options: DialErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.protocol = options.protocol;
    this.phase = options.phase;
    this.reply = options.reply;
    const c = options.cause as { code?: unknown } | undefined;
    this.sysCode = c && typeof c.code === 'string' ? c.code : undefined;
  }

  override get name(): string {
    return this.constructor.name;
  }

  /** True when the caller caused it (bad input, abort), false when the network or peer did. */
  get local(): boolean {
    return false;
  }
}

/** One address tried while connecting, and why it failed. */
export interface ConnectAttempt {
  address: string;
  port?: number;
  error: string;
}

/** Resolving or connecting failed; `attempts` lists every address tried. */
export class ConnectError extends DialError {
  readonly attempts: readonly ConnectAttempt[];
  constructor(
    code: 'DIAL_E_RESOLVE' | 'DIAL_E_CONNECT',
    message: string,
    options: DialErrorOptions & { attempts?: readonly ConnectAttempt[] } = {},
  ) {
    super(code, message, { phase: code === 'DIAL_E_RESOLVE' ? 'resolve' : 'connect', ...options });
    this.attempts = options.attempts ?? [];
  }
}

/** A connection that was up broke: reset, broken pipe, or use after close. */
export class NetworkError extends DialError {
  constructor(code: 'DIAL_E_RESET' | 'DIAL_E_CLOSED', message: string, options?: DialErrorOptions) {
    super(code, message, options);
  }
}

/** An operation ran past its time limit. */
export class TimeoutError extends DialError {
  /** The limit that was reached, in milliseconds. */
  readonly timeout: number | undefined;
  constructor(message: string, options: DialErrorOptions & { timeout?: number } = {}) {
    super('DIAL_E_TIMEOUT', message, options);
    this.timeout = options.timeout;
  }
}

/** The caller aborted through an AbortSignal; `cause` is the signal's reason. */
export class AbortError extends DialError {
  constructor(message = 'the operation was aborted', options?: DialErrorOptions) {
    super('DIAL_E_ABORT', message, options);
  }
  override get local(): boolean {
    return true;
  }
}

/** The TLS handshake failed or the certificate was refused. */
export class TLSError extends DialError {
  constructor(code: 'DIAL_E_TLS' | 'DIAL_E_TLS_CERT' | 'DIAL_E_TLS_PINNED', message: string, options?: DialErrorOptions) {
    super(code, message, { protocol: 'tls', phase: 'tls', ...options });
  }
}

/** The peer broke the protocol: malformed bytes, a reply out of place, an injection, content that does not decode. */
export class ProtocolError extends DialError {
  constructor(message: string, options?: DialErrorOptions & { code?: 'DIAL_E_PROTOCOL' | 'DIAL_E_INJECTION' | 'DIAL_E_DECODE' }) {
    super(options?.code ?? 'DIAL_E_PROTOCOL', message, options);
  }
}

/** The server said no: a well-formed 4xx/5xx reply, kept in `reply`. */
export class ReplyError extends DialError {
  constructor(message: string, options: DialErrorOptions & { reply: ServerReply }) {
    super('DIAL_E_REPLY', message, options);
  }
}

/** A bound was reached: a line, header block, body or count grew past its limit. */
export class LimitError extends DialError {
  /** The bound that was reached. */
  readonly limit: number | undefined;
  constructor(message: string, options: DialErrorOptions & { limit?: number } = {}) {
    super('DIAL_E_LIMIT', message, options);
    this.limit = options.limit;
  }
}

/** The caller passed something malformed or unsafe, or asked for what cannot be done; nothing was sent. */
export class InputError extends DialError {
  constructor(message: string, options?: DialErrorOptions & { code?: 'DIAL_E_INPUT' | 'DIAL_E_UNSUPPORTED' }) {
    super(options?.code ?? 'DIAL_E_INPUT', message, options);
  }
  override get local(): boolean {
    return true;
  }
}

const TLS_CERT_CODES = new Set([
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

const RESOLVE_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME', 'EAI_NODATA']);
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'ERR_STREAM_DESTROYED']);

/**
 * Turns whatever Node threw into the matching DialError (a DialError passes
 * through unchanged). `during` names what was being done, for the message.
 */
export function toDialError(err: unknown, during: string, options: DialErrorOptions = {}): DialError {
  if (err instanceof DialError) return err;
  const e = err as { code?: unknown; message?: unknown; name?: unknown } | null;
  const sys = e && typeof e.code === 'string' ? e.code : '';
  const detail = e && typeof e.message === 'string' ? e.message : String(err);
  const opts = { ...options, cause: err };
  const msg = `${during}: ${detail}`;
  if (e && e.name === 'AbortError') return new AbortError(msg, opts);
  if (RESOLVE_CODES.has(sys)) return new ConnectError('DIAL_E_RESOLVE', msg, opts);
  if (sys === 'ETIMEDOUT') return new TimeoutError(msg, opts);
  if (TLS_CERT_CODES.has(sys)) return new TLSError('DIAL_E_TLS_CERT', msg, opts);
  if (sys.startsWith('ERR_SSL_') || sys.startsWith('ERR_TLS_')) return new TLSError('DIAL_E_TLS', msg, opts);
  if (RESET_CODES.has(sys)) return new NetworkError('DIAL_E_RESET', msg, opts);
  if (sys === 'ECONNREFUSED' || sys === 'EHOSTUNREACH' || sys === 'ENETUNREACH' || sys === 'EADDRNOTAVAIL' || sys === 'ENOENT')
    return new ConnectError('DIAL_E_CONNECT', msg, opts);
  return new NetworkError('DIAL_E_RESET', msg, opts);
}
