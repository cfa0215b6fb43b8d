/**
 * The POP3 script for the scripted line server (test/helpers/fake-line-server.ts):
 * a small mailbox and the replies a well-behaved server gives. Tests wrap
 * `standard` to misbehave on chosen commands.
 */
import { dotStuff, startLineServer, type LineConn, type LineReply, type LineServer, type LineServerOptions } from '../../helpers/fake-line-server.js';

export type { LineServer as FakeServer, LineReply as Reply } from '../../helpers/fake-line-server.js';

/** The greeting, with the APOP timestamp RFC 1939's example digest is made from. */
export const POP3_GREETING = '+OK POP3 ready <1896.697170952@fake.test>\r\n';

/** A POP3 server's options: `reply` (the well-behaved one by default) after `greeting`. */
export function pop3Options(reply: (line: string, conn: LineConn) => LineReply = standard, greeting = POP3_GREETING): LineServerOptions {
  return { reply, greeting };
}

/** Starts a scripted POP3 server (for the files that close their own servers). */
export function fakePop3(opts: { reply: (line: string, conn: LineConn) => LineReply; greeting?: string }): Promise<LineServer> {
  return startLineServer(pop3Options(opts.reply, opts.greeting));
}

/** A small mailbox: the replies a well-behaved server gives. */
export const MESSAGES = ['Subject: one\r\n\r\n.dotted line\r\nbody\r\n', 'Subject: two\r\n\r\nsecond\r\n'];

/** The connections whose AUTH PLAIN came without an initial response: their next line is the response. */
const plainPending = new WeakSet<LineConn>();

/** A well-behaved server's answer to `line`; -ERR for commands it does not know. */
export function standard(line: string, conn: LineConn): LineReply {
  if (plainPending.delete(conn)) return line === Buffer.from('\0alice\0secret').toString('base64') ? '+OK logged in\r\n' : '-ERR [AUTH] invalid login\r\n';
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
      // RFC 5034 §4: without an initial response, an empty challenge and the response on the next line (curl's default).
      if (args[0]?.toUpperCase() === 'PLAIN' && args[1] === undefined) {
        plainPending.add(conn);
        return '+ \r\n';
      }
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
      return msg ? `+OK ${msg.length} octets\r\n${dotStuff(msg)}` : '-ERR no such message\r\n';
    case 'TOP':
      return msg ? `+OK\r\n${dotStuff(msg.slice(0, msg.indexOf('\r\n\r\n') + 4))}` : '-ERR no such message\r\n';
    case 'DELE':
    case 'RSET':
    case 'NOOP':
      return '+OK\r\n';
    case 'QUIT':
      conn.end('+OK bye\r\n');
      return undefined;
    default:
      return '-ERR unknown command\r\n';
  }
}

/** The error challenge a wrong token gets (RFC 7628 §3.2.2), as JSON. */
export const BEARER_ERROR = '{"status":"invalid_token","scope":"mail"}';

/**
 * A script whose CAPA offers `sasl` (e.g. `OAUTHBEARER XOAUTH2`) and which
 * takes a bearer token the way curl sends one: `AUTH <mech>`, the `+ `
 * go-ahead, the message; `tokens[user]` logs in, any other token gets the
 * error challenge and, after the client's answer, `-ERR`. The rest is
 * `standard`'s.
 */
export function bearerPop3(tokens: Record<string, string>, sasl: string): (line: string, conn: LineConn) => LineReply {
  const state = new WeakMap<LineConn, { mech: string; failed: boolean }>();
  return (line, conn) => {
    let st = state.get(conn);
    if (st?.failed) {
      state.delete(conn);
      return '-ERR [AUTH] invalid token\r\n';
    }
    // With an initial response (curl --sasl-ir) the message comes on the AUTH line itself.
    const ir = /^AUTH (OAUTHBEARER|XOAUTH2) (\S+)$/i.exec(line);
    if (ir && sasl.split(' ').includes(ir[1]!.toUpperCase())) {
      st = { mech: ir[1]!.toUpperCase(), failed: false };
      state.set(conn, st);
      line = ir[2]!;
    }
    if (st) {
      const text = Buffer.from(line, 'base64').toString('utf8');
      const m = st.mech === 'OAUTHBEARER' ? /^n,a=([^,]*),\x01host=[^\x01]*\x01port=\d+\x01auth=Bearer ([^\x01]+)\x01\x01$/.exec(text) : /^user=([^\x01]*)\x01auth=Bearer ([^\x01]+)\x01\x01$/.exec(text);
      if (m && tokens[m[1]!] === m[2]) {
        state.delete(conn);
        return '+OK logged in\r\n';
      }
      st.failed = true;
      return `+ ${Buffer.from(BEARER_ERROR).toString('base64')}\r\n`;
    }
    const auth = /^AUTH (OAUTHBEARER|XOAUTH2)$/i.exec(line);
    if (auth) {
      if (!sasl.split(' ').includes(auth[1]!.toUpperCase())) return '-ERR not offered\r\n';
      state.set(conn, { mech: auth[1]!.toUpperCase(), failed: false });
      return '+ \r\n';
    }
    if (line.toUpperCase() === 'CAPA') return `+OK\r\nUSER\r\nUIDL\r\nSASL ${sasl}\r\n.\r\n`;
    return standard(line, conn);
  };
}
