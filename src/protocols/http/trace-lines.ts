import { maskSecrets, type Tracer } from '../../trace.js';
import type { HeaderList } from './core/headers.js';


/** Emits each line of a request head as a `>` event, credentials masked. */
export function traceHead(trace: Tracer | undefined, head: Buffer): void {
  if (!trace) return;
  const lines = head.toString('latin1').split('\r\n');
  for (const line of lines) if (line) trace({ kind: '>', text: maskSecrets(line), protocol: 'http' });
}

/**
 * Emits a response's status line and fields as `<` events: with `raw` (the
 * head as received) each of its lines as it came — a fold its own line,
 * spaces kept, as curl -v shows them; else lines made from the parsed head.
 */
export function traceResponse(trace: Tracer | undefined, status: number, reason: string, version: string, headers: HeaderList, raw?: string): void {
  if (!trace) return;
  if (raw) {
    // Every line but the blank one that ends the head; a CR is only ever part of a CRLF here (the parser refuses a bare one).
    for (const line of raw.split(/\r?\n/)) if (line) trace({ kind: '<', text: line, protocol: 'http' });
    return;
  }
  trace({ kind: '<', text: `HTTP/${version} ${status}${reason ? ' ' + reason : ''}`, protocol: 'http' });
  for (const [k, v] of headers) trace({ kind: '<', text: `${k}: ${v}`, protocol: 'http' });
}
