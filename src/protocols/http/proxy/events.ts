/**
 * The structured trace events of a proxy tunnel (src/trace.ts), the same a
 * direct connection reports, so a tool timing a transfer (`dial -w`) sees
 * through a proxy what curl reports: `resolved` for the proxy's name,
 * `connected` with both ends of the TCP connection to the proxy (curl's
 * time_connect, remote_ip and remote_port are the proxy's), `tunnel` once
 * the proxy has opened the way to the target, and `tls` for the handshake
 * with the target through it (time_appconnect, ssl_verify_result).
 *
 * @module
 */
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type { LookupFunction } from '../../../socket/connect.js';
import { tracedLookup as traceLookup } from '../../../socket/trace-connect.js';
import type { TraceFacts, Tracer } from '../../../trace.js';

/** `lookup` (or the system's), reporting each answer as a `resolved` event; `lookup` itself when nothing traces. */
export function tracedLookup(lookup: LookupFunction | undefined, trace: Tracer | undefined, protocol: string): LookupFunction | undefined {
  return trace ? traceLookup(lookup, trace, protocol) : lookup;
}

/** Both ends of a node:net socket (a TLS socket reports those of the TCP connection under it). */
export function socketFacts(sock: net.Socket): TraceFacts {
  const facts: TraceFacts = {};
  if (typeof sock.remoteAddress === 'string') facts.remoteAddress = sock.remoteAddress;
  if (typeof sock.remotePort === 'number') facts.remotePort = sock.remotePort;
  if (typeof sock.localAddress === 'string') facts.localAddress = sock.localAddress;
  if (typeof sock.localPort === 'number') facts.localPort = sock.localPort;
  return facts;
}

/** `connected`: the TCP connection to the proxy `name` is open. */
export function traceConnected(trace: Tracer | undefined, sock: net.Socket, name: string, protocol: string): void {
  if (!trace) return;
  const data = socketFacts(sock);
  trace({ kind: '*', text: `Connected to proxy ${name} (${data.remoteAddress ?? '?'}) port ${data.remotePort ?? '?'}`, protocol, event: 'connected', data });
}

/** `tunnel`: the proxy opened the way to `authority`; what is sent from now on is the target's. */
export function traceTunnel(trace: Tracer | undefined, authority: string, host: string, protocol: string, via: string): void {
  trace?.({ kind: '*', text: `${via} tunnel to ${authority} established`, protocol, event: 'tunnel', data: { host } });
}

/** `tls`: the handshake with the target through the tunnel finished. */
export function traceTls(trace: Tracer | undefined, t: tls.TLSSocket, authority: string): void {
  if (!trace) return;
  const alpn = typeof t.alpnProtocol === 'string' ? t.alpnProtocol : undefined;
  const data: TraceFacts = { tlsVersion: t.getProtocol() ?? undefined, alpn, verifyError: t.authorized ? undefined : String(t.authorizationError ?? 'UNKNOWN') };
  const resumed = t.isSessionReused();
  trace({ kind: '*', text: `TLS to ${authority} through the tunnel established${resumed ? ' (session resumed)' : ''}${alpn ? `, ALPN ${alpn}` : ''}`, protocol: 'tls', event: 'tls', data });
}
