/**
 * An in-process SMTP server for the client's tests: EHLO with a chosen
 * keyword list, STARTTLS (a real TLS upgrade) or implicit TLS, AUTH PLAIN /
 * LOGIN / CRAM-MD5 against a user table, OAUTHBEARER / XOAUTH2 against a
 * token table (a wrong token gets RFC 7628's error challenge, then 535),
 * MAIL/RCPT/DATA storing each
 * message's raw (still stuffed) and unstuffed bytes, RSET, NOOP, VRFY, QUIT.
 * `hook` lets a test answer any command itself. It is a script for the
 * scripted line server (test/helpers/fake-line-server.ts).
 */
import type * as net from 'node:net';
import { createHmac } from 'node:crypto';
import { startLineServer, type LineConn, type LineReply, type LineServer } from '../../helpers/fake-line-server.js';

export interface FakeMessage {
  from: string;
  mailLine: string;
  to: string[];
  /** The bytes between DATA's 354 and the final dot, as received (stuffed, CRLF). */
  raw: Buffer;
}

export interface FakeSmtpOptions {
  /** Keyword lines after the domain line of the EHLO reply. */
  ehlo?: string[];
  /** Answer EHLO with this reply (e.g. '502 no'), so the client falls back to HELO. */
  ehloReply?: string;
  /** A cert and key: STARTTLS is offered (or TLS from the first byte with `implicit`). */
  tls?: { cert: string; key: string };
  implicit?: boolean;
  users?: Record<string, string>;
  /** Bearer tokens by user, for AUTH OAUTHBEARER and XOAUTH2. */
  tokens?: Record<string, string>;
  /** Recipients refused with 550 5.1.1. */
  reject?: string[];
  /** The reply to the final dot. */
  dataReply?: string;
  /** Answers a command itself: return the reply text (with CRLFs) to send, or undefined for the default. */
  hook?: (line: string, conn: FakeConn) => string | undefined;
}

export interface FakeConn {
  socket: net.Socket;
  tls: boolean;
  authed: string | undefined;
}

/** One connection's SMTP state: what the next line means, and the transaction so far. */
interface Session extends FakeConn {
  line: LineConn;
  mode: 'cmd' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass' | 'auth-cram' | 'auth-bearer' | 'auth-bearer-failed';
  bearerMech: string;
  loginUser: string;
  tx: FakeMessage | undefined;
}

const CRAM_CHALLENGE = '<1896.697170952@fake.test>';
/** The error challenge to a wrong token (RFC 7628 §3.2.2's example). */
export const BEARER_ERROR = '{"status":"invalid_token","scope":"example_scope","openid-configuration":"https://example.com/.well-known/openid-configuration"}';

/** An SMTP reply of one or more lines (`250-…` then `250 …`), CRLF-ended. */
export function multiline(code: number, lines: readonly string[]): string {
  return lines.map((l, i) => `${code}${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join('');
}

export class FakeSmtpServer {
  readonly commands: string[];
  readonly messages: FakeMessage[] = [];
  /** The authorization identity of each accepted PLAIN login ('' when none was given), in order. */
  readonly authzids: string[] = [];
  readonly port: number;
  readonly #server: LineServer;
  readonly #opts: FakeSmtpOptions;
  readonly #sessions = new WeakMap<LineConn, Session>();

  private constructor(server: LineServer, opts: FakeSmtpOptions) {
    this.#server = server;
    this.#opts = opts;
    this.commands = server.received;
    this.port = server.port;
  }

  static async start(opts: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
    let self: FakeSmtpServer | undefined;
    const server = await startLineServer({
      greeting: '220 fake.test ESMTP ready\r\n',
      encoding: 'utf8',
      ...(opts.implicit && opts.tls ? { tls: opts.tls } : {}),
      // No client connects before start() returns, so `self` is set by the time a line arrives.
      reply: (line, conn) => self!.#reply(line, self!.#session(conn)),
    });
    self = new FakeSmtpServer(server, opts);
    return self;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  #session(line: LineConn): Session {
    let s = this.#sessions.get(line);
    if (!s) {
      s = {
        line,
        get socket() {
          return line.socket;
        },
        get tls() {
          return line.tls;
        },
        authed: undefined,
        mode: 'cmd',
        bearerMech: '',
        loginUser: '',
        tx: undefined,
      };
      this.#sessions.set(line, s);
    }
    return s;
  }

  #ehloLines(conn: FakeConn): string[] {
    const base = this.#opts.ehlo ?? ['PIPELINING', 'SIZE 1000000', '8BITMIME', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN CRAM-MD5'];
    return this.#opts.tls && !conn.tls && !this.#opts.implicit ? [...base, 'STARTTLS'] : base;
  }

  /** A bearer message (base64): 235 for a known user's token, else the error challenge. */
  #bearer(line: string, s: Session): LineReply {
    const text = Buffer.from(line, 'base64').toString('utf8');
    const m = s.bearerMech === 'OAUTHBEARER' ? /^n,a=([^,]*),\x01host=[^\x01]*\x01port=\d+\x01auth=Bearer ([^\x01]+)\x01\x01$/.exec(text) : /^user=([^\x01]*)\x01auth=Bearer ([^\x01]+)\x01\x01$/.exec(text);
    if (m && this.#opts.tokens?.[m[1]!] === m[2]) {
      s.mode = 'cmd';
      s.authed = m[1];
      return '235 2.7.0 Authentication successful\r\n';
    }
    s.mode = 'auth-bearer-failed';
    return `334 ${Buffer.from(BEARER_ERROR).toString('base64')}\r\n`;
  }

  /** A PLAIN response (base64 `authzid NUL user NUL password`): 235 for a known user's password. The authzid is kept in `authzids`. */
  #plain(response: string, s: Session): LineReply {
    s.mode = 'cmd';
    const [authzid, u, p] = Buffer.from(response, 'base64').toString().split('\0');
    const ok = u !== undefined && this.#opts.users?.[u] === p;
    if (ok) {
      s.authed = u;
      this.authzids.push(authzid ?? '');
    }
    return ok ? '235 2.7.0 ok\r\n' : '535 5.7.8 Authentication credentials invalid\r\n';
  }

  #authLine(line: string, s: Session): LineReply {
    if (s.mode === 'auth-plain') return this.#plain(line, s);
    if (s.mode === 'auth-bearer') return this.#bearer(line, s);
    if (s.mode === 'auth-bearer-failed') {
      s.mode = 'cmd';
      return '535 5.7.8 Authentication credentials invalid\r\n';
    }
    if (s.mode === 'auth-login-user') {
      s.loginUser = Buffer.from(line, 'base64').toString();
      s.mode = 'auth-login-pass';
      return '334 UGFzc3dvcmQ6\r\n';
    }
    let ok = false;
    let user = s.loginUser;
    if (s.mode === 'auth-login-pass') ok = this.#opts.users?.[s.loginUser] === Buffer.from(line, 'base64').toString();
    else {
      const [u, digest] = Buffer.from(line, 'base64').toString().split(' ');
      user = u ?? '';
      const pass = this.#opts.users?.[user];
      ok = pass !== undefined && createHmac('md5', pass).update(CRAM_CHALLENGE).digest('hex') === digest;
    }
    s.mode = 'cmd';
    if (ok) s.authed = user;
    return ok ? '235 2.7.0 Authentication successful\r\n' : '535 5.7.8 Authentication credentials invalid\r\n';
  }

  #reply(line: string, s: Session): LineReply {
    if (s.mode !== 'cmd') return this.#authLine(line, s);
    const custom = this.#opts.hook?.(line, s);
    if (custom !== undefined) return custom === '' ? undefined : custom;
    const verb = line.split(' ', 1)[0]!.toUpperCase();
    const arg = line.slice(verb.length + 1);
    switch (verb) {
      case 'EHLO': {
        if (this.#opts.ehloReply) return `${this.#opts.ehloReply}\r\n`;
        return multiline(250, ['fake.test hello', ...this.#ehloLines(s)]);
      }
      case 'HELO':
        return '250 fake.test\r\n';
      case 'STARTTLS':
        if (!this.#opts.tls || s.tls) return '502 5.5.1 no\r\n';
        s.line.startTLS(this.#opts.tls, '220 2.0.0 go ahead\r\n');
        return undefined;
      case 'AUTH': {
        const [mech, initial] = arg.split(' ');
        if (mech === 'PLAIN') {
          // RFC 4954 §4: without an initial response the server sends an empty challenge and reads it on the next line.
          if (initial !== undefined) return this.#plain(initial, s);
          s.mode = 'auth-plain';
          return '334 \r\n';
        }
        if (mech === 'LOGIN') {
          // With an initial response (curl --sasl-ir) the user name comes with AUTH and only the password is asked for.
          if (initial !== undefined) {
            s.loginUser = Buffer.from(initial, 'base64').toString();
            s.mode = 'auth-login-pass';
            return '334 UGFzc3dvcmQ6\r\n';
          }
          s.mode = 'auth-login-user';
          return '334 VXNlcm5hbWU6\r\n';
        }
        if (mech === 'OAUTHBEARER' || mech === 'XOAUTH2') {
          s.bearerMech = mech;
          s.mode = 'auth-bearer';
          return initial === undefined ? '334 \r\n' : this.#bearer(initial, s);
        }
        if (mech === 'CRAM-MD5') {
          s.mode = 'auth-cram';
          return `334 ${Buffer.from(CRAM_CHALLENGE).toString('base64')}\r\n`;
        }
        return '504 5.5.4 unknown mechanism\r\n';
      }
      case 'MAIL': {
        const m = /^FROM:<([^>]*)>/i.exec(arg);
        s.tx = { from: m?.[1] ?? '', mailLine: line, to: [], raw: Buffer.alloc(0) };
        return '250 2.1.0 OK\r\n';
      }
      case 'RCPT': {
        const m = /^TO:<([^>]*)>/i.exec(arg);
        const to = m?.[1] ?? '';
        if (!s.tx) return '503 5.5.1 MAIL first\r\n';
        if (this.#opts.reject?.includes(to)) return `550 5.1.1 <${to}>: no such user\r\n`;
        s.tx.to.push(to);
        return '250 2.1.5 OK\r\n';
      }
      case 'DATA': {
        const tx = s.tx;
        if (!tx || tx.to.length === 0) return '554 5.5.1 no valid recipients\r\n';
        s.line.readDotBlock((raw) => {
          tx.raw = raw;
          this.messages.push(tx);
          s.tx = undefined;
          return `${this.#opts.dataReply ?? '250 2.0.0 OK queued as FAKE1'}\r\n`;
        });
        return '354 End data with <CR><LF>.<CR><LF>\r\n';
      }
      case 'RSET':
        s.tx = undefined;
        return '250 2.0.0 OK\r\n';
      case 'NOOP':
        return '250 2.0.0 OK\r\n';
      case 'VRFY':
        return arg.startsWith('alice') ? `250 2.1.5 Alice <${arg}>\r\n` : '252 2.1.5 cannot verify\r\n';
      case 'QUIT':
        s.line.end('221 2.0.0 bye\r\n');
        return undefined;
      default:
        return '500 5.5.2 unknown command\r\n';
    }
  }
}
