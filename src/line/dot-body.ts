/**
 * A body received as a dot block (POP3 RETR/TOP, NNTP ARTICLE/HEAD/BODY):
 * the block's lines, unstuffed, streamed as CRLF-ended bytes and never held
 * whole. The protocol clients hand it the line layer's chunks and learn
 * when the block was read to its end, so their session stays in step.
 *
 * @module
 */
import { InputError } from '../errors.js';
import { collectBody } from '../util/collect.js';
import type { Tracer } from '../trace.js';
import type { ReadDotBlockOptions } from './dotio.js';

/** What the client hands a message: its lines, and what to do when they end or are abandoned. */
export interface MessageSource {
  /** The body in chunks of whole CRLF-ended lines (the line layer's `readDotBlockChunks`). */
  chunks: AsyncGenerator<Buffer, void, undefined>;
  /** Called once the block has been read to its end (or failed): the session may go on. */
  settled: (bytes: number) => void;
  /** Closes the connection: the only way to stop a POP3 server mid-RETR. */
  abort: () => Promise<void>;
}

/** What {@link blockSource} needs from the client that owns the connection. */
export interface BlockOwner {
  /** Names the protocol in the trace line. */
  protocol: string;
  trace: Tracer | undefined;
  /** The body is over (read, failed or abandoned): the client may send its next command. */
  release(): void;
  /** Closes the connection (the only way to stop a server mid-block). */
  close(): Promise<void>;
}

/**
 * The {@link MessageSource} of the dot block the server is about to send:
 * its chunks from the line layer, a `[N bytes of data]` trace line when it
 * has been read, and the owner released either way.
 */
export function blockSource(line: { readDotBlockChunks(options?: ReadDotBlockOptions): AsyncGenerator<Buffer, void, undefined> }, wait: ReadDotBlockOptions, owner: BlockOwner): MessageSource {
  return {
    chunks: line.readDotBlockChunks(wait),
    settled: (bytes) => {
      owner.release();
      owner.trace?.({ kind: '<', text: `[${bytes} bytes of data]`, protocol: owner.protocol, bytes });
    },
    abort: async () => {
      owner.release();
      await owner.close();
    },
  };
}

/**
 * A body as it arrives. Read it once: iterate `body`, or call
 * `bytes()`/`text()`; `skip()` reads the rest and drops it (the session goes
 * on), `cancel()` closes the connection instead.
 */
export class DotBody {
  /** 'pop3', 'nntp': names the protocol in errors. */
  readonly protocol: string;
  readonly #src: MessageSource;
  #used = false;
  #done = false;

  /** @internal Made by the protocol clients. */
  constructor(protocol: string, src: MessageSource) {
    this.protocol = protocol;
    this.#src = src;
  }

  /** True once the terminating `.` was read. */
  get complete(): boolean {
    return this.#done;
  }

  /** The body in chunks of whole CRLF-ended lines, dots unstuffed, as the server holds the message. */
  get body(): AsyncIterable<Buffer> {
    if (this.#used) throw new InputError('the body was already read', { protocol: this.protocol });
    this.#used = true;
    return this.#stream();
  }

  async *#stream(): AsyncGenerator<Buffer, void, undefined> {
    let total = 0;
    try {
      for await (const chunk of this.#src.chunks) {
        total += chunk.length;
        yield chunk;
      }
      this.#done = true;
    } finally {
      // A consumer that stops early leaves the block drained by the line layer: the session stays in step.
      this.#src.settled(total);
    }
  }

  /** The whole body; a LimitError past `maxBytes` (default 64 MiB), and the connection is closed then. */
  async bytes(maxBytes = 64 * 1024 * 1024): Promise<Buffer> {
    return collectBody(this.body, maxBytes, () => this.#src.abort(), this.protocol);
  }

  /** The whole body decoded as UTF-8. */
  async text(maxBytes?: number): Promise<string> {
    return (await this.bytes(maxBytes)).toString('utf8');
  }

  /** Reads the rest of the body and drops it, so the session can go on. */
  async skip(): Promise<void> {
    if (this.#used) return;
    for await (const chunk of this.body) void chunk;
  }

  /** Closes the connection without reading the rest (neither POP3 nor NNTP has another way to stop a transfer). Safe to call twice. */
  async cancel(): Promise<void> {
    this.#used = true;
    if (!this.#done) await this.#src.abort();
  }
}
