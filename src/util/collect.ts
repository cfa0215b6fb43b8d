import { LimitError } from '../errors.js';

/** What `bytes()` holds at most when the caller names no bound: a hostile or huge body is an error, not an out-of-memory crash. */
export const DEFAULT_COLLECT_LIMIT = 256 * 1024 * 1024;

/**
 * Reads every chunk of `source` into one Buffer (the chunk itself when there
 * is only one). Past `maxBytes`, `stop()` releases the source (cancels the
 * body, or reads it to its end so its session can go on) and the result is a
 * LimitError naming the bound: memory stays bounded whatever the peer sends.
 */
export async function collectBody(source: AsyncIterable<Uint8Array>, maxBytes: number, stop: () => unknown, protocol?: string): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let n = 0;
  for await (const chunk of source) {
    n += chunk.length;
    if (n > maxBytes) {
      await stop();
      throw new LimitError(`the body exceeded ${maxBytes} bytes`, { limit: maxBytes, phase: 'body', ...(protocol ? { protocol } : {}) });
    }
    parts.push(chunk);
  }
  const only = parts.length === 1 ? parts[0]! : undefined;
  return only && Buffer.isBuffer(only) ? only : Buffer.concat(parts, n);
}
