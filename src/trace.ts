/**
 * One conversation trace for every protocol, so `dial -v` reads an FTP
 * session the way it reads an HTTP one: `*` what we did (resolve, connect,
 * TLS, redirect), `>` what we sent, `<` what we received. Clients emit events;
 * only the CLI decides how to print them (text or `--trace-json`).
 *
 * @module
 */

/** `*` an action or note, `>` sent to the peer, `<` received from it. */
export type TraceKind = '*' | '>' | '<';

/**
 * What a structured event marks, for tools that time or inspect a transfer
 * (`dial -w`) without reading the text:
 * - `resolved`: a host name was resolved (`data.host`, `data.addresses`);
 * - `connected`: a new connection is open, before any TLS (`data` has the
 *   addresses of both ends); through a proxy, the connection to the proxy;
 * - `tls`: the TLS handshake finished (`data.tlsVersion`, `alpn`, `verifyError`);
 * - `reused`: an open connection was taken from a pool (addresses as `connected`);
 * - `tunnel`: a proxy (HTTP CONNECT, SOCKS) opened the way to the target
 *   (`data.host`); what is sent from then on is the target's;
 * - `redirect`: a redirect is being followed (`data.status`, `data.url`);
 * - `proxy-reply`: an HTTP proxy answered CONNECT, tunnel or not
 *   (`data.status`, and `data.head`: its head as curl -i prints it).
 *
 * A connection that is not the one the transfer's facts describe (an FTP
 * data connection beside its control connection) reports `connected` and
 * `tls` with `data.secondary` set.
 *
 * The consumer stamps the time itself: events are delivered synchronously,
 * at the moment they describe.
 */
export type TraceEventName = 'resolved' | 'connected' | 'tls' | 'reused' | 'tunnel' | 'redirect' | 'proxy-reply';

/** Facts carried by a structured event; which fields are set depends on the event. */
export interface TraceFacts {
  host?: string | undefined;
  /** `resolved`: the addresses the name gave, in the order they will be tried. */
  addresses?: string[] | undefined;
  remoteAddress?: string | undefined;
  remotePort?: number | undefined;
  localAddress?: string | undefined;
  localPort?: number | undefined;
  /** A Unix-domain socket's path, instead of addresses. */
  path?: string | undefined;
  /** `tls`: the negotiated version, e.g. 'TLSv1.3'. */
  tlsVersion?: string | undefined;
  alpn?: string | undefined;
  /** `tls`: why the peer's certificate did not verify (OpenSSL's code name), when it was accepted anyway (`insecure`). */
  verifyError?: string | undefined;
  /** `connected`, `tls`: an extra connection of the transfer (an FTP data connection), counted but not described by the transfer's facts. */
  secondary?: boolean | undefined;
  /** `redirect`: the status that redirected and where to; `proxy-reply`: the proxy's status. */
  status?: number | undefined;
  url?: string | undefined;
  /** `proxy-reply`: the reply's head, status line to blank line, each line ending CRLF. */
  head?: string | undefined;
}

/** One traced step. `text` is one line, without its line ending. */
export interface TraceEvent {
  kind: TraceKind;
  text: string;
  /** The protocol speaking: 'tcp', 'tls', 'http', 'ftp', 'gopher'… */
  protocol?: string | undefined;
  /** For data summaries: how many body bytes this event stands for. */
  bytes?: number | undefined;
  /** Set on the steps a tool may want to time or inspect; see {@link TraceEventName}. */
  event?: TraceEventName | undefined;
  /** The facts of a structured event. */
  data?: TraceFacts | undefined;
}

/** Receives trace events; must not throw and must be cheap. */
export type Tracer = (event: TraceEvent) => void;

/**
 * Masks credentials in a traced command line — `PASS x`, `AUTH PLAIN x`,
 * `Authorization: x`, `Proxy-Authorization: x` — so traces can be shared.
 */
export function maskSecrets(line: string): string {
  const m = /^(PASS|ACCT|AUTH PLAIN|AUTH LOGIN|APOP \S+)\s+/i.exec(line);
  if (m) return `${m[0]}****`;
  const h = /^((?:proxy-)?authorization):\s*(\S+)\s*/i.exec(line);
  if (h) return `${h[1]}: ${h[2]} ****`;
  return line;
}

/** The shape of a socket's end as {@link connectionFacts} reads it. */
type EndLike = { address?: unknown; port?: unknown; path?: unknown } | undefined;

/**
 * The addresses of both ends of a connected stream, for `connected` and
 * `reused` events. Read structurally (any object with `remoteAddress` and
 * `localAddress` ends, as dialtone's Socket has), so this file imports nothing.
 */
export function connectionFacts(stream: unknown): TraceFacts {
  const s = stream as { remoteAddress?: EndLike; localAddress?: EndLike } | undefined;
  const r = s?.remoteAddress;
  const l = s?.localAddress;
  const facts: TraceFacts = {};
  if (r && typeof r.path === 'string') facts.path = r.path;
  if (r && typeof r.address === 'string') facts.remoteAddress = r.address;
  if (r && typeof r.port === 'number') facts.remotePort = r.port;
  if (l && typeof l.address === 'string') facts.localAddress = l.address;
  if (l && typeof l.port === 'number') facts.localPort = l.port;
  return facts;
}
