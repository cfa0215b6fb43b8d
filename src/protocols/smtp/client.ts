/**
 * SmtpClient: one SMTP submission connection (RFC 5321) with STARTTLS (RFC
 * 3207) or implicit TLS (RFC 8314), AUTH (RFC 4954), SIZE, 8BITMIME,
 * SMTPUTF8 and PIPELINING. It owns the I/O, timeouts and cancellation; the
 * parsing and line building are in ./core, the transaction in
 * ./transaction.ts. One operation runs at a time: a second is an InputError.
 *
 * Error policy: a refusal ({@link SmtpReplyError}) or a refused input
 * (InputError) leaves the connection usable; anything else — a broken
 * protocol, a bound reached, a timeout, an abort, a 421 — closes it, since
 * where the server stands in the conversation is then unknown.
 *
 * @module
 */
import { hostname } from 'node:os';
import { DialError, InputError, NetworkError, ProtocolError, ReplyError, TLSError, toDialError } from '../../errors.js';
import { LineClient, type DotBlockSource } from '../../line/client.js';
import { openSocket, tlsFor, traceTLS } from '../../line/open.js';
import type { Reply } from '../../line/replies.js';
import type { Socket } from '../../socket/socket.js';
import type { TLSOptions } from '../../socket/tls.js';
import { maskSecrets, type Tracer } from '../../trace.js';
import type { WaitOptions } from '../../util/guard.js';
import { checkAddress, checkHeloName } from './core/address.js';
import { checkCredentials, chooseMechanism, cramMd5Response, defaultMechanisms, initialResponseLine, loginResponse, plainResponse, SMTP_AUTH_LINE, type AuthMechanism, type SmtpCredentials } from './core/auth.js';
import { bearerAbort, bearerErrorText, bearerResponse, isBearerMechanism, type BearerMechanism } from './core/oauth.js';
import { heloCapabilities, parseEhlo, type SmtpCapabilities } from './core/capabilities.js';
import { unexpectedReply } from './core/reply.js';
import { DEFAULT_DATA_TIMEOUT, DEFAULT_TIMEOUT, type MailMessage, type SendOptions, type SendResult, type SmtpConnectOptions, type SmtpSecurity } from './options.js';
import { prepare, sendMessage, type MailSession } from './transaction.js';

/** EHLO codes after which HELO is worth a try (RFC 5321 §4.1.4: the server does not know EHLO). */
const NO_EHLO = new Set([500, 501, 502, 504, 550]);

/** This machine's name for EHLO when it is usable as one, else `localhost`. */
function defaultClientName(): string {
  try {
    return checkHeloName(hostname());
  } catch {
    return 'localhost';
  }
}

/** An SMTP session. Create it with {@link SmtpClient.connect}; send with {@link SmtpClient.sendMail}. */
export class SmtpClient {
  readonly #line: LineClient;
  readonly #socket: Socket;
  readonly #opts: SmtpConnectOptions;
  readonly #name: string;
  readonly #host: string;
  readonly #port: number;
  #caps: SmtpCapabilities = heloCapabilities('');
  #greeting: Reply | undefined;
  #busy = false;
  #closed = false;
  /** Set while AUTH runs: every line we send then is a secret. */
  #secret = false;
  /** Set once AUTH succeeded: a message's AUTH= parameter is sent only then. */
  #loggedIn = false;

  private constructor(socket: Socket, opts: SmtpConnectOptions, host: string, port: number, name: string) {
    this.#socket = socket;
    this.#port = port;
    this.#opts = opts;
    this.#host = host;
    this.#name = name;
    const trace = opts.trace;
    this.#line = new LineClient(socket, {
      protocol: 'smtp',
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
      maxLine: opts.maxLine ?? 8192,
      maxReplyLines: opts.maxReplyLines ?? 200,
      // RFC 5321 §4.2.1: a reply that switches code is broken; waiting for a line with the first code would hang.
      sameCodeReplies: true,
      trace: trace ? (dir, text) => trace({ kind: dir, text: dir === '>' ? this.#mask(text) : text, protocol: 'smtp' }) : undefined,
    });
  }

  /**
   * Connects, reads the greeting, says EHLO (HELO if the server does not
   * know EHLO), protects the connection as `secure` asks, and logs in when
   * `auth` is given. A refusal is an {@link SmtpReplyError} whose phase names
   * the step ('greeting', 'ehlo', 'starttls', 'auth').
   */
  static async connect(options: SmtpConnectOptions): Promise<SmtpClient> {
    if (typeof options?.host !== 'string' || options.host === '' || /[\0-\x20\x7f]/.test(options.host)) {
      throw new InputError('host must be a non-empty name without spaces or control characters', { protocol: 'smtp' });
    }
    const host = options.host;
    const secure: SmtpSecurity = options.secure ?? (options.port === 465 ? 'implicit' : 'opportunistic');
    if (![false, 'starttls', 'opportunistic', 'implicit'].includes(secure)) throw new InputError(`secure must be false, 'starttls', 'opportunistic' or 'implicit'`, { protocol: 'smtp' });
    const port = options.port ?? (secure === 'implicit' ? 465 : 25);
    const name = checkHeloName(options.clientName ?? defaultClientName());
    if (options.auth) checkCredentials(options.auth);
    const timeout = options.timeout ?? DEFAULT_TIMEOUT;
    const trace = options.trace;
    const tls = tlsFor(host, options.tls);
    const socket = await openSocket({ host, port, timeout: options.connectTimeout ?? timeout, signal: options.signal, lookup: options.lookup, local: options.local, tls: secure === 'implicit' ? tls : undefined, trace }, 'smtp');
    const client = new SmtpClient(socket, options, host, port, name);
    try {
      await client.#start(secure, tls);
    } catch (e) {
      client.#closed = true;
      await client.#line.close().catch(() => {});
      throw toDialError(e, 'SMTP session start', { protocol: 'smtp' });
    }
    return client;
  }

  /** What the server offered in its (latest) EHLO reply. */
  get capabilities(): SmtpCapabilities {
    return this.#caps;
  }

  /** The server's 220 greeting. */
  get greeting(): Reply | undefined {
    return this.#greeting;
  }

  /** True once the connection uses TLS (implicit or after STARTTLS). */
  get encrypted(): boolean {
    return this.#socket.encrypted;
  }

  /** True once the session has ended (QUIT, close, a 421, or a fatal error). */
  get closed(): boolean {
    return this.#closed;
  }

  async #start(secure: SmtpSecurity, tls: TLSOptions): Promise<void> {
    const wait = { signal: this.#opts.signal };
    const greeting = await this.#line.readReply(wait);
    if (greeting.code !== 220) throw unexpectedReply(greeting, '(greeting)', 'greeting');
    this.#greeting = greeting;
    await this.#hello(wait);
    if (secure === 'starttls' || secure === 'opportunistic') {
      if (!this.#caps.startTls) {
        if (secure === 'starttls') throw new TLSError('DIAL_E_TLS', `${this.#host} does not offer STARTTLS and TLS was required`, { protocol: 'smtp', phase: 'starttls' });
        this.#note('the server does not offer STARTTLS: continuing without TLS');
      } else {
        const r = await this.#cmd('STARTTLS', 'starttls', wait);
        if (r.code === 220) {
          await this.#line.startTLS(tls, wait);
          traceTLS(this.#socket, this.#opts.trace);
          // RFC 3207 §4.2: everything learnt before TLS is forgotten; ask again.
          await this.#hello(wait);
        } else if (secure === 'starttls' || r.code < 400) {
          throw unexpectedReply(r, 'STARTTLS', 'starttls');
        } else {
          this.#note(`STARTTLS refused (${r.code}): continuing without TLS`);
        }
      }
    }
    if (this.#opts.auth) await this.#login(this.#opts.auth, this.#opts.auth.mechanisms, wait);
  }

  async #hello(wait: WaitOptions): Promise<void> {
    const r = await this.#cmd(`EHLO ${this.#name}`, 'ehlo', wait);
    if (r.code === 250) {
      this.#caps = parseEhlo(r.lines);
      return;
    }
    if (!NO_EHLO.has(r.code)) throw unexpectedReply(r, 'EHLO', 'ehlo');
    const h = await this.#cmd(`HELO ${this.#name}`, 'ehlo', wait);
    if (h.code !== 250) throw unexpectedReply(h, 'HELO', 'ehlo');
    this.#caps = heloCapabilities(h.lines[0]?.split(' ', 1)[0] ?? '');
  }

  /**
   * Logs in with the first of `mechanisms` the server offers (default
   * CRAM-MD5, PLAIN, LOGIN; with a `bearer` token OAUTHBEARER, XOAUTH2).
   * PLAIN, LOGIN and the token mechanisms are refused without TLS unless
   * `allowPlaintextAuth`. A 535 is an {@link SmtpReplyError} with phase 'auth'.
   */
  authenticate(credentials: SmtpCredentials, options: WaitOptions & { mechanisms?: readonly AuthMechanism[] } = {}): Promise<void> {
    return this.#run(() => {
      checkCredentials(credentials);
      return this.#login(credentials, options.mechanisms, options);
    });
  }

  async #login(c: SmtpCredentials, mechanisms: readonly AuthMechanism[] | undefined, wait: WaitOptions): Promise<void> {
    const offered = this.#caps.auth;
    const wanted = mechanisms ?? defaultMechanisms(c);
    const mech = chooseMechanism(offered, wanted);
    if (!mech) {
      const what = offered.length ? `offers AUTH ${offered.join(' ')}` : 'offers no AUTH';
      throw new InputError(`the server ${what}; none of ${wanted.join(', ')} can be used`, { code: 'DIAL_E_UNSUPPORTED', protocol: 'smtp', phase: 'auth' });
    }
    const bearer = isBearerMechanism(mech);
    if (bearer && c.bearer === undefined) throw new InputError(`AUTH ${mech} needs a bearer token`, { protocol: 'smtp', phase: 'auth' });
    if (!bearer && c.password === undefined && c.bearer !== undefined) throw new InputError(`AUTH ${mech} needs a password, and only a bearer token was given`, { protocol: 'smtp', phase: 'auth' });
    if (mech !== 'CRAM-MD5' && !this.encrypted && !this.#opts.allowPlaintextAuth) {
      throw new InputError(`AUTH ${mech} would send the ${bearer ? 'token' : 'password'} in the clear; use TLS or set allowPlaintextAuth`, { protocol: 'smtp', phase: 'auth' });
    }
    this.#secret = true;
    try {
      let r: Reply;
      if (bearer) r = await this.#bearer(mech, c, wait);
      else {
        // PLAIN's one message or LOGIN's user name can go with AUTH itself; CRAM-MD5 needs the challenge first.
        const first = mech === 'PLAIN' ? plainResponse(c) : mech === 'LOGIN' ? loginResponse(0, c) : undefined;
        const ir = first !== undefined && (c.initialResponse ?? mech === 'PLAIN') ? initialResponseLine(mech, first, SMTP_AUTH_LINE) : undefined;
        r = await this.#cmd(ir ?? `AUTH ${mech}`, 'auth', wait, `AUTH ${mech}`);
        // Bounded: LOGIN answers two prompts and throws on a third; PLAIN and CRAM-MD5 answer one.
        for (let step = ir ? 1 : 0; r.code === 334 && step < 3; step++) {
          if (mech !== 'LOGIN' && step > 0) throw new ProtocolError(`the server asked for more after the AUTH ${mech} response`, { protocol: 'smtp', phase: 'auth' });
          const answer = mech === 'LOGIN' ? loginResponse(step, c) : mech === 'PLAIN' ? first! : cramMd5Response(r.lines[0] ?? '', c);
          r = await this.#cmd(answer, 'auth', wait, `AUTH ${mech} (response)`);
        }
      }
      if (r.code !== 235) throw unexpectedReply(r, `AUTH ${mech}`, 'auth');
    } finally {
      this.#secret = false;
    }
    this.#loggedIn = true;
    this.#note(`authenticated as ${c.user} with ${mech}`);
  }

  /**
   * OAUTHBEARER or XOAUTH2 as curl runs them (see ./core/oauth.ts): the
   * token after the empty 334, unless `initialResponse` asks for it with
   * AUTH and the line stays within 512 octets (a token can be longer). Returns the final reply;
   * a refusal's reason, sent as a second 334, goes into the error.
   */
  async #bearer(mech: BearerMechanism, c: SmtpCredentials, wait: WaitOptions): Promise<Reply> {
    const login = { user: c.user, token: c.bearer!, host: this.#host, port: this.#port };
    const message = bearerResponse(mech, login);
    const ir = c.initialResponse ? initialResponseLine(mech, message, SMTP_AUTH_LINE) : undefined;
    let r: Reply;
    if (ir) r = await this.#cmd(ir, 'auth', wait, `AUTH ${mech}`);
    else {
      const go = await this.#cmd(`AUTH ${mech}`, 'auth', wait);
      if (go.code !== 334) return go;
      r = await this.#cmd(message, 'auth', wait, `AUTH ${mech} (response)`);
    }
    if (r.code !== 334) return r;
    const why = bearerErrorText(r.lines.join(''));
    const end = await this.#cmd(bearerAbort(mech), 'auth', wait, `AUTH ${mech} (abort)`);
    if (end.code === 334) throw new ProtocolError(`the server sent another AUTH ${mech} challenge after refusing the token`, { protocol: 'smtp', phase: 'auth' });
    if (end.code === 235) throw new ProtocolError(`the server accepted AUTH ${mech} after refusing the token`, { protocol: 'smtp', phase: 'auth' });
    throw unexpectedReply(end, `AUTH ${mech}`, 'auth', {}, why ? `the token was refused: ${why}` : undefined);
  }

  /**
   * Sends one message: MAIL FROM, RCPT TO per recipient, DATA, the data
   * dot-stuffed with every line ending as CRLF. Resolves with the accepted
   * and refused recipients and the server's final reply; see
   * {@link SendOptions} for the recipient policy.
   */
  async sendMail(message: MailMessage, options: SendOptions = {}): Promise<SendResult> {
    // Checked outside #run: a refused message (bad address, over SIZE) has sent nothing and must not end the session.
    const prepared = prepare(message, this.#caps, options, this.#loggedIn);
    return this.#run(() => sendMessage(this.#session(), prepared, options));
  }

  #session(): MailSession {
    return {
      capabilities: this.#caps,
      dataTimeout: this.#opts.dataTimeout ?? DEFAULT_DATA_TIMEOUT,
      command: (line, phase, wait) => this.#cmd(line, phase, wait),
      writeLine: (line, wait) => this.#line.writeLine(line, wait),
      readReply: async (phase, wait) => this.#watch421(await this.#line.readReply(wait), phase),
      writeData: (source: DotBlockSource, wait) => this.#line.writeDotBlock(source, wait),
      // A summary line, as curl's "} [N bytes data]": the body itself is never traced.
      dataSent: (bytes) => note(this.#opts.trace, '', { kind: '>', bytes }),
    };
  }

  /** RSET: abandons a transaction in progress. */
  rset(options: WaitOptions = {}): Promise<Reply> {
    return this.#run(() => this.#expect('RSET', 'rset', options, 250));
  }

  /** NOOP: checks the connection is alive. */
  noop(options: WaitOptions = {}): Promise<Reply> {
    return this.#run(() => this.#expect('NOOP', 'noop', options, 250));
  }

  /**
   * VRFY: asks whether `address` names a mailbox. Resolves with 250/251, or
   * 252 (the server will not say but would try to deliver); a refusal is an
   * {@link SmtpReplyError}. Many servers disable VRFY.
   */
  vrfy(address: string, options: WaitOptions = {}): Promise<Reply> {
    return this.#run(() => this.#expect(`VRFY ${checkAddress(address, 'recipient')}`, 'vrfy', options, 250, 251, 252));
  }

  /** QUIT, then close. A server that hangs up without its 221 is not an error here. */
  async quit(options: WaitOptions = {}): Promise<void> {
    if (this.#closed) return;
    try {
      await this.#run(() => this.#cmd('QUIT', 'quit', options));
    } catch (e) {
      if (!(e instanceof DialError)) throw e;
    } finally {
      await this.close();
    }
  }

  /** Closes the connection without QUIT. Safe to call twice. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#line.close().catch(() => {});
  }

  async #expect(line: string, phase: string, wait: WaitOptions, ...codes: number[]): Promise<Reply> {
    const r = await this.#cmd(line, phase, wait);
    if (!codes.includes(r.code)) throw unexpectedReply(r, line, phase);
    return r;
  }

  /** One operation at a time; a fatal error closes the session (see the module notes). */
  async #run<T>(op: () => Promise<T>): Promise<T> {
    if (this.#closed) throw this.#line.error ?? new NetworkError('DIAL_E_CLOSED', 'the SMTP session is closed', { protocol: 'smtp' });
    if (this.#busy) throw new InputError('SmtpClient is busy: one operation runs at a time', { protocol: 'smtp' });
    this.#busy = true;
    try {
      return await op();
    } catch (e) {
      const err = toDialError(e, 'SMTP', { protocol: 'smtp' });
      // The line layer may have ended the conversation even for an InputError (a body source that failed mid-DATA).
      if (!(err instanceof ReplyError || err instanceof InputError) || this.#line.error) await this.close();
      throw err;
    } finally {
      this.#busy = false;
    }
  }

  /** The one way a command goes out (the line layer refuses CR/LF/NUL before sending); `label` replaces a secret line in errors. */
  async #cmd(line: string, phase: string, wait: WaitOptions, label?: string): Promise<Reply> {
    if (this.#closed) throw this.#line.error ?? new NetworkError('DIAL_E_CLOSED', 'the SMTP session is closed', { protocol: 'smtp' });
    return this.#watch421(await this.#line.command(line, wait), phase, label ?? line);
  }

  /** RFC 5321 §3.8: 421 means the server is closing the connection — the session is over. */
  async #watch421(r: Reply, phase: string, command = ''): Promise<Reply> {
    if (r.code !== 421) return r;
    await this.close();
    throw unexpectedReply(r, command || '(reply)', phase);
  }

  #mask(line: string): string {
    if (this.#secret && !line.startsWith('AUTH ')) return '****';
    // An initial response is as secret as the lines after it (maskSecrets knows only PLAIN's and LOGIN's).
    if (this.#secret) return line.replace(/^(AUTH \S+ ).*$/, '$1****');
    return maskSecrets(line);
  }

  #note(text: string): void {
    note(this.#opts.trace, text);
  }
}

/** Emits a `*` trace event; tracing is advisory, so a throwing tracer changes nothing. */
function note(trace: Tracer | undefined, text: string, extra: Partial<Parameters<Tracer>[0]> = {}): void {
  try {
    trace?.({ kind: '*', text, protocol: 'smtp', ...extra });
  } catch {
    // Ignored on purpose.
  }
}
