/**
 * A response body into its sink, less the bytes a resume already holds (a
 * retry the server answered in full): each chunk as it comes, with a report
 * after each write for the byte count and the meter. Every body goes through
 * UrlResponse.consume: a sink that takes bytes as they arrive (a file,
 * /dev/null, a pipe) with no promise or copy per chunk unless the destination
 * is full, any other sink a copy per chunk and its write's promise.
 *
 * @module
 */
import type { UrlResponse } from '../urlopen/response.js';
import { CliExit, EXIT } from './exit-codes.js';
import type { Sink } from './output.js';
import { wait, type Pace } from './rate-limit.js';

/**
 * Writes the body of `res` to `sink` after dropping its first `skip` bytes;
 * `wrote(n)` follows every write, `seen` (--trace) is shown every chunk as
 * it came. A body shorter than `skip` is exit 18. Resolves with the bytes of
 * the body read, the skipped ones included.
 */
export async function copyBody(
  res: UrlResponse,
  sink: Sink,
  skip: number,
  wrote: (n: number) => void,
  pace?: { pace: Pace; signal: AbortSignal },
  seen?: (chunk: Uint8Array) => void,
): Promise<number> {
  /** The part of `chunk` past what the resume already has. */
  const fresh = (chunk: Uint8Array): Uint8Array => {
    if (skip === 0) return chunk;
    const drop = Math.min(skip, chunk.length);
    skip -= drop;
    return chunk.subarray(drop);
  };
  // Straight from the response (for HTTP, a view of the connection's read buffer,
  // valid during the call); a sink that keeps what it is given (a stream) gets a copy.
  const read = await res.consume((chunk) => {
    seen?.(chunk);
    const c = fresh(chunk);
    if (c.length === 0) return undefined;
    const waiting = sink.writeNow ? sink.writeNow(c) : sink.write(Buffer.from(c));
    // --limit-rate: reading pauses until the bytes so far are on schedule.
    const ms = pace ? pace.pace.after(c.length) : 0;
    // Reported once the bytes are out: a pipe or stream may take them only later.
    if (waiting) return waiting.then(() => (wrote(c.length), ms > 0 ? wait(ms, pace!.signal) : undefined));
    wrote(c.length);
    return ms > 0 ? wait(ms, pace!.signal) : undefined;
  });
  if (skip > 0) throw new CliExit(EXIT.PARTIAL_FILE, 'the server sent less than was already received');
  return read;
}
