/**
 * CAPA (RFC 2449 §5): one capability per line, a keyword and its
 * arguments. Keywords are case-insensitive, so they are kept upper-cased.
 *
 * @module
 */

/** Capabilities: upper-cased keyword → its arguments (e.g. `SASL` → ['PLAIN', 'LOGIN']). */
export type Pop3Capabilities = Map<string, string[]>;

/** Most arguments kept per capability; a server sending more gains nothing. */
const MAX_ARGS = 64;

/** Builds the capability map from CAPA's lines. Empty lines are ignored. */
export function parseCapa(lines: Iterable<string>): Pop3Capabilities {
  const out: Pop3Capabilities = new Map();
  for (const line of lines) {
    const words = line.split(' ').filter((w) => w.length > 0);
    const key = words[0];
    if (key === undefined) continue;
    out.set(key.toUpperCase(), words.slice(1, 1 + MAX_ARGS));
  }
  return out;
}

/** The SASL mechanisms offered, upper-cased. */
export function saslMechanisms(caps: Pop3Capabilities): string[] {
  return (caps.get('SASL') ?? []).map((m) => m.toUpperCase());
}
