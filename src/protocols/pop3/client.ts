/**
 * Pop3Client: one POP3 session (RFC 1939) with CAPA (RFC 2449), STLS
 * (RFC 2595), AUTH PLAIN (RFC 5034), AUTH OAUTHBEARER / XOAUTH2 with an
 * OAuth 2.0 token (RFC 7628) and APOP. It owns the I/O, timeouts and
 * cancellation; every parse is in ./core. One command runs at a time, and a
 * message body must be read, skipped or cancelled before the next command.
 *
 * @module
 */
import { InputError, type DialError } from '../../errors.js';
import { LineClient } from '../../line/client.js';
import type { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import { maskSecrets, type Tracer } from '../../trace.js';
import { apopDigest, apopTimestamp, chooseLogin, saslPlain } from './core/auth.js';
import { checkBearer } from '../smtp/core/oauth.js';
import { bearerLogin, plainLogin, type AuthStep } from './sasl.js';
import { parseCapa, saslMechanisms, type Pop3Capabilities } from './core/capa.js';
import { announcedSize, parseListLine, parseStat, parseUidlLine, type Pop3ListEntry, type Pop3Stat, type Pop3UidEntry } from './core/listing.js';
import { checkAllowed, lineCount, messageNumber, textArg, transition, type Pop3State, type Pop3Verb } from './core/session.js';
import { isContinuation, parseStatus, refusal, type Pop3Status } from './core/status.js';
import { tlsFor, traceTLS } from '../../line/open.js';
import { openSession, readStatusLine } from '../../line/session.js';
import { Pop3Message } from './message.js';
import { blockSource } from '../../line/dot-body.js';
import type { Pop3Auth, Pop3ConnectOptions, Pop3LoginOptions, Pop3RetrieveOptions, Pop3WaitOptions } from './options.js';

export type { Pop3Auth, Pop3ConnectOptions, Pop3LoginOptions, Pop3RetrieveOptions, Pop3Security, Pop3WaitOptions } from './options.js';
export { Pop3Message } from './message.js';

const DEFAULT_TIMEOUT = 60_000;
/** Commands whose +OK is followed by a message body, read through {@link Pop3Message}. */
const BODY_VERBS: ReadonlySet<string> = new Set(['RETR', 'TOP']);
/** Commands whose +OK is followed by a listing when sent without an argument, read by #lines. */
const LISTING_VERBS: ReadonlySet<string> = new Set(['CAPA', 'LIST', 'UIDL']);

/** A sent line for the trace: credentials masked, and the whole argument of a line marked secret (all of a SASL response line). */
function maskLine(line: string, secret: boolean): string {
  const masked = maskSecrets(line);
  if (masked !== line || !secret) return masked;
  // An AUTH line with its initial response keeps its mechanism in sight.
  const auth = /^AUTH \S+ /.exec(line);
  if (auth) return `${auth[0]}****`;
  return line.includes(' ') ? `${line.split(' ', 1)[0]} ****` : '****';
}

/**
 * A POP3 session. Create it with {@link Pop3Client.connect}; end it with
 * {@link quit} (which commits DELEs) or {@link close} (which does not).
 *
 * ```ts
 * const pop = await Pop3Client.connect({ host, secure: 'implicit', user, password });
 * const { count } = await pop.stat();
 * const msg = await pop.retr(1);
 * for await (const chunk of msg.body) process.stdout.write(chunk);
 * await pop.quit();
 * ```
 */
export class Pop3Client {
  readonly #line: LineClient;
  readonly #socket: Socket;
  readonly #opts: Pop3ConnectOptions;
  readonly #trace: Tracer | undefined;
  /** Set while the next line written is a credential, so the trace masks it whole. */
  readonly #mask = { next: false };
  /** The server's port, which OAUTHBEARER names (RFC 7628 §3.1). */
  #port = 110;
  #state: Pop3State = 'authorization';
  #greeting: Pop3Status = { ok: true, text: '' };
  #caps: Pop3Capabilities | undefined;
  #open: Pop3Message | undefined;
  /** The command whose response is still being read; no other may be sent meanwhile. */
  #busy: string | undefined;

  private constructor(socket: Socket, opts: Pop3ConnectOptions) {
    this.#socket = socket;
    this.#opts = opts;
    const trace = (this.#trace = opts.trace);
    const mask = this.#mask;
    this.#line = new LineClient(socket, {
      protocol: 'pop3',
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
      maxLine: opts.maxLine,
      maxBodyLine: opts.maxBodyLine,
      trace: trace
        ? (dir, line) => {
            const text = dir === '>' ? maskLine(line, mask.next) : line;
            trace({ kind: dir, text, protocol: 'pop3' });
          }
        : undefined,
    });
  }

  /**
   * Connects, reads the greeting, protects the connection as `secure` asks
   * and, when `user` is given, logs in. A `-ERR` anywhere is a ReplyError;
   * the connection is closed on any failure.
   */
  static async connect(options: Pop3ConnectOptions): Promise<Pop3Client> {
    const { socket, secure } = await openSession(options, { name: 'pop3', port: 110, tlsPort: 995, check: textArg, timeout: DEFAULT_TIMEOUT });
    const client = new Pop3Client(socket, options);
    client.#port = options.port ?? (secure === 'implicit' ? 995 : 110);
    try {
      const wait = { signal: options.signal };
      client.#greeting = await client.#status('greeting', wait);
      if (secure === 'starttls') await client.stls(options.tls, wait);
      const { auth, bearer, initialResponse, authzid } = options;
      if (options.user !== undefined) await client.login(options.user, options.password ?? '', { auth, bearer, initialResponse, authzid, ...wait });
    } catch (e) {
      await client.close().catch(() => {});
      throw e;
    }
    return client;
  }

  /** The greeting's text (after `+OK`). */
  get greeting(): string {
    return this.#greeting.text;
  }

  /** Where the session stands (see {@link Pop3State}); 'closed' too once a fatal error has ended the connection. */
  get state(): Pop3State {
    return this.#line.error ? 'closed' : this.#state;
  }

  /** True when the connection is encrypted (pop3s, or after STLS). */
  get encrypted(): boolean {
    return this.#socket.encrypted;
  }

  /** The error that ended the connection, if any. */
  get error(): DialError | undefined {
    return this.#line.error;
  }

  /**
   * CAPA (RFC 2449): the server's capabilities, cached until STLS or login. A server
   * without CAPA answers `-ERR`: that gives an empty map, not an error.
   */
  async capa(wait?: Pop3WaitOptions): Promise<Pop3Capabilities> {
    if (this.#caps) return this.#caps;
    const st = await this.#command('CAPA', 'CAPA', wait, true);
    if (!st.ok) return (this.#caps = new Map());
    return (this.#caps = parseCapa(await this.#lines(wait)));
  }

  /**
   * STLS (RFC 2595): upgrades to TLS, verifying the certificate against the
   * host name. A `-ERR` is a ReplyError and the session stays in the clear;
   * a byte after the `+OK` is a ProtocolError DIAL_E_INJECTION.
   */
  async stls(tls?: TLSOptions, wait?: Pop3WaitOptions): Promise<void> {
    if (this.#socket.encrypted) throw new InputError('the POP3 connection already uses TLS', { protocol: 'pop3' });
    await this.#command('STLS', 'STLS', wait, false, 'starttls');
    await this.#line.startTLS(tlsFor(this.#opts.host, tls ?? this.#opts.tls), wait);
    traceTLS(this.#socket, this.#trace);
    // RFC 2595 §4: what was learned before TLS may have been forged.
    this.#caps = undefined;
  }

  /**
   * Logs in (see {@link Pop3Auth}); a refusal is a ReplyError with phase
   * 'login' and the session stays in the AUTHORIZATION state.
   */
  async login(user: string, password: string, options: Pop3LoginOptions = {}): Promise<void> {
    textArg(user, 'user name');
    textArg(password, 'password');
    if (user === '') throw new InputError('a POP3 user name must be non-empty', { protocol: 'pop3' });
    const bearer = options.bearer;
    if (bearer !== undefined) checkBearer(user, bearer, 'pop3', 'login');
    let auth = options.auth ?? 'auto';
    if (auth === 'auto') auth = chooseLogin(saslMechanisms(await this.capa(options)), bearer !== undefined);
    // USER and APOP take the name as a space-separated argument; the AUTH logins carry it base64-encoded, spaces and all.
    if ((auth === 'user' || auth === 'apop') && user.includes(' ')) throw new InputError(`a POP3 user name with a space cannot be sent with ${auth.toUpperCase()} (only the AUTH logins carry one)`, { protocol: 'pop3' });
    if (auth === 'user') {
      await this.#command('USER', `USER ${user}`, options, false, 'login');
      await this.#command('PASS', `PASS ${password}`, options, false, 'login', true);
    } else if (auth === 'apop') {
      const stamp = apopTimestamp(this.#greeting.text);
      if (!stamp) throw new InputError('the server offered no APOP time stamp in its greeting', { code: 'DIAL_E_UNSUPPORTED', protocol: 'pop3' });
      await this.#command('APOP', `APOP ${user} ${apopDigest(stamp, password)}`, options, false, 'login');
    } else if (auth === 'oauthbearer' || auth === 'xoauth2' || auth === 'plain') {
      if (auth !== 'plain' && bearer === undefined) throw new InputError(`AUTH ${auth.toUpperCase()} needs a bearer token`, { protocol: 'pop3', phase: 'login' });
      const plain = auth === 'plain' ? saslPlain(user, password, options.authzid) : '';
      // The first line is AUTH itself; the rest answer its challenges while AUTH still holds the session.
      let begun = false;
      const step: AuthStep = (line, secret) => (begun ? this.#respond(line, options, secret) : ((begun = true), this.#command('AUTH', line, options, true, 'login', secret)));
      try {
        if (auth === 'plain') await plainLogin(step, plain, options.initialResponse ?? true);
        else await bearerLogin(step, auth === 'oauthbearer' ? 'OAUTHBEARER' : 'XOAUTH2', { user, token: bearer!, host: this.#opts.host, port: this.#port }, options.initialResponse ?? false);
      } catch (e) {
        // Failed with a challenge unanswered: where the server stands is unknown.
        if (this.#busy) await this.close();
        throw e;
      }
    } else {
      throw new InputError(`unknown POP3 auth method ${String(auth)}`, { protocol: 'pop3' });
    }
    this.#state = transition(this.#state, 'login');
    // RFC 2449 §5: the TRANSACTION state may announce other capabilities (a per-user EXPIRE, LOGIN-DELAY).
    this.#caps = undefined;
  }

  /** STAT: the number of messages and their total size. */
  async stat(wait?: Pop3WaitOptions): Promise<Pop3Stat> {
    return parseStat((await this.#command('STAT', 'STAT', wait)).text);
  }

  /** LIST: every message's size, or one message's with `n`. */
  list(n: number, wait?: Pop3WaitOptions): Promise<Pop3ListEntry>;
  list(n?: undefined, wait?: Pop3WaitOptions): Promise<Pop3ListEntry[]>;
  async list(n?: number, wait?: Pop3WaitOptions): Promise<Pop3ListEntry | Pop3ListEntry[]> {
    if (n !== undefined) return parseListLine((await this.#command('LIST', `LIST ${messageNumber(n)}`, wait)).text);
    await this.#command('LIST', 'LIST', wait);
    return (await this.#lines(wait)).map(parseListLine);
  }

  /** UIDL: every message's unique id, or one message's with `n`. */
  uidl(n: number, wait?: Pop3WaitOptions): Promise<Pop3UidEntry>;
  uidl(n?: undefined, wait?: Pop3WaitOptions): Promise<Pop3UidEntry[]>;
  async uidl(n?: number, wait?: Pop3WaitOptions): Promise<Pop3UidEntry | Pop3UidEntry[]> {
    if (n !== undefined) return parseUidlLine((await this.#command('UIDL', `UIDL ${messageNumber(n)}`, wait)).text);
    await this.#command('UIDL', 'UIDL', wait);
    return (await this.#lines(wait)).map(parseUidlLine);
  }

  /** RETR: message `n`, streamed (see {@link Pop3Message}). */
  async retr(n: number, options?: Pop3RetrieveOptions): Promise<Pop3Message> {
    const st = await this.#command('RETR', `RETR ${messageNumber(n)}`, options);
    return this.#message(n, announcedSize(st.text), options);
  }

  /** TOP: message `n`'s header and its first `lines` body lines (RFC 1939 §7). */
  async top(n: number, lines: number, options?: Pop3RetrieveOptions): Promise<Pop3Message> {
    await this.#command('TOP', `TOP ${messageNumber(n)} ${lineCount(lines)}`, options);
    return this.#message(n, undefined, options);
  }

  /** DELE: marks message `n` deleted; the server removes it at QUIT. */
  async dele(n: number, wait?: Pop3WaitOptions): Promise<void> {
    await this.#command('DELE', `DELE ${messageNumber(n)}`, wait);
  }

  /** RSET: unmarks every message marked deleted. */
  async rset(wait?: Pop3WaitOptions): Promise<void> {
    await this.#command('RSET', 'RSET', wait);
  }

  /** NOOP: keeps the session alive. */
  async noop(wait?: Pop3WaitOptions): Promise<void> {
    await this.#command('NOOP', 'NOOP', wait);
  }

  /**
   * QUIT: ends the session — after login, the server deletes the messages
   * marked (a `-ERR` then, e.g. a failed deletion, is a ReplyError) — and
   * closes the connection. With a body unread or a command running, QUIT
   * cannot be sent in step: the connection is closed without it (messages
   * marked stay) and that is an InputError saying so.
   */
  async quit(wait?: Pop3WaitOptions): Promise<void> {
    const pending = this.#open ? 'a message body was still unread' : this.#busy ? `${this.#busy} was still running` : undefined;
    if (pending) {
      // Closed all the same: quit() is often the cleanup in a finally, and an open socket would keep the process alive.
      await this.close();
      throw new InputError(`QUIT was not sent: ${pending}, so the connection was closed instead and the messages marked with DELE were kept`, { protocol: 'pop3' });
    }
    try {
      await this.#command('QUIT', 'QUIT', wait);
      this.#state = transition(this.#state, 'quit');
    } finally {
      await this.close();
    }
  }

  /** Closes the connection without QUIT: messages marked deleted are kept. Safe to call twice. */
  async close(): Promise<void> {
    this.#state = 'closed';
    await this.#line.close().catch(() => {});
  }

  /**
   * The one way a command goes out: allowed in this state, no body unread,
   * CR/LF/NUL refused (by the line layer) before anything is sent; then its
   * status line. A `-ERR` is a ReplyError unless `soft`, when it is returned.
   */
  async #command(verb: Pop3Verb, line: string, wait: Pop3WaitOptions | undefined, soft = false, phase = 'reply', secret = false): Promise<Pop3Status & { cont?: boolean }> {
    checkAllowed(this.#state, verb);
    this.#idle(verb);
    this.#busy = verb;
    let more = false;
    try {
      await this.#send(line, wait, secret);
      if (verb === 'AUTH') {
        const raw = await this.#readLine(wait);
        if (isContinuation(raw)) return { ok: false, text: raw.slice(2), cont: (more = true) };
        return this.#parse(raw, verb, soft, phase);
      }
      const st = await this.#status(verb, wait, soft, phase);
      // What follows this status is still part of the command: #lines or #message ends it.
      more = st.ok && (BODY_VERBS.has(verb) || (LISTING_VERBS.has(verb) && line === verb));
      return st;
    } finally {
      if (!more) this.#busy = undefined;
    }
  }

  /** Writes one line; a `secret` one is masked in the trace. */
  async #send(line: string, wait: Pop3WaitOptions | undefined, secret: boolean): Promise<void> {
    this.#mask.next = secret;
    try {
      await this.#line.writeLine(line, wait);
    } finally {
      this.#mask.next = false;
    }
  }

  /** A line answering the challenge of the AUTH that #command began, and the status it gets; AUTH ends unless another challenge comes. */
  async #respond(line: string, wait: Pop3WaitOptions | undefined, secret: boolean): Promise<Pop3Status & { cont?: boolean }> {
    let more = false;
    try {
      await this.#send(line, wait, secret);
      const raw = await this.#readLine(wait);
      if (isContinuation(raw)) return { ok: false, text: raw.slice(2), cont: (more = true) };
      return this.#parse(raw, 'AUTH', true, 'login');
    } finally {
      if (!more) this.#busy = undefined;
    }
  }

  /** Throws InputError while a body is unread or a command runs: `verb` may not be sent yet. */
  #idle(verb: Pop3Verb): void {
    if (this.#open) throw new InputError(`a message body is still unread: read it, skip() or cancel() it before ${verb}`, { protocol: 'pop3' });
    // Checked before sending: a second command's status would be left unread, and answer the command after it.
    if (this.#busy) throw new InputError(`${this.#busy} is still running: one command at a time; ${verb} was not sent`, { protocol: 'pop3' });
  }

  #readLine(wait: Pop3WaitOptions | undefined): Promise<string> {
    return readStatusLine(this.#line, wait, () => this.close(), 'pop3');
  }

  async #status(what: string, wait: Pop3WaitOptions | undefined, soft = false, phase = 'reply'): Promise<Pop3Status> {
    return this.#parse(await this.#readLine(wait), what, soft, phase);
  }

  #parse(raw: string, what: string, soft: boolean, phase: string): Pop3Status {
    let st: Pop3Status;
    try {
      st = parseStatus(raw);
    } catch (e) {
      // Out of step with the server: nothing later can be trusted.
      void this.close();
      throw e;
    }
    if (!st.ok && !soft) throw refusal(st, what, phase);
    return st;
  }

  /** A multi-line response's lines, held whole, so bounded in count, length and total bytes. */
  async #lines(wait: Pop3WaitOptions | undefined): Promise<string[]> {
    const out: string[] = [];
    const o = this.#opts;
    const bounds = { ...wait, maxLines: o.maxListEntries ?? 1_000_000, maxLine: o.maxLine ?? 8192, maxBytes: o.maxListBytes ?? 64 * 1024 * 1024 };
    try {
      for await (const l of this.#line.readDotBlock(bounds)) out.push(l);
    } finally {
      this.#busy = undefined;
    }
    return out;
  }

  #message(n: number, size: number | undefined, options: Pop3RetrieveOptions | undefined): Pop3Message {
    const wait = { signal: options?.signal, timeout: options?.timeout, maxBytes: options?.maxBytes };
    const msg: Pop3Message = new Pop3Message(
      n,
      size,
      blockSource(this.#line, wait, {
        protocol: 'pop3',
        trace: this.#trace,
        release: () => {
          if (this.#open === msg) this.#open = undefined;
        },
        close: () => this.close(),
      }),
    );
    this.#open = msg;
    this.#busy = undefined;
    return msg;
  }
}
