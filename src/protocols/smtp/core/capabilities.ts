/**
 * Sans-IO EHLO replies (RFC 5321 §4.1.1.1): the extension keywords a server
 * offers, parsed into a {@link SmtpCapabilities} object the client consults
 * (STARTTLS, AUTH, SIZE, 8BITMIME, SMTPUTF8, PIPELINING…).
 *
 * @module
 */

/** What a server said it supports, from its EHLO reply (empty after a HELO fallback). */
export interface SmtpCapabilities {
  /** The server's name: the first word of the EHLO reply. */
  domain: string;
  /** True when EHLO worked; false after falling back to HELO (no extensions then). */
  esmtp: boolean;
  /** Every keyword (upper case) with its parameters, as offered. */
  keywords: ReadonlyMap<string, readonly string[]>;
  /** RFC 3207 STARTTLS. */
  startTls: boolean;
  /** RFC 4954 AUTH mechanisms, upper case, in the server's order. */
  auth: readonly string[];
  /** RFC 1870 SIZE: the largest message accepted in bytes, 0 when the server declares no fixed limit; undefined when SIZE is not offered. */
  size: number | undefined;
  /** RFC 6152 8BITMIME. */
  eightBitMime: boolean;
  /** RFC 6531 SMTPUTF8. */
  smtpUtf8: boolean;
  /** RFC 2920 PIPELINING. */
  pipelining: boolean;
  /** RFC 2034 ENHANCEDSTATUSCODES. */
  enhancedStatusCodes: boolean;
}

/** The capabilities of a server that only answered HELO. */
export function heloCapabilities(domain: string): SmtpCapabilities {
  return { domain, esmtp: false, keywords: new Map(), startTls: false, auth: [], size: undefined, eightBitMime: false, smtpUtf8: false, pipelining: false, enhancedStatusCodes: false };
}

/** RFC 5321 ehlo-keyword: a letter or digit, then letters, digits and '-'. */
function isKeyword(s: string): boolean {
  if (s.length === 0 || s.length > 64) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (!alnum && !(c === 45 && i > 0)) return false;
  }
  return true;
}

/** Splits on runs of spaces and tabs without a regex. */
function words(line: string): string[] {
  const out: string[] = [];
  let start = -1;
  for (let i = 0; i <= line.length; i++) {
    const c = i < line.length ? line.charCodeAt(i) : 32;
    const blank = c === 32 || c === 9;
    if (!blank && start < 0) start = i;
    else if (blank && start >= 0) {
      out.push(line.slice(start, i));
      start = -1;
    }
  }
  return out;
}

/**
 * Parses the lines of a 250 EHLO reply (the `250-`/`250 ` prefixes already
 * removed, as {@link Reply.lines} holds them). Lines whose keyword is not
 * well formed are ignored; the old `AUTH=PLAIN LOGIN` form some servers
 * still send is read as AUTH. A SIZE parameter that is not a number counts
 * as "no fixed limit".
 */
export function parseEhlo(lines: readonly string[]): SmtpCapabilities {
  const domain = words(lines[0] ?? '')[0] ?? '';
  const keywords = new Map<string, string[]>();
  for (const line of lines.slice(1)) {
    let [kw, ...params] = words(line);
    if (kw === undefined) continue;
    const eq = kw.indexOf('=');
    if (eq > 0 && kw.slice(0, eq).toUpperCase() === 'AUTH') {
      params = [kw.slice(eq + 1), ...params].filter((p) => p !== '');
      kw = 'AUTH';
    }
    if (!isKeyword(kw)) continue;
    const key = kw.toUpperCase();
    const prev = keywords.get(key);
    // Appended in place: copying the list for each repeated line made a hostile reply quadratic.
    if (prev) for (const p of params) prev.push(p);
    else keywords.set(key, params);
  }
  const auth = [...new Set((keywords.get('AUTH') ?? []).map((m) => m.toUpperCase()))];
  const sizeParam = keywords.get('SIZE')?.[0];
  const n = sizeParam !== undefined && /^\d{1,15}$/.test(sizeParam) ? Number(sizeParam) : 0;
  return {
    domain,
    esmtp: true,
    keywords,
    startTls: keywords.has('STARTTLS'),
    auth,
    size: keywords.has('SIZE') ? n : undefined,
    eightBitMime: keywords.has('8BITMIME'),
    smtpUtf8: keywords.has('SMTPUTF8'),
    pipelining: keywords.has('PIPELINING'),
    enhancedStatusCodes: keywords.has('ENHANCEDSTATUSCODES'),
  };
}
