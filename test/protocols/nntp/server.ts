/**
 * The NNTP script for the scripted line server (test/helpers/fake-line-server.ts):
 * a small well-behaved reader holding one article, that may post.
 */
import { dotStuff, startLineServer, type LineConn, type LineReply, type LineServer, type LineServerOptions } from '../../helpers/fake-line-server.js';

export type { LineServer as FakeServer } from '../../helpers/fake-line-server.js';

export const ARTICLE = ['From: a@news.test', 'Newsgroups: local.test', 'Subject: hello', 'Message-ID: <a1@news.test>', '', '.dotted', 'body', ''].join('\r\n');

/** A server that may post and holds one article, 1 in local.test. */
export function standardNntp(): (line: string, conn: LineConn) => LineReply {
  let posting = false;
  let postBuf = '';
  return (line, conn) => {
    if (posting) {
      if (line === '.') {
        posting = false;
        return /^Subject:/m.test(postBuf) ? '240 article received ok\r\n' : '441 no subject\r\n';
      }
      postBuf += line + '\r\n';
      return undefined;
    }
    const [verb = '', ...args] = line.split(' ');
    const arg = args.join(' ');
    const known = arg === '' || arg === '1' || arg === '<a1@news.test>';
    const num = arg.startsWith('<') ? 0 : 1;
    const head = ARTICLE.slice(0, ARTICLE.indexOf('\r\n\r\n') + 2);
    const body = ARTICLE.slice(ARTICLE.indexOf('\r\n\r\n') + 4);
    switch (verb.toUpperCase()) {
      case 'CAPABILITIES':
        return '101 Capability list:\r\nVERSION 2\r\nREADER\r\nPOST\r\nOVER\r\nAUTHINFO USER\r\n.\r\n';
      case 'MODE':
        return '200 posting allowed\r\n';
      case 'AUTHINFO':
        if (args[0] === 'USER') return '381 password required\r\n';
        return args[1] === 'secret' ? '281 authentication accepted\r\n' : '481 authentication failed\r\n';
      case 'GROUP':
        return arg === 'local.test' ? '211 1 1 1 local.test\r\n' : '411 no such group\r\n';
      case 'ARTICLE':
        return known ? `220 ${num} <a1@news.test>\r\n${dotStuff(ARTICLE)}` : '430 no such article\r\n';
      case 'HEAD':
        return known ? `221 ${num} <a1@news.test>\r\n${dotStuff(head)}` : '430 no such article\r\n';
      case 'BODY':
        return known ? `222 ${num} <a1@news.test>\r\n${dotStuff(body)}` : '430 no such article\r\n';
      case 'STAT':
        return known ? `223 ${num} <a1@news.test>\r\n` : '423 no such article number\r\n';
      case 'LIST':
        return '215 list follows\r\nlocal.test 1 1 y\r\nlocal.moderated 0 1 m\r\n.\r\n';
      case 'OVER':
        return '224 overview follows\r\n1\thello\ta@news.test\tWed, 25 Nov 2026 10:00:00 +0000\t<a1@news.test>\t\t120\t3\tXref: news.test local.test:1\r\n.\r\n';
      case 'DATE':
        return '111 20261125103000\r\n';
      case 'POST':
        posting = true;
        postBuf = '';
        return '340 send article\r\n';
      case 'QUIT':
        conn.end('205 bye\r\n');
        return undefined;
      default:
        return '500 unknown command\r\n';
    }
  };
}

/** An NNTP server's options: `reply` (a fresh well-behaved reader by default) after `greeting`. */
export function nntpOptions(reply = standardNntp(), greeting = '200 fake news ready\r\n'): LineServerOptions {
  return { reply, greeting };
}

/** Starts a scripted NNTP server (for the files that close their own servers). */
export function fakeNntp(...args: Parameters<typeof nntpOptions>): Promise<LineServer> {
  return startLineServer(nntpOptions(...args));
}

/**
 * A mode-switching server as RFC 3977 §5.3.3 shows one: it starts in transit
 * mode (IHAVE, MODE-READER; reader commands get 401, and neither STARTTLS nor
 * AUTHINFO is offered), and MODE READER starts a reader session that offers
 * both — so TLS and a login only work after the switch, and a login before
 * it would be forgotten. Reader commands then need that login.
 */
export function modeSwitchingNntp(cert: { cert: string; key: string }): (line: string, conn: LineConn) => LineReply {
  const reader = standardNntp();
  const state = new WeakMap<LineConn, { reading: boolean; authed: boolean }>();
  return (line, conn) => {
    const st = state.get(conn) ?? { reading: false, authed: false };
    state.set(conn, st);
    const verb = line.split(' ', 1)[0]!.toUpperCase();
    if (verb === 'QUIT') return reader(line, conn);
    if (!st.reading) {
      if (verb === 'CAPABILITIES') return '101 Capability list:\r\nVERSION 2\r\nIHAVE\r\nMODE-READER\r\n.\r\n';
      if (line.toUpperCase() === 'MODE READER') {
        // A new session: nothing from the transit one survives.
        state.set(conn, { reading: true, authed: false });
        return '200 reader mode, posting allowed\r\n';
      }
      return verb === 'GROUP' || verb === 'ARTICLE' ? '401 MODE-READER\r\n' : '502 not in transit mode\r\n';
    }
    if (verb === 'CAPABILITIES') return `101 Capability list:\r\nVERSION 2\r\nREADER\r\nPOST\r\n${conn.tls ? '' : 'STARTTLS\r\n'}AUTHINFO USER\r\n.\r\n`;
    if (verb === 'MODE') return '502 already reading\r\n';
    if (verb === 'STARTTLS') {
      if (conn.tls) return '502 already TLS\r\n';
      conn.startTLS(cert, '382 continue with TLS negotiation\r\n');
      return undefined;
    }
    if (verb === 'AUTHINFO') {
      const r = reader(line, conn);
      if (r?.startsWith('281')) st.authed = true;
      return r;
    }
    return st.authed ? reader(line, conn) : '480 authentication required\r\n';
  };
}
