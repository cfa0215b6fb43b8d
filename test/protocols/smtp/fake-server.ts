/**
 * An in-process SMTP server for the client's tests: EHLO with a chosen
 * keyword list, STARTTLS (a real TLS upgrade) or implicit TLS, AUTH PLAIN /
 * LOGIN / CRAM-MD5 against a user table, MAIL/RCPT/DATA storing each
 * message's raw (still stuffed) and unstuffed bytes, RSET, NOOP, VRFY, QUIT.
 * `hook` lets a test answer any command itself.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';

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

const CRAM_CHALLENGE = '<1896.697170952@fake.test>';

export class FakeSmtpServer {
  readonly commands: string[] = [];
  readonly messages: FakeMessage[] = [];
  readonly #server: net.Server;
  readonly #opts: FakeSmtpOptions;
  readonly #conns = new Set<net.Socket>();
  port = 0;

  private constructor(opts: FakeSmtpOptions) {
    this.#opts = opts;
    const onConn = (s: net.Socket) => this.#serve(s, opts.implicit === true);
    this.#server = opts.implicit && opts.tls ? tls.createServer({ ...opts.tls }, onConn) : net.createServer(onConn);
  }

  static async start(opts: FakeSmtpOptions = {}): Promise<FakeSmtpServer> {
    const s = new FakeSmtpServer(opts);
    s.#server.listen(0, '127.0.0.1');
    await once(s.#server, 'listening');
    s.port = (s.#server.address() as net.AddressInfo).port;
    return s;
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await new Promise<void>((r) => this.#server.close(() => r()));
  }

  #ehloLines(conn: FakeConn): string[] {
    const base = this.#opts.ehlo ?? ['PIPELINING', 'SIZE 1000000', '8BITMIME', 'ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN CRAM-MD5'];
    return this.#opts.tls && !conn.tls && !this.#opts.implicit ? [...base, 'STARTTLS'] : base;
  }

  #serve(socket: net.Socket, isTls: boolean): void {
    this.#conns.add(socket);
    socket.on('close', () => this.#conns.delete(socket));
    socket.on('error', () => {});
    const conn: FakeConn = { socket, tls: isTls, authed: undefined };
    let buf = Buffer.alloc(0);
    let mode: 'cmd' | 'data' | 'auth-login-user' | 'auth-login-pass' | 'auth-cram' = 'cmd';
    let loginUser = '';
    let tx: FakeMessage | undefined;
    const send = (s: string) => conn.socket.write(s);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (let guard = 0; guard < 100_000; guard++) {
        if (mode === 'data') {
          const end = buf.indexOf('\r\n.\r\n');
          const atStart = buf.subarray(0, 3).equals(Buffer.from('.\r\n'));
          if (end < 0 && !atStart) return;
          const raw = atStart ? Buffer.alloc(0) : buf.subarray(0, end + 2);
          buf = buf.subarray(atStart ? 3 : end + 5);
          tx!.raw = Buffer.from(raw);
          this.messages.push(tx!);
          tx = undefined;
          mode = 'cmd';
          send(`${this.#opts.dataReply ?? '250 2.0.0 OK queued as FAKE1'}\r\n`);
          continue;
        }
        const nl = buf.indexOf('\r\n');
        if (nl < 0) return;
        const line = buf.subarray(0, nl).toString('utf8');
        buf = buf.subarray(nl + 2);
        this.commands.push(line);
        if (mode === 'auth-login-user') {
          loginUser = Buffer.from(line, 'base64').toString();
          mode = 'auth-login-pass';
          send('334 UGFzc3dvcmQ6\r\n');
          continue;
        }
        if (mode === 'auth-login-pass' || mode === 'auth-cram') {
          let ok = false;
          let user = loginUser;
          if (mode === 'auth-login-pass') ok = this.#opts.users?.[loginUser] === Buffer.from(line, 'base64').toString();
          else {
            const [u, digest] = Buffer.from(line, 'base64').toString().split(' ');
            user = u ?? '';
            const pass = this.#opts.users?.[user];
            ok = pass !== undefined && createHmac('md5', pass).update(CRAM_CHALLENGE).digest('hex') === digest;
          }
          mode = 'cmd';
          if (ok) conn.authed = user;
          send(ok ? '235 2.7.0 Authentication successful\r\n' : '535 5.7.8 Authentication credentials invalid\r\n');
          continue;
        }
        const custom = this.#opts.hook?.(line, conn);
        if (custom !== undefined) {
          if (custom !== '') send(custom);
          continue;
        }
        const verb = line.split(' ', 1)[0]!.toUpperCase();
        const arg = line.slice(verb.length + 1);
        switch (verb) {
          case 'EHLO': {
            if (this.#opts.ehloReply) {
              send(`${this.#opts.ehloReply}\r\n`);
              break;
            }
            const lines = ['fake.test hello', ...this.#ehloLines(conn)];
            send(lines.map((l, i) => `250${i === lines.length - 1 ? ' ' : '-'}${l}\r\n`).join(''));
            break;
          }
          case 'HELO':
            send('250 fake.test\r\n');
            break;
          case 'STARTTLS': {
            if (!this.#opts.tls || conn.tls) {
              send('502 5.5.1 no\r\n');
              break;
            }
            send('220 2.0.0 go ahead\r\n');
            socket.removeListener('data', onData);
            const t = new tls.TLSSocket(socket, { isServer: true, ...this.#opts.tls });
            t.on('error', () => {});
            conn.socket = t;
            conn.tls = true;
            buf = Buffer.alloc(0);
            t.on('data', onData);
            return;
          }
          case 'AUTH': {
            const [mech, initial] = arg.split(' ');
            if (mech === 'PLAIN') {
              const [, u, p] = Buffer.from(initial ?? '', 'base64').toString().split('\0');
              const ok = u !== undefined && this.#opts.users?.[u] === p;
              if (ok) conn.authed = u;
              send(ok ? '235 2.7.0 ok\r\n' : '535 5.7.8 Authentication credentials invalid\r\n');
            } else if (mech === 'LOGIN') {
              mode = 'auth-login-user';
              send('334 VXNlcm5hbWU6\r\n');
            } else if (mech === 'CRAM-MD5') {
              mode = 'auth-cram';
              send(`334 ${Buffer.from(CRAM_CHALLENGE).toString('base64')}\r\n`);
            } else send('504 5.5.4 unknown mechanism\r\n');
            break;
          }
          case 'MAIL': {
            const m = /^FROM:<([^>]*)>/i.exec(arg);
            tx = { from: m?.[1] ?? '', mailLine: line, to: [], raw: Buffer.alloc(0) };
            send('250 2.1.0 OK\r\n');
            break;
          }
          case 'RCPT': {
            const m = /^TO:<([^>]*)>/i.exec(arg);
            const to = m?.[1] ?? '';
            if (!tx) send('503 5.5.1 MAIL first\r\n');
            else if (this.#opts.reject?.includes(to)) send(`550 5.1.1 <${to}>: no such user\r\n`);
            else {
              tx.to.push(to);
              send('250 2.1.5 OK\r\n');
            }
            break;
          }
          case 'DATA':
            if (!tx || tx.to.length === 0) send('554 5.5.1 no valid recipients\r\n');
            else {
              mode = 'data';
              send('354 End data with <CR><LF>.<CR><LF>\r\n');
            }
            break;
          case 'RSET':
            tx = undefined;
            send('250 2.0.0 OK\r\n');
            break;
          case 'NOOP':
            send('250 2.0.0 OK\r\n');
            break;
          case 'VRFY':
            send(arg.startsWith('alice') ? `250 2.1.5 Alice <${arg}>\r\n` : '252 2.1.5 cannot verify\r\n');
            break;
          case 'QUIT':
            send('221 2.0.0 bye\r\n');
            conn.socket.end();
            return;
          default:
            send('500 5.5.2 unknown command\r\n');
        }
      }
    };
    socket.on('data', onData);
    send('220 fake.test ESMTP ready\r\n');
  }
}
