/**
 * Prints the library's trace events for `-v` in curl's shape (`* ` did,
 * `> ` sent, `< ` received) and writes them as JSON lines for
 * `--trace-json`. Credentials are masked in both.
 *
 * @module
 */
import type { TraceEvent, Tracer } from '../trace.js';

/** Same masking as the library's, kept here so `-v` loads nothing but this file; also hides URL user info. */
export function maskLine(line: string): string {
  const m = /^(PASS|ACCT|AUTH PLAIN|AUTH LOGIN|APOP \S+)\s+/i.exec(line);
  if (m) return `${m[0]}****`;
  const h = /^((?:proxy-)?authorization):\s*(\S+)\s*/i.exec(line);
  if (h) return `${h[1]}: ${h[2]} ****`;
  return maskUserinfo(line);
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\f' || c === '\v';
const isSchemeChar = (c: string | undefined): boolean => c !== undefined && /^[a-z0-9+.-]$/i.test(c);

/**
 * `scheme://user:password@` → `scheme://user:****@`, in one pass: a pattern
 * for it tried every dotted word of a hostile line as a scheme start and
 * scanned on from each (quadratic). Each scan here stops at the next `:` or
 * `/`, so none crosses the next `://`.
 */
function maskUserinfo(line: string): string {
  let out = '';
  let copied = 0;
  for (let at = line.indexOf('://'); at >= 0; at = line.indexOf('://', at + 3)) {
    if (!isSchemeChar(line[at - 1])) continue;
    let i = at + 3;
    while (i < line.length && line[i] !== ':' && line[i] !== '/' && line[i] !== '@' && !isSpace(line[i])) i++;
    if (line[i] !== ':') continue;
    let j = i + 1;
    while (j < line.length && line[j] !== '@' && line[j] !== '/' && !isSpace(line[j])) j++;
    if (line[j] !== '@') continue;
    out += line.slice(copied, i + 1) + '****';
    copied = j;
  }
  return copied === 0 ? line : out + line.slice(copied);
}

/**
 * One `-v` line for an event, without its newline. Data summaries (a `<` or
 * `>` event that counts bytes, whatever its text) print as curl's
 * `{ [N bytes data]` (received) and `} [N bytes data]` (sent).
 */
export function formatTraceEvent(ev: TraceEvent): string {
  if (ev.bytes !== undefined && ev.kind !== '*') return `${ev.kind === '>' ? '}' : '{'} [${ev.bytes} bytes data]`;
  return `${ev.kind} ${maskLine(ev.text)}`;
}

/**
 * One JSON line for `--trace-json`: time since the run began (s), kind, text
 * (masked), protocol, bytes, and a structured event's name and facts (a
 * redirect URL's password masked).
 */
export function formatTraceJson(ev: TraceEvent, elapsedMs: number): string {
  const rec: Record<string, unknown> = { t: Number((elapsedMs / 1000).toFixed(6)), kind: ev.kind, text: maskLine(ev.text) };
  if (ev.protocol !== undefined) rec.protocol = ev.protocol;
  if (ev.bytes !== undefined) rec.bytes = ev.bytes;
  if (ev.event !== undefined) rec.event = ev.event;
  if (ev.data !== undefined) rec.data = ev.data.url === undefined ? ev.data : { ...ev.data, url: maskLine(ev.data.url) };
  return JSON.stringify(rec);
}

/** Where trace output goes. */
export interface TraceSinks {
  /** `-v`: lines for stderr. */
  text?: ((line: string) => void) | undefined;
  /** `--trace-json`: lines for the trace file. */
  json?: ((line: string) => void) | undefined;
  /** A label printed before text lines when several transfers run at once. */
  prefix?: string | undefined;
  /** The clock origin for JSON times (performance.now() at start). */
  start?: number | undefined;
}

/** A Tracer feeding the sinks, or undefined when neither is wanted (so the library traces nothing). */
export function createTracer(sinks: TraceSinks): Tracer | undefined {
  const { text, json } = sinks;
  if (!text && !json) return undefined;
  const start = sinks.start ?? performance.now();
  const prefix = sinks.prefix ?? '';
  return (ev) => {
    try {
      if (text) text(prefix + formatTraceEvent(ev));
      if (json) json(formatTraceJson(ev, performance.now() - start));
    } catch {
      // A tracer must never throw into the protocol client.
    }
  };
}
