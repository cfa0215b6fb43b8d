/**
 * A response body into its sink, less the bytes a resume already holds (a
 * retry the server answered in full): each chunk as it comes, with a report
 * after each write for the byte count and the meter. A sink that takes bytes
 * as they arrive (a file, /dev/null, a pipe) is fed straight from the
 * response (UrlResponse.consume), with no promise or copy per chunk unless
 * the destination is full.
 *
 * @module
 */
import type { UrlResponse } from '../urlopen/response.js';
import { CliExit, EXIT } from './exit-codes.js';
import type { Sink } from './output.js';

/**
 * Writes the body of `res` to `sink` after dropping its first `skip` bytes;
 * `wrote(n)` follows every write. A body shorter than `skip` is exit 18.
 */
export async function copyBody(res: UrlResponse, sink: Sink, skip: number, wrote: (n: number) => void): Promise<void> {
  /** The part of `chunk` past what the resume already has. */
  const fresh = (chunk: Uint8Array): Uint8Array => {
    if (skip === 0) return chunk;
    const drop = Math.min(skip, chunk.length);
    skip -= drop;
    return chunk.subarray(drop);
  };
  const now = sink.writeNow;
  if (now) {
    await res.consume((chunk) => {
      const c = fresh(chunk);
      if (c.length === 0) return;
      const waiting = now.call(sink, c);
      // Reported once the bytes are out: a pipe may take them only later.
      if (waiting) return waiting.then(() => wrote(c.length));
      wrote(c.length);
      return undefined;
    });
  } else {
    for await (const chunk of res.body) {
      const c = fresh(chunk);
      if (c.length === 0) continue;
      await sink.write(c);
      wrote(c.length);
    }
  }
  if (skip > 0) throw new CliExit(EXIT.PARTIAL_FILE, 'the server sent less than was already received');
}
