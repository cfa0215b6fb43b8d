/**
 * curl's `-w/--write-out` format: `%{variable}`, `%header{name}`, `%%`, and
 * the escapes `\n \r \t` (any other backslash pair, `\\` too, is kept as
 * written, as curl does); `%{stderr}` and `%{stdout}` switch where the
 * rest goes, and `%{onerror}` drops the rest unless the transfer failed.
 *
 * @module
 */
import type { ClockFacts } from './timing.js';

/** What one finished transfer reports; numbers are printed as curl does. The timing and connection facts are the clock's. */
export interface WriteOutVars extends ClockFacts {
  http_code: number;
  response_code: number;
  http_version: string;
  size_download: number;
  size_upload: number;
  size_header: number;
  size_request: number;
  /** Seconds from the transfer's start (see src/cli/timing.ts for the steps). */
  time_total: number;
  /** When the response head arrived. */
  time_starttransfer: number;
  speed_download: number;
  speed_upload: number;
  url: string;
  url_effective: string;
  redirect_url: string;
  num_redirects: number;
  num_headers: number;
  content_type: string;
  exitcode: number;
  errormsg: string;
  filename_effective: string;
  method: string;
  scheme: string;
  /** The index of the command-line URL this transfer came from, from 0 (a glob's URLs share theirs). */
  urlnum: number;
  /** The Referer header sent (-e), or ''. */
  referer: string;
  /** Response headers, for `%header{name}` and `%{header_json}`. */
  headers: Array<[string, string]>;
}

/** A piece of the rendered text and where it goes. */
export interface WriteOutSegment {
  stream: 'stdout' | 'stderr';
  text: string;
}

const TIME_VARS = new Set(['time_total', 'time_namelookup', 'time_connect', 'time_appconnect', 'time_pretransfer', 'time_starttransfer', 'time_redirect']);

const NULL_WHEN_EMPTY = new Set(['content_type', 'errormsg', 'redirect_url', 'referer']);

function render(name: string, v: WriteOutVars): string | undefined {
  if (name === 'json') {
    const { headers: _h, ...rest } = v;
    // curl writes null for a string it does not have (jq's '.errormsg // "none"' and
    // 'select(.errormsg)' rely on it; "" is true to jq), times to the microsecond, speeds whole.
    return JSON.stringify(rest, (k, val: unknown) => {
      if (val === '' && NULL_WHEN_EMPTY.has(k)) return null;
      if (typeof val !== 'number') return val;
      if (TIME_VARS.has(k)) return Math.round(val * 1e6) / 1e6;
      return k.startsWith('speed_') ? Math.round(val) : val;
    });
  }
  if (name === 'header_json') {
    const obj: Record<string, string[]> = {};
    for (const [k, val] of v.headers) (obj[k.toLowerCase()] ??= []).push(val);
    // curl puts each header on a line of its own.
    const entries = Object.entries(obj).map(([k, vals]) => `${JSON.stringify(k)}:${JSON.stringify(vals)}`);
    return entries.length ? `{${entries.join(',\n')}\n}` : '{}';
  }
  // Own properties only: 'constructor' or 'toString' are names in every object, not variables.
  if (!Object.hasOwn(v, name) || name === 'headers') return undefined;
  const val = (v as unknown as Record<string, unknown>)[name];
  if (val === undefined) return '';
  // curl prints status codes as three digits (000 when there was none).
  if (name === 'http_code' || name === 'response_code') return String(val).padStart(3, '0');
  if (TIME_VARS.has(name)) return (val as number).toFixed(6);
  if (name.startsWith('speed_')) return String(Math.round(val as number));
  return String(val);
}

/**
 * Renders a write-out template. Unknown variables print a warning on stderr
 * as curl does and expand to nothing.
 */
export function formatWriteOut(template: string, vars: WriteOutVars): WriteOutSegment[] {
  const out: WriteOutSegment[] = [];
  let stream: 'stdout' | 'stderr' = 'stdout';
  let buf = '';
  const flush = (): void => {
    if (buf) out.push({ stream, text: buf });
    buf = '';
  };
  // Where the next '}' is (-1: none left). A variable needs one, so without it no '%' is tried:
  // '%header{' scans to the next '}', and a long template of them would be scanned once each.
  let close = template.indexOf('}');
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c === '\\' && i + 1 < template.length) {
      const n = template[i + 1]!;
      // The pair is taken whole, as curl: in '\\n' the second backslash does not start an escape.
      buf += { n: '\n', r: '\r', t: '\t' }[n] ?? c + n;
      i++;
      continue;
    }
    if (c === '%' && i + 1 < template.length) {
      const n = template[i + 1]!;
      if (n === '%') {
        buf += '%';
        i++;
        continue;
      }
      const header = template.startsWith('header{', i + 1);
      if (n !== '{' && !header) {
        // curl prints the pair as it is and goes on after it: in '%\n' the backslash starts no escape.
        buf += c + n;
        i++;
        continue;
      }
      const open = header ? 8 : 2;
      if (close >= 0 && close < i) close = template.indexOf('}', i);
      if (close < 0) {
        buf += template.slice(i, i + open);
        i += open - 1;
        continue;
      }
      // As curl, the name is everything up to the next '}', whatever it holds.
      const name = template.slice(i + open, close);
      i = close;
      if (header) {
        const want = name.toLowerCase();
        // The first field of that name only, as curl: joined, Set-Cookie values (whose Expires has a comma) could not be told apart.
        // curl looks up no name of 256 bytes or more (its buffer for one).
        if (name.length < 256) buf += vars.headers.find(([k]) => k.toLowerCase() === want)?.[1] ?? '';
        continue;
      }
      if (name === 'stderr' || name === 'stdout') {
        flush();
        stream = name;
        continue;
      }
      // curl: what follows is written only when the transfer failed.
      if (name === 'onerror') {
        if (vars.exitcode === 0) break;
        continue;
      }
      const r = render(name, vars);
      if (r === undefined) {
        flush();
        out.push({ stream: 'stderr', text: `dial: unknown --write-out variable: '${name}'\n` });
      } else buf += r;
      continue;
    }
    buf += c;
  }
  flush();
  return out;
}
