import { timerMs } from '../../util/guard.js';
import { InputError } from '../../errors.js';
import { frameChunk, lastChunk } from './core/request.js';
import type { Entry } from './exchange.js';
import { chunksOf, releaseBody } from './request-body.js';
import { traceHead } from './trace-lines.js';

/** Bodies up to this size leave in the same write as the head (and chunks up to it in one framed write). */
export const CHUNK_COALESCE = 16 * 1024;

/** What the sender needs from its connection. */
export interface SendTarget {
  /** Writes `data`; resolves once the transport has it. */
  output(data: Uint8Array): Promise<void>;
  /** True once the connection is closed or the exchange is over (an early final response): stop sending. */
  stopped(entry: Entry): boolean;
  /** The body will not be sent after all (a final answer instead of 100 Continue): the connection is not reusable. */
  noReuse(): void;
}

/** True when head and body go out in one write with nothing to wait for in between. */
export function sendsInOneWrite(entry: Entry): boolean {
  const { x } = entry;
  const b = x.body;
  return b.kind === 'none' || (b.kind === 'bytes' && !x.expectContinue && b.data.length <= CHUNK_COALESCE);
}

/**
 * Sends one request through `t`, waiting for the transport at each step:
 * head, 100 Continue when asked, then the body (bytes, or a stream framed
 * by its declared length or chunked). Throws what the transport threw, or
 * InputError for a stream body that does not match its declared length.
 */
export async function sendRequest(t: SendTarget, entry: Entry): Promise<void> {
  const { x } = entry;
  traceHead(x.trace, entry.head);
  const body = x.body;
  const total = body.kind === 'bytes' ? body.data.length : body.kind === 'stream' ? body.length : 0;
  let sent = 0;
  const progress = (n: number) => {
    sent += n;
    x.onUploadProgress?.({ direction: 'upload', transferred: sent, total });
  };
  if (sendsInOneWrite(entry)) {
    // Everything goes in one write; once handed over, the request is complete as far as framing goes.
    entry.sendDone = true;
    const data = body.kind === 'bytes' && body.data.length ? body.data : undefined;
    await t.output(data ? Buffer.concat([entry.head, data]) : entry.head);
    if (data) progress(data.length);
    return;
  }
  await t.output(entry.head);
  if (x.expectContinue) await awaitContinue(entry);
  if (entry.skipBody || t.stopped(entry)) {
    t.noReuse();
    // Never to be read (a final answer came instead of 100 Continue): a file stream would keep its descriptor.
    if (body.kind === 'stream') releaseBody(body.source);
  } else if (body.kind === 'bytes') {
    await t.output(body.data);
    progress(body.data.length);
  } else if (body.kind === 'stream') {
    await sendStream(t, entry, body.source, body.length, progress);
  }
  entry.sendDone = true;
}

async function sendStream(t: SendTarget, entry: Entry, source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, length: number | undefined, progress: (n: number) => void): Promise<void> {
  let n = 0;
  for await (const chunk of chunksOf(source)) {
    if (t.stopped(entry)) return;
    if (chunk.length === 0) continue;
    n += chunk.length;
    if (length !== undefined) {
      if (n > length) throw new InputError(`request body is longer than its declared length ${length}`, { protocol: 'http', phase: 'send' });
      await t.output(chunk);
    } else if (chunk.length <= CHUNK_COALESCE) {
      await t.output(Buffer.concat(frameChunk(chunk)));
    } else {
      for (const part of frameChunk(chunk)) await t.output(part);
    }
    progress(chunk.length);
  }
  if (length !== undefined && n !== length)
    throw new InputError(`request body ended after ${n} of its declared ${length} bytes`, { protocol: 'http', phase: 'send' });
  if (length === undefined) await t.output(lastChunk());
}

/** Waits for 100 Continue (the connection calls `entry.gate`) or `continueTimeout`, whichever comes first. */
function awaitContinue(entry: Entry): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(() => {
      entry.gate = undefined;
      resolve();
    }, timerMs(entry.x.continueTimeout ?? 1000));
    entry.gate = () => {
      clearTimeout(t);
      entry.gate = undefined;
      resolve();
    };
  });
}
