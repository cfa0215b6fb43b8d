/**
 * The server's `Keep-Alive: timeout=N` hint (RFC 9112 Appendix C.2.2,
 * the field HTTP/1.1 servers such as nginx and Apache still send): how long
 * an idle connection may live before the server closes it.
 *
 * @module
 */
import type { HeaderList } from './headers.js';

// Bounded digits and no nested quantifier: linear on any input.
const TIMEOUT = /timeout\s*=\s*(\d{1,9})/i;

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
