/**
 * The control connection of one FTP session: opening it (directly, through a
 * proxy, or as implicit FTPS), the greeting, AUTH TLS, login, PBSZ/PROT and
 * FEAT; then the one way a command goes out, the 421 watch, one operation at
 * a time, and what the transfer engine needs of it ({@link TransferHost}).
 * {@link FtpClient} maps FTP's commands onto it.
 *
 * @module
 */
import type { TLSSocket } from 'node:tls';
import { DialError, InputError, ProtocolError, ReplyError, TimeoutError, toDialError } from '../../errors.js';
import { LineClient } from '../../line/client.js';
import type { Expect, Reply } from '../../line/replies.js';
import type { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import { connectionFacts, maskSecrets, type TraceFacts, type Tracer } from '../../trace.js';
import { parseFeatures } from './core/features.js';
import { checkArg } from './core/path.js';
import { throwIfAborted } from '../../util/guard.js';
import { controlTLS, ftpProxy, openControl, tunnelData } from './connect.js';
import { tracedLookup, traceTLS } from '../../socket/trace-connect.js';
import { DEFAULT_TIMEOUT, type FtpConnectOptions, type FtpSecurity } from './options.js';
import type { TransferHost, TransferSettings } from './transfer.js';

/** An FTP session's control connection, logged in. Create it with {@link FtpControl.open}. */
export class FtpControl {
  readonly #line: LineClient;
  readonly #socket: Socket;
  /** The options the session was opened with. */
  readonly options: FtpConnectOptions;
  #trace: Tracer | undefined;
  #features = new Map<string, string>();
  #welcome: Reply | undefined;
  #busy = false;
  #type: 'A' | 'I' | undefined;
  #protected = false;
  #session: Buffer | undefined;
  #closed = false;
  /** The 421 that ended the session, named by every later command. */
  #closedBy: ReplyError | undefined;
  /** What the transfer engine drives this connection with. */
  readonly host: TransferHost;

  private constructor(socket: Socket, opts: FtpConnectOptions, proxy: URL | undefined) {
    this.#socket = socket;
    this.options = opts;
    this.#trace = opts.trace;
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    // Read at each line, not bound once: a session kept for the next URL reports to that URL's tracer.
    this.#line = new LineClient(socket, {
      protocol: 'ftp',
      timeout,
      maxLine: 16384,
      encoding: opts.encoding ?? 'utf8',
      trace: (dir, line) => this.#trace?.({ kind: dir, text: dir === '>' ? maskSecrets(line) : line, protocol: 'ftp' }),
    });
    const settings: TransferSettings = {
      activeMode: opts.activeMode ?? false,
      activeAddress: opts.activeAddress,
      activePorts: opts.activePorts,
      pasvUseControlHost: opts.pasvUseControlHost ?? true,
      allowForeignDataHost: opts.allowForeignDataHost ?? false,
      timeout,
      dataTimeout: opts.dataTimeout ?? timeout,
      local: opts.local,
    };
    const remote = socket.remoteAddress;
    const local = socket.localAddress;
    const control = this;
    this.host = {
      command: (line, expect, signal) => this.command(line, expect, signal),
      readReply: (expect, timeout) => this.#watch421(this.#line.readReply({ expect, timeout })),
      writeLine: (line) => this.#line.writeLine(line),
      note: (text, bytes) => this.note(text, bytes),
      fail: (err) => {
        // A session already ended (an aborted command closed it, then the transfer's ABOR failed on it) ends once.
        if (this.#closed) return;
        this.#closed = true;
        void this.#line.close().catch(() => {});
        this.note(`Control connection closed: ${err.message}`);
      },
      // Through a proxy the socket's peer is the proxy: data connections are tunnelled to the server's name instead.
      peerAddress: proxy ? opts.host : 'address' in remote ? remote.address : opts.host,
      localAddress: 'address' in local ? local.address : '127.0.0.1',
      hostname: opts.host,
      dataTLS: () => (this.#protected ? this.#dataTLS() : undefined),
      settings,
      epsvRefused: opts.epsv === false,
      eprtRefused: opts.eprt !== true,
      connectData: proxy ? (host, port, wait) => tunnelData(proxy, host, port, wait, opts, this.#trace) : undefined,
      hold: (on) => {
        const raw = this.#socket.raw as { ref?: () => void; unref?: () => void };
        if (on) raw.ref?.();
        else raw.unref?.();
      },
      get trace() {
        return control.#trace;
      },
    };
  }

  /**
   * Connects, reads the greeting, protects the connection as `secure` asks,
   * logs in, and reads FEAT (switching to UTF-8 paths when offered). A 530 is
   * a ReplyError with phase 'login'.
   */
  static async open(options: FtpConnectOptions): Promise<FtpControl> {
    const host = checkArg(options.host, 'host');
    checkArg(options.user ?? '', 'user name');
    checkArg(options.password ?? '', 'password');
    checkArg(options.account ?? '', 'account');
    checkArg(options.alternativeToUser ?? '', 'alternativeToUser');
    const secure = options.secure ?? false;
    if (secure !== false && secure !== 'explicit' && secure !== 'implicit' && secure !== 'try') throw new InputError(`secure must be false, 'explicit', 'implicit' or 'try'`);
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const port = options.port ?? (secure === 'implicit' ? 990 : 21);
    const proxy = ftpProxy(options);
    const trace = options.trace;
    // Worded and structured as HTTP's connect (http/agent.ts), so -v and -w read the same whichever protocol ran.
    trace?.({ kind: '*', text: `Connecting to ${host} port ${port}${proxy ? ` through the proxy ${proxy.protocol}//${proxy.host}` : ''}`, protocol: 'ftp' });
    const tlsOptions = secure ? controlTLS(options) : undefined;
    const lookup = trace && !proxy ? tracedLookup(options.lookup, trace, 'ftp') : options.lookup;
    const socket = await openControl({ ...options, timeout, lookup }, host, port, proxy, secure === 'implicit' ? tlsOptions : undefined);
    if (trace) {
      // A structured fact for tools that time or inspect a transfer (dial -w remote_ip, time_connect).
      const data = connectionFacts(socket);
      trace({ kind: '*', text: `Connected to ${host} (${data.remoteAddress ?? data.path ?? '?'}) port ${data.remotePort ?? port}`, protocol: 'ftp', event: 'connected', data });
      if (secure === 'implicit') traceTLS(socket, trace);
    }
    const control = new FtpControl(socket, options, proxy);
    try {
      await control.#start(secure, tlsOptions!);
    } catch (e) {
      await control.close().catch(() => {});
      throw toDialError(e, 'FTP login', { protocol: 'ftp' });
    }
    return control;
  }

  async #start(secure: FtpSecurity, tlsOptions: TLSOptions): Promise<void> {
    const signal = this.options.signal;
    let greeting = await this.#line.readReply({ signal });
    // 120 "ready in nnn minutes" (RFC 959 §5.4) may precede the 220; the wait for it, however many come, is one timeout.
    const bound = this.options.timeout ?? DEFAULT_TIMEOUT;
    const until = bound > 0 ? Date.now() + bound : Infinity;
    while (greeting.code >= 100 && greeting.code < 200) {
      const left = until - Date.now();
      if (left <= 0) throw new TimeoutError(`no 220 greeting within ${bound} ms, only ${greeting.code} ${greeting.text}`, { timeout: bound, protocol: 'ftp', phase: 'greeting' });
      greeting = await this.#line.readReply({ signal, timeout: Number.isFinite(left) ? left : undefined });
    }
    if (greeting.code !== 220) throw refused(greeting, 'greeting');
    this.#welcome = greeting;
    if (secure === 'implicit') this.#watchSession();
    let tls = secure === 'implicit';
    if (secure === 'explicit' || secure === 'try') {
      tls = await this.command('AUTH TLS', 234, signal).then(
        () => true,
        (e: unknown) => {
          // 'try' goes on in the clear after a refusal; a 421 still ends the session.
          if (secure === 'try' && e instanceof ReplyError && !isClosing(e)) return false;
          // Named for what failed (TLS was required and refused), so callers can tell it from a login refusal.
          throw e instanceof ReplyError && e.reply ? new ReplyError(`the server refused AUTH TLS: ${e.reply.code} ${e.reply.text}`, { protocol: 'ftp', phase: 'starttls', reply: e.reply, cause: e }) : e;
        },
      );
      if (tls) {
        await this.#line.startTLS(tlsOptions, { signal });
        this.#watchSession();
        traceTLS(this.#socket, this.#trace);
      }
    }
    await this.#login();
    if (tls) {
      // PBSZ's answer is not judged (curl sends PROT P whatever it was): PROT P's is the one that says whether data is protected.
      await this.command('PBSZ 0', undefined, signal);
      // 'try' (curl --ssl) takes what the server offers: a refused PROT P leaves the data in the clear, the control still
      // protected (curl goes on so); a 421 still ends the session, and 'explicit'/'implicit' asked for protected data.
      this.#protected = await this.command('PROT P', 2, signal).then(
        () => true,
        (e: unknown) => {
          if (secure === 'try' && e instanceof ReplyError && !isClosing(e)) return false;
          throw e;
        },
      );
    }
    try {
      const feat = await this.command('FEAT', 211, signal);
      this.#features = parseFeatures(feat.lines);
    } catch (e) {
      // A FEAT refused (500, 502) leaves the defaults; a 421 means there is no session to go on with.
      if (!(e instanceof ReplyError) || isClosing(e)) throw e;
    }
    if (this.#features.has('UTF8')) await this.command('OPTS UTF8 ON').catch(() => {});
  }

  async #login(): Promise<void> {
    const user = this.options.user ?? 'anonymous';
    const password = this.options.password ?? (user === 'anonymous' || user === 'ftp' ? 'anonymous@' : '');
    const signal = this.options.signal;
    let r = await this.command(`USER ${user}`, undefined, signal);
    const alternative = this.options.alternativeToUser;
    if (r.code >= 400 && r.code !== 421 && alternative !== undefined) r = await this.command(alternative, undefined, signal);
    if (r.code === 331) r = await this.command(`PASS ${password}`, undefined, signal);
    if (r.code === 332) {
      // A login that cannot finish: refused as a 530 would be (curl: exit 67), though 332 is not an error code.
      if (this.options.account === undefined) throw new ReplyError(`the server asks for an account (ACCT); pass \`account\`: ${r.code} ${r.lines[0] ?? ''}`.trimEnd(), { reply: { code: r.code, text: r.text }, protocol: 'ftp', phase: 'login' });
      r = await this.command(`ACCT ${this.options.account}`, undefined, signal);
    }
    if (r.code !== 230 && r.code !== 202) throw refused(r, 'login', r.code === 530 ? 'login denied' : undefined);
  }

  /** Keeps the newest TLS session: TLS 1.3 tickets arrive after the handshake, as 'session' events. */
  #watchSession(): void {
    const raw = this.#socket.raw as TLSSocket;
    raw.on('session', (s: Buffer) => (this.#session = s));
  }

  #dataTLS(): TLSOptions {
    const base = controlTLS(this.options);
    const session = this.#session ?? this.#socket.tlsSession;
    return session ? { ...base, session } : base;
  }

  /** Traces a `*` note; `bytes` marks a data summary. */
  note(text: string, bytes?: number): void {
    try {
      this.#trace?.(bytes === undefined ? { kind: '*', text, protocol: 'ftp' } : { kind: '*', text, protocol: 'ftp', bytes });
    } catch {
      // Tracing is advisory.
    }
  }

  /**
   * The one way a command goes out: validated (CR/LF/NUL refused, nothing
   * sent), then its reply read. `signal` aborts the wait: the reply would
   * still come and be taken for the next command's, so the connection is
   * closed (the session is over, as curl's is after an abort).
   */
  async command(line: string, expect?: Expect, signal?: AbortSignal): Promise<Reply> {
    checkArg(line, 'command');
    throwIfAborted(signal, line.split(' ', 1)[0]!);
    if (this.#closed) {
      const by = this.#closedBy;
      if (by) throw new DialError('DIAL_E_CLOSED', `the server ended the FTP session: ${by.reply!.code} ${by.reply!.text}`, { protocol: 'ftp', reply: by.reply, cause: by });
      throw this.#line.error ?? new DialError('DIAL_E_CLOSED', 'the FTP connection is closed', { protocol: 'ftp' });
    }
    try {
      return await this.#watch421(this.#line.command(line, signal ? { expect, signal } : expect === undefined ? {} : { expect }));
    } catch (e) {
      if (signal?.aborted && !(e instanceof ReplyError)) this.host.fail(toDialError(e, line.split(' ', 1)[0]!, { protocol: 'ftp' }));
      throw e;
    }
  }

  /** RFC 959: 421 means the server is closing the control connection (often its idle timeout) — the session is over. */
  async #watch421(p: Promise<Reply>): Promise<Reply> {
    try {
      return await p;
    } catch (e) {
      if (isClosing(e)) {
        this.#closedBy ??= e;
        this.#closed = true;
        void this.#line.close().catch(() => {});
      }
      throw e;
    }
  }

  /** Runs `fn` holding the connection; a second concurrent operation is an InputError. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.take();
    try {
      return await fn();
    } finally {
      this.release();
    }
  }

  /** Holds the connection until {@link release}; throws InputError when it is already held. */
  take(): void {
    if (this.#busy) throw new InputError('the FTP connection is busy with another command or transfer', { protocol: 'ftp' });
    this.#busy = true;
  }

  /** Frees the connection for the next operation. */
  release(): void {
    this.#busy = false;
  }

  /** TYPE A or TYPE I, sent only when it changes. */
  async setType(t: 'A' | 'I', signal?: AbortSignal): Promise<void> {
    if (this.#type === t) return;
    await this.command(`TYPE ${t}`, 2, signal);
    this.#type = t;
  }

  /** The greeting (220) reply. */
  get welcome(): Reply | undefined {
    return this.#welcome;
  }
  /** FEAT's features, upper-cased name → parameters. */
  get features(): ReadonlyMap<string, string> {
    return this.#features;
  }
  /** True once the control connection is encrypted. */
  get encrypted(): boolean {
    return this.#socket.encrypted;
  }
  /** True when data connections are TLS-protected (PROT P). */
  get dataProtected(): boolean {
    return this.#protected;
  }
  /** False once the connection is closed or broke. */
  get usable(): boolean {
    return !this.#closed && this.#line.error === undefined;
  }

  /** Sends later events to `trace` and lets the control connection hold the process open again. */
  adopt(trace: Tracer | undefined): void {
    this.#trace = trace;
    (this.#socket.raw as { ref?: () => void }).ref?.();
  }

  /** Lets the process exit while the session is parked. */
  idle(): void {
    (this.#socket.raw as { unref?: () => void }).unref?.();
  }

  /** The control connection's ends, as the `connected` trace event described them. */
  get connection(): TraceFacts {
    return connectionFacts(this.#socket);
  }

  /** QUIT (unless a transfer holds the connection), then close. Safe to call twice. */
  async quit(): Promise<void> {
    if (this.#closed) return;
    if (!this.#busy && this.usable) await this.command('QUIT').catch(() => {});
    await this.close();
  }

  /** Closes the control connection at once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#line.close().catch(() => {});
  }
}

/** True for a 421 ReplyError: the server is closing the session, which no fallback can use (RFC 959 §4.2). */
export function isClosing(e: unknown): e is ReplyError {
  return e instanceof ReplyError && e.reply?.code === 421;
}

/** A reply that ends the session's opening: a ReplyError for 4xx/5xx, else a ProtocolError (unexpected). */
function refused(r: Reply, phase: string, why?: string): ReplyError | ProtocolError {
  const msg = `${why ?? `unexpected ${phase} reply`}: ${r.code} ${r.lines[0] ?? ''}`.trimEnd();
  const reply = { code: r.code, text: r.text };
  if (r.code >= 400) return new ReplyError(msg, { reply, protocol: 'ftp', phase });
  return new ProtocolError(msg, { reply, protocol: 'ftp', phase });
}
