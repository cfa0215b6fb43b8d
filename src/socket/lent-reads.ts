import type * as net from 'node:net';

/**
 * Reads that land in one reused buffer (node:net `onread`): no allocation per
 * read, so a long download leaves no garbage behind. Pass `onread` to
 * connectTcp/connectUnix and the same object to the {@link Socket}
 * (`{ lent }`), which copies each read into its queue; a new owner that can
 * take the bytes synchronously gets the views themselves after
 * {@link Socket.detach}, by setting `sink`.
 */
export class LentReads {
  readonly buffer: Buffer;
  /** What node:net takes as its `onread` option. */
  readonly onread: net.OnReadOpts;
  /** Reads that arrived before anyone set a sink, copied. */
  early: Buffer[] = [];
  /** The sink while nobody owns the reads: copies each into `early` and stops reading. */
  readonly keep = (view: Buffer): boolean => {
    this.early.push(Buffer.from(view));
    return false;
  };
  /**
   * Receives each read as a view into `buffer`, valid only during the call;
   * false stops reading (resume() the socket to go on).
   */
  sink: (view: Buffer) => boolean = this.keep;

  constructor(size = 64 * 1024) {
    this.buffer = Buffer.allocUnsafeSlow(size);
    this.onread = { buffer: this.buffer, callback: (n) => this.sink(this.buffer.subarray(0, n)) };
  }
}
