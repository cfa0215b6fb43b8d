/**
 * An ftp: URL's session: a parked one or a fresh login, entered into the
 * URL's directory as the URL and `ftpMethod` ask, with the quote commands
 * sent before that (curl -Q), and every control step bounded by the URL's
 * signal.
 *
 * @module
 */
import { AbortError, DialError, InputError, ReplyError, TimeoutError } from '../../errors.js';
import { timerMs } from '../../util/guard.js';
import { FtpClient, type FtpConnectOptions } from '../../protocols/ftp/client.js';
import { sendQuotes, type QuoteCommand } from '../../protocols/ftp/quote.js';
import { takeSession, type FtpSession } from '../ftp-sessions.js';

/**
 * Runs `step`, made of control commands that take no signal (CWD, PWD, NOOP,
 * SIZE, MDTM), within `signal`: they would wait out the session's own reply
 * bound — 30 s, or the timeout of whoever opened a kept session — whatever
 * this URL's caller asked. On abort the connection is closed, which ends the
 * wait, and the step rejects with an AbortError (the deadline's becomes a
 * TimeoutError in `translate`).
 */
export async function bounded<T>(client: FtpClient, signal: AbortSignal | undefined, step: () => Promise<T>): Promise<T> {
  if (!signal) return step();
  const abortError = () => new AbortError('the ftp operation was aborted', { cause: signal.reason, protocol: 'ftp' });
  if (signal.aborted) throw abortError();
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(abortError());
      void client.close().catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    // The step's own rejection, once the connection is closed under it, is settled here and dropped.
    return await Promise.race([step(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}

/**
 * A session for `dirs`: a parked one (checked, and back in its login
 * directory) or a fresh login; then CWD into each directory. A parked session
 * that fails before its first reply (the server dropped it while it waited) is
 * replaced by a fresh one, once.
 */
export async function startSession(key: string, connect: FtpConnectOptions, connectTimeout: number | undefined, path: FtpPath, trace: FtpConnectOptions['trace']): Promise<FtpSession> {
  const { signal } = connect;
  const kept = takeSession(key);
  if (kept) {
    kept.client.adopt(trace);
    trace?.({ kind: '*', text: `Re-using the FTP session with ${connect.host}`, protocol: 'ftp', event: 'reused', data: kept.client.connection });
    try {
      return await bounded(kept.client, signal, () => enter(kept, path, true));
    } catch (e) {
      await kept.client.close();
      // A refusal is the server's answer to this URL; a dropped session (closed, reset, 421 "closing") is not; an abort ends the URL.
      const stale = e instanceof DialError && !(e instanceof AbortError) && (!(e instanceof ReplyError) || e.reply?.code === 421);
      if (!stale) throw e;
    }
  }
  const client = await connectWithin(connect, connectTimeout);
  try {
    return await bounded(client, signal, () => enter({ client, home: undefined, away: false }, path));
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
}

/**
 * Connects and logs in within `bound` ms (curl --connect-timeout): the
 * connection's own `timeout` bounds each reply for as long as the session
 * lives, so the connect bound is a signal that only connecting and login
 * read. Its expiry is a TimeoutError in phase 'connect'.
 */
async function connectWithin(connect: FtpConnectOptions, bound: number | undefined): Promise<FtpClient> {
  if (!bound) return FtpClient.connect(connect);
  const timer = AbortSignal.timeout(timerMs(bound));
  try {
    return await FtpClient.connect({ ...connect, signal: connect.signal ? AbortSignal.any([connect.signal, timer]) : timer });
  } catch (e) {
    if (timer.aborted && !connect.signal?.aborted) {
      throw new TimeoutError(`connecting and logging in to ${connect.host} took more than ${bound} ms`, { timeout: bound, protocol: 'ftp', phase: 'connect', cause: e });
    }
    throw e;
  }
}

/** The directories to enter, whether one that is missing is made (curl --ftp-create-dirs), and the quote commands sent first (curl -Q). */
export interface FtpPath {
  dirs: string[];
  create: boolean;
  quote?: readonly QuoteCommand[] | undefined;
}

/**
 * Back to the login directory if the session left it, then the quote
 * commands — from the login directory, before any CWD, as curl sends them —
 * then into `dirs` (learning the login directory first, to come back).
 * A `kept` session is made to answer once here, so that a drop is found while a fresh login can still stand in.
 */
async function enter(session: FtpSession, { dirs, create, quote = [] }: FtpPath, kept = false): Promise<FtpSession> {
  const { client } = session;
  // A 421 or close that came while parked sits unread until the next command: were that SIZE or RETR, the URL would fail.
  // Any reply but 421 (even a server's 502 to NOOP) shows the session alive.
  if (kept && !session.away && dirs.length === 0 && quote.length === 0) {
    await client.noop().catch((e: unknown) => {
      if (!(e instanceof ReplyError) || e.reply?.code === 421) throw e;
    });
  }
  if (session.away && session.home !== undefined) {
    await client.cd(session.home);
    session.away = false;
  }
  if (dirs.length > 0 || quote.length > 0) {
    if (session.home === undefined) session.home = await client.pwd().catch(() => undefined);
    // A quote command may change directory (CWD, CDUP) as well: the next URL starts from the login directory again.
    session.away = true;
  }
  await sendQuotes(client, quote);
  if (dirs.length > 0) {
    for (const d of dirs) {
      try {
        await client.cd(d).catch(async (e: unknown) => {
          // A directory refused as missing is made, then entered, as curl does; a second refusal stands.
          if (!create || !(e instanceof ReplyError) || e.reply?.code === 421) throw e;
          await client.mkdir(d).catch(() => Promise.reject(e));
          await client.cd(d);
        });
      } catch (e) {
        // A refused CWD is the URL's path being denied (curl: exit 9), not a missing file.
        if (e instanceof ReplyError && e.reply && e.reply.code !== 421) throw new ReplyError(e.message, { reply: e.reply, protocol: 'ftp', phase: 'cwd', cause: e });
        throw e;
      }
    }
  }
  return session;
}

/** curl's --ftp-method: how a URL's path is reached. */
export type FtpMethod = 'multicwd' | 'singlecwd' | 'nocwd';

/**
 * The directories to CWD into and the name the file (or the listed
 * directory, '' for the one entered) goes by from there, as curl's
 * --ftp-method reaches `dirs`/`file`: a CWD each (multicwd), one CWD of the
 * joined path (singlecwd), or none, the whole path in the command (nocwd).
 */
export function reach(dirs: readonly string[], file: string, method: FtpMethod = 'multicwd'): { dirs: string[]; name: string } {
  if (method !== 'multicwd' && method !== 'singlecwd' && method !== 'nocwd') throw new InputError(`unknown ftpMethod ${JSON.stringify(method)}`, { protocol: 'ftp' });
  if (method === 'multicwd' || dirs.length === 0) return { dirs: [...dirs], name: file };
  // A leading %2F makes the first segment absolute ("/pub"); joined, it stays the path's one leading slash.
  const joined = dirs.join('/').replace(/^\/\/+/, '/');
  if (method === 'singlecwd') return { dirs: [joined], name: file };
  return { dirs: [], name: file === '' ? joined : `${joined}/${file}`.replace(/^\/\/+/, '/') };
}
