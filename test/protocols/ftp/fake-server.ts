/**
 * An in-process FTP server for client tests: an in-memory file tree, passive
 * (EPSV/PASV) and active (PORT/EPRT) data connections, and per-command hooks
 * so a test can make any command misbehave. Every received command line is
 * recorded in `commands`, so a test can prove what was (not) sent.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { once } from 'node:events';
import { closeAfterFile } from '../../helpers/close-after-file.js';

export interface Session {
  /** Sends one reply line (`code text`) or raw text when `code` is a string. */
  reply(code: number | string, text?: string): void;
  /** The data connection for the pending transfer (waits for it). */
  data(): Promise<net.Socket>;
  readonly control: net.Socket;
  cwd: string;
  type: string;
  rest: number;
  readonly server: FakeFtpServer;
}

/** A hook returns true when it answered the command itself. */
export type Hook = (arg: string, s: Session) => boolean | void | Promise<boolean | void>;

/**
 * A RETR that lies about its end: announces 1000 bytes, sends 100, closes the
 * data connection and says 226. The client must call it a short transfer.
 */
export async function shortTransfer(_arg: string, x: Session): Promise<true> {
  x.reply(150, 'Opening BINARY mode data connection (1000 bytes).');
  const d = await x.data();
  d.end(Buffer.alloc(100));
  await once(d, 'close');
  x.reply(226, 'Transfer complete.');
  return true;
}

/** A RETR whose data connection is reset after 10 bytes, then 426: the transfer failed. */
export async function resetMidTransfer(_arg: string, x: Session): Promise<true> {
  x.reply(150, 'Opening.');
  const d = await x.data();
  d.write(Buffer.alloc(10));
  d.resetAndDestroy();
  x.reply(426, 'Connection closed; transfer aborted.');
  return true;
}

/** A server that asks for an account (332) after PASS and takes ACCT `acme`: the hooks for --ftp-account / `ftpAccount`. */
export function accountServer(files: Record<string, string>): Promise<FakeFtpServer> {
  return FakeFtpServer.start({
    files,
    hooks: {
      PASS: (_a, x) => (x.reply(332, 'Need account for login.'), true),
      ACCT: (a, x) => (x.reply(a === 'acme' ? 230 : 530, 'ok?'), true),
    },
  });
}

/** A RETR that sends 10 of the 1000 bytes it announced, then nothing: the data connection stays open and silent. */
export async function silentTransfer(_arg: string, x: Session): Promise<true> {
  x.reply(150, 'Opening BINARY mode data connection (1000 bytes).');
  const d = await x.data();
  d.write(Buffer.alloc(10));
  return true;
}

export interface FakeFtpOptions {
  files?: Record<string, string | Buffer>;
  dirs?: string[];
  features?: string[];
  greeting?: string;
  /** user → password; absent: any login works. */
  users?: Record<string, string>;
  hooks?: Record<string, Hook>;
  /** LIST output for a path, instead of the generated one. */
  listing?: (path: string) => string;
  /** How command lines are read (default utf8; latin1 for a server whose names are bytes). */
  encoding?: 'utf8' | 'latin1';
  /** Address announced in PASV replies (default 127.0.0.1). */
  pasvAddress?: string;
  /** EPSV answers 500. */
  noEpsv?: boolean;
  /** Listen address for control and passive data (default 127.0.0.1). */
  host?: string;
  /** Implicit FTPS: the control port speaks TLS from the first byte with these settings. */
  tls?: tls.TlsOptions;
  /**
   * Passive data connections speak TLS too (PROT P); false leaves them plain (a broken server);
   * settings here replace `tls`'s on the data channel (another certificate); 'drop' closes each
   * data connection once the client's first bytes (its TLS hello) arrive.
   */
  dataTls?: boolean | tls.TlsOptions | 'drop';
  /** Explicit FTPS: AUTH TLS is answered 234 and the control connection becomes TLS with these settings. */
  authTls?: tls.TlsOptions;
  /**
   * When a data connection fails before the transfer starts (its TLS handshake, say): 'reply' answers 425
   * and reads the next command, as a server that notices the failure does; 'stall' (default) leaves the transfer command
   * unanswered and reads nothing more — a server that never answers ABOR.
   */
  onDataFailure?: 'reply' | 'stall';
}

function norm(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

export class FakeFtpServer {
  readonly commands: string[] = [];
  readonly files = new Map<string, Buffer>();
  readonly dirs = new Set<string>(['/']);
  readonly #srv: net.Server;
  readonly #conns = new Set<net.Socket>();
  readonly opts: FakeFtpOptions;
  /** One ticket key for control and data servers, so TLS sessions resume across them (as one SSL_CTX would). */
  readonly #ticketKeys = Buffer.from(Array.from({ length: 48 }, (_, i) => (i * 7 + 3) & 255));
  port = 0;
  /** Connections accepted so far. */
  connections = 0;

  private constructor(opts: FakeFtpOptions) {
    this.opts = opts;
    for (const [p, c] of Object.entries(opts.files ?? {})) this.addFile(p, c);
    for (const d of opts.dirs ?? []) this.addDir(d);
    this.#srv = opts.tls
      ? tls.createServer({ ...opts.tls, ticketKeys: this.#ticketKeys, allowHalfOpen: false }, (c) => this.#session(c))
      : net.createServer({ allowHalfOpen: false }, (c) => this.#session(c));
  }

  static async start(opts: FakeFtpOptions = {}): Promise<FakeFtpServer> {
    const s = new FakeFtpServer(opts);
    s.#srv.listen(0, opts.host ?? '127.0.0.1');
    await once(s.#srv, 'listening');
    s.port = (s.#srv.address() as net.AddressInfo).port;
    s.close = closeAfterFile(s.close.bind(s));
    return s;
  }

  addFile(path: string, content: string | Buffer): void {
    const p = norm(path);
    this.files.set(p, Buffer.isBuffer(content) ? content : Buffer.from(content));
    let d = p.slice(0, p.lastIndexOf('/')) || '/';
    while (d !== '/') {
      this.dirs.add(d);
      d = d.slice(0, d.lastIndexOf('/')) || '/';
    }
  }

  addDir(path: string): void {
    this.addFile(norm(path) + '/.keep', '');
    this.files.delete(norm(path) + '/.keep');
  }

  async close(): Promise<void> {
    for (const c of this.#conns) c.destroy();
    await new Promise<void>((r) => this.#srv.close(() => r()));
  }

  #session(plain: net.Socket): void {
    let c = plain;
    this.connections++;
    this.#conns.add(c);
    c.on('close', () => this.#conns.delete(c));
    c.on('error', () => {});
    let pasv: net.Server | undefined;
    let pending: Promise<net.Socket> | undefined;
    let active: { host: string; port: number } | undefined;
    let user = '';
    let renameFrom = '';
    const server = this;
    const s: Session = {
      get control() {
        return c;
      },
      cwd: '/',
      type: 'A',
      rest: 0,
      server,
      reply(code, text) {
        if (c.destroyed) return;
        c.write(typeof code === 'string' ? code : `${code} ${text ?? ''}\r\n`);
      },
      async data() {
        if (active) {
          const a = active;
          active = undefined;
          const sock = net.connect(a.port, a.host);
          await once(sock, 'connect');
          // As for passive connections: read, so the client's close is noticed.
          sock.on('error', () => {});
          sock.resume();
          return sock;
        }
        if (!pending) throw new Error('no data connection prepared');
        const p = pending;
        pending = undefined;
        const sock = await p;
        pasv?.close();
        return sock;
      },
    };
    const openPasv = async () => {
      pasv?.close();
      const o = this.opts;
      const base = o.tls ?? o.authTls;
      // Other data-channel settings are another server: its own ticket keys, so no session resumes past its certificate.
      const other = typeof o.dataTls === 'object';
      const dataTls = o.dataTls === false || o.dataTls === 'drop' || !base ? undefined : other ? { ...base, ...(o.dataTls as tls.TlsOptions) } : { ...base, ticketKeys: this.#ticketKeys };
      const srv = dataTls ? tls.createServer(dataTls) : net.createServer();
      this.#srvTrack(srv);
      srv.listen(0, o.host ?? '127.0.0.1');
      await once(srv, 'listening');
      pasv = srv;
      const event = srv instanceof tls.Server ? 'secureConnection' : 'connection';
      // A failed data connection: 'reply' lets the transfer command answer 425; 'stall' leaves it waiting for good.
      const failed = (reject: (e: Error) => void) => (e: Error) => void (o.onDataFailure === 'reply' && reject(e));
      pending = new Promise((resolve, reject) => {
        srv.on('tlsClientError', failed(reject));
        srv.once(event, (d: net.Socket) => {
          this.#conns.add(d);
          d.on('error', () => {});
          if (o.dataTls === 'drop') return void d.once('data', () => (d.destroy(), failed(reject)(new Error('dropped'))));
          // resume(): a socket nobody reads never notices the peer's close, so a transfer handler waiting for 'close' would hang.
          d.resume();
          resolve(d);
        });
      });
      pending.catch(() => {});
      return (srv.address() as net.AddressInfo).port;
    };
    /** The data connection, or (onDataFailure 'reply') a 425 and undefined when it failed. */
    const dataOr425 = async (): Promise<net.Socket | undefined> => {
      try {
        return await s.data();
      } catch {
        s.reply(425, 'Failed to establish data connection.');
        return undefined;
      }
    };
    const abs = (p: string) => norm(p.startsWith('/') ? p : `${s.cwd}/${p}`);
    const sendData = async (bytes: Buffer, what: string) => {
      s.reply(150, `Opening data connection for ${what} (${bytes.length} bytes).`);
      const d = await dataOr425();
      if (!d) return;
      d.end(bytes);
      await once(d, 'close').catch(() => {});
      s.reply(226, 'Transfer complete.');
    };
    const listOf = (dir: string): string[] => {
      const out = new Set<string>();
      const prefix = dir === '/' ? '/' : dir + '/';
      for (const p of [...this.files.keys(), ...this.dirs]) {
        if (p !== dir && p.startsWith(prefix)) out.add(p.slice(prefix.length).split('/')[0]!);
      }
      return [...out].sort();
    };
    const handle = async (line: string) => {
      this.commands.push(line);
      const sp = line.indexOf(' ');
      const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
      const arg = sp < 0 ? '' : line.slice(sp + 1);
      const hook = this.opts.hooks?.[verb];
      if (hook && (await hook(arg, s))) return;
      switch (verb) {
        case 'USER':
          user = arg;
          return s.reply(331, 'Password please.');
        case 'PASS': {
          const users = this.opts.users;
          if (users && users[user] !== arg) return s.reply(530, 'Login incorrect.');
          return s.reply(230, 'Logged in.');
        }
        case 'SYST':
          return s.reply(215, 'UNIX Type: L8');
        case 'FEAT': {
          const f = this.opts.features ?? ['SIZE', 'MDTM', 'UTF8', 'EPSV', 'REST STREAM'];
          return s.reply(`211-Features:\r\n${f.map((x) => ` ${x}\r\n`).join('')}211 End\r\n`);
        }
        case 'OPTS':
          return s.reply(200, 'OK');
        case 'TYPE':
          s.type = arg.toUpperCase();
          return s.reply(200, `Type set to ${arg}`);
        case 'MODE':
          return s.reply(200, 'Mode S');
        case 'PWD':
          return s.reply(257, `"${s.cwd.replace(/"/g, '""')}" is the current directory`);
        case 'CWD': {
          const p = abs(arg);
          if (!this.dirs.has(p)) return s.reply(550, 'No such directory.');
          s.cwd = p;
          return s.reply(250, 'OK');
        }
        case 'CDUP':
          s.cwd = norm(s.cwd + '/..');
          return s.reply(250, 'OK');
        case 'EPSV':
          if (this.opts.noEpsv) return s.reply(500, 'EPSV not understood');
          return s.reply(229, `Entering Extended Passive Mode (|||${await openPasv()}|)`);
        case 'PASV': {
          const port = await openPasv();
          const h = (this.opts.pasvAddress ?? '127.0.0.1').replace(/\./g, ',');
          return s.reply(227, `Entering Passive Mode (${h},${port >> 8},${port & 255}).`);
        }
        case 'PORT': {
          const n = arg.split(',').map(Number);
          active = { host: n.slice(0, 4).join('.'), port: n[4]! * 256 + n[5]! };
          return s.reply(200, 'PORT ok');
        }
        case 'EPRT': {
          const [, , host, port] = arg.split(arg[0]!);
          active = { host: host!, port: Number(port) };
          return s.reply(200, 'EPRT ok');
        }
        case 'REST':
          s.rest = Number(arg);
          return s.reply(350, 'Restarting.');
        case 'RETR': {
          const f = this.files.get(abs(arg));
          if (!f) return s.reply(550, 'No such file.');
          const from = s.rest;
          s.rest = 0;
          return sendData(f.subarray(from), arg);
        }
        case 'SIZE': {
          const f = this.files.get(abs(arg));
          return f ? s.reply(213, String(f.length)) : s.reply(550, 'No such file.');
        }
        case 'MDTM':
          return this.files.has(abs(arg)) ? s.reply(213, '20200102030405') : s.reply(550, 'No such file.');
        case 'MFMT':
          return s.reply(213, `Modify=${arg.split(' ')[0]}; ${arg.split(' ').slice(1).join(' ')}`);
        case 'LIST':
        case 'NLST':
        case 'MLSD': {
          const dir = abs(arg || '.');
          if (!this.dirs.has(dir)) return s.reply(550, 'No such directory.');
          let text: string;
          if (verb === 'LIST' && this.opts.listing) text = this.opts.listing(dir);
          else if (verb === 'NLST') text = listOf(dir).map((n) => n + '\r\n').join('');
          else {
            const prefix = dir === '/' ? '/' : dir + '/';
            text = listOf(dir)
              .map((n) => {
                const f = this.files.get(prefix + n);
                if (verb === 'MLSD') return f ? `type=file;size=${f.length};modify=20200102030405; ${n}\r\n` : `type=dir;modify=20200102030405; ${n}\r\n`;
                return f
                  ? `-rw-r--r--    1 1000     1000     ${String(f.length).padStart(8)} Jan 02  2020 ${n}\r\n`
                  : `drwxr-xr-x    2 1000     1000         4096 Jan 02  2020 ${n}\r\n`;
              })
              .join('');
            if (verb === 'MLSD') text = `type=cdir;modify=20200102030405; .\r\ntype=pdir;modify=20200102030405; ..\r\n` + text;
          }
          return sendData(Buffer.from(text), verb);
        }
        case 'MLST': {
          const p = abs(arg);
          const f = this.files.get(p);
          if (!f && !this.dirs.has(p)) return s.reply(550, 'No such file.');
          return s.reply(`250-Listing ${arg}\r\n type=${f ? 'file' : 'dir'};size=${f?.length ?? 0};modify=20200102030405; ${p}\r\n250 End\r\n`);
        }
        case 'STOR':
        case 'APPE': {
          const p = abs(arg);
          s.reply(150, 'Ok to send data.');
          const d = await dataOr425();
          if (!d) return;
          const parts: Buffer[] = [];
          d.on('data', (b: Buffer) => parts.push(b));
          await once(d, 'end').catch(() => {});
          d.end();
          const got = Buffer.concat(parts);
          const old = this.files.get(p) ?? Buffer.alloc(0);
          const from = verb === 'APPE' ? old.length : s.rest;
          s.rest = 0;
          this.addFile(p, Buffer.concat([old.subarray(0, from), got]));
          return s.reply(226, 'Transfer complete.');
        }
        case 'DELE':
          return this.files.delete(abs(arg)) ? s.reply(250, 'Deleted.') : s.reply(550, 'No such file.');
        case 'MKD': {
          const p = abs(arg);
          if (this.dirs.has(p)) return s.reply(550, 'Exists.');
          this.dirs.add(p);
          return s.reply(257, `"${p}" created`);
        }
        case 'RMD':
          return this.dirs.delete(abs(arg)) ? s.reply(250, 'Removed.') : s.reply(550, 'No such directory.');
        case 'RNFR':
          renameFrom = abs(arg);
          return this.files.has(renameFrom) ? s.reply(350, 'Ready.') : s.reply(550, 'No such file.');
        case 'RNTO': {
          const f = this.files.get(renameFrom)!;
          this.files.delete(renameFrom);
          this.addFile(abs(arg), f);
          return s.reply(250, 'Renamed.');
        }
        case 'AUTH': {
          if (!this.opts.authTls || arg.toUpperCase() !== 'TLS') return s.reply(502, 'Command not implemented.');
          s.reply(234, 'AUTH TLS ok.');
          // From here the control connection speaks TLS: the plain socket's reader moves to the TLS one.
          c.removeListener('data', onData);
          const t = new tls.TLSSocket(c, { isServer: true, ...this.opts.authTls });
          t.on('error', () => {});
          t.on('data', onData);
          c = t;
          return;
        }
        case 'PBSZ':
          return s.reply(200, 'PBSZ=0');
        case 'PROT':
          return s.reply(200, `PROT ${arg} ok`);
        case 'SITE':
          return s.reply(200, `SITE ${arg} ok`);
        case 'NOOP':
          return s.reply(200, 'NOOP ok.');
        case 'ABOR':
          return s.reply(225, 'No transfer to ABOR.');
        case 'QUIT':
          s.reply(221, 'Goodbye.');
          return void c.end();
        default:
          return s.reply(502, 'Command not implemented.');
      }
    };
    s.reply(this.opts.greeting ?? '220 fake FTP ready\r\n');
    let buf = '';
    let chain = Promise.resolve();
    const onData = (b: Buffer) => {
      buf += b.toString(this.opts.encoding ?? 'utf8');
      let i: number;
      while ((i = buf.indexOf('\r\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        chain = chain.then(async () => { await handle(line); }).catch(() => void c.destroy());
      }
    };
    c.on('data', onData);
  }

  #srvTrack(srv: net.Server): void {
    const closeIt = () => srv.close();
    this.#srv.once('close', closeIt);
  }
}
