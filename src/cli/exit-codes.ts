/**
 * curl's exit codes, and the mapping from dialtone's error codes to them, so
 * scripts written against curl read dial's status the same way.
 *
 * @module
 */

/** curl's exit codes that dial uses, by curl's own names (CURLE_*). */
export const EXIT = {
  OK: 0,
  UNSUPPORTED_PROTOCOL: 1,
  FAILED_INIT: 2,
  URL_MALFORMAT: 3,
  COULDNT_RESOLVE_PROXY: 5,
  COULDNT_RESOLVE_HOST: 6,
  COULDNT_CONNECT: 7,
  WEIRD_SERVER_REPLY: 8,
  REMOTE_ACCESS_DENIED: 9,
  PARTIAL_FILE: 18,
  QUOTE_ERROR: 21,
  HTTP_RETURNED_ERROR: 22,
  WRITE_ERROR: 23,
  UPLOAD_FAILED: 25,
  READ_ERROR: 26,
  OPERATION_TIMEDOUT: 28,
  FTP_PORT_FAILED: 30,
  RANGE_ERROR: 33,
  SSL_CONNECT_ERROR: 35,
  BAD_DOWNLOAD_RESUME: 36,
  FILE_COULDNT_READ_FILE: 37,
  ABORTED_BY_CALLBACK: 42,
  INTERFACE_FAILED: 45,
  TOO_MANY_REDIRECTS: 47,
  GOT_NOTHING: 52,
  SEND_ERROR: 55,
  RECV_ERROR: 56,
  SSL_CERTPROBLEM: 58,
  SSL_CIPHER: 59,
  PEER_FAILED_VERIFICATION: 60,
  FILESIZE_EXCEEDED: 63,
  BAD_CONTENT_ENCODING: 61,
  USE_SSL_FAILED: 64,
  SEND_FAIL_REWIND: 65,
  SETOPT_OPTION_SYNTAX: 49,
  LOGIN_DENIED: 67,
  SSL_CACERT_BADFILE: 77,
  SSL_CRL_BADFILE: 82,
  REMOTE_FILE_NOT_FOUND: 78,
  SSL_PINNEDPUBKEYNOTMATCH: 90,
} as const;

/** An error that already knows its exit code (usage errors, write errors, -f). */
export class CliExit extends Error {
  /** curl's exit code. */
  readonly exitCode: number;
  constructor(exitCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** The fields of a DialError the mapping looks at (structural, so this file loads no library code). */
interface ErrorLike {
  code?: unknown;
  phase?: unknown;
  protocol?: unknown;
  reply?: { code: number; text: string } | undefined;
  message?: unknown;
}

/** FTP-style reply codes (ftp, pop3 is +OK/-ERR so it has none) → curl. */
function replyExit(protocol: string, code: number, phase: string): number {
  if (protocol.startsWith('ftp')) {
    // A -Q command the server refused (curl's CURLE_QUOTE_ERROR), whatever its code.
    if (phase === 'quote') return EXIT.QUOTE_ERROR;
    if (code === 530 || code === 332) return EXIT.LOGIN_DENIED;
    // curl: a directory of the path it cannot enter is access denied, whatever the code.
    if (phase === 'cwd') return EXIT.REMOTE_ACCESS_DENIED;
    if (code === 550 || code === 450) return EXIT.REMOTE_FILE_NOT_FOUND;
    if (code === 553 || code === 552 || code === 451) return EXIT.UPLOAD_FAILED;
    return EXIT.REMOTE_ACCESS_DENIED;
  }
  if (protocol.startsWith('smtp') || protocol.startsWith('pop3') || protocol.startsWith('imap') || protocol.startsWith('nntp')) {
    // POP3's -ERR has no number: the phase says a login was refused.
    if (code === 535 || code === 530 || code === 481 || code === 482 || phase === 'login' || phase === 'auth') return EXIT.LOGIN_DENIED;
    // curl: a refused MAIL, RCPT or DATA is a send error; a refusal after the data a weird reply.
    if (protocol.startsWith('smtp') && (phase === 'mail' || phase === 'rcpt' || phase === 'data')) return EXIT.SEND_ERROR;
    if (code === 430 || code === 423) return EXIT.REMOTE_FILE_NOT_FOUND;
    return EXIT.WEIRD_SERVER_REPLY;
  }
  if (protocol.startsWith('http')) return code === 416 ? EXIT.RANGE_ERROR : EXIT.HTTP_RETURNED_ERROR;
  return EXIT.REMOTE_ACCESS_DENIED;
}

/**
 * curl's exit code for anything a transfer threw: a {@link CliExit} keeps its
 * own, a DialError is mapped by its code (refined by phase, protocol and the
 * server's reply), anything else is 2 as an internal failure.
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof CliExit) return err.exitCode;
  const e = (err ?? {}) as ErrorLike;
  const phase = typeof e.phase === 'string' ? e.phase : '';
  const protocol = typeof e.protocol === 'string' ? e.protocol : '';
  const proxy = phase.startsWith('proxy') || protocol.startsWith('socks') || protocol === 'proxy';
  // Active FTP could not listen where -P said (curl's "bind failed").
  if (phase === 'data-listen') return EXIT.FTP_PORT_FAILED;
  switch (e.code) {
    case 'DIAL_E_RESOLVE':
      return proxy ? EXIT.COULDNT_RESOLVE_PROXY : EXIT.COULDNT_RESOLVE_HOST;
    case 'DIAL_E_CONNECT':
      // --interface or --local-port could not be bound: curl's "Couldn't bind" / "bind failed".
      return phase === 'bind' ? EXIT.INTERFACE_FAILED : EXIT.COULDNT_CONNECT;
    case 'DIAL_E_TIMEOUT':
      return EXIT.OPERATION_TIMEDOUT;
    case 'DIAL_E_ABORT':
      return EXIT.ABORTED_BY_CALLBACK;
    case 'DIAL_E_TLS':
      // STARTTLS/STLS that the server lacks or refuses: curl's "requested SSL level failed".
      return phase === 'starttls' ? EXIT.USE_SSL_FAILED : EXIT.SSL_CONNECT_ERROR;
    case 'DIAL_E_TLS_CERT':
      return EXIT.PEER_FAILED_VERIFICATION;
    case 'DIAL_E_TLS_PINNED':
      return EXIT.SSL_PINNEDPUBKEYNOTMATCH;
    case 'DIAL_E_RESET':
    case 'DIAL_E_CLOSED':
      if (phase === 'send' || phase === 'upload') return EXIT.SEND_ERROR;
      if (phase === 'empty' || /closed before the response began/i.test(String(e.message))) return EXIT.GOT_NOTHING;
      if (phase === 'body') return EXIT.PARTIAL_FILE;
      return EXIT.RECV_ERROR;
    case 'DIAL_E_PROTOCOL':
    case 'DIAL_E_INJECTION':
      if (phase === 'empty' || /empty reply|closed before the response began/i.test(String(e.message))) return EXIT.GOT_NOTHING;
      // curl has no loop detection: a loop is what its redirect limit catches.
      if (/redirect loop/i.test(String(e.message))) return EXIT.TOO_MANY_REDIRECTS;
      if (phase === 'body') return EXIT.PARTIAL_FILE;
      // A response without a status line when --http0.9 did not allow one: curl's "unsupported protocol".
      if (phase === 'http09') return EXIT.UNSUPPORTED_PROTOCOL;
      return EXIT.WEIRD_SERVER_REPLY;
    case 'DIAL_E_DECODE':
      return EXIT.BAD_CONTENT_ENCODING;
    case 'DIAL_E_REPLY':
      if (phase === 'starttls') return EXIT.USE_SSL_FAILED;
      // A proxy that will not open the tunnel: curl's "CONNECT tunnel failed, response N".
      if (phase === 'proxy-connect') return EXIT.RECV_ERROR;
      return e.reply ? replyExit(protocol, e.reply.code, phase) : EXIT.WEIRD_SERVER_REPLY;
    case 'DIAL_E_LIMIT':
      if (phase === 'redirect' || /redirect/i.test(String(e.message))) return EXIT.TOO_MANY_REDIRECTS;
      // A head the parser will not hold is curl's 'Too large response headers' (56), not --max-filesize.
      if (protocol === 'http' && /^(response header|status line|trailer|more than \d+ interim)/.test(String(e.message))) return EXIT.RECV_ERROR;
      return EXIT.FILESIZE_EXCEEDED;
    case 'DIAL_E_UNSUPPORTED':
      // A redirect that needs the body again, which was a stream read once (piped stdin).
      if (phase === 'rewind') return EXIT.SEND_FAIL_REWIND;
      // A mail server offering no login we can use (none for a bearer token, say): curl's "Login denied".
      if ((phase === 'auth' || phase === 'login') && /^(smtp|pop3)/.test(protocol)) return EXIT.LOGIN_DENIED;
      return phase === 'scheme' || phase === 'url' || /scheme|protocol/i.test(String(e.message))
        ? EXIT.UNSUPPORTED_PROTOCOL
        : EXIT.FAILED_INIT;
    case 'DIAL_E_INPUT':
      if (phase === 'url' || /malformed URL|not a data: URL|needs a "," before/i.test(String(e.message))) return EXIT.URL_MALFORMAT;
      if (phase === 'range') return EXIT.BAD_DOWNLOAD_RESUME;
      // A --connect-to entry for this host whose port is not a number: curl refuses the option then.
      if (phase === 'connect-to') return EXIT.SETOPT_OPTION_SYNTAX;
      if (phase === 'ciphers' || phase === 'curves') return EXIT.SSL_CIPHER;
      if (phase === 'crl') return EXIT.SSL_CRL_BADFILE;
      if (protocol === 'file' && (phase === 'open' || phase === 'list')) return EXIT.FILE_COULDNT_READ_FILE;
      if (phase === 'scheme' || /unsupported (url )?scheme|unknown scheme|no opener/i.test(String(e.message)))
        return EXIT.UNSUPPORTED_PROTOCOL;
      if (phase === 'read' || phase === 'upload') return EXIT.READ_ERROR;
      return EXIT.FAILED_INIT;
    default:
      return EXIT.FAILED_INIT;
  }
}

/** The one-line message for an error, without the `dial: (N)` prefix. */
export function errorMessage(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split(/\r?\n/)[0] ?? msg;
}

/** The line `dial` prints on stderr for a failed transfer, as curl's `curl: (N) message`. */
export function formatError(exitCode: number, err: unknown): string {
  return `dial: (${exitCode}) ${errorMessage(err)}`;
}
