/**
 * What every line-protocol client (POP3, NNTP) is configured with, and the
 * one way it opens its connection: the caller's input checked first, the
 * protocol's port for plain or implicit TLS, then the traced connect.
 *
 * @module
 */
import type { LocalEnd } from '../socket/local-end.js';
import { AbortError, InputError, ProtocolError, TimeoutError } from '../errors.js';
import type { LookupFunction } from '../socket/connect.js';
import type { Socket } from '../socket/socket.js';
import type { TLSOptions } from '../socket/tls.js';
import type { Tracer } from '../trace.js';
import type { LineClient } from './client.js';
import { openSocket, tlsFor } from './open.js';

/**
 * How the connection is protected: `false` plain text, `'starttls'` the
 * protocol's upgrade command before anything else (a refusal is a
 * ReplyError, never a silent fallback), `'implicit'` TLS from the first byte.
 */
export type LineSecurity = false | 'starttls' | 'implicit';

/** The options every line-protocol client shares. */
export interface LineSessionOptions {
  host: string;
  /** Default: the protocol's port, or its implicit-TLS port with `secure: 'implicit'`. */
  port?: number | undefined;
  secure?: LineSecurity | undefined;
  /** TLS settings (verification stays on unless `rejectUnauthorized: false`). */
  tls?: TLSOptions | undefined;
  /** With `user` (and `password`), connect() logs in before it resolves. */
  user?: string | undefined;
  password?: string | undefined;
  /** Bound on each wait (every reply, every body line), ms; 0 = none. Default 60000. */
  timeout?: number | undefined;
  /** Bound on resolve + TCP + TLS, ms. Default: `timeout`. */
  connectTimeout?: number | undefined;
  /** Aborts connecting and what connect() sends. */
  signal?: AbortSignal | undefined;
  lookup?: LookupFunction | undefined;
  /** The local end of each TCP connection (curl --interface, --local-port). */
  local?: LocalEnd | undefined;
  /** Sees the conversation; passwords are masked. */
  trace?: Tracer | undefined;
  /** Longest status line, bytes. Default 8192. */
  maxLine?: number | undefined;
  /** Longest body line, bytes. Default 1 MiB. */
  maxBodyLine?: number | undefined;
  /** Most entries in one listing. Default 1,000,000. */
  maxListEntries?: number | undefined;
  /** Most bytes in one listing (it is held whole). Default 64 MiB. */
  maxListBytes?: number | undefined;
}

/** What differs between the protocols when opening. */
export interface LineProtocol {
  /** 'pop3', 'nntp': names the protocol in errors and the trace. */
  name: string;
  /** The well-known ports: plain (and STARTTLS), and implicit TLS. */
  port: number;
  tlsPort: number;
  /** The protocol's own check of caller text (host, user, password): CR, LF, NUL refused. */
  check: (value: unknown, what: string) => string;
  /** Default bound on a wait, ms. */
  timeout: number;
}

/** Checks the options and connects (TLS from the first byte for `'implicit'`), tracing as every protocol does. */
export async function openSession(options: LineSessionOptions, p: LineProtocol): Promise<{ socket: Socket; host: string; secure: LineSecurity }> {
  const host = p.check(options.host, 'host');
  if (host === '') throw new InputError(`a ${p.name.toUpperCase()} host is required`, { protocol: p.name });
  const secure = options.secure ?? false;
  if (secure !== false && secure !== 'starttls' && secure !== 'implicit') throw new InputError(`secure must be false, 'starttls' or 'implicit'`, { protocol: p.name });
  if (options.user !== undefined) p.check(options.user, 'user name');
  if (options.password !== undefined) p.check(options.password, 'password');
  const socket = await openSocket(
    {
      host,
      port: options.port ?? (secure === 'implicit' ? p.tlsPort : p.port),
      tls: secure === 'implicit' ? tlsFor(host, options.tls) : undefined,
      signal: options.signal,
      timeout: options.connectTimeout ?? options.timeout ?? p.timeout,
      lookup: options.lookup,
      local: options.local,
      trace: options.trace,
    },
    p.name,
  );
  return { socket, host, secure };
}

/**
 * Reads one status line of a session. A status that timed out or was
 * aborted is still on its way and would be read as the next command's, so
 * the session is closed (`close`) before the error goes on; end of stream is
 * a ProtocolError naming the protocol.
 */
export async function readStatusLine(line: LineClient, wait: Parameters<LineClient['readLine']>[0], close: () => Promise<void>, protocol: string): Promise<string> {
  let raw: string | null;
  try {
    raw = await line.readLine(wait);
  } catch (e) {
    if (e instanceof TimeoutError || e instanceof AbortError) await close();
    throw e;
  }
  if (raw === null) throw new ProtocolError(`the ${protocol.toUpperCase()} server closed the connection without a reply`, { protocol, phase: 'reply' });
  return raw;
}
