/**
 * A scripted in-process POP3 server on loopback for the client tests: each
 * command line is handed to `reply`, which answers with raw text (or writes
 * to the socket itself). It records every line received.
 */
import * as net from 'node:net';
import { once } from 'node:events';

export interface FakeServer {
  port: number;
  /** Every command line received, on every connection, in order. */
  received: string[];
  close(): Promise<void>;
}

/** What `reply` returns: text to send, or undefined when it wrote (or will write) by itself. */
export type Reply = string | undefined;

export interface FakeOptions {
  greeting?: string;
  /** Answers one command; `sock` is the connection, for scripted misbehaviour. */
  reply: (line: string, sock: net.Socket) => Reply;
}

export async function fakePop3(opts: FakeOptions): Promise<FakeServer> {
  const received: string[] = [];
  const conns = new Set<net.Socket>();
  const srv = net.createServer((sock) => {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => {});
    sock.write(opts.greeting ?? '+OK POP3 ready <1896.697170952@fake.test>\r\n');
    let buf = '';
    sock.on('data', (d: Buffer) => {
      buf += d.toString('latin1');
      for (let i = buf.indexOf('\r\n'), n = 0; i >= 0 && n < 1000; i = buf.indexOf('\r\n'), n++) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        received.push(line);
        const out = opts.reply(line, sock);
        if (out !== undefined && !sock.destroyed) sock.write(out);
      }
    });
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  return {
    port: (srv.address() as net.AddressInfo).port,
    received,
    close: () => {
      for (const c of conns) c.destroy();
      return new Promise<void>((r) => srv.close(() => r()));
    },
  };
}

/** A small mailbox: the replies a well-behaved server gives. */
export const MESSAGES = ['Subject: one\r\n\r\n.dotted line\r\nbody\r\n', 'Subject: two\r\n\r\nsecond\r\n'];

function stuff(m: string): string {
  return m.replace(/^\./gm, '..') + '.\r\n';
}

/** A well-behaved server's answer to `line`, or undefined for commands it does not know. */
export function standard(line: string, sock: net.Socket): Reply {
  const [verb = '', ...args] = line.split(' ');
  const n = Number(args[0]);
  const msg = MESSAGES[n - 1];
  switch (verb.toUpperCase()) {
    case 'CAPA':
      return '+OK\r\nUSER\r\nUIDL\r\nTOP\r\nSASL PLAIN\r\n.\r\n';
    case 'USER':
      return '+OK\r\n';
    case 'PASS':
      return args.join(' ') === 'secret' ? '+OK logged in\r\n' : '-ERR [AUTH] invalid login\r\n';
    case 'AUTH':
      return args[1] === Buffer.from('\0alice\0secret').toString('base64') ? '+OK logged in\r\n' : '-ERR [AUTH] invalid login\r\n';
    case 'APOP':
      return args[1] === 'f27a555c06e8f09f3577661941653f88' ? '+OK\r\n' : '-ERR no\r\n';
    case 'STAT':
      return `+OK 2 ${MESSAGES[0]!.length + MESSAGES[1]!.length}\r\n`;
    case 'LIST':
      if (args[0]) return msg ? `+OK ${n} ${msg.length}\r\n` : '-ERR no such message\r\n';
      return `+OK 2 messages\r\n1 ${MESSAGES[0]!.length}\r\n2 ${MESSAGES[1]!.length}\r\n.\r\n`;
    case 'UIDL':
      if (args[0]) return msg ? `+OK ${n} uid-${n}\r\n` : '-ERR no such message\r\n';
      return '+OK\r\n1 uid-1\r\n2 uid-2\r\n.\r\n';
    case 'RETR':
      return msg ? `+OK ${msg.length} octets\r\n${stuff(msg)}` : '-ERR no such message\r\n';
    case 'TOP':
      return msg ? `+OK\r\n${stuff(msg.slice(0, msg.indexOf('\r\n\r\n') + 4))}` : '-ERR no such message\r\n';
    case 'DELE':
    case 'RSET':
    case 'NOOP':
      return '+OK\r\n';
    case 'QUIT':
      sock.end('+OK bye\r\n');
      return undefined;
    default:
      return '-ERR unknown command\r\n';
  }
}
