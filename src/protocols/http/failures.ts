/**
 * How the HTTP client's failures are labelled: the phase they happened in,
 * and whether the request may be retried on a fresh connection.
 *
 * @module
 */
import { AbortError, DialError, NetworkError, ProtocolError, TimeoutError, TLSError } from '../../errors.js';

/** Errors after which the request may be sent again on a fresh connection: nothing of its response arrived. */
export const retryable = new WeakSet<object>();

/** True when `err` failed a request on a reused connection before any byte of its response: a retry is safe for idempotent requests. */
export function isRetryable(err: unknown): boolean {
  return typeof err === 'object' && err !== null && retryable.has(err);
}

export function isTransportFailure(err: DialError): boolean {
  return err instanceof NetworkError || (err instanceof ProtocolError && err.phase === 'empty');
}

export function cloneFor(err: DialError): DialError {
  return new NetworkError(err.code === 'DIAL_E_CLOSED' ? 'DIAL_E_CLOSED' : 'DIAL_E_RESET', err.message, { protocol: 'http', phase: err.phase, cause: err.cause ?? err });
}

/** Sets phase (and protocol 'http') on an error that lacks them. */
export function withPhase<E extends DialError>(err: E, phase: string): E {
  const w = err as { phase: string | undefined; protocol: string | undefined };
  if (w.phase === undefined) w.phase = phase;
  if (w.protocol === undefined) w.protocol = 'http';
  return err;
}

export function abortError(signal: AbortSignal, phase: string): DialError {
  const r: unknown = signal.reason;
  if (r instanceof TimeoutError) return new TimeoutError(r.message, { timeout: r.timeout, protocol: 'http', phase, cause: r });
  if (r instanceof DialError) return withPhase(r, phase);
  return new AbortError('the request was aborted', { cause: r, protocol: 'http', phase });
}

/**
 * A failed handshake with an https:// proxy, said to be the proxy's: its
 * message and phase ('proxy-tls') tell it from the target's own handshake,
 * which may run inside the same tunnel. The code stays the TLS one (curl
 * exits 60, 35 or 90 for either).
 */
export function proxyTlsError(err: unknown, proxyHost: string): unknown {
  if (!(err instanceof TLSError) || err.phase !== 'tls') return err;
  const reason = err.message.replace(/^TLS handshake with .*? failed(: )?/s, '');
  return new TLSError(err.code as ConstructorParameters<typeof TLSError>[0], `TLS handshake with proxy ${proxyHost} failed${reason ? `: ${reason}` : ''}`, { phase: 'proxy-tls', cause: err.cause ?? err });
}
