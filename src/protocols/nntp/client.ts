/**
 * NntpClient: one NNTP reader session (RFC 3977) with STARTTLS (RFC 4642)
 * and AUTHINFO USER/PASS (RFC 4643). It owns the I/O, timeouts and
 * cancellation; every parse is in ./core. One command runs at a time, and an
 * article must be read, skipped or cancelled before the next command.
 *
 * @module
 */
import { InputError, ProtocolError, ReplyError, type DialError } from '../../errors.js';
import { LineClient, type DotBlockSource } from '../../line/client.js';
import type { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import { maskSecrets, type Tracer } from '../../trace.js';
import { tlsFor, traceTLS } from '../../line/open.js';
import { openSession, readStatusLine } from '../../line/session.js';
import { blockSource } from '../../line/dot-body.js';
import { articleArg, articleSource, credential, rangeArg, token, type ArticleRef, type OverRange } from './core/args.js';
import { hasBlock, succeeded, type NntpVerb } from './core/commands.js';
import { listingText, parseActiveLine, parseCapabilities, parseOverLine, type ActiveEntry, type NntpCapabilities, type OverviewEntry } from './core/listing.js';
import { parseArticleRef, parseDate, parseGroup, type NntpArticleRef, type NntpGroup } from './core/responses.js';
import { parseStatus, refusal, type NntpStatus } from './core/status.js';
import { NntpArticle } from './article.js';
import type { NntpArticleOptions, NntpConnectOptions, NntpWaitOptions } from './options.js';

export type { NntpArticleOptions, NntpConnectOptions, NntpSecurity, NntpWaitOptions } from './options.js';
export { NntpArticle } from './article.js';

const DEFAULT_TIMEOUT = 60_000;

/** A sent line for the trace: AUTHINFO PASS (which the shared masker does not know) and PASS-style lines masked. */
function maskLine(line: string): string {
  if (/^AUTHINFO PASS /i.test(line)) return 'AUTHINFO PASS ****';
  return maskSecrets(line);
}

/**
 * An NNTP reader session. Create it with {@link NntpClient.connect}; end it
 * with {@link quit}.
 *
 * ```ts
 * const news = await NntpClient.connect({ host, secure: 'starttls' });
 * const g = await news.group('comp.lang.misc');
 * for (const o of await news.over({ from: g.high - 10 })) console.log(o.subject);
 * const a = await news.article('<id@example>');
 * console.log(await a.text());
 * await news.quit();
 * ```
 */
export class NntpClient {
  readonly #line: LineClient;
  readonly #socket: Socket;
  readonly #opts: NntpConnectOptions;
  readonly #trace: Tracer | undefined;
  #greeting: NntpStatus = { code: 0, text: '' };
  #caps: NntpCapabilities | undefined;
  #open: NntpArticle | undefined;
  #group: NntpGroup | undefined;
  /** The command whose response is still being read; no other may be sent meanwhile. */
  #busy: string | undefined;

  private constructor(socket: Socket, opts: NntpConnectOptions) {
    this.#socket = socket;
    this.#opts = opts;
    const trace = (this.#trace = opts.trace);
    this.#line = new LineClient(socket, {
      protocol: 'nntp',
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
      maxLine: opts.maxLine,
      maxBodyLine: opts.maxBodyLine,
      trace: trace ? (dir, line) => trace({ kind: dir, text: dir === '>' ? maskLine(line) : line, protocol: 'nntp' }) : undefined,
    });
  }

  /**
   * Connects, reads the greeting (200 posting allowed, 201 not; anything
   * else is a ReplyError), sends MODE READER as `modeReader` says, then
   * protects the connection as `secure` asks and logs in when `user` is given.
   */
  static async connect(options: NntpConnectOptions): Promise<NntpClient> {
    const { socket, secure } = await openSession(options, { name: 'nntp', port: 119, tlsPort: 563, check: credential, timeout: DEFAULT_TIMEOUT });
    const client = new NntpClient(socket, options);
    try {
      const wait = { signal: options.signal };
      const g = await client.#status(wait);
      if (g.code !== 200 && g.code !== 201) throw refusal(g, 'greeting', 'greeting');
      client.#greeting = g;
      // RFC 3977 §5.3: on a mode-switching server MODE READER starts a new session that forgets TLS and a login, and
      // may be the only one offering them (§5.3.3's example): it goes first.
      const mode = options.modeReader ?? 'auto';
      if (mode === true || (mode === 'auto' && (await client.capabilities(wait)).has('MODE-READER'))) await client.modeReader(wait);
      if (secure === 'starttls') await client.starttls(options.tls, wait);
      if (options.user !== undefined) await client.authinfo(options.user, options.password ?? '', wait);
    } catch (e) {
      await client.close().catch(() => {});
      throw e;
    }
    return client;
  }

  /** The greeting's code (200, 201) and text. */
  get greeting(): NntpStatus {
    return this.#greeting;
  }

  /** True when the greeting (or MODE READER) said posting is allowed (200). */
  get postingAllowed(): boolean {
    return this.#greeting.code === 200;
  }

  /** True when the connection is encrypted (nntps, or after STARTTLS). */
  get encrypted(): boolean {
    return this.#socket.encrypted;
  }

  /** The group GROUP last selected. */
  get currentGroup(): NntpGroup | undefined {
    return this.#group;
  }

  /** The error that ended the connection, if any. */
  get error(): DialError | undefined {
    return this.#line.error;
  }

  /**
   * CAPABILITIES (RFC 3977 §5.2), cached until STARTTLS, AUTHINFO or MODE
   * READER change them. A server older than RFC 3977 does not know the
   * command and refuses it with a 5xx: that gives an empty map, not an error
   * (as POP3's CAPA), so such a server can still be used.
   */
  async capabilities(wait?: NntpWaitOptions): Promise<NntpCapabilities> {
    if (this.#caps) return this.#caps;
    try {
      await this.#command('CAPABILITIES', 'CAPABILITIES', wait);
    } catch (e) {
      const code = e instanceof ReplyError ? (e.reply?.code ?? 0) : 0;
      if (code >= 500 && code < 600) return (this.#caps = new Map());
      throw e;
    }
    return (this.#caps = parseCapabilities(await this.#lines(wait)));
  }

  /** MODE READER (RFC 3977 §5.3): 200 posting allowed, 201 not. */
  async modeReader(wait?: NntpWaitOptions): Promise<void> {
    this.#greeting = await this.#command('MODE READER', 'MODE READER', wait);
    this.#caps = undefined;
  }

  /**
   * STARTTLS (RFC 4642): upgrades to TLS, verifying the certificate against
   * the host name. A refusal (e.g. 580, 502) is a ReplyError; a byte after
   * the 382 is a ProtocolError DIAL_E_INJECTION.
   */
  async starttls(tls?: TLSOptions, wait?: NntpWaitOptions): Promise<void> {
    if (this.#socket.encrypted) throw new InputError('the NNTP connection already uses TLS', { protocol: 'nntp' });
    await this.#command('STARTTLS', 'STARTTLS', wait, 'starttls');
    await this.#line.startTLS(tlsFor(this.#opts.host, tls ?? this.#opts.tls), wait);
    traceTLS(this.#socket, this.#trace);
    this.#caps = undefined;
  }

  /** AUTHINFO USER/PASS (RFC 4643 §2.3); 481 and the like are ReplyErrors with phase 'login'. */
  async authinfo(user: string, password: string, wait?: NntpWaitOptions): Promise<void> {
    const u = token(user, 'user name');
    const p = credential(password, 'password');
    const st = await this.#command('AUTHINFO USER', `AUTHINFO USER ${u}`, wait, 'login');
    if (st.code === 381) await this.#command('AUTHINFO PASS', `AUTHINFO PASS ${p}`, wait, 'login');
    this.#caps = undefined;
  }

  /** GROUP: selects a group; 411 (no such group) is a ReplyError. */
  async group(name: string, wait?: NntpWaitOptions): Promise<NntpGroup> {
    const st = await this.#command('GROUP', `GROUP ${token(name, 'group name')}`, wait);
    return (this.#group = parseGroup(st.text));
  }

  /** ARTICLE: the whole article (head, blank line, body), streamed; by message-id, number, or the current one. */
  article(ref?: ArticleRef, options?: NntpArticleOptions): Promise<NntpArticle> {
    return this.#fetch('ARTICLE', ref, options);
  }

  /** HEAD: the article's header lines, streamed. */
  head(ref?: ArticleRef, options?: NntpArticleOptions): Promise<NntpArticle> {
    return this.#fetch('HEAD', ref, options);
  }

  /** BODY: the article's body, streamed. */
  body(ref?: ArticleRef, options?: NntpArticleOptions): Promise<NntpArticle> {
    return this.#fetch('BODY', ref, options);
  }

  /** STAT: whether an article exists (423/430 are ReplyErrors), and its number and message-id. */
  async stat(ref?: ArticleRef, wait?: NntpWaitOptions): Promise<NntpArticleRef> {
    const arg = articleArg(ref);
    return parseArticleRef((await this.#command('STAT', arg ? `STAT ${arg}` : 'STAT', wait)).text);
  }

  /** LIST ACTIVE [wildmat] (RFC 3977 §7.6.3): groups, water marks and posting status. */
  async listActive(wildmat?: string, wait?: NntpWaitOptions): Promise<ActiveEntry[]> {
    const line = wildmat === undefined ? 'LIST ACTIVE' : `LIST ACTIVE ${token(wildmat, 'wildmat')}`;
    await this.#command('LIST ACTIVE', line, wait);
    return (await this.#lines(wait)).map(parseActiveLine);
  }

  /** OVER (RFC 3977 §8.3): overview lines for a range of the current group, or one message-id. */
  async over(range?: OverRange, wait?: NntpWaitOptions): Promise<OverviewEntry[]> {
    await this.#command('OVER', range === undefined ? 'OVER' : `OVER ${rangeArg(range)}`, wait);
    return (await this.#lines(wait)).map(parseOverLine);
  }

  /** DATE (RFC 3977 §7.1): the server's clock, UTC. */
  async date(wait?: NntpWaitOptions): Promise<Date> {
    return parseDate((await this.#command('DATE', 'DATE', wait)).text);
  }

  /**
   * POST: sends `article` (headers, blank line, body) dot-stuffed, every
   * line ending made CRLF. 440 (posting not permitted) and 441 (rejected)
   * are ReplyErrors. Resolves with the 240's text.
   */
  async post(article: DotBlockSource, wait?: NntpWaitOptions): Promise<string> {
    articleSource(article);
    await this.#command('POST', 'POST', wait, 'post');
    let st: NntpStatus;
    try {
      await this.#line.writeDotBlock(article, wait);
      st = await this.#status(wait);
    } finally {
      this.#busy = undefined;
    }
    if (st.code !== 240) throw refusal(st, 'POST', 'post');
    return st.text;
  }

  /** QUIT, then close. With an article unread or a command running, the connection is closed without QUIT and that is an InputError saying so. */
  async quit(wait?: NntpWaitOptions): Promise<void> {
    const pending = this.#open ? 'an article was still unread' : this.#busy ? `${this.#busy} was still running` : undefined;
    if (pending) {
      // Closed all the same: quit() is often the cleanup in a finally, and an open socket would keep the process alive.
      await this.close();
      throw new InputError(`QUIT was not sent: ${pending}, so the connection was closed instead`, { protocol: 'nntp' });
    }
    try {
      await this.#command('QUIT', 'QUIT', wait);
    } finally {
      await this.close();
    }
  }

  /** Closes the connection without QUIT. Safe to call twice. */
  async close(): Promise<void> {
    await this.#line.close().catch(() => {});
  }

  /**
   * The one way a command goes out: no article unread, CR/LF/NUL refused
   * (arguments checked by the core, the line by the line layer), then its
   * status, which must be a success for `verb` or it is a ReplyError.
   */
  async #command(verb: NntpVerb, line: string, wait: NntpWaitOptions | undefined, phase = 'reply'): Promise<NntpStatus> {
    this.#idle(verb);
    this.#busy = verb;
    let more = false;
    try {
      await this.#line.writeLine(line, wait);
      const st = await this.#status(wait);
      if (!succeeded(verb, st.code)) {
        // A success code the table does not know may be followed by a block we would misread: stop.
        if (st.code < 400) {
          await this.close();
          throw new ProtocolError(`${verb}: unexpected ${st.code} ${st.text}`.trimEnd(), { protocol: 'nntp', phase, reply: { code: st.code, text: st.text } });
        }
        throw refusal(st, verb, phase);
      }
      // The block that follows (or, for POST, the article we send and its 240) is still this command's.
      more = hasBlock(verb, st.code) || verb === 'POST';
      return st;
    } finally {
      if (!more) this.#busy = undefined;
    }
  }

  /** Throws InputError while an article is unread or a command runs: `verb` may not be sent yet. */
  #idle(verb: NntpVerb): void {
    if (this.#open) throw new InputError(`an article is still unread: read it, skip() or cancel() it before ${verb}`, { protocol: 'nntp' });
    // Checked before sending: a second command's status would be left unread, and answer the command after it.
    if (this.#busy) throw new InputError(`${this.#busy} is still running: one command at a time; ${verb} was not sent`, { protocol: 'nntp' });
  }

  async #status(wait: NntpWaitOptions | undefined): Promise<NntpStatus> {
    const raw = await readStatusLine(this.#line, wait, () => this.close(), 'nntp');
    try {
      return parseStatus(raw);
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** A listing's lines (see {@link listingText}), held whole, so bounded in count, line length and total bytes. */
  async #lines(wait: NntpWaitOptions | undefined): Promise<string[]> {
    const o = this.#opts;
    const bounds = { ...wait, maxLines: o.maxListEntries ?? 1_000_000, maxBytes: o.maxListBytes ?? 64 * 1024 * 1024 };
    const out: string[] = [];
    try {
      for await (const l of this.#line.readDotBlockBytes(bounds)) out.push(listingText(l));
    } finally {
      this.#busy = undefined;
    }
    return out;
  }

  async #fetch(verb: 'ARTICLE' | 'HEAD' | 'BODY', ref: ArticleRef, options: NntpArticleOptions | undefined): Promise<NntpArticle> {
    const arg = articleArg(ref);
    const st = await this.#command(verb, arg ? `${verb} ${arg}` : verb, options);
    let about: NntpArticleRef;
    try {
      about = parseArticleRef(st.text);
      if (!hasBlock(verb, st.code)) throw new ProtocolError(`${verb}: ${st.code} without an article`, { protocol: 'nntp' });
    } catch (e) {
      // The block that follows would be read as status lines: the session cannot go on.
      this.#busy = undefined;
      await this.close();
      throw e;
    }
    const wait = { signal: options?.signal, timeout: options?.timeout, maxBytes: options?.maxBytes };
    const art: NntpArticle = new NntpArticle(
      about,
      blockSource(this.#line, wait, {
        protocol: 'nntp',
        trace: this.#trace,
        release: () => {
          if (this.#open === art) this.#open = undefined;
        },
        close: () => this.close(),
      }),
    );
    this.#open = art;
    this.#busy = undefined;
    return art;
  }
}
