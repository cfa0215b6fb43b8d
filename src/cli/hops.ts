/**
 * The hops of a response — the answers before the final one when redirects
 * were followed (-L) or a Digest challenge was answered (-u) — as far as dial
 * reports them: every hop's head, which curl prints with -i, -I and -D, the
 * final body's trailers, which it prints after the body, and the bytes of
 * every request head sent, for -w's %{size_request}.
 *
 * @module
 */
import type { UrlResponse } from '../urlopen/response.js';
import { UrlHeaders } from '../urlopen/headers.js';
import { resolveProxy } from '../protocols/http/proxy-route.js';
import { formatHead } from './head.js';

/** The HTTP client's raw response, as much as this file reads of it (structural: other schemes have none). */
interface RawHttpFacts {
  history?: ReadonlyArray<{ httpVersion: string; status: number; statusText: string; headers: unknown }>;
  requestBytes?: number;
  trailerLines?: readonly string[];
}

/** Bytes of request heads sent (every hop), or 0 for a protocol without heads. */
export function requestBytes(res: UrlResponse): number {
  const n = (res.raw as RawHttpFacts | undefined)?.requestBytes;
  return typeof n === 'number' ? n : 0;
}

/** The heads of the responses before the final one, each ending with its blank line. */
function historyHeads(res: UrlResponse): string {
  const history = (res.raw as RawHttpFacts | undefined)?.history;
  if (!Array.isArray(history)) return '';
  return history
    .map((h) => formatHead({ status: h.status, statusText: h.statusText, protocol: `http/${h.httpVersion}`, headers: new UrlHeaders(), raw: h }))
    .join('');
}

/** Every head of the response, the hops' first, as -i, -I and -D print them. */
export function allHeads(res: UrlResponse): string {
  return historyHeads(res) + formatHead(res);
}

/**
 * After the body: a chunked body's trailer lines to -D's file and, with -i,
 * to the output — each as received, ending CRLF, as curl shows them (and, as
 * curl's, not counted in %{size_header}).
 */
export async function showTrailers(res: UrlResponse, include: boolean, dump: ((text: string) => void) | undefined, sink: { write(chunk: Uint8Array, meta?: boolean): Promise<void> }): Promise<void> {
  const lines = (res.raw as RawHttpFacts | undefined)?.trailerLines;
  if (!Array.isArray(lines) || lines.length === 0) return;
  const text = lines.map((l) => `${l}\r\n`).join('');
  dump?.(text);
  if (include) await sink.write(Buffer.from(text, 'latin1'), true);
}

/**
 * Whether an http(s) transfer to `target` is tunnelled through a proxy (CONNECT, or SOCKS), so a
 * proxy's answer may come before the response's head (curl shows it with -i, -I and -D). A proxy
 * setting the library will refuse counts as none: the transfer's own error says why.
 */
export function tunnelled(target: string, options: Parameters<typeof resolveProxy>[1]): boolean {
  if (!/^https?:/i.test(target)) return false;
  try {
    return resolveProxy(new URL(target), options).proxy !== undefined;
  } catch {
    return false;
  }
}
