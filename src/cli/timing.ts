/**
 * The `-w` facts curl measures — time_namelookup, time_connect,
 * time_appconnect, time_pretransfer, time_redirect, the addresses of both
 * ends, num_connects, ssl_verify_result — gathered from the library's
 * structured trace events (`event`/`data`, see src/trace.ts), never from
 * their text. Events arrive synchronously, so the time an event is seen is
 * the time of the step it reports.
 *
 * Times are seconds from the start of the transfer to the step of the hop
 * that produced the final response; where the protocol reported no step
 * (a protocol without these events), the time is 0, as curl prints for a
 * step that did not happen.
 *
 * @module
 */
import type { TraceEvent, TraceFacts } from '../trace.js';

/** What {@link TransferClock.result} hands to the write-out variables. */
export interface ClockFacts {
  /** Seconds from the transfer's start to each step; 0 for a step that did not happen. */
  time_namelookup: number;
  /** 0 for a transfer made wholly on a reused connection, as curl. */
  time_connect: number;
  /** 0 without TLS, as curl. */
  time_appconnect: number;
  time_pretransfer: number;
  /** When the last redirect was followed; 0 without one. */
  time_redirect: number;
  /** The final response's connection ('' and 0 when the protocol did not report it). */
  remote_ip: string;
  remote_port: number;
  local_ip: string;
  local_port: number;
  /** New connections opened by the transfer (a reused one counts 0). */
  num_connects: number;
  /** OpenSSL's verification result number; 0 when verified or without TLS. */
  ssl_verify_result: number;
  /** The HTTP proxy's answer to CONNECT; 0 without one. */
  http_connect: number;
}

/**
 * OpenSSL's X509_V_ERR numbers (what curl prints as ssl_verify_result) for
 * the code names Node reports in `authorizationError`.
 */
const X509_ERRORS: Record<string, number> = {
  UNABLE_TO_GET_ISSUER_CERT: 2,
  UNABLE_TO_GET_CRL: 3,
  CERT_SIGNATURE_FAILURE: 7,
  CERT_NOT_YET_VALID: 9,
  CERT_HAS_EXPIRED: 10,
  DEPTH_ZERO_SELF_SIGNED_CERT: 18,
  SELF_SIGNED_CERT_IN_CHAIN: 19,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 20,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 21,
  CERT_CHAIN_TOO_LONG: 22,
  CERT_REVOKED: 23,
  INVALID_CA: 24,
  PATH_LENGTH_EXCEEDED: 25,
  INVALID_PURPOSE: 26,
  CERT_UNTRUSTED: 27,
  CERT_REJECTED: 28,
  HOSTNAME_MISMATCH: 62,
};

/** ssl_verify_result for a `tls` event's `verifyError` (0: verified). */
export function verifyResult(code: string | undefined): number {
  if (code === undefined) return 0;
  // X509_V_ERR_UNSPECIFIED for a name OpenSSL would not know.
  return X509_ERRORS[code] ?? 1;
}

/** Both ends known and equal: the same TCP connection. */
function sameEnds(a: TraceFacts, b: TraceFacts): boolean {
  return (
    a.localPort !== undefined &&
    a.localPort === b.localPort &&
    a.localAddress === b.localAddress &&
    a.remotePort === b.remotePort &&
    a.remoteAddress === b.remoteAddress
  );
}

interface Hop {
  start: number;
  resolved?: number;
  connected?: number;
  tls?: number;
  ready?: number;
  sent?: number;
  reused?: boolean;
}

/**
 * Watches one attempt's trace events and turns them into curl's timing and
 * connection variables. Feed it every event with {@link see}; read
 * {@link result} once the response has started.
 */
export class TransferClock {
  readonly #t0: number;
  readonly #now: () => number;
  #hop: Hop;
  #redirectAt = 0;
  #connects = 0;
  #conn: TraceFacts = {};
  #verify = 0;
  #connectCode = 0;
  /** The heads of the proxy's CONNECT replies, as curl -i prints them before the response's. */
  proxyHeads = '';

  /** `t0`: the transfer's start on the `now` clock (performance.now() by default). */
  constructor(t0: number, now: () => number = () => performance.now()) {
    this.#t0 = t0;
    this.#now = now;
    this.#hop = { start: t0 };
  }

  /** Notes one trace event. */
  see(ev: TraceEvent): void {
    const now = this.#now();
    const hop = this.#hop;
    switch (ev.event) {
      case 'resolved':
        hop.resolved = now;
        return;
      case 'connected': {
        const data = ev.data ?? {};
        // An extra connection (an FTP data connection) counts, as curl counts it, but describes nothing.
        if (data.secondary) {
          this.#connects++;
          return;
        }
        // The same connection announced again by the layer above (FTP's control connection through a proxy tunnel).
        if (hop.connected !== undefined && sameEnds(this.#conn, data)) return;
        this.#connects++;
        hop.connected = hop.ready = now;
        hop.sent = undefined;
        this.#conn = data;
        this.#verify = 0;
        return;
      }
      case 'tls':
        if (ev.data?.secondary) return;
        hop.tls = hop.ready = now;
        hop.sent = undefined;
        this.#verify = verifyResult(ev.data?.verifyError);
        return;
      case 'tunnel':
        // What a proxy was told to open the tunnel is not the transfer's request.
        hop.ready = now;
        hop.sent = undefined;
        return;
      case 'reused':
        // An open connection: nothing to resolve or connect, so those steps end now.
        hop.resolved = hop.connected = hop.ready = now;
        hop.reused = true;
        this.#conn = ev.data ?? {};
        return;
      case 'proxy-reply':
        this.#connectCode = ev.data?.status ?? 0;
        this.proxyHeads += ev.data?.head ?? '';
        return;
      case 'redirect':
        this.#redirectAt = now;
        this.#hop = { start: now };
        return;
    }
    // The request begins with the first line sent on a ready connection.
    if (ev.kind === '>' && hop.ready !== undefined && hop.sent === undefined) hop.sent = now;
  }

  /** The variables, for a final response whose transfer is `tls` (https, ftps). */
  result(tls: boolean): ClockFacts {
    const s = (t: number | undefined): number => (t === undefined ? 0 : Math.max(0, (t - this.#t0) / 1000));
    const hop = this.#hop;
    const seen = hop.ready !== undefined;
    const namelookup = seen ? (hop.resolved ?? hop.start) : undefined;
    // A transfer that made no connection of its own (every hop on a reused one) reports none, as curl: 0.
    const fresh = this.#connects > 0;
    const connect = fresh ? hop.connected : undefined;
    // A reused TLS connection did its handshake long ago: after a redirect curl counts it as done when taken.
    const appconnect = fresh ? (hop.tls ?? (tls && hop.reused ? hop.connected : undefined)) : undefined;
    const pretransfer = hop.sent ?? hop.ready;
    return {
      time_namelookup: s(namelookup),
      time_connect: s(connect),
      time_appconnect: s(appconnect),
      time_pretransfer: s(pretransfer),
      time_redirect: this.#redirectAt ? s(this.#redirectAt) : 0,
      remote_ip: this.#conn.remoteAddress ?? '',
      remote_port: this.#conn.remotePort ?? 0,
      local_ip: this.#conn.localAddress ?? '',
      local_port: this.#conn.localPort ?? 0,
      num_connects: this.#connects,
      ssl_verify_result: this.#verify,
      http_connect: this.#connectCode,
    };
  }
}
