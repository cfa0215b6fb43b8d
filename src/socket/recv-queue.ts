/**
 * The bytes a stream Socket (socket.ts) has received and nobody has read yet.
 *
 * node:net hands over chunks of whatever size the kernel read; a caller asks
 * for "up to n bytes". The queue keeps the chunks as they came (no copy on
 * arrival) and cuts or joins them only when they are taken. It holds no
 * bound of its own: the Socket stops reading from the kernel once `length`
 * passes its high-water mark.
 *
 * @module
 */

const EMPTY = Buffer.alloc(0);

/** Received chunks in arrival order, taken from the front in pieces of any size. */
export class RecvQueue {
  #chunks: Buffer[] = [];
  #length = 0;

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Adds a chunk at the back; the queue keeps it by reference. */
  push(chunk: Buffer): void {
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Puts `chunks` back at the front, in order: bytes taken by a read that then failed. */
  unshift(chunks: readonly Buffer[]): void {
    let n = 0;
    for (const c of chunks) n += c.length;
    if (n === 0) return;
    this.#chunks.unshift(...chunks.filter((c) => c.length > 0));
    this.#length += n;
  }

  /** Removes and returns 1..`max` bytes from the front. The queue must not be empty. */
  take(max: number): Buffer {
    return this.#front(max, true);
  }

  /** Returns 1..`max` bytes from the front without removing them. The queue must not be empty. */
  peek(max: number): Buffer {
    return this.#front(max, false);
  }

  /** Removes and returns everything held, as one buffer (empty when nothing is). */
  takeAll(): Buffer {
    const all = this.#chunks.length === 1 ? this.#chunks[0]! : this.#chunks.length === 0 ? EMPTY : Buffer.concat(this.#chunks, this.#length);
    this.clear();
    return all;
  }

  /** Drops everything held. */
  clear(): void {
    this.#chunks = [];
    this.#length = 0;
  }

  #front(max: number, consume: boolean): Buffer {
    const chunks = this.#chunks;
    const first = chunks[0]!;
    let out: Buffer;
    if (first.length >= max) {
      out = first.subarray(0, max);
      if (consume) {
        if (first.length === max) chunks.shift();
        else chunks[0] = first.subarray(max);
      }
    } else {
      // Coalesce small chunks so a recv(64 KiB) after many tiny segments is one call, not many.
      let n = 0;
      let i = 0;
      while (i < chunks.length && n + chunks[i]!.length <= max) n += chunks[i++]!.length;
      out = i === 1 ? first : Buffer.concat(chunks.slice(0, i), n);
      if (consume) chunks.splice(0, i);
    }
    if (consume) this.#length -= out.length;
    return out;
  }
}
