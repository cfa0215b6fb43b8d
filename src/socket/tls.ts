import * as net from 'node:net';
import type * as tls from 'node:tls';
import { InputError, TLSError, toDialError } from '../errors.js';
import { guard, type WaitOptions } from '../util/guard.js';
import { nodeTls } from '../util/builtins.js';
import { matchesPin } from './pinned-key.js';

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
  /** Protocols offered through ALPN, e.g. ['http/1.1']; an empty list offers none (curl --no-alpn). */
  ALPNProtocols?: string[] | undefined;
  /** false turns verification off; only ever do this when the user asked (curl -k). */
  rejectUnauthorized?: boolean | undefined;
  /** Replaces the host-name check (the chain is still verified). */
  checkServerIdentity?: ((host: string, cert: tls.PeerCertificate) => Error | undefined) | undefined;
  /** A session from an earlier connection to resume (FTPS data channels need it). */
  session?: Buffer | undefined;
  /**
   * false: connections made with these settings are offered no earlier
   * session, each runs a full handshake (curl --no-sessionid). Read by the
   * HTTP agent's pools, which otherwise offer a pool's last session (default true).
   */
  sessionReuse?: boolean | undefined;
  /** The key-exchange groups offered, `:`-separated OpenSSL names such as `X25519:P-256` (node:tls `ecdhCurve`, curl --curves). */
  ecdhCurve?: string | undefined;
  /**
   * Certificate revocation lists (PEM) of the CAs in the chain: a certificate
   * one lists is refused as DIAL_E_TLS_CERT (curl --crlfile). OpenSSL then
   * wants a CRL for every CA of the chain but the root.
   */
  crl?: string | Buffer | Array<string | Buffer> | undefined;
  minVersion?: tls.SecureVersion | undefined;
  maxVersion?: tls.SecureVersion | undefined;
  /** Cipher list for TLS 1.2 and below, in OpenSSL's syntax (curl --ciphers); TLS 1.3 keeps its default suites unless `tls13Ciphers` names them. */
  ciphers?: string | undefined;
  /** TLS 1.3 cipher suites, `:`-separated (curl --tls13-ciphers); TLS 1.2 keeps its default list unless `ciphers` names it. */
  tls13Ciphers?: string | undefined;
  /** A PKCS#12 bundle holding the client certificate and key, instead of `cert`/`key` (opened with `passphrase`). */
  pfx?: Buffer | undefined;
  /**
   * Public-key pins: base64 SHA-256 of a SubjectPublicKeyInfo (see
   * pinned-key.ts). When set, the peer certificate's key must have one, or
   * the connection fails with DIAL_E_TLS_PINNED — checked after the normal
   * verification, and with `rejectUnauthorized: false` too. A resumed
   * session is not checked again (node:tls gives no certificate for it):
   * offer only a `session` made under the same pins.
   */
  pinnedPublicKeys?: readonly string[] | undefined;
}

/**
 * node:tls takes one cipher string for both kinds of suites and, given only
 * TLS 1.2 names, turns TLS 1.3 off (or the reverse). curl sets each kind on
 * its own, so the kind not named keeps node's default here.
 */
function cipherString(options: TLSOptions): string | undefined {
  if (options.ciphers === undefined && options.tls13Ciphers === undefined) return undefined;
  const defaults = nodeTls().DEFAULT_CIPHERS.split(':');
  const v13 = options.tls13Ciphers ?? defaults.filter((c) => c.startsWith('TLS_')).join(':');
  const v12 = options.ciphers ?? defaults.filter((c) => !c.startsWith('TLS_')).join(':');
  return [v13, v12].filter((c) => c !== '').join(':');
}

/**
 * Throws an InputError (phase `ciphers`) when `ciphers` or `tls13Ciphers`
 * names nothing OpenSSL knows, or a TLS 1.3 suite is not a `TLS_` name —
 * before any connection is made, where tls.connect would throw at each one.
 */
export function checkCiphers(options: TLSOptions): void {
  const tls = nodeTls();
  const check = (list: string, what: string, given = list): void => {
    try {
      tls.createSecureContext({ ciphers: list });
    } catch (e) {
      throw new InputError(`failed setting ${what}: ${given}`, { protocol: 'tls', phase: 'ciphers', cause: e });
    }
  };
  if (options.ciphers !== undefined) {
    // Only its TLS 1.2 names: node would take a TLS_ name as a TLS 1.3 suite (and an empty list as none).
    const v12 = options.ciphers.split(':').filter((c) => !c.startsWith('TLS_')).join(':');
    check(v12 === '' ? 'NONE-GIVEN' : v12, 'cipher list', options.ciphers);
  }
  if (options.tls13Ciphers !== undefined) {
    const names = options.tls13Ciphers.split(':');
    if (names.some((c) => !c.startsWith('TLS_'))) throw new InputError(`failed setting TLS 1.3 cipher suite: ${options.tls13Ciphers}`, { protocol: 'tls', phase: 'ciphers' });
    check(options.tls13Ciphers, 'TLS 1.3 cipher suite');
  }
}

/**
 * Throws an InputError when `ecdhCurve` names a group OpenSSL does not know
 * (phase `curves`) or `crl` is not a CRL it can load (phase `crl`), before any
 * connection is made, where tls.connect would throw at each one.
 */
export function checkCurvesAndCrl(options: TLSOptions): void {
  const tls = nodeTls();
  if (options.ecdhCurve !== undefined) {
    try {
      tls.createSecureContext({ ecdhCurve: options.ecdhCurve });
    } catch (e) {
      throw new InputError(`failed setting curves list: '${options.ecdhCurve}'`, { protocol: 'tls', phase: 'curves', cause: e });
    }
  }
  if (options.crl !== undefined) {
    try {
      tls.createSecureContext({ crl: options.crl });
    } catch (e) {
      throw new InputError(`error loading CRL: ${(e as Error).message}`, { protocol: 'tls', phase: 'crl', cause: e });
    }
  }
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
    pfx: options.pfx,
    ciphers: cipherString(options),
    passphrase: options.passphrase,
    ALPNProtocols: options.ALPNProtocols,
    rejectUnauthorized: options.rejectUnauthorized !== false,
    checkServerIdentity: options.checkServerIdentity,
    session: options.session,
    minVersion: options.minVersion,
    maxVersion: options.maxVersion,
    ecdhCurve: options.ecdhCurve,
    crl: options.crl,
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
  return secured(t, sniName(host, options) ?? host, wait, () => socket.destroy(), options.pinnedPublicKeys);
}

/**
 * Waits for the handshake of a TLS socket already under way (made by
 * tls.connect) and resolves once it is verified; on failure or timeout the
 * socket is destroyed (and `cleanup` run) and the error is a TLSError.
 * With `pins`, the peer's public key must have one of them (DIAL_E_TLS_PINNED).
 */
export function secured(t: tls.TLSSocket, name: string, wait: WaitOptions, cleanup?: () => void, pins?: readonly string[]): Promise<tls.TLSSocket> {
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
      // A resumed session carries no certificate in node:tls; its key was checked when the session was made
      // (sessions are offered only within one pool, or from an FTP control connection to its data connections).
      if (pins && !t.isSessionReused() && !matchesPin(peerSpki(t), pins)) {
        drop();
        reject(new TLSError('DIAL_E_TLS_PINNED', 'SSL: public key does not match pinned public key'));
        return;
      }
      resolve(t);
    });
  });
  return guard(done, wait, `TLS handshake with ${name}`, drop);
}

/**
 * The peer certificate's SubjectPublicKeyInfo (DER). Not PeerCertificate's
 * `pubkey`: for an EC key that is the bare point, not the SPKI a pin hashes.
 */
function peerSpki(t: tls.TLSSocket): Buffer | undefined {
  try {
    return t.getPeerX509Certificate()?.publicKey.export({ type: 'spki', format: 'der' });
  } catch {
    return undefined;
  }
}

function sniName(host: string, options: TLSOptions): string | undefined {
  return options.servername ?? (net.isIP(host) ? undefined : host);
}

function defined<T extends object>(o: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}
