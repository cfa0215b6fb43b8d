/**
 * The server's `Keep-Alive: timeout=N` hint (RFC 9112 Appendix C.2.2,
 * the field HTTP/1.1 servers such as nginx and Apache still send): how long
 * an idle connection may live before the server closes it.
 *
 * @module
 */
import type { HeaderList } from './headers.js';

// A parameter named exactly `timeout` (at the start or after a comma) whose value is all digits
// (the first nine kept), SP/HTAB around: `\s` took NBSP, and unanchored "mytimeout=1" or
// "timeout=0x10" (read as 0) passed. Only ',' or the start can begin a match and the digit runs
// are bounded, so the cost is linear on any input.
const TIMEOUT = /(?:^|,)[ \t]*timeout[ \t]*=[ \t]*(\d{1,9})\d*[ \t]*(?:,|$)/i;

/**
 * The `timeout` of the response's Keep-Alive field in ms, or undefined when
 * there is none. The field is found by a scan of the raw list: asking the
 * list by name would build its lookup index for every response, which the
 * caller usually never needs.
 */
export function keepAliveTimeout(headers: HeaderList): number | undefined {
  const raw = headers.raw;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 10 || name.toLowerCase() !== 'keep-alive') continue;
    const m = TIMEOUT.exec(raw[i + 1]!);
    if (m) return Number(m[1]) * 1000;
  }
  return undefined;
}
