/**
 * A POP3 message as RETR or TOP streams it: the line layer's
 * {@link DotBody} plus what POP3 knows of it (its number, the announced size).
 *
 * @module
 */
import { DotBody, type MessageSource } from '../../line/dot-body.js';

/** One POP3 message (or TOP's head) as it arrives; see {@link DotBody}. */
export class Pop3Message extends DotBody {
  /** The message number asked for. */
  readonly n: number;
  /** The size the `+OK` announced (`+OK 120 octets`), if it did; only a hint. */
  readonly size: number | undefined;

  /** @internal Made by {@link Pop3Client.retr} and {@link Pop3Client.top}. */
  constructor(n: number, size: number | undefined, src: MessageSource) {
    super('pop3', src);
    this.n = n;
    this.size = size;
  }
}
