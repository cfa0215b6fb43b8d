/**
 * The lines of NNTP multi-line responses this library parses:
 * CAPABILITIES (RFC 3977 §5.2), LIST ACTIVE (§7.6.3) and OVER (§8.3).
 *
 * @module
 */
import { isUtf8 } from 'node:buffer';
import { ProtocolError } from '../../../errors.js';
import { parseNumber } from './responses.js';

/** Capabilities: upper-cased label → its arguments. */
export type NntpCapabilities = Map<string, string[]>;

/** One LIST ACTIVE line: the group, its water marks and its posting status (`y`, `n`, `m`, `x`, `j`, `=other.group`). */
export interface ActiveEntry {
  group: string;
  high: number;
  low: number;
  status: string;
}

/** One OVER line (RFC 3977 §8.3.2): the seven standard fields, then any extra ones as given. */
export interface OverviewEntry {
  number: number;
  subject: string;
  from: string;
  date: string;
  messageId: string;
  references: string;
  /** `:bytes`, when the server gave a number. */
  bytes: number | undefined;
  /** `:lines`, when the server gave a number. */
  lines: number | undefined;
  /** Fields after the first eight (e.g. `Xref: …`), as sent. */
  extra: string[];
}

const MAX_ARGS = 64;
const MAX_FIELDS = 64;

function bad(what: string, line: string): ProtocolError {
  return new ProtocolError(`malformed ${what}: ${JSON.stringify(line.slice(0, 80))}`, { protocol: 'nntp', phase: 'body' });
}

/**
 * One listing line's text: UTF-8 when its bytes are UTF-8, else ISO-8859-1.
 * Overview and active files hold headers and group names as posted, and raw
 * 8-bit (Latin-1) headers are common on Usenet; decoding those as UTF-8 would
 * turn each such byte into U+FFFD for good, where Latin-1 keeps every one.
 */
export function listingText(line: Uint8Array): string {
  const b = Buffer.isBuffer(line) ? line : Buffer.from(line.buffer, line.byteOffset, line.length);
  return b.toString(isUtf8(b) ? 'utf8' : 'latin1');
}

/** The capability map from CAPABILITIES' lines. */
export function parseCapabilities(lines: Iterable<string>): NntpCapabilities {
  const out: NntpCapabilities = new Map();
  for (const line of lines) {
    const w = line.split(' ').filter((x) => x.length > 0);
    if (w[0] === undefined) continue;
    out.set(w[0].toUpperCase(), w.slice(1, 1 + MAX_ARGS));
  }
  return out;
}

/** One LIST ACTIVE line. */
export function parseActiveLine(line: string): ActiveEntry {
  const w = line.split(' ', 8).filter((x) => x.length > 0);
  const high = parseNumber(w[1]);
  const low = parseNumber(w[2]);
  if (w.length !== 4 || high === undefined || low === undefined) throw bad('LIST ACTIVE line', line);
  return { group: w[0]!, high, low, status: w[3]! };
}

/** One OVER line: tab-separated fields, the first the article number (0 for a message-id request). */
export function parseOverLine(line: string): OverviewEntry {
  const f = line.split('\t', MAX_FIELDS);
  const number = parseNumber(f[0]);
  if (number === undefined || f.length < 8) throw bad('overview line', line);
  return {
    number,
    subject: f[1]!,
    from: f[2]!,
    date: f[3]!,
    messageId: f[4]!,
    references: f[5]!,
    bytes: parseNumber(f[6]),
    lines: parseNumber(f[7]),
    extra: f.slice(8),
  };
}
