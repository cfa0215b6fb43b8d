/**
 * Small helpers shared by the line-layer tests: byte/text conversion, cutting
 * a transcript at chosen offsets, and a scripted ByteStream for the cases an
 * in-memory pair cannot stage (TLS upgrade, a stream that counts its reads).
 */
import type { ByteStream, ShutdownHow } from '../../src/socket/types.js';
import type { LineSplitter } from '../../src/line/reader.js';
import type { WaitOptions } from '../../src/util/guard.js';
import { guard } from '../../src/util/guard.js';

export const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');
export const latin = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');

/** Cuts `buf` at the given offsets (taken modulo its length, deduplicated), keeping every byte in order. */
export function cutAt(buf: Buffer, cuts: readonly number[]): Buffer[] {
  if (buf.length === 0) return [buf];
  const at = [...new Set(cuts.map((c) => c % buf.length))].filter((c) => c > 0).sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const c of at) {
    out.push(buf.subarray(prev, c));
    prev = c;
  }
  out.push(buf.subarray(prev));
  return out;
}

/** Every line the splitter can give now. */
export function drain(s: LineSplitter): Buffer[] {
  const out: Buffer[] = [];
  // Bounded by the bytes held: each line consumes at least its ending.
  for (let i = 0, l = s.next(); l !== undefined && i < 1_000_000; i++, l = s.next()) out.push(l);
  return out;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * A ByteStream whose incoming bytes the test queues by hand and which records
 * what was sent, how each recv was sized, and whether startTLS/close ran. It
 * can also fail its upgrade, to test how the client handles that.
 */
export class ScriptedStream implements ByteStream {
  readonly sent: Buffer[] = [];
  readonly recvSizes: number[] = [];
  received = 0;
  closed = false;
  upgrades: unknown[] = [];
  upgradeError: Error | undefined;
  #queue: Buffer[] = [];
  #eof = false;
  #waiter: (() => void) | undefined;

  get sentText(): string {
    return Buffer.concat(this.sent).toString('latin1');
  }

  /** Makes `data` available to the next recv. */
  feed(data: string | Buffer): void {
    this.#queue.push(typeof data === 'string' ? bytes(data) : data);
    this.#wake();
  }

  /** Ends the incoming side: recv returns empty once the queue is drained. */
  end(): void {
    this.#eof = true;
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    this.#waiter = undefined;
    w?.();
  }

  async recv(max = 65536, options: WaitOptions = {}): Promise<Buffer> {
    this.recvSizes.push(max);
    // Bounded: each pass either returns or waits for a feed/end/close, which wakes it once.
    for (let i = 0; i < 1_000_000; i++) {
      if (this.closed) throw Object.assign(new Error('scripted stream closed'), { code: 'ERR_STREAM_DESTROYED' });
      const head = this.#queue[0];
      if (head) {
        const out = head.subarray(0, max);
        if (out.length === head.length) this.#queue.shift();
        else this.#queue[0] = head.subarray(max);
        this.received += out.length;
        return out;
      }
      if (this.#eof) return Buffer.alloc(0);
      await guard(new Promise<void>((r) => (this.#waiter = r)), options, 'scripted recv', () => (this.#waiter = undefined));
    }
    throw new Error('unreachable');
  }

  async send(data: Uint8Array | string): Promise<void> {
    if (this.closed) throw Object.assign(new Error('scripted stream closed'), { code: 'ERR_STREAM_DESTROYED' });
    this.sent.push(Buffer.from(typeof data === 'string' ? bytes(data) : data));
  }

  async shutdown(_how: ShutdownHow): Promise<void> {}

  async close(): Promise<void> {
    this.closed = true;
    this.#wake();
  }

  async startTLS(options: unknown): Promise<void> {
    this.upgrades.push(options);
    if (this.upgradeError) throw this.upgradeError;
  }
}
