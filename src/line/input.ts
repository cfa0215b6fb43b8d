/**
 * The I/O half of reading: pulls bytes from a {@link ByteStream} into a
 * {@link LineSplitter} under a deadline. Kept apart from the LineClient so
 * the waiting rules live in one place.
 *
 * @module
 */
import { AbortError, InputError, TimeoutError, toDialError, type DialError } from '../errors.js';
import { guard, throwIfAborted, type WaitOptions } from '../util/guard.js';
import type { ByteStream } from '../socket/types.js';
import type { LineSplitter } from './reader.js';

/** One operation's time bound, fixed when the operation starts. */
export class Deadline {
  readonly what: string;
  readonly signal: AbortSignal | undefined;
  readonly timeout: number;
  private readonly at: number;

  constructor(what: string, options: WaitOptions | undefined, defaultTimeout: number) {
    this.what = what;
    this.signal = options?.signal;
    this.timeout = options?.timeout ?? defaultTimeout;
    // A spent budget ("deadline - now" < 0) or NaN would otherwise read as "no bound" and wait forever.
    if (!(this.timeout >= 0)) throw new InputError(`${what}: timeout must be a number >= 0 (0 = no bound), got ${this.timeout}`);
    this.at = this.timeout > 0 ? Date.now() + this.timeout : 0;
  }

  /**
   * Waits for `p` within what is left of the bound. The TimeoutError names the
   * whole bound, not the remainder, since that is what the caller set.
   */
  async wait<T>(p: Promise<T>, protocol?: string): Promise<T> {
    throwIfAborted(this.signal, this.what);
    const left = this.at === 0 ? undefined : this.at - Date.now();
    const expired = () => new TimeoutError(`${this.what} timed out after ${this.timeout} ms`, { timeout: this.timeout, protocol });
    if (left !== undefined && left <= 0) {
      p.catch(() => {});
      throw expired();
    }
    try {
      return await guard(p, { signal: this.signal, timeout: left }, this.what);
    } catch (e) {
      // Only guard's own timer error is restated; a stream's TimeoutError passes through.
      if (e instanceof TimeoutError && left !== undefined && e.timeout === left) throw expired();
      throw e;
    }
  }
}

/**
 * Feeds a splitter from a stream. At most one `recv` is ever outstanding, and
 * one that outlives a timed-out or aborted operation is never abandoned: its
 * bytes land in the splitter when they come, so no data is lost and the next
 * operation picks up where the last stopped.
 */
export class StreamInput {
  /** The peer ended the stream (a recv returned no bytes). */
  eof = false;
  private inflight: Promise<DialError | undefined> | undefined;
  private error: DialError | undefined;

  constructor(
    private readonly stream: ByteStream,
    readonly splitter: LineSplitter,
    private readonly protocol: string | undefined,
  ) {}

  /** True while a recv is outstanding. */
  get receiving(): boolean {
    return this.inflight !== undefined;
  }

  /**
   * Waits until more bytes (at most `size` from one recv) are in the
   * splitter or the stream has ended. Throws the stream's error as a
   * DialError, or the deadline's TimeoutError/AbortError.
   */
  async fill(deadline: Deadline, size: number): Promise<void> {
    if (this.error) throw this.error;
    if (this.eof) return;
    this.inflight ??= this.stream.recv(size).then(
      (chunk) => {
        this.inflight = undefined;
        if (chunk.length === 0) this.eof = true;
        else this.splitter.push(chunk);
        return undefined;
      },
      (err: unknown) => {
        this.inflight = undefined;
        const e = toDialError(err, 'receiving', { protocol: this.protocol, phase: 'recv' });
        // The stream's own timeout or abort (e.g. Socket.setTimeout) consumed no byte: it fails
        // this wait only, so the stream stays readable, as a timeout of the deadline's would.
        if (!(e instanceof TimeoutError || e instanceof AbortError)) this.error ??= e;
        return e;
      },
    );
    const interrupted = await deadline.wait(this.inflight, this.protocol);
    if (this.error) throw this.error;
    if (interrupted) throw interrupted;
  }
}
