/**
 * The trace events of opening a connection, worded once for every protocol
 * (src/trace.ts): `resolved` the moment a lookup answers, `tls` once a
 * handshake is done. `dial -v` and `-w` then read the same facts from HTTP,
 * FTP, gopher and the mail and news clients.
 *
 * @module
 */
import type { TLSSocket } from 'node:tls';
import type { Tracer } from '../trace.js';
import type { LookupFunction } from './connect.js';
import type { Socket } from './socket.js';
import { systemLookup } from './system-lookup.js';

/** `lookup` (or the system's), reporting each answer as a `resolved` event of `protocol`. */
export function tracedLookup(lookup: LookupFunction | undefined, trace: Tracer, protocol: string): LookupFunction {
  const inner = lookup ?? systemLookup;
  return async (hostname, options) => {
    const found = await inner(hostname, options);
    const addresses = found.map((a) => a.address);
    trace({ kind: '*', text: `Host ${hostname} was resolved: ${addresses.join(', ')}`, protocol, event: 'resolved', data: { host: hostname, addresses } });
    return found;
  };
}

/** Emits the `tls` event for a socket that has just finished its handshake. */
export function traceTLS(sock: Socket, trace: Tracer | undefined): void {
  if (!trace) return;
  const raw = sock.raw as TLSSocket;
  const version = typeof raw.getProtocol === 'function' ? (raw.getProtocol() ?? undefined) : undefined;
  const verifyError = raw.authorized === false && raw.authorizationError ? String(raw.authorizationError) : undefined;
  trace({ kind: '*', text: `TLS established (${version ?? 'TLS'})`, protocol: 'tls', event: 'tls', data: { tlsVersion: version, verifyError } });
}
