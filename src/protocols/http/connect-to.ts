/**
 * curl's `--connect-to HOST1:PORT1:HOST2:PORT2`: which address a connection
 * for a URL's host and port really goes to. Only the TCP connection moves:
 * Host, SNI and the certificate check stay the URL's host's.
 *
 * @module
 */
import { InputError } from '../../errors.js';

/** Where a connection goes instead of the URL's host and port. */
export interface ConnectTarget {
  /** Host name or IP address, without IPv6 brackets. */
  host: string;
  port: number;
}

/**
 * The first of `entries` whose `HOST1:PORT1` matches `hostname` and `port`
 * (an empty HOST1 or PORT1 matches any; the host compared without regard to
 * case; an IPv6 host in brackets), read as curl reads it: an entry that does
 * not match is not read further, so its `HOST2:PORT2` may be anything. The
 * match's empty HOST2 or PORT2 keeps the URL's. Undefined when none matches
 * or the match changes nothing.
 *
 * Throws InputError (phase 'connect-to') when the matching entry's PORT2 is
 * not a port number, as curl refuses it (its exit 49) before connecting.
 */
export function connectTarget(entries: readonly string[] | undefined, hostname: string, port: number): ConnectTarget | undefined {
  if (!entries || entries.length === 0) return undefined;
  const bare = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  for (const e of entries) {
    const rest = matchedRest(e, bare, port);
    if (rest === undefined) continue;
    const to = destination(rest, e);
    const host = to.host === '' ? bare : to.host;
    const p = to.port ?? port;
    return host === bare && p === port ? undefined : { host, port: p };
  }
  return undefined;
}

/** What follows `HOST1:PORT1:` when they match the host and port, else undefined. */
function matchedRest(entry: string, host: string, port: number): string | undefined {
  const h = hostPart(entry);
  if (h === undefined || entry[h.end] !== ':') return undefined;
  if (h.host !== '' && h.host.toLowerCase() !== host) return undefined;
  const colon = entry.indexOf(':', h.end + 1);
  if (colon < 0) return undefined;
  const p = entry.slice(h.end + 1, colon);
  if (p !== '' && (!/^\d{1,5}$/.test(p) || Number(p) !== port)) return undefined;
  return entry.slice(colon + 1);
}

/** A leading host (`[v6]` or up to the first colon) and the index after it; undefined for an unclosed bracket. */
function hostPart(s: string): { host: string; end: number } | undefined {
  if (s.startsWith('[')) {
    const close = s.indexOf(']');
    return close < 0 ? undefined : { host: s.slice(1, close), end: close + 1 };
  }
  const colon = s.indexOf(':');
  return colon < 0 ? { host: s, end: s.length } : { host: s.slice(0, colon), end: colon };
}

/** `HOST2[:PORT2]` of a matching entry. */
function destination(rest: string, entry: string): { host: string; port: number | undefined } {
  const h = hostPart(rest);
  const bad = (why: string) => new InputError(`--connect-to ${JSON.stringify(entry)}: ${why}`, { protocol: 'http', phase: 'connect-to' });
  if (h === undefined) throw bad('unclosed [ in the host');
  if (h.end === rest.length) return { host: h.host, port: undefined };
  if (rest[h.end] !== ':') throw bad('the host is followed by something other than :PORT');
  const p = rest.slice(h.end + 1);
  if (p === '') return { host: h.host, port: undefined };
  if (!/^\d{1,5}$/.test(p) || Number(p) > 65535) throw bad(`no valid port number in ${JSON.stringify(p)}`);
  return { host: h.host, port: Number(p) };
}
