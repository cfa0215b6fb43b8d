/**
 * FtpClient: one FTP/FTPS control connection (RFC 959, 2228, 2389, 2428,
 * 3659, 4217). It owns the I/O, timeouts and cancellation; every parse is in
 * ./core. One command or transfer runs at a time — a second is an
 * InputError, since FTP cannot interleave them on one connection.
 *
 * @module
 */
import type { TLSSocket } from 'node:tls';
import { DialError, InputError, ProtocolError, ReplyError, toDialError } from '../../errors.js';
import { LineClient } from '../../line/client.js';
import type { Expect, Reply } from '../../line/replies.js';
import type { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import { connectionFacts, maskSecrets, type TraceFacts, type Tracer } from '../../trace.js';
import { throwIfAborted } from '../../util/guard.js';
import type { FileEntry } from './core/entry.js';
import { parseFeatures, parsePwd, parseSizeReply } from './core/features.js';
import { parseListing } from './core/listing.js';
import { isSelfOrParent, parseMlsdLine } from './core/mlsd.js';
import { checkArg, checkPath } from './core/path.js';
import { controlTLS, ftpProxy, openControl, tunnelData } from './connect.js';
import { formatFtpTime, parseFtpTime } from './core/time.js';
import { DEFAULT_TIMEOUT, type FtpConnectOptions, type FtpSecurity, type RetrieveOptions, type StoreOptions } from './options.js';
import { startDownload, upload, type Download, type TransferHost, type TransferOptions, type TransferSettings } from './transfer.js';

export type { FtpConnectOptions, FtpSecurity, RetrieveOptions, StoreOptions } from './options.js';

/** An FTP or FTPS session. Create it with {@link FtpClient.connect}. */
export class FtpClient {
  readonly #line: LineClient;
  readonly #socket: Socket;
  readonly #opts: FtpConnectOptions;
  #trace: Tracer | undefined;
  #features = new Map<string, string>();
  #welcome: Reply | undefined;
  #busy = false;
  #type: 'A' | 'I' | undefined;
  #protected = false;
  #session: Buffer | undefined;
  #closed = false;
  readonly #host: TransferHost;

  private constructor(socket: Socket, opts: FtpConnectOptions, proxy: URL | undefined) {
    this.#socket = socket;
    this.#opts = opts;
    this.#trace = opts.trace;
    // Read at each line, not bound once: a session kept for the next URL reports to that URL's tracer.
    this.#line = new LineClient(socket, {
      protocol: 'ftp',
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
      maxLine: 16384,
      trace: (dir, line) => this.#trace?.({ kind: dir, text: dir === '>' ? maskSecrets(line) : line, protocol: 'ftp' }),
    });
    const timeout = opts.timeout ?? DEFAULT_TIMEOUT;
    const settings: TransferSettings = {
      activeMode: opts.activeMode ?? false,
      pasvUseControlHost: opts.pasvUseControlHost ?? true,
      allowForeignDataHost: opts.allowForeignDataHost ?? false,
      timeout,
      dataTimeout: opts.dataTimeout ?? timeout,
    };
    const remote = socket.remoteAddress;
    const local = socket.localAddress;
    const client = this;
    this.#host = {
      command: (line, expect) => this.#cmd(line, expect),
      readReply: (expect) => this.#watch421(this.#line.readReply({ expect })),
      writeLine: (line) => this.#line.writeLine(line),
      note: (text, bytes) => this.#note(text, bytes),
      fail: (err) => {
        this.#closed = true;
        void this.#line.close().catch(() => {});
        this.#note(`control connection closed: ${err.message}`);
      },
      // Through a proxy the socket's peer is the proxy: data connections are tunnelled to the server's name instead.
      peerAddress: proxy ? opts.host : 'address' in remote ? remote.address : opts.host,
      localAddress: 'address' in local ? local.address : '127.0.0.1',
      hostname: opts.host,
      dataTLS: () => (this.#protected ? this.#dataTLS() : undefined),
      settings,
      epsvRefused: opts.epsv === false,
      connectData: proxy ? (host, port, wait) => tunnelData(proxy, host, port, wait, opts.lookup, this.#trace) : undefined,
      get trace() {
        return client.#trace;
      },
    };
  }

  /**
   * Connects, reads the greeting, protects the connection as `secure` asks,
   * logs in, and reads FEAT (switching to UTF-8 paths when offered). A 530 is
   * a ReplyError with phase 'login'.
   */
  static async connect(options: FtpConnectOptions): Promise<FtpClient> {
    const host = checkArg(options.host, 'host');
    checkArg(options.user ?? '', 'user name');
    checkArg(options.password ?? '', 'password');
    checkArg(options.account ?? '', 'account');
    const secure = options.secure ?? false;
    if (secure !== false && secure !== 'explicit' && secure !== 'implicit') throw new InputError(`secure must be false, 'explicit' or 'implicit'`);
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const port = options.port ?? (secure === 'implicit' ? 990 : 21);
    const proxy = ftpProxy(options);
    options.trace?.({ kind: '*', text: `connecting to ${host} port ${port}${proxy ? ` through the proxy ${proxy.protocol}//${proxy.host}` : ''}`, protocol: 'ftp' });
    const tlsOptions = secure ? controlTLS(options) : undefined;
    const socket = await openControl({ ...options, timeout }, host, port, proxy, secure === 'implicit' ? tlsOptions : undefined);
    if (options.trace) {
      // A structured fact for tools that time or inspect a transfer (dial -w remote_ip, time_connect).
      const data = connectionFacts(socket);
      options.trace({ kind: '*', text: `Connected to ${host} (${data.remoteAddress ?? data.path ?? '?'}) port ${data.remotePort ?? port}`, protocol: 'ftp', event: 'connected', data });
    }
    const client = new FtpClient(socket, options, proxy);
    try {
      await client.#start(secure, tlsOptions!);
    } catch (e) {
      await client.close().catch(() => {});
      throw toDialError(e, 'FTP login', { protocol: 'ftp' });
    }
    return client;
  }

  async #start(secure: FtpSecurity, tlsOptions: TLSOptions): Promise<void> {
    const signal = this.#opts.signal;
    let greeting = await this.#line.readReply({ signal });
    while (greeting.code >= 100 && greeting.code < 200) greeting = await this.#line.readReply({ signal });
    if (greeting.code !== 220) throw this.#refused(greeting, 'greeting');
    this.#welcome = greeting;
    if (secure === 'implicit') this.#watchSession();
    if (secure === 'explicit') {
      await this.#cmd('AUTH TLS', 234).catch((e: unknown) => {
        // Named for what failed (TLS was required and refused), so callers can tell it from a login refusal.
        throw e instanceof ReplyError && e.reply ? new ReplyError(`the server refused AUTH TLS: ${e.reply.code} ${e.reply.text}`, { protocol: 'ftp', phase: 'starttls', reply: e.reply, cause: e }) : e;
      });
      await this.#line.startTLS(tlsOptions, { signal });
      this.#watchSession();
      this.#note(`TLS established (${(this.#socket.raw as TLSSocket).getProtocol?.() ?? 'TLS'})`);
    }
    await this.#login();
    if (secure) {
      await this.#cmd('PBSZ 0', 2);
      await this.#cmd('PROT P', 2);
      this.#protected = true;
    }
    try {
      const feat = await this.#cmd('FEAT', 211);
      this.#features = parseFeatures(feat.lines);
    } catch (e) {
      if (!(e instanceof ReplyError)) throw e;
    }
    if (this.#features.has('UTF8')) await this.#cmd('OPTS UTF8 ON').catch(() => {});
  }

  async #login(): Promise<void> {
    const user = this.#opts.user ?? 'anonymous';
    const password = this.#opts.password ?? (user === 'anonymous' || user === 'ftp' ? 'anonymous@' : '');
    let r = await this.#cmd(`USER ${user}`);
    if (r.code === 331) r = await this.#cmd(`PASS ${password}`);
    if (r.code === 332) {
      if (this.#opts.account === undefined) throw this.#refused(r, 'login', 'the server asks for an account (ACCT); pass `account`');
      r = await this.#cmd(`ACCT ${this.#opts.account}`);
    }
    if (r.code !== 230 && r.code !== 202) throw this.#refused(r, 'login', r.code === 530 ? 'login denied' : undefined);
  }

  #refused(r: Reply, phase: string, why?: string): ReplyError | ProtocolError {
    const msg = `${why ?? `unexpected ${phase} reply`}: ${r.code} ${r.lines[0] ?? ''}`.trimEnd();
    const reply = { code: r.code, text: r.text };
    if (r.code >= 400) return new ReplyError(msg, { reply, protocol: 'ftp', phase });
    return new ProtocolError(msg, { reply, protocol: 'ftp', phase });
  }

  /** Keeps the newest TLS session: TLS 1.3 tickets arrive after the handshake, as 'session' events. */
  #watchSession(): void {
    const raw = this.#socket.raw as TLSSocket;
    raw.on('session', (s: Buffer) => (this.#session = s));
  }

  #dataTLS(): TLSOptions {
    const base = controlTLS(this.#opts);
    const session = this.#session ?? this.#socket.tlsSession;
    return session ? { ...base, session } : base;
  }

  #note(text: string, bytes?: number): void {
    try {
      this.#trace?.(bytes === undefined ? { kind: '*', text, protocol: 'ftp' } : { kind: '*', text, protocol: 'ftp', bytes });
    } catch {
      // Tracing is advisory.
    }
  }

  /** The one way a command goes out: validated (CR/LF/NUL refused, nothing sent), then its reply read. */
  async #cmd(line: string, expect?: Expect): Promise<Reply> {
    checkArg(line, 'command');
    if (this.#closed) throw this.#line.error ?? new DialError('DIAL_E_CLOSED', 'the FTP connection is closed', { protocol: 'ftp' });
    return this.#watch421(this.#line.command(line, expect === undefined ? {} : { expect }));
  }

  /** RFC 959: 421 means the server is closing the control connection (often its idle timeout) — the session is over. */
  async #watch421(p: Promise<Reply>): Promise<Reply> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof ReplyError && e.reply?.code === 421) {
        this.#closed = true;
        void this.#line.close().catch(() => {});
      }
      throw e;
    }
  }

  /** Runs `fn` holding the connection; a second concurrent operation is an InputError. */
  async #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    this.#take();
    try {
      return await fn();
    } finally {
      this.#busy = false;
    }
  }

  #take(): void {
    if (this.#busy) throw new InputError('the FTP connection is busy with another command or transfer', { protocol: 'ftp' });
    this.#busy = true;
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

  /**
   * Hands a kept session to its next user: later events (this session's
   * lines, its data connections) go to `trace`, and the control connection
   * holds the process open again.
   */
  adopt(trace: Tracer | undefined): void {
    this.#trace = trace;
    (this.#socket.raw as { ref?: () => void }).ref?.();
  }

  /** Parks the session between uses: its control connection no longer keeps the process alive. */
  idle(): void {
    (this.#socket.raw as { unref?: () => void }).unref?.();
  }

  /** The control connection's ends, as the `connected` trace event described them. */
  get connection(): TraceFacts {
    return connectionFacts(this.#socket);
  }

  /** Sends any command and reads its reply (ReplyError unless `expect` holds; default 1xx–3xx). */
  async send(command: string, expect: Expect = [1, 2, 3]): Promise<Reply> {
    checkArg(command, 'command');
    return this.#exclusive(() => this.#cmd(command, expect));
  }

  /** SITE: a server-specific command. */
  async site(args: string): Promise<Reply> {
    checkArg(args, 'SITE arguments');
    return this.#exclusive(() => this.#cmd(`SITE ${args}`, 2));
  }

  /** NOOP: keeps an idle session alive. */
  async noop(): Promise<Reply> {
    return this.#exclusive(() => this.#cmd('NOOP', 2));
  }

  /** SYST: the server's system type (e.g. `UNIX Type: L8`). */
  async system(): Promise<string> {
    return (await this.#exclusive(() => this.#cmd('SYST', 2))).text;
  }

  /** PWD: the current directory. */
  async pwd(): Promise<string> {
    const r = await this.#exclusive(() => this.#cmd('PWD', 257));
    const p = parsePwd(r.text);
    if (p === undefined) throw new ProtocolError(`257 reply without a quoted path: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return p;
  }

  /** CWD. */
  async cd(path: string): Promise<Reply> {
    checkPath(path);
    return this.#exclusive(() => this.#cmd(`CWD ${path}`, 2));
  }

  /** CDUP. */
  async cdup(): Promise<Reply> {
    return this.#exclusive(() => this.#cmd('CDUP', 2));
  }

  /** TYPE A (ascii) or TYPE I (binary); sent only when it changes. */
  async type(t: 'A' | 'I'): Promise<void> {
    return this.#exclusive(() => this.#setType(t));
  }

  async #setType(t: 'A' | 'I'): Promise<void> {
    if (this.#type === t) return;
    await this.#cmd(`TYPE ${t}`, 2);
    this.#type = t;
  }

  /** MODE S (stream): the only mode this client speaks, sent for servers that want it said. */
  async modeStream(): Promise<void> {
    await this.#exclusive(() => this.#cmd('MODE S', 2));
  }

  /** SIZE in bytes (RFC 3659; in TYPE I, as servers count it). */
  async size(path: string): Promise<number> {
    checkPath(path);
    return this.#exclusive(() => this.#size(path));
  }

  async #size(path: string): Promise<number> {
    await this.#setType('I');
    const r = await this.#cmd(`SIZE ${path}`, 213);
    const n = parseSizeReply(r.text);
    if (n === undefined) throw new ProtocolError(`malformed SIZE reply: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return n;
  }

  /** MDTM: the modification time. */
  async lastModified(path: string): Promise<Date> {
    checkPath(path);
    return this.#exclusive(() => this.#mdtm(path));
  }

  async #mdtm(path: string): Promise<Date> {
    const r = await this.#cmd(`MDTM ${path}`, 213);
    const d = parseFtpTime(r.text);
    if (!d) throw new ProtocolError(`malformed MDTM reply: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return d;
  }

  /** MFMT: sets the modification time, where the server offers it (InputError DIAL_E_UNSUPPORTED otherwise). */
  async setLastModified(path: string, date: Date): Promise<Reply> {
    checkPath(path);
    if (!this.#features.has('MFMT')) throw new InputError('the server does not offer MFMT', { code: 'DIAL_E_UNSUPPORTED', protocol: 'ftp' });
    return this.#exclusive(() => this.#cmd(`MFMT ${formatFtpTime(date)} ${path}`, 2));
  }

  /** DELE. */
  async delete(path: string): Promise<Reply> {
    checkPath(path);
    return this.#exclusive(() => this.#cmd(`DELE ${path}`, 2));
  }

  /** MKD; resolves with the path the server reports (or the one asked). */
  async mkdir(path: string): Promise<string> {
    checkPath(path);
    const r = await this.#exclusive(() => this.#cmd(`MKD ${path}`, 257));
    return parsePwd(r.text) ?? path;
  }

  /** RMD. */
  async rmdir(path: string): Promise<Reply> {
    checkPath(path);
    return this.#exclusive(() => this.#cmd(`RMD ${path}`, 2));
  }

  /** RNFR then RNTO. */
  async rename(from: string, to: string): Promise<Reply> {
    checkPath(from, 'rename source');
    checkPath(to, 'rename target');
    return this.#exclusive(async () => {
      await this.#cmd(`RNFR ${from}`, 350);
      return this.#cmd(`RNTO ${to}`, 2);
    });
  }

  /** MLST: one entry's facts (RFC 3659). */
  async mlst(path: string): Promise<FileEntry> {
    checkPath(path);
    return this.#exclusive(async () => {
      const r = await this.#cmd(`MLST ${path}`, 250);
      const line = r.lines.slice(1).find((l) => parseMlsdLine(l) !== undefined) ?? (r.lines.length === 1 ? r.lines[0] : undefined);
      const e = line === undefined ? undefined : parseMlsdLine(line.replace(/^\s/, ''));
      if (!e) throw new ProtocolError(`MLST reply without an entry: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
      return e;
    });
  }

  /**
   * Lists a directory as typed entries: MLSD when FEAT offers MLST (its `.`
   * and `..` left out), else LIST parsed by dialect; lines no dialect knows
   * are kept as `unknown` entries.
   */
  async list(path?: string, options: TransferOptions = {}): Promise<FileEntry[]> {
    const useMlsd = this.#features.has('MLST');
    const text = await this.listRaw(path, { ...options, command: useMlsd ? 'MLSD' : 'LIST' });
    const entries = parseListing(text, this.#opts.listing);
    return useMlsd ? entries.filter((e) => !isSelfOrParent(e)) : entries;
  }

  /** NLST: names only. */
  async nlst(path?: string, options: TransferOptions = {}): Promise<string[]> {
    const text = await this.listRaw(path, { ...options, command: 'NLST' });
    return text.split(/\r?\n/).filter((l) => l !== '');
  }

  /** The raw text of LIST (default), NLST or MLSD, bounded by `maxListingBytes`. */
  async listRaw(path?: string, options: TransferOptions & { command?: 'LIST' | 'NLST' | 'MLSD' } = {}): Promise<string> {
    if (path !== undefined) checkPath(path);
    const cmd = options.command ?? 'LIST';
    const max = this.#opts.maxListingBytes ?? 64 * 1024 * 1024;
    // The chunks are kept until the end, so they must be fresh ones.
    const dl = await this.#download(path === undefined ? cmd : `${cmd} ${path}`, { ...options, ascii: false, reuseBuffer: false }, 'A');
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of dl) {
      n += chunk.length;
      if (n > max) {
        await dl.cancel();
        throw new DialError('DIAL_E_LIMIT', `the listing exceeded ${max} bytes`, { protocol: 'ftp', phase: 'list' });
      }
      parts.push(chunk);
    }
    return Buffer.concat(parts, n).toString('utf8');
  }

  /**
   * RETR: resolves once the server accepted the transfer (a 550 rejects
   * here), with a {@link Download} to iterate for the bytes — streamed as
   * they arrive, never buffered whole. `offset` resumes (REST); `ascii`
   * converts line endings; `reuseBuffer` reads every chunk into one buffer
   * (no allocation per chunk; each chunk valid only until the next). The connection is busy until the body is read or
   * cancelled. A data connection that closes before the announced size is a
   * ProtocolError, not a short file.
   */
  async retrieve(path: string, options: RetrieveOptions = {}): Promise<Download> {
    checkPath(path);
    const offset = checkOffset(options.offset);
    this.#take();
    let handedOver = false;
    try {
      throwIfAborted(options.signal, 'RETR');
      await this.#setType(options.ascii ? 'A' : 'I');
      if (offset > 0) await this.#cmd(`REST ${offset}`, 350);
      const dl = await startDownload(this.#host, `RETR ${path}`, { ...options, resumeOffset: offset }, () => (this.#busy = false));
      handedOver = true;
      return dl;
    } finally {
      if (!handedOver) this.#busy = false;
    }
  }

  async #download(command: string, options: TransferOptions, type: 'A' | 'I'): Promise<Download> {
    this.#take();
    let handedOver = false;
    try {
      throwIfAborted(options.signal, command);
      await this.#setType(type);
      const dl = await startDownload(this.#host, command, options, () => (this.#busy = false));
      handedOver = true;
      return dl;
    } finally {
      if (!handedOver) this.#busy = false;
    }
  }

  /**
   * STOR (or APPE with `append`): streams `source` to `path`; `offset`
   * resumes an upload (REST then STOR). Resolves with the final reply.
   */
  async store(
    path: string,
    source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
    options: StoreOptions & { append?: boolean } = {},
  ): Promise<Reply> {
    checkPath(path);
    const offset = checkOffset(options.offset);
    return this.#exclusive(async () => {
      throwIfAborted(options.signal, 'STOR');
      await this.#setType(options.ascii ? 'A' : 'I');
      if (offset > 0) await this.#cmd(`REST ${offset}`, 350);
      return upload(this.#host, `${options.append ? 'APPE' : 'STOR'} ${path}`, source, options);
    });
  }

  /** APPE: appends `source` to `path`. */
  async append(path: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: TransferOptions = {}): Promise<Reply> {
    return this.store(path, source, { ...options, append: true });
  }

  /** SIZE and MDTM without failing when the server lacks them. */
  async stat(path: string): Promise<{ size: number | undefined; modified: Date | undefined }> {
    checkPath(path);
    return this.#exclusive(async () => {
      const size = await this.#size(path).catch(soft);
      const modified = await this.#mdtm(path).catch(soft);
      return { size, modified };
    });
  }

  /** QUIT, then close. Safe to call twice. */
  async quit(): Promise<void> {
    if (this.#closed) return;
    if (!this.#busy && this.usable) await this.#cmd('QUIT').catch(() => {});
    await this.close();
  }

  /** Closes the control connection at once. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#line.close().catch(() => {});
  }
}

function checkOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InputError(`offset must be a non-negative integer, got ${offset}`, { protocol: 'ftp' });
  return offset;
}

/** A refused SIZE/MDTM (500, 502, 550) means "unknown", not failure. */
function soft(e: unknown): undefined {
  if (e instanceof ReplyError) return undefined;
  throw e;
}
