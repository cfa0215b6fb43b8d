/**
 * The transfer engine: opens the data connection (EPSV, PASV fallback, or
 * PORT/EPRT), sends the transfer command, streams the data, reads the final
 * reply, and — when anything goes wrong or the caller stops early — brings
 * the control connection back in step with ABOR, so it stays usable. Uploads
 * are here; a download's two ways of reading are in download.ts.
 *
 * Timers during a transfer. The control connection has no timer running
 * while the data flows: its bound (`timeout`) starts only when the final
 * reply is awaited, after the data connection closed, so a transfer of any
 * length cannot trip it (basic-ftp's most reported bug was that timer
 * firing mid-transfer). The data connection has its own idle bound
 * (`dataTimeout`), reset by every chunk.
 *
 * No NOOP is sent on the control connection while a transfer runs, by
 * design, and there is no option for it. RFC 959 expects only ABOR, STAT
 * and QUIT during a transfer (§4.1.3, with Telnet IP/Synch to get the
 * server's attention); any other command waits for the transfer's end, and
 * servers differ: vsftpd and most single-process servers do not read the
 * control connection until the transfer ends, so the 200 arrives after the
 * 226 and replies must be re-paired; some servers answer 500, some abort the
 * transfer, and a NOOP that races the 226 leaves a client that miscounts
 * replies out of step for the rest of the session. What a keep-alive would
 * protect against is the server's idle timer, and servers count data
 * activity: vsftpd's idle_session_timeout is suspended during a transfer
 * (test/interop/ftp-keepalive.test.ts: a 2 s idle timeout survives a 5 s
 * download), pyftpdlib cancels its control idle timer while a data channel
 * is open, and ProFTPD's TimeoutIdle counts traffic on either connection. A NAT or firewall
 * that drops the idle control connection mid-transfer is the remaining case;
 * TCP keep-alive, not FTP NOOP, is the remedy there. Between transfers,
 * {@link FtpClient.noop} keeps a session alive, and {@link FtpPool} closes
 * sessions before servers do.
 *
 * @module
 */
import type { LocalEnd } from '../../socket/local-end.js';
import { isIP, type Socket as NetSocket } from 'node:net';
import { AbortError, DialError, InputError, ProtocolError, ReplyError, TimeoutError, TLSError, toDialError } from '../../errors.js';
import type { Reply, Expect } from '../../line/replies.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import type { WaitOptions } from '../../util/guard.js';
import { AsciiEncoder } from './core/ascii.js';
import { formatEprt, formatPort, parseEpsv, parsePasv } from './core/pasv.js';
import { ActiveListener, activeListenAddress, DataConnection } from './data-channel.js';

export type { ConsumeSink } from './data-sink.js';
export type { Download } from './download.js';

/** Progress of one transfer (the shape urlopen's meters take). */
export interface TransferProgress {
  direction: 'download' | 'upload';
  /** Bytes moved so far in this transfer (not counting a resume offset). */
  transferred: number;
  /** Bytes expected in this transfer, when known. */
  total: number | undefined;
}

/** What the engine needs from the client that owns the control connection. */
export interface TransferHost {
  /** Sends a validated command and reads its reply (ReplyError unless `expect` holds); `signal` aborts the wait and ends the session. */
  command(line: string, expect?: Expect, signal?: AbortSignal): Promise<Reply>;
  /** Reads one reply, bounded by `timeout` ms (default: the control timeout) starting now. */
  readReply(expect?: Expect, timeout?: number): Promise<Reply>;
  /** Sends a line without reading (ABOR). */
  writeLine(line: string): Promise<void>;
  /** Traces a `*` note; `bytes` marks a data summary (TraceEvent.bytes). */
  note(text: string, bytes?: number): void;
  /** Marks the control connection unusable and closes it. */
  fail(err: DialError): void;
  /** The control connection's peer IP and our local IP. */
  readonly peerAddress: string;
  readonly localAddress: string;
  /** The name the user connected to (for TLS identity). */
  readonly hostname: string;
  /** TLS options for a data connection (session to resume included), or undefined when PROT C. */
  dataTLS(): TLSOptions | undefined;
  readonly settings: TransferSettings;
  /** EPSV refused once: PASV from then on. */
  epsvRefused: boolean;
  /** EPRT refused once (or not wanted): PORT from then on, over IPv4. */
  eprtRefused: boolean;
  /** Opens passive data connections instead of a direct TCP connect (a proxy tunnel). */
  connectData?: ((host: string, port: number, wait: WaitOptions) => Promise<NetSocket>) | undefined;
  /** Sees each data connection's connect and TLS steps (structured events, see data-channel.ts). */
  trace?: Tracer | undefined;
  /** Whether the control connection keeps the process alive: not while a download waits for its first reader. */
  hold?: ((on: boolean) => void) | undefined;
}

/** Data-connection policy. */
export interface TransferSettings {
  activeMode: boolean;
  /** Active mode's listening address (default: this end of the control connection) and port range. */
  activeAddress?: string | undefined;
  activePorts?: readonly [number, number] | undefined;
  pasvUseControlHost: boolean;
  allowForeignDataHost: boolean;
  /** Bound on connect, accept and handshake, ms. */
  timeout: number;
  /** Bound on each silence on the data connection, ms. */
  dataTimeout: number;
  /** The local end of passive data connections, as the control connection's. */
  local?: LocalEnd | undefined;
}

/** Options for one transfer. */
export interface TransferOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((p: TransferProgress) => void) | undefined;
  /** Convert line endings (TYPE A). */
  ascii?: boolean | undefined;
  /** Bytes this transfer should carry, when known from SIZE (minus the resume offset). */
  expectedSize?: number | undefined;
  /** The REST offset this transfer resumes from. */
  resumeOffset?: number | undefined;
  /**
   * Downloads: read into one reused buffer instead of a fresh one per chunk,
   * so a download of any size allocates nothing as it runs (1 GiB from
   * vsftpd: ~48 MB peak RSS instead of ~87 MB, and faster). Each chunk is
   * then valid only until the next one is asked for: write it, hash it or
   * copy it before iterating on — never keep it. Applies to direct passive
   * connections, TLS-protected or not; active mode and proxy tunnels read as
   * usual (fresh chunks). {@link Download.consume} needs none of this: it
   * hands over views of the read buffer whatever this says.
   */
  reuseBuffer?: boolean | undefined;
  /**
   * What a data connection that could not be opened after the transfer
   * command (the server's active-mode connection never came, or its TLS
   * handshake failed: a refused certificate, a pinned key that does not
   * match, a connection dropped mid-handshake) leaves of the session.
   * 'recover' (default): ABOR, then NOOP, and the replies read up to the
   * NOOP's within one control timeout, so the session goes on — or, when
   * the server does not answer in time (one that still waits for the data
   * connection may read nothing more), is closed. 'close': the control
   * connection is closed at once, as curl does; for a caller that ends the
   * session after a failed transfer anyway, so that it waits on nothing.
   * Failures once the data flows, and early stops, always end with ABOR.
   */
  onDataConnectFailure?: 'recover' | 'close' | undefined;
}

export interface PendingData {
  ready(wait: WaitOptions): Promise<DataConnection>;
  abandon(): void;
  /** Whether the data connection (or the listener awaiting it) keeps the process alive. */
  hold(on: boolean): void;
}

/** Opens the data path for the next transfer command (before it is sent). */
export async function openData(h: TransferHost, signal: AbortSignal | undefined, reuseBuffer = false): Promise<PendingData> {
  const s = h.settings;
  if (s.activeMode) {
    const listenOn = activeListenAddress(s.activeAddress, h.localAddress);
    // The listener takes a connection only from the control connection's peer: from an address of the other
    // family the server could only come from another address, refused until the timeout. Said at once instead.
    if (isIP(listenOn) !== 0 && isIP(h.peerAddress) !== 0 && isIP(listenOn) !== isIP(h.peerAddress))
      throw new InputError(`active mode: the data address ${listenOn} is IPv${isIP(listenOn)} but the control connection is IPv${isIP(h.peerAddress)}: the server's connection could not be told apart from anyone's`, { protocol: 'ftp', phase: 'data-listen' });
    const listener = await ActiveListener.open(listenOn, h.peerAddress, s.activePorts);
    try {
      const { address, port } = listener.address;
      await offerActive(h, address, port, signal);
    } catch (e) {
      listener.close();
      throw e;
    }
    return {
      ready: async (wait) => {
        const sock = await listener.accept(wait);
        const conn = new DataConnection(sock, s.dataTimeout);
        conn.announceAccepted(h.trace);
        return conn;
      },
      abandon: () => listener.close(),
      hold: (on) => listener.hold(on),
    };
  }
  const { host, port } = await passiveTarget(h, signal);
  h.note(`Connecting to ${host} port ${port} (data connection)`);
  const wait = { timeout: s.timeout, signal };
  let conn: DataConnection;
  if (h.connectData) conn = new DataConnection(await h.connectData(host, port, wait), s.dataTimeout);
  else {
    const tls = h.dataTLS();
    conn = await DataConnection.connect(host, port, wait, s.dataTimeout, { lend: reuseBuffer, tls: tls && { name: h.hostname, options: tls }, trace: h.trace, local: s.local });
  }
  // A reset, not a FIN: after STOR a clean close would be an empty (or truncated) file (see DataConnection.reset).
  return { ready: async () => conn, abandon: () => conn.reset(), hold: (on) => conn.hold(on) };
}

/** EPRT (always over IPv6; over IPv4 until refused, when wanted), else PORT. Only a refusal means "try PORT", as with EPSV. */
async function offerActive(h: TransferHost, address: string, port: number, signal: AbortSignal | undefined): Promise<void> {
  const v4 = isIP(address) === 4;
  if (!v4 || !h.eprtRefused) {
    try {
      await h.command(`EPRT ${formatEprt(address, port)}`, 2, signal);
      return;
    } catch (e) {
      if (!v4 || !(e instanceof ReplyError) || e.reply?.code === 421) throw e;
      h.eprtRefused = true;
    }
  }
  await h.command(`PORT ${formatPort(address, port)}`, 2, signal);
}

async function passiveTarget(h: TransferHost, signal: AbortSignal | undefined): Promise<{ host: string; port: number }> {
  if (!h.epsvRefused) {
    try {
      const r = await h.command('EPSV', 229, signal);
      return { host: h.peerAddress, port: parseEpsv(r.text).port };
    } catch (e) {
      // Only a refusal means "try PASV"; a broken reply or connection, or a 421 (closing), is not a reason to downgrade.
      if (!(e instanceof ReplyError) || e.reply?.code === 421 || h.settings.activeMode) throw e;
      h.epsvRefused = true;
    }
  }
  if (isIP(h.peerAddress) === 6) throw new ProtocolError('EPSV was refused and PASV cannot reach an IPv6 server', { protocol: 'ftp', phase: 'data' });
  const r = await h.command('PASV', 227, signal);
  const t = parsePasv(r.text);
  const given = t.host!;
  if (given === h.peerAddress) return { host: given, port: t.port };
  if (h.settings.pasvUseControlHost) {
    h.note(`Data connection: ignoring the PASV address ${given}; using the control host ${h.peerAddress}`);
    return { host: h.peerAddress, port: t.port };
  }
  if (!h.settings.allowForeignDataHost) {
    throw new ProtocolError(
      `the server asked for a data connection to ${given}, not to itself (${h.peerAddress}); refused (set allowForeignDataHost to permit it)`,
      { protocol: 'ftp', phase: 'data', reply: { code: r.code, text: r.text } },
    );
  }
  return { host: given, port: t.port };
}

export async function ready(h: TransferHost, pending: PendingData, signal: AbortSignal | undefined): Promise<DataConnection> {
  const wait = { timeout: h.settings.timeout, signal };
  const conn = await pending.ready(wait);
  const tls = h.dataTLS();
  if (tls) {
    try {
      await conn.secure(h.hostname, tls, wait, h.trace);
    } catch (e) {
      conn.destroy();
      throw dataTlsError(e);
    }
    h.note(`Data connection TLS ${conn.resumed ? 'resumed the control session' : 'did NOT resume the control session'}`);
  }
  return conn;
}

/** A data connection's failed handshake, named as such: the same code (the same curl exit), phase 'data'. */
function dataTlsError(e: unknown): unknown {
  if (!(e instanceof TLSError)) return e;
  return new TLSError(e.code as 'DIAL_E_TLS', `the data connection's ${e.message}`, { protocol: 'ftp', phase: 'data', cause: e.cause ?? e });
}

/**
 * After a failed or cancelled transfer: ABOR, then NOOP as a marker, and
 * replies are read until the NOOP's 200 — whatever mix of 426/225/226 the
 * server sends before it — all within one control timeout (not one per
 * reply: a server that trickles replies cannot stretch it). If that fails
 * the control connection is closed, since its state is unknown. A server
 * that waits for a data connection that failed (its TLS handshake, say)
 * may read nothing more until then: the bound is what ends that wait.
 */
export async function resync(h: TransferHost): Promise<void> {
  const bound = h.settings.timeout;
  const until = Date.now() + bound;
  try {
    await h.writeLine('ABOR');
    await h.writeLine('NOOP');
    for (let i = 0; i < 6; i++) {
      const left = until - Date.now();
      if (left <= 0) throw new TimeoutError(`no reply to NOOP within ${bound} ms after ABOR`, { timeout: bound, protocol: 'ftp', phase: 'abort' });
      const r = await h.readReply(undefined, Number.isFinite(left) ? left : undefined);
      if (r.code === 200) return;
    }
    throw new ProtocolError('no reply to NOOP after ABOR', { protocol: 'ftp', phase: 'abort' });
  } catch (e) {
    h.fail(toDialError(e, 'resynchronising after ABOR', { protocol: 'ftp', phase: 'abort' }));
  }
}

/**
 * After a failed transfer whose final reply is not in hand: {@link resync};
 * or, when the data connection never opened and onDataConnectFailure says
 * 'close', the session closed at once.
 */
export async function recover(h: TransferHost, options: TransferOptions, err: unknown, opened: boolean): Promise<void> {
  if (opened || options.onDataConnectFailure !== 'close') return resync(h);
  h.fail(toDialError(err, 'the data connection failed', { protocol: 'ftp', phase: 'data' }));
}

export function abortError(signal: AbortSignal | undefined, fallback: unknown): unknown {
  return signal?.aborted ? new AbortError('the FTP transfer was aborted', { cause: signal.reason, protocol: 'ftp' }) : fallback;
}

/** Sends `command` (STOR, APPE) and streams `source` as its data; resolves with the final reply. */
export async function upload(
  h: TransferHost,
  command: string,
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: TransferOptions,
): Promise<Reply> {
  const { signal } = options;
  let pending: PendingData | undefined;
  let conn: DataConnection | undefined;
  let sentCommand = false;
  let finalSeen = false;
  try {
    pending = await openData(h, signal);
    sentCommand = true;
    await h.command(command, 1, signal);
    conn = await ready(h, pending, signal);
    let sent = 0;
    const enc = options.ascii ? new AsciiEncoder() : undefined;
    const src = fromSource(enc ? mapChunks(source, (c) => enc.push(c)) : source);
    await conn.write(src, signal, (n) => {
      sent += n;
      options.onProgress?.({ direction: 'upload', transferred: sent, total: options.expectedSize });
    });
    finalSeen = true;
    h.note(`Sent ${sent} bytes on the data connection`, sent);
    return await h.readReply(2);
  } catch (e) {
    conn?.reset();
    pending?.abandon();
    const replied = e instanceof ReplyError;
    if (sentCommand && !replied && !finalSeen) await recover(h, options, e, conn !== undefined);
    throw abortError(signal, e);
  }
}

/**
 * The caller's chunks. The source's own failure (a file that cannot be read)
 * is the caller's input failing, not the network: an InputError with the
 * source's error as its cause, as the HTTP client reports a request body's.
 */
async function* fromSource(src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  try {
    yield* src;
  } catch (err) {
    // Only the source's failures land here: the consumer stopping early ends this generator through return().
    if (err instanceof DialError) throw err;
    throw new InputError(`reading the upload source failed: ${err instanceof Error ? err.message : String(err)}`, { protocol: 'ftp', phase: 'upload', cause: err });
  }
}

async function* mapChunks(src: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, f: (c: Uint8Array) => Uint8Array): AsyncGenerator<Uint8Array> {
  for await (const c of src) yield f(c);
}
