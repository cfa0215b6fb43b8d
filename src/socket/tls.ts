import * as net from 'node:net';
import type * as tls from 'node:tls';
import { TLSError, toDialError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import { nodeTls } from '../util/builtins.js';

/**
 * TLS client settings. Verification is on unless `rejectUnauthorized` is
 * explicitly false; SNI defaults to the host name (never to an IP literal,
 * which RFC 6066 forbids).
 */
export interface TLSOptions {
  /** Name for SNI and for checking the certificate (default: the host connected to). */
  servername?: string | undefined;
  /** Trusted CA certificates (PEM); replaces the system store. */
  ca?: string | Buffer | Array<string | Buffer> | undefined;
  /** Client certificate and key (PEM), for servers that ask for one. */
  cert?: string | Buffer | undefined;
  key?: string | Buffer | undefined;
  passphrase?: string | undefined;
  /** Protocols offered through ALPN, e.g. ['http/1.1']. */
  ALPNProtocols?: string[] | undefined;
  /** false turns verification off; only ever do this when the user asked (curl -k). */
  rejectUnauthorized?: boolean | undefined;
  /** Replaces the host-name check (the chain is still verified). */
  checkServerIdentity?: ((host: string, cert: tls.PeerCertificate) => Error | undefined) | undefined;
  /** A session from an earlier connection to resume (FTPS data channels need it). */
  session?: Buffer | undefined;
  minVersion?: tls.SecureVersion | undefined;
  maxVersion?: tls.SecureVersion | undefined;
}

/**
 * The node:tls client options for `host`: SNI (never an IP literal), the
 * name checked, trust, client certificate, ALPN and resumption. Give them to
 * tls.connect with `socket` (see {@link handshake}), or with host/port and
 * `onread` so TLS owns its TCP handle and reads into one reused buffer
 * (see {@link tlsOpener}).
 */
function tlsConnectOptions(host: string, options: TLSOptions): tls.ConnectionOptions {
  // Undefined keys must be dropped, not passed: tls.connect spreads the
  // options over its defaults, so `checkServerIdentity: undefined` would erase
  // the default check and trip an internal assertion.
  return defined({
    servername: sniName(host, options),
    host: options.servername ?? host,
    ca: options.ca,
    cert: options.cert,
    key: options.key,
    passphrase: options.passphrase,
    ALPNProtocols: options.ALPNProtocols,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    checkServerIdentity: options.checkServerIdentity,
    session: options.session,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion,
    allowHalfOpen: true,
  }) as tls.ConnectionOptions;
}

/**
 * A connectTcp `open` for TLS to `host`: each connection attempt is a TLS
 * socket that makes its own TCP socket — the only way node:tls honours
 * node:net's `onread` (one reused read buffer). The handshake starts at the
 * TCP connect; await it with {@link secured}.
 */
export function tlsOpener(host: string, options: TLSOptions): (attempt: net.TcpNetConnectOpts) => tls.TLSSocket {
  const base = tlsConnectOptions(host, options);
  // tls.connect passes `noDelay` to no one: it is set on the socket.
  return (attempt) => nodeTls().connect({ ...base, ...attempt }).setNoDelay(true);
}

/**
 * Runs the client side of a TLS handshake over an open socket and resolves
 * once it is verified. Failures become TLSError (DIAL_E_TLS_CERT for an
 * untrusted or mismatched certificate).
 */
export function handshake(socket: net.Socket, host: string, options: TLSOptions, wait: WaitOptions): Promise<tls.TLSSocket> {
  const t = nodeTls().connect({ socket, ...tlsConnectOptions(host, options) });
  return secured(t, sniName(host, options) ?? host, wait, () => socket.destroy());
}

/**
 * Waits for the handshake of a TLS socket already under way (made by
 * tls.connect) and resolves once it is verified; on failure or timeout the
 * socket is destroyed (and `cleanup` run) and the error is a TLSError.
 */
export function secured(t: tls.TLSSocket, name: string, wait: WaitOptions, cleanup?: () => void): Promise<tls.TLSSocket> {
  const drop = () => {
    t.destroy();
    cleanup?.();
  };
  const done = new Promise<tls.TLSSocket>((resolve, reject) => {
    const onError = (err: Error) => {
      drop();
      const e = toDialError(err, `TLS handshake with ${name} failed`, { protocol: 'tls', phase: 'tls' });
      reject(e instanceof TLSError ? e : new TLSError('DIAL_E_TLS', e.message, { cause: err }));
    };
    t.once('error', onError);
    t.once('secureConnect', () => {
      t.removeListener('error', onError);
      resolve(t);
    });
  });
  return guard(done, wait, `TLS handshake with ${name}`, drop);
}

function sniName(host: string, options: TLSOptions): string | undefined {
  return options.servername ?? (net.isIP(host) ? undefined : host);
}

function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
