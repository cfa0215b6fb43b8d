/**
 * One download (RETR, LIST, MLSD, NLST): the transfer command, then its
 * bytes — iterated chunk by chunk, or handed to a synchronous sink
 * ({@link Download.consume}) — then the final reply, with the same checks
 * and the same recovery (ABOR) either way. The data connection and ABOR
 * themselves are the transfer engine's (transfer.ts).
 *
 * @module
 */
import { AbortError, ProtocolError, ReplyError } from '../../errors.js';
import type { Reply } from '../../line/replies.js';
import { AsciiDecoder } from './core/ascii.js';
import { parseTransferSize } from './core/pasv.js';
import type { DataConnection } from './data-channel.js';
import type { ConsumeSink } from './data-sink.js';
import { abortError, openData, ready, recover, resync, type PendingData, type TransferHost, type TransferOptions } from './transfer.js';

/** A download in progress: read it once — iterate it, or {@link consume} it — or `cancel()` to stop early. */
export interface Download extends AsyncIterable<Buffer> {
  /** The preliminary (1xx) reply. */
  readonly reply: Reply;
  /** Bytes the server announced or SIZE reported for this transfer, if known. */
  readonly expectedSize: number | undefined;
  /** The final reply, once the body has been read. */
  readonly finalReply: Reply | undefined;
  /**
   * Reads the whole transfer into `sink` — a file descriptor, a hash, a
   * counter: each chunk is passed as node reads it, with no promise, queue or
   * copy per chunk, and is **valid only during the call** (on a direct
   * passive connection it is a view into the connection's reused read
   * buffer; copy what you keep). A sink that cannot take more at once
   * returns a promise: reading stops until it settles (the chunk stays valid
   * until then), and the sink is not called again before. Resolves with the
   * bytes given to the sink once the final reply confirmed the transfer.
   * Rejects as iterating would — a short transfer is a ProtocolError, a
   * 4xx/5xx final reply a ReplyError, the signal an AbortError, a silent
   * data connection a TimeoutError — or with what `sink` threw or its
   * promise rejected with; the control connection is brought back in step
   * (ABOR) whenever the final reply was not read. Reading a download a second
   * way is a ProtocolError. The iterator reads the same bytes one promise
   * per chunk, and needs `reuseBuffer` to stop allocating; consume needs
   * neither.
   *
   * @example
   * const dl = await client.retrieve('/pub/big.iso');
   * const fd = openSync('big.iso', 'w');
   * await dl.consume((chunk) => writeSync(fd, chunk));
   */
  consume(sink: ConsumeSink): Promise<number>;
  /** Stops the transfer (ABOR) and frees the control connection; safe to call twice. A consume in progress rejects with an AbortError. */
  cancel(): Promise<void>;
}

/**
 * Sends `command` (RETR, LIST, MLSD, NLST) with a data connection and resolves
 * once the server has accepted it; the bytes follow as the Download is
 * read. `release` runs exactly once when the transfer is over.
 */
export async function startDownload(h: TransferHost, command: string, options: TransferOptions, release: () => void): Promise<Download> {
  const { signal } = options;
  let pending: PendingData | undefined;
  let prelim: Reply;
  try {
    pending = await openData(h, signal, options.reuseBuffer);
    prelim = await h.command(command, [1, 2], signal);
  } catch (e) {
    pending?.abandon();
    release();
    throw abortError(signal, e);
  }
  // Until a reader comes, nothing waits on the connections: a program that wanted only the reply or the size may end.
  const hold = (on: boolean): void => {
    h.hold?.(on);
    pending?.hold(on);
  };
  hold(false);
  let conn: DataConnection | undefined;
  let finalReply: Reply | undefined = prelim.code < 200 ? undefined : prelim;
  // Servers announce the whole file's size in the 150 reply even after REST (vsftpd, pyftpdlib), so the resume offset comes off it.
  const announced = parseTransferSize(prelim.text);
  const fromReply = announced === undefined ? undefined : Math.max(0, announced - (options.resumeOffset ?? 0));
  const expected = options.ascii ? undefined : (options.expectedSize ?? fromReply);
  let state: 'ready' | 'running' | 'done' = 'ready';
  /** Which way the bytes are being read; a second way is refused. */
  let taken = false;
  /** A consume in progress, and the error cancel() ends it with. */
  let consuming: Promise<number> | undefined;
  let cancelled: AbortError | undefined;
  const finish = () => {
    if (state === 'done') return false;
    state = 'done';
    release();
    return true;
  };
  const take = (): void => {
    if (taken) throw new ProtocolError('a download can be read only once', { protocol: 'ftp' });
    taken = true;
  };
  const onProgress = options.onProgress;
  const progress = (got: number) => onProgress?.({ direction: 'download', transferred: got, total: expected });

  /** The data connection closed cleanly: the final reply, and the size check. */
  async function complete(got: number): Promise<void> {
    finalReply ??= await h.readReply(2);
    h.note(`Received ${got} bytes on the data connection`, got);
    if (expected !== undefined && got < expected) {
      throw new ProtocolError(`the data connection closed after ${got} of ${expected} bytes`, { protocol: 'ftp', phase: 'data', reply: { code: finalReply.code, text: finalReply.text } });
    }
  }

  /** The transfer failed: drop the data connection, bring the control connection back in step, and say why. */
  async function failed(e: unknown): Promise<unknown> {
    const opened = conn !== undefined;
    conn?.destroy();
    // A ReplyError for the final reply (426, 451) leaves the conversation in step; anything else needs ABOR.
    // A cancel is an early stop, not a failure: it ends with ABOR whatever onDataConnectFailure says.
    if (!(e instanceof ReplyError) && finalReply === undefined) await (cancelled ? resync(h) : recover(h, options, e, opened));
    return abortError(signal, e);
  }

  async function* body(): AsyncGenerator<Buffer, void, undefined> {
    if (state !== 'ready') throw new ProtocolError('a download can be read only once', { protocol: 'ftp' });
    state = 'running';
    hold(true);
    let got = 0;
    let completed = false;
    let recovered = false;
    const decoder = options.ascii ? new AsciiDecoder() : undefined;
    try {
      conn = await ready(h, pending!, signal);
      for await (const chunk of conn.read(signal)) {
        got += chunk.length;
        progress(got);
        if (decoder) {
          const out = decoder.push(chunk);
          if (out.length) yield out;
        } else yield chunk;
      }
      if (decoder) {
        const tail = decoder.end();
        if (tail.length) yield tail;
      }
      await complete(got);
      completed = true;
    } catch (e) {
      recovered = true;
      throw await failed(e);
    } finally {
      if (!completed && !recovered && (state as string) !== 'done') {
        // The consumer stopped early (break / return): stop the server too.
        conn?.destroy();
        if (finalReply === undefined) await resync(h);
      }
      finish();
    }
  }

  async function consume(sink: ConsumeSink): Promise<number> {
    state = 'running';
    hold(true);
    let got = 0;
    let given = 0;
    const decoder = options.ascii ? new AsciiDecoder() : undefined;
    const give = (chunk: Buffer): unknown => {
      given += chunk.length;
      return sink(chunk);
    };
    try {
      const c = await ready(h, pending!, signal);
      conn = c;
      if (cancelled) throw cancelled;
      await c.drain(
        signal,
        decoder
          ? (chunk) => {
              got += chunk.length;
              progress(got);
              const out = decoder.push(chunk);
              return out.length ? give(out) : undefined;
            }
          : (chunk) => {
              got += chunk.length;
              progress(got);
              given += chunk.length;
              return sink(chunk);
            },
      );
      if (decoder) {
        const tail = decoder.end();
        if (tail.length) await give(tail);
      }
      await complete(got);
      return given;
    } catch (e) {
      throw await failed(cancelled ?? e);
    } finally {
      finish();
    }
  }

  const it = body();
  return {
    reply: prelim,
    expectedSize: expected,
    get finalReply() {
      return finalReply;
    },
    [Symbol.asyncIterator]: () => {
      take();
      return it;
    },
    consume(sink: ConsumeSink): Promise<number> {
      try {
        take();
        if (state !== 'ready') throw new ProtocolError('a download can be read only once', { protocol: 'ftp' });
      } catch (e) {
        return Promise.reject(e);
      }
      consuming = consume(sink);
      return consuming;
    },
    async cancel() {
      if (state === 'ready') {
        state = 'running';
        hold(true);
        pending?.abandon();
        if (finalReply === undefined) await resync(h);
        finish();
        return;
      }
      if (consuming) {
        if (state === 'done') return;
        cancelled ??= new AbortError('the download was cancelled', { protocol: 'ftp', phase: 'data' });
        conn?.destroy(cancelled);
        await consuming.catch(() => {});
        return;
      }
      if (state === 'running') {
        // An iterator waiting in a read holds the generator, and return() would queue behind that read
        // until the data idle timeout: the connection goes first, and the read rejects with the AbortError.
        cancelled ??= new AbortError('the download was cancelled', { protocol: 'ftp', phase: 'data' });
        conn?.destroy(cancelled);
      }
      await it.return();
    },
  };
}
