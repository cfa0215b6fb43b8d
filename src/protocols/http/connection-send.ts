import { InputError, toDialError, type DialError } from '../../errors.js';
import type { Entry, Stage } from './exchange.js';
import { withPhase } from './failures.js';
import { sendRequest, sendsInOneWrite, type SendTarget } from './send.js';
import { traceHead } from './trace-lines.js';
import type { Transport } from './transport.js';
import { RawWriter } from './write-batch.js';

/** What the send side asks of its connection (one object per connection, not a closure per request). */
export interface SenderHost {
  /** The exchange whose response comes next. */
  front(): Entry | undefined;
  /** Whether any byte of the front exchange's response has arrived. */
  responseStarted(): boolean;
  /** True once the connection is closed for good. */
  closed(): boolean;
  /** `entry` is on the wire (as much of it as will be sent): its wait for the response head may begin. */
  sent(entry: Entry): void;
  /** The connection may not carry another request. */
  noReuse(): void;
  /** Fails the connection and everything in flight on it. */
  fail(err: DialError): void;
  /** The error a write reports once the connection is closed. */
  readonly closedError: () => DialError;
  /** A write of `entry`'s request waits for the transport (`waiting`), or has been taken: the stalled-upload bound. */
  writing(entry: Entry, waiting: boolean): void;
}

/**
 * The send side of one HTTP/1.1 connection: puts each request on the wire
 * in the order `send` was called, and decides what a failed write means.
 *
 * Over a raw socket, a request that goes out in one write (no body, or a
 * small one without 100-continue) while no other send is under way is
 * written at once through a {@link RawWriter} — no promise, no wait for the
 * kernel; a write error comes back through one callback for the connection.
 * Anything else waits its turn on a promise chain and is sent by
 * {@link sendRequest} (100-continue gate, streamed bodies).
 *
 * A write that fails after the server began to answer (an early 413 before
 * it read the whole upload) does not fail the connection: the response is
 * the outcome, and the connection is only not reused.
 */
export class RequestSender implements SendTarget {
  /** Over a raw socket: the writer of requests that go out whole (the connection counts it busy). */
  readonly writer: RawWriter | undefined;
  readonly #t: Transport;
  readonly #host: SenderHost;
  readonly #label: string;
  #chain: Promise<void> = Promise.resolve();
  /** Sends queued on #chain and not finished; at 0 a request may be written at once. */
  #chained = 0;
  /** The request sendRequest is writing, whose writes {@link output} reports to the host. */
  #current: Entry | undefined;

  constructor(t: Transport, host: SenderHost, label: string) {
    this.#t = t;
    this.#host = host;
    this.#label = label;
    if (t.raw) this.writer = new RawWriter(t.raw, this.#onWritten);
  }

  /** Sends `entry`, after every request sent before it. `pipelined`: other requests of the connection are in flight. */
  send(entry: Entry, pipelined: boolean): void {
    const writer = this.writer;
    if (this.#chained === 0 && writer && sendsInOneWrite(entry)) {
      this.#writeNow(entry, writer, pipelined);
      return;
    }
    this.#chained++;
    this.#chain = this.#chain.then(() => this.#send(entry)).finally(() => this.#chained--);
  }

  /** Head (and a small body) in one buffer, so they leave in one segment. */
  #writeNow(entry: Entry, writer: RawWriter, pipelined: boolean): void {
    const { x } = entry;
    traceHead(x.trace, entry.head);
    entry.sendDone = true;
    const body = x.body;
    // One buffer per request: copying a small body costs less than the
    // cork/writev machinery (an array, a callback per part).
    const data = body.kind === 'bytes' && body.data.length > 0 ? Buffer.concat([entry.head, body.data]) : entry.head;
    writer.write(data, pipelined);
    if (body.kind === 'bytes' && body.data.length > 0) x.onUploadProgress?.({ direction: 'upload', transferred: body.data.length, total: body.data.length });
    this.#host.sent(entry);
  }

  /** One callback for every raw write of the connection (a closure per write would be garbage per request). */
  readonly #onWritten = (err?: Error | null): void => {
    const host = this.#host;
    if (!err || host.closed()) return;
    // The server may have answered and closed before reading all we sent (an early 413): the response wins.
    const front = host.front();
    if (front && (front.stage === 'body' || host.responseStarted())) {
      host.noReuse();
      return;
    }
    host.fail(withPhase(toDialError(err, `sending the request to ${this.#label} failed`), 'send'));
  };

  async #send(entry: Entry): Promise<void> {
    const host = this.#host;
    if (entry.stage === 'done' || host.closed()) return;
    this.#current = entry;
    try {
      await sendRequest(this, entry);
      this.#current = undefined;
      entry.sendDone = true;
      host.sent(entry);
    } catch (err) {
      this.#current = undefined;
      // The server may have answered and closed before reading all we sent
      // (an early 413): then the response, not the write error, is the outcome.
      const stage = entry.stage as Stage;
      if (stage === 'body' || stage === 'done' || (host.front() === entry && host.responseStarted())) {
        host.noReuse();
        return;
      }
      host.fail(err instanceof InputError ? err : withPhase(toDialError(err, `sending the request to ${this.#label} failed`), 'send'));
    }
  }

  // ---- SendTarget: what sendRequest writes through ----------------------------

  output(data: Uint8Array): Promise<void> {
    // After what #writeNow holds for this turn, never before it.
    this.writer?.flushOutbox();
    const entry = this.#current;
    const out = this.#t.output(data, this.#host.closedError);
    if (!entry) return out;
    const host = this.#host;
    host.writing(entry, true);
    // A side branch, registered before the sender awaits `out`: it runs first, and adds no step to the send.
    out.then(() => host.writing(entry, false), noop);
    return out;
  }

  stopped(entry: Entry): boolean {
    return entry.stage === 'done' || this.#host.closed();
  }

  noReuse(): void {
    this.#host.noReuse();
  }
}

const noop = (): void => {};
