import { BodyStream } from './body-stream.js';
import { decodeBody, parseContentEncoding, type DecodeLimits } from './decode.js';
import type { ExchangeResponse } from './connection.js';

/**
 * The codings to undo on a response body, in the order the server applied
 * them: content codings (only when the caller asked to decompress), then
 * transfer codings other than chunked (always: they are framing, not content).
 * Empty when the response has no body.
 */
export function codingsToUndo(r: ExchangeResponse, method: string, decompress: boolean): string[] {
  if (r.status === 204 || r.status === 304 || r.contentLength === 0 || method === 'HEAD') return [];
  // Without decompress the header is not looked at (a lookup builds the response's header index).
  if (!decompress) return r.transferCodings;
  const content = parseContentEncoding(r.headers.get('content-encoding')).filter((c) => c !== 'identity');
  return [...content, ...r.transferCodings];
}

/**
 * A BodyStream of the decoded bytes of `body`. Pull-driven: the decoder reads
 * the raw body only as fast as the consumer reads this one, so back-pressure
 * reaches the socket; cancelling this body cancels the raw one.
 */
export function decodedBody(body: BodyStream, codings: string[], limits?: DecodeLimits): BodyStream {
  const out = new BodyStream();
  let iter: AsyncIterator<Buffer> | undefined;
  let waiting: (() => void) | undefined;
  let paused = false;
  let stopped = false;
  out.attach({
    resume: () => {
      paused = false;
      const w = waiting;
      waiting = undefined;
      w?.();
    },
    cancel: () => {
      stopped = true;
      body.cancel();
      void iter?.return?.().catch(() => {});
      const w = waiting;
      waiting = undefined;
      w?.();
    },
  });
  void (async () => {
    try {
      iter = decodeBody(body, codings, limits)[Symbol.asyncIterator]();
      for (;;) {
        if (paused) await new Promise<void>((r) => (waiting = r));
        if (stopped) return;
        const r = await iter.next();
        if (stopped) return;
        if (r.done) break;
        if (!out.push(r.value)) paused = true;
      }
      out.end();
    } catch (err) {
      body.cancel();
      out.fail(err as Error);
    }
  })();
  return out;
}
