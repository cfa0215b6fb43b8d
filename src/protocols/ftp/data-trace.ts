/**
 * The structured trace events of FTP data connections (src/trace.ts), so
 * `dial -v` shows a data connection's connect and TLS steps as it shows the
 * control connection's, and `dial -w` counts it in num_connects as curl does.
 *
 * @module
 */
import type * as net from 'node:net';
import type * as tls from 'node:tls';
import type { TraceFacts, Tracer } from '../../trace.js';

/**
 * Reports a data connection as the control connection's are reported
 * (src/trace.ts): `connected` and `tls`, marked `secondary` — it counts as a
 * connection of the transfer (curl's num_connects) but the transfer's
 * addresses and times stay those of the control connection.
 */
export function traceConnected(trace: Tracer | undefined, sock: net.Socket, how: string): void {
  if (!trace) return;
  const data: TraceFacts = { secondary: true };
  if (typeof sock.remoteAddress === 'string') data.remoteAddress = sock.remoteAddress;
  if (typeof sock.remotePort === 'number') data.remotePort = sock.remotePort;
  if (typeof sock.localAddress === 'string') data.localAddress = sock.localAddress;
  if (typeof sock.localPort === 'number') data.localPort = sock.localPort;
  trace({ kind: '*', text: `${how} ${data.remoteAddress ?? '?'} port ${data.remotePort ?? '?'} (data connection)`, protocol: 'ftp', event: 'connected', data });
}

/**
 * A tracer for a data connection's proxy tunnel: its connection and TLS
 * count as the data connection's (`secondary`); its other steps (resolving
 * the proxy, opening the tunnel) are shown but describe nothing of the transfer.
 */
export function dataTunnelTracer(trace: Tracer | undefined): Tracer | undefined {
  if (!trace) return undefined;
  return (ev) => {
    if (ev.event === 'connected' || ev.event === 'tls') trace({ ...ev, data: { ...ev.data, secondary: true } });
    else if (ev.event !== undefined) trace({ kind: ev.kind, text: ev.text, protocol: ev.protocol });
    else trace(ev);
  };
}

/** `tls` for a data connection's handshake (secondary: the transfer's ssl_verify_result stays the control connection's). */
export function traceDataTls(trace: Tracer | undefined, t: tls.TLSSocket): void {
  if (!trace) return;
  const data: TraceFacts = { secondary: true, tlsVersion: t.getProtocol() ?? undefined, verifyError: t.authorized ? undefined : String(t.authorizationError ?? 'UNKNOWN') };
  trace({ kind: '*', text: `TLS established on the data connection (${data.tlsVersion ?? 'TLS'}${t.isSessionReused() ? ', session resumed' : ''})`, protocol: 'tls', event: 'tls', data });
}
