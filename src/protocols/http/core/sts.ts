/**
 * The Strict-Transport-Security response header (RFC 6797 §6.1), read
 * without a regular expression: `directive *( ";" directive )`, each
 * `name [= token | quoted-string]`, names case-insensitive.
 *
 * A header the RFC says to ignore reads as undefined: one without max-age,
 * one naming a directive twice, or one that breaks the grammar (§6.1: "UAs
 * MUST ignore any STS header field … that does not conform"). Directives
 * this version does not know are skipped, as §6.1 asks.
 *
 * @module
 */
import { isToken } from './headers.js';

/** What one Strict-Transport-Security header says. */
export interface StsPolicy {
  /** Seconds the host stays a known HSTS host; 0 forgets it (§6.1.1). */
  maxAge: number;
  /** The policy covers the host's subdomains too (§6.1.2). */
  includeSubDomains: boolean;
}

/** A max-age past this many seconds (about 31,700 years) is read as this: a bound, not a wrong date. */
const MAX_AGE_CAP = 1e12;

/** Where a token that starts at `i` ends: at OWS, ';', '=' or '"' (isToken then judges what is between). */
function tokenEnd(value: string, i: number): number {
  for (; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x3b || c === 0x3d || c === 0x22) break;
  }
  return i;
}

/** Parses one header value; undefined when the header must be ignored. */
export function parseStrictTransportSecurity(value: string): StsPolicy | undefined {
  const seen = new Set<string>();
  let maxAge: number | undefined;
  let includeSubDomains = false;
  let i = 0;
  const n = value.length;
  const ows = (): void => {
    while (i < n && (value.charCodeAt(i) === 0x20 || value.charCodeAt(i) === 0x09)) i++;
  };
  for (;;) {
    ows();
    // An empty directive (";;" or a trailing ";") is allowed by the grammar's [ directive ].
    if (i < n && value.charCodeAt(i) !== 0x3b) {
      const start = i;
      i = tokenEnd(value, i);
      const name = value.slice(start, i).toLowerCase();
      if (!isToken(name)) return undefined;
      if (seen.has(name)) return undefined;
      seen.add(name);
      ows();
      let arg: string | undefined;
      if (i < n && value.charCodeAt(i) === 0x3d) {
        i++;
        ows();
        if (value.charCodeAt(i) === 0x22) {
          // quoted-string: a backslash quotes the next character.
          let out = '';
          i++;
          for (;;) {
            if (i >= n) return undefined;
            const c = value.charCodeAt(i++);
            if (c === 0x22) break;
            out += c === 0x5c && i < n ? value[i++] : String.fromCharCode(c);
          }
          arg = out;
        } else {
          const v0 = i;
          i = tokenEnd(value, i);
          arg = value.slice(v0, i);
          if (!isToken(arg)) return undefined;
        }
        ows();
      }
      if (name === 'max-age') {
        if (arg === undefined || arg.length === 0 || !isDigits(arg)) return undefined;
        // Leading zeros say nothing (delta-seconds is 1*DIGIT): only the significant digits are measured against the cap.
        let z = 0;
        while (z < arg.length - 1 && arg.charCodeAt(z) === 0x30) z++;
        const digits = arg.slice(z);
        maxAge = digits.length > 12 ? MAX_AGE_CAP : Math.min(Number(digits), MAX_AGE_CAP);
      } else if (name === 'includesubdomains') {
        includeSubDomains = true;
      }
    }
    if (i >= n) break;
    if (value.charCodeAt(i) !== 0x3b) return undefined;
    i++;
  }
  return maxAge === undefined ? undefined : { maxAge, includeSubDomains };
}

function isDigits(s: string): boolean {
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}
