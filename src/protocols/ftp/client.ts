/**
 * FtpClient: one FTP/FTPS session (RFC 959, 2228, 2389, 2428, 3659, 4217),
 * each FTP command a method. The control connection — login, TLS, one
 * command at a time — is {@link FtpControl} (control.ts); the data
 * connections are the transfer engine's (transfer.ts); every parse is in
 * ./core. One command or transfer runs at a time — a second is an
 * InputError, since FTP cannot interleave them on one connection.
 *
 * @module
 */
import { InputError, LimitError, ProtocolError, ReplyError } from '../../errors.js';
import type { Expect, Reply } from '../../line/replies.js';
import type { TraceFacts, Tracer } from '../../trace.js';
import { throwIfAborted } from '../../util/guard.js';
import type { FileEntry } from './core/entry.js';
import { parsePwd, parseSizeReply } from './core/features.js';
import { decodeListing, parseListing } from './core/listing.js';
import { isSelfOrParent, parseMlsdLine } from './core/mlsd.js';
import { checkArg, checkPath } from './core/path.js';
import { formatFtpTime, parseFtpTime } from './core/time.js';
import { FtpControl, isClosing } from './control.js';
import type { FtpConnectOptions, RetrieveOptions, StoreOptions } from './options.js';
import { startDownload, type Download } from './download.js';
import { upload, type TransferOptions } from './transfer.js';

export type { FtpConnectOptions, FtpSecurity, RetrieveOptions, StoreOptions } from './options.js';

/** Options of the listing methods: the transfer's, and which command lists. */
export type ListOptions = TransferOptions & { command?: 'LIST' | 'NLST' | 'MLSD' | undefined };

/** An FTP or FTPS session. Create it with {@link FtpClient.connect}. */
export class FtpClient {
  readonly #c: FtpControl;

  private constructor(control: FtpControl) {
    this.#c = control;
  }

  /**
   * Connects, reads the greeting, protects the connection as `secure` asks,
   * logs in, and reads FEAT (switching to UTF-8 paths when offered). A 530 is
   * a ReplyError with phase 'login'.
   */
  static async connect(options: FtpConnectOptions): Promise<FtpClient> {
    return new FtpClient(await FtpControl.open(options));
  }

  /** The greeting (220) reply. */
  get welcome(): Reply | undefined {
    return this.#c.welcome;
  }
  /** FEAT's features, upper-cased name → parameters. */
  get features(): ReadonlyMap<string, string> {
    return this.#c.features;
  }
  /** True once the control connection is encrypted. */
  get encrypted(): boolean {
    return this.#c.encrypted;
  }
  /** True when data connections are TLS-protected (PROT P). */
  get dataProtected(): boolean {
    return this.#c.dataProtected;
  }
  /** False once the connection is closed or broke. */
  get usable(): boolean {
    return this.#c.usable;
  }

  /**
   * Hands a kept session to its next user: later events (this session's
   * lines, its data connections) go to `trace`, and the control connection
   * holds the process open again.
   */
  adopt(trace: Tracer | undefined): void {
    this.#c.adopt(trace);
  }

  /** Parks the session between uses: its control connection no longer keeps the process alive. */
  idle(): void {
    this.#c.idle();
  }

  /** The control connection's ends, as the `connected` trace event described them. */
  get connection(): TraceFacts {
    return this.#c.connection;
  }

  /** Sends one command holding the connection, and reads its reply. */
  #run(line: string, expect?: Expect): Promise<Reply> {
    return this.#c.exclusive(() => this.#c.command(line, expect));
  }

  /** Sends any command and reads its reply (ReplyError unless `expect` holds; default 1xx–3xx). */
  async send(command: string, expect: Expect = [1, 2, 3]): Promise<Reply> {
    checkArg(command, 'command');
    return this.#run(command, expect);
  }

  /** SITE: a server-specific command. */
  async site(args: string): Promise<Reply> {
    checkArg(args, 'SITE arguments');
    return this.#run(`SITE ${args}`, 2);
  }

  /** NOOP: keeps an idle session alive. */
  async noop(): Promise<Reply> {
    return this.#run('NOOP', 2);
  }

  /** SYST: the server's system type (e.g. `UNIX Type: L8`). */
  async system(): Promise<string> {
    return (await this.#run('SYST', 2)).text;
  }

  /** PWD: the current directory. */
  async pwd(): Promise<string> {
    const r = await this.#run('PWD', 257);
    const p = parsePwd(r.text);
    if (p === undefined) throw new ProtocolError(`257 reply without a quoted path: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return p;
  }

  /** CWD. */
  async cd(path: string): Promise<Reply> {
    checkPath(path);
    return this.#run(`CWD ${path}`, 2);
  }

  /** CDUP. */
  async cdup(): Promise<Reply> {
    return this.#run('CDUP', 2);
  }

  /** TYPE A (ascii) or TYPE I (binary); sent only when it changes. */
  async type(t: 'A' | 'I'): Promise<void> {
    return this.#c.exclusive(() => this.#c.setType(t));
  }

  /** MODE S (stream): the only mode this client speaks, sent for servers that want it said. */
  async modeStream(): Promise<void> {
    await this.#run('MODE S', 2);
  }

  /** SIZE in bytes (RFC 3659; in TYPE I, as servers count it). */
  async size(path: string): Promise<number> {
    checkPath(path);
    return this.#c.exclusive(() => this.#size(path));
  }

  async #size(path: string): Promise<number> {
    await this.#c.setType('I');
    const r = await this.#c.command(`SIZE ${path}`, 213);
    const n = parseSizeReply(r.text);
    if (n === undefined) throw new ProtocolError(`malformed SIZE reply: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return n;
  }

  /** MDTM: the modification time. */
  async lastModified(path: string): Promise<Date> {
    checkPath(path);
    return this.#c.exclusive(() => this.#mdtm(path));
  }

  async #mdtm(path: string): Promise<Date> {
    const r = await this.#c.command(`MDTM ${path}`, 213);
    const d = parseFtpTime(r.text);
    if (!d) throw new ProtocolError(`malformed MDTM reply: ${r.text}`, { protocol: 'ftp', reply: { code: r.code, text: r.text } });
    return d;
  }

  /** MFMT: sets the modification time, where the server offers it (InputError DIAL_E_UNSUPPORTED otherwise). */
  async setLastModified(path: string, date: Date): Promise<Reply> {
    checkPath(path);
    if (!this.#c.features.has('MFMT')) throw new InputError('the server does not offer MFMT', { code: 'DIAL_E_UNSUPPORTED', protocol: 'ftp' });
    return this.#run(`MFMT ${formatFtpTime(date)} ${path}`, 2);
  }

  /** DELE. */
  async delete(path: string): Promise<Reply> {
    checkPath(path);
    return this.#run(`DELE ${path}`, 2);
  }

  /** MKD; resolves with the path the server reports (or the one asked). */
  async mkdir(path: string): Promise<string> {
    checkPath(path);
    const r = await this.#run(`MKD ${path}`, 257);
    return parsePwd(r.text) ?? path;
  }

  /** RMD. */
  async rmdir(path: string): Promise<Reply> {
    checkPath(path);
    return this.#run(`RMD ${path}`, 2);
  }

  /** RNFR then RNTO. */
  async rename(from: string, to: string): Promise<Reply> {
    checkPath(from, 'rename source');
    checkPath(to, 'rename target');
    return this.#c.exclusive(async () => {
      await this.#c.command(`RNFR ${from}`, 350);
      return this.#c.command(`RNTO ${to}`, 2);
    });
  }

  /** MLST: one entry's facts (RFC 3659). */
  async mlst(path: string): Promise<FileEntry> {
    checkPath(path);
    return this.#c.exclusive(async () => {
      const r = await this.#c.command(`MLST ${path}`, 250);
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
    const useMlsd = this.#c.features.has('MLST');
    const text = await this.listRaw(path, { ...options, command: useMlsd ? 'MLSD' : 'LIST' });
    const entries = parseListing(text, this.#c.options.listing);
    return useMlsd ? entries.filter((e) => !isSelfOrParent(e)) : entries;
  }

  /** NLST: names only (a name that is not UTF-8 is read as Latin-1, see {@link listRaw}). */
  async nlst(path?: string, options: TransferOptions = {}): Promise<string[]> {
    const text = await this.listRaw(path, { ...options, command: 'NLST' });
    return text.split(/\r?\n/).filter((l) => l !== '');
  }

  /**
   * The text of LIST (default), NLST or MLSD, bounded by `maxListingBytes`.
   * Each line is decoded on its own: UTF-8 when it is, else Latin-1 — one
   * character per byte, so `Buffer.from(name, 'latin1')` is the server's name
   * byte for byte (older servers list names in their own 8-bit charset), and
   * a session opened with `encoding: 'latin1'` sends it back as those bytes.
   * The bytes themselves are {@link listBytes}.
   */
  async listRaw(path?: string, options: ListOptions = {}): Promise<string> {
    return decodeListing(await this.listBytes(path, options));
  }

  /** The listing exactly as the server sent it (TYPE A, so CRLF line ends), bounded by `maxListingBytes`. */
  async listBytes(path?: string, options: ListOptions = {}): Promise<Buffer> {
    if (path !== undefined) checkPath(path);
    const cmd = options.command ?? 'LIST';
    const max = this.#c.options.maxListingBytes ?? 64 * 1024 * 1024;
    // The chunks are kept until the end, so they must be fresh ones.
    const dl = await this.#download(path === undefined ? cmd : `${cmd} ${path}`, { ...options, ascii: false, reuseBuffer: false }, 'A');
    const parts: Buffer[] = [];
    let n = 0;
    for await (const chunk of dl) {
      n += chunk.length;
      if (n > max) {
        await dl.cancel();
        throw new LimitError(`the listing exceeded ${max} bytes`, { limit: max, protocol: 'ftp', phase: 'list' });
      }
      parts.push(chunk);
    }
    return Buffer.concat(parts, n);
  }

  /**
   * RETR: resolves once the server accepted the transfer (a 550 rejects
   * here), with a {@link Download} to iterate for the bytes — streamed as
   * they arrive, never buffered whole — or to `consume(sink)`, the fast way
   * (each read handed to a synchronous sink). `offset` resumes (REST); `ascii`
   * converts line endings; `reuseBuffer` reads every chunk into one buffer
   * (no allocation per chunk; each chunk valid only until the next). The connection is busy until the body is read or
   * cancelled. A data connection that closes before the announced size is a
   * ProtocolError, not a short file.
   */
  async retrieve(path: string, options: RetrieveOptions = {}): Promise<Download> {
    checkPath(path);
    const offset = checkOffset(options.offset);
    return this.#download(`RETR ${path}`, { ...options, resumeOffset: offset }, options.ascii ? 'A' : 'I', offset);
  }

  /** Starts a download holding the connection; the Download frees it once read or cancelled. */
  async #download(command: string, options: TransferOptions, type: 'A' | 'I', offset = 0): Promise<Download> {
    const c = this.#c;
    c.take();
    let handedOver = false;
    try {
      throwIfAborted(options.signal, command.split(' ', 1)[0]!);
      await c.setType(type, options.signal);
      if (offset > 0) await c.command(`REST ${offset}`, 350, options.signal);
      const dl = await startDownload(c.host, command, options, () => c.release());
      handedOver = true;
      return dl;
    } finally {
      if (!handedOver) c.release();
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
    return this.#c.exclusive(async () => {
      throwIfAborted(options.signal, 'STOR');
      await this.#c.setType(options.ascii ? 'A' : 'I', options.signal);
      if (offset > 0) await this.#c.command(`REST ${offset}`, 350, options.signal);
      return upload(this.#c.host, `${options.append ? 'APPE' : 'STOR'} ${path}`, source, options);
    });
  }

  /** APPE: appends `source` to `path`. */
  async append(path: string, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, options: TransferOptions = {}): Promise<Reply> {
    return this.store(path, source, { ...options, append: true });
  }

  /** SIZE and MDTM without failing when the server lacks them. */
  async stat(path: string): Promise<{ size: number | undefined; modified: Date | undefined }> {
    checkPath(path);
    return this.#c.exclusive(async () => {
      const size = await this.#size(path).catch(soft);
      const modified = await this.#mdtm(path).catch(soft);
      return { size, modified };
    });
  }

  /** QUIT, then close. Safe to call twice. */
  async quit(): Promise<void> {
    await this.#c.quit();
  }

  /** Closes the control connection at once. */
  async close(): Promise<void> {
    await this.#c.close();
  }
}

function checkOffset(offset: number | undefined): number {
  if (offset === undefined) return 0;
  if (!Number.isSafeInteger(offset) || offset < 0) throw new InputError(`offset must be a non-negative integer, got ${offset}`, { protocol: 'ftp' });
  return offset;
}

/** A refused SIZE/MDTM (500, 502, 550) means "unknown", not failure; a 421 (closing) is the session's end. */
function soft(e: unknown): undefined {
  if (e instanceof ReplyError && !isClosing(e)) return undefined;
  // A reply that came but does not parse ("213 6 bytes"): the size or time is unknown, as curl takes it; the session is fine.
  if (e instanceof ProtocolError && e.reply !== undefined) return undefined;
  throw e;
}
