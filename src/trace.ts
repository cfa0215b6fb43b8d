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

/** One traced step. `text` is one line, without its line ending. */
export interface TraceEvent {
  kind: TraceKind;
  text: string;
  /** The protocol speaking: 'tcp', 'tls', 'http', 'ftp', 'gopher'… */
  protocol?: string | undefined;
  /** For data summaries: how many body bytes this event stands for. */
  bytes?: number | undefined;
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
