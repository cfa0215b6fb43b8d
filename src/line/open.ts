/**
 * Opening the connection of a line protocol (POP3, NNTP, SMTP …): TCP, TLS
 * from the first byte for the implicit-TLS ports, and the trace events
 * every protocol emits (`connected`, `tls`), so `dial -v` and `-w` read the
 * same facts whichever protocol ran.
 *
 * @module
 */
import type { LocalEnd } from '../socket/local-end.js';
import { isIP } from 'node:net';
import { toDialError } from '../errors.js';
import type { LookupFunction } from '../socket/connect.js';
import { Socket } from '../socket/socket.js';
import type { TLSOptions } from '../socket/tls.js';
import { connectionFacts, type Tracer } from '../trace.js';
import { tracedLookup, traceTLS } from '../socket/trace-connect.js';

export { traceTLS };

/** What opening a connection needs. */
export interface OpenTarget {
  host: string;
  port: number;
  /** TLS from the first byte (pop3s, nntps, smtps). */
  tls?: TLSOptions | undefined;
  signal?: AbortSignal | undefined;
  /** Bound on resolve + TCP + TLS, ms. */
  timeout?: number | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port). */
  local?: LocalEnd | undefined;
  trace?: Tracer | undefined;
}

/** TLS settings for `host`: SNI and the certificate check use the name connected to (an IP literal gets no SNI). */
export function tlsFor(host: string, tls: TLSOptions | undefined): TLSOptions {
  const t = tls ?? {};
  if (t.servername !== undefined || isIP(host)) return { ...t };
  return { ...t, servername: host };
}

/** Connects, tracing `connected` (and `tls` for implicit TLS). */
export async function openSocket(t: OpenTarget, protocol: string): Promise<Socket> {
  t.trace?.({ kind: '*', text: `Connecting to ${t.host} port ${t.port}`, protocol });
  let sock: Socket;
  try {
    const lookup = t.trace ? tracedLookup(t.lookup, t.trace, protocol) : t.lookup;
    sock = await Socket.connect({ host: t.host, port: t.port, signal: t.signal, timeout: t.timeout, lookup, tls: t.tls, local: t.local });
  } catch (e) {
    throw toDialError(e, `connect to ${t.host} port ${t.port}`, { protocol, phase: 'connect' });
  }
  if (t.trace) {
    const data = connectionFacts(sock);
    t.trace({ kind: '*', text: `Connected to ${t.host} (${data.remoteAddress ?? '?'}) port ${data.remotePort ?? t.port}`, protocol, event: 'connected', data });
    if (t.tls) traceTLS(sock, t.trace);
  }
  return sock;
}

