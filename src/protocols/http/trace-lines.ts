import { maskSecrets, type Tracer } from '../../trace.js';
import type { HeaderList } from './core/headers.js';


/** Emits each line of a request head as a `>` event, credentials masked. */
export function traceHead(trace: Tracer | undefined, head: Buffer): void {
  if (!trace) return;
  const lines = head.toString('latin1').split('\r\n');
  for (const line of lines) if (line) trace({ kind: '>', text: maskSecrets(line), protocol: 'http' });
}

/** Emits a response's status line and fields as `<` events. */
export function traceResponse(trace: Tracer | undefined, status: number, reason: string, version: string, headers: HeaderList): void {
  if (!trace) return;
  trace({ kind: '<', text: `HTTP/${version} ${status}${reason ? ' ' + reason : ''}`, protocol: 'http' });
  for (const [k, v] of headers) trace({ kind: '<', text: `${k}: ${v}`, protocol: 'http' });
}
