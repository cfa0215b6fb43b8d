import { NetworkError, TimeoutError, type DialError } from '../../errors.js';
import type { ConnectionOptions, Entry } from './exchange.js';
import { ExchangeTimer, type TimedPhase } from './exchange-timer.js';

/** What the timer asks of its connection. */
export interface TimerHost {
  /** Whether any byte of the front exchange's response has arrived. */
  responseStarted(): boolean;
  /** A wait ran out: the connection fails with `err`. */
  fail(err: DialError): void;
  /** A pipelined request was left unanswered: the server ignores pipelining; the connection fails with `err`. */
  refusePipeline(err: DialError): void;
}

/**
 * The bounds on one connection's waits, on its one {@link ExchangeTimer}:
 * which bound the wait at the front gets — the response head
 * (`headersTimeout`, or the shorter `pipelineStall` for a pipelined request),
 * each silence in a body (`bodyTimeout`), the drain of an abandoned body —
 * and what running out means. Once stopped (the connection closed) nothing
 * arms it again.
 */
export class ConnectionTimer extends ExchangeTimer {
  readonly #host: TimerHost;
  readonly #label: string;
  readonly #opts: ConnectionOptions;
  #stopped = false;

  /** `label` names the server in messages; `opts.pipelineStall` is read at each arming. */
  constructor(host: TimerHost, label: string, opts: ConnectionOptions) {
    super((entry, phase, ms) => this.#timedOut(entry, phase, ms));
    this.#host = host;
    this.#label = label;
    this.#opts = opts;
  }

  override arm(entry: Entry, ms: number | undefined, phase: TimedPhase): void {
    if (this.#stopped) this.release(entry);
    else super.arm(entry, ms, phase);
  }

  override stop(): void {
    this.#stopped = true;
    super.stop();
  }

  /** The bound on the wait for a head that just reached the front: shorter for a pipelined request. */
  armHead(entry: Entry): void {
    const ms = entry.x.headersTimeout;
    const stall = this.#opts.pipelineStall ?? 10_000;
    if (entry.behind && stall > 0 && (!ms || ms <= 0 || stall < ms)) this.arm(entry, stall, 'pipeline');
    else this.arm(entry, ms, 'headers');
  }

  /**
   * A write of `entry`'s request began to wait for the server to take it
   * (`waiting`), or was taken. Bounded by the request's `headersTimeout`, as
   * the wait for the head that follows: a server that stops reading an
   * upload would otherwise hold the request for ever. Only the writes count,
   * not the waits on a slow body source, and only while the request is the
   * front one and still being sent.
   */
  sending(entry: Entry, waiting: boolean): void {
    if (entry.stage !== 'sending') return;
    if (waiting) this.arm(entry, entry.x.headersTimeout, 'send');
    else this.release(entry);
  }

  #timedOut(entry: Entry, phase: TimedPhase, ms: number): void {
    if (phase === 'pipeline') return this.#stalled(entry, ms);
    if (phase === 'send') {
      this.#host.fail(new TimeoutError(`sending the request to ${this.#label}: the server took nothing for ${ms} ms`, { timeout: ms, protocol: 'http', phase }));
      return;
    }
    const what = phase === 'headers' ? 'waiting for the response head' : entry.discarding ? 'draining an abandoned body' : 'waiting for more of the body';
    this.#host.fail(new TimeoutError(`${what} from ${this.#label}: nothing for ${ms} ms`, { timeout: ms, protocol: 'http', phase }));
  }

  /**
   * A pipelined request got nothing in `ms`. If its response has begun, the
   * server is only slow: the usual head bound takes over. Otherwise the
   * server ignores pipelined requests: every request not yet answered fails
   * as retryable (the pool resends idempotent ones on a new connection).
   */
  #stalled(entry: Entry, ms: number): void {
    if (this.#host.responseStarted()) {
      entry.behind = false;
      return this.arm(entry, entry.x.headersTimeout, 'headers');
    }
    this.#host.refusePipeline(new NetworkError('DIAL_E_RESET', `${this.#label} did not answer a pipelined request in ${ms} ms`, { protocol: 'http', phase: 'headers' }));
  }
}
