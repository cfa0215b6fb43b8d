/**
 * FTP sessions kept between urlopen calls, as an HTTP agent keeps its
 * sockets: a retrieval that ended cleanly parks its logged-in session, and
 * the next URL for the same server, user and settings takes it instead of
 * connecting and logging in again (curl reuses its FTP control connection
 * across the URLs of one command the same way).
 *
 * A parked session does not hold the process open, is closed after
 * {@link IDLE_MS} unused, and is only ever handed to one caller at a time.
 * Where the session stands matters to the next URL, whose path is relative
 * to the login directory: each session remembers that directory once it has
 * left it.
 *
 * @module
 */
import { localEndKey } from '../socket/local-end.js';
import type { FtpClient, FtpConnectOptions } from '../protocols/ftp/client.js';
import { onCloseIdle } from './idle.js';

/** How long an unused session is kept, ms: well under the usual server idle timeouts (vsftpd 300 s). */
export const IDLE_MS = 15_000;
/** Sessions kept per key, and in all. */
const PER_KEY = 4;
const TOTAL = 32;

/** A logged-in session and where it stands. */
export interface FtpSession {
  client: FtpClient;
  /** The login directory (from PWD), when known. */
  home: string | undefined;
  /** True once the session has changed directory away from `home`. */
  away: boolean;
}

const ids = new WeakMap<object, number>();
let nextId = 0;
/** Objects (TLS settings, a lookup function) are told apart by identity, as the HTTP agent keys its pools. */
function idOf(o: object | undefined): number | undefined {
  if (o === undefined) return undefined;
  let id = ids.get(o);
  if (id === undefined) ids.set(o, (id = ++nextId));
  return id;
}

/** Sessions are shared only between identical connections: server, login, protection, proxy, TLS trust, resolver. */
export function sessionKey(o: FtpConnectOptions): string {
  return JSON.stringify([o.host, o.port, o.user, o.password, o.secure, o.activeMode ?? false, o.activeAddress, o.activePorts, o.epsv, o.eprt, o.pasvUseControlHost, o.account, o.alternativeToUser, o.proxy, o.noProxy, idOf(o.tls), idOf(o.proxyTls), o.proxyAuth, idOf(o.lookup), localEndKey(o.local)]);
}

interface Parked extends FtpSession {
  timer: NodeJS.Timeout;
}

const idle = new Map<string, Parked[]>();
let count = 0;

/** Takes a parked session for `key`, if one is usable; the caller owns it until {@link park} or closing it. */
export function takeSession(key: string): FtpSession | undefined {
  const list = idle.get(key);
  while (list && list.length > 0) {
    const p = list.pop()!;
    count--;
    clearTimeout(p.timer);
    if (list.length === 0) idle.delete(key);
    if (p.client.usable) return { client: p.client, home: p.home, away: p.away };
    void p.client.close();
  }
  return undefined;
}

/** Parks a session whose transfer ended cleanly; one that is unusable, or past the bounds, is ended instead. */
export function park(key: string, session: FtpSession): void {
  const { client } = session;
  // Lost track of where it stands: the next URL's relative path could not be resolved from there.
  if (!client.usable || (session.away && session.home === undefined) || count >= TOTAL || (idle.get(key)?.length ?? 0) >= PER_KEY) {
    void client.quit().catch(() => {});
    return;
  }
  client.idle();
  const entry: Parked = { ...session, timer: setTimeout(() => expire(key, entry), IDLE_MS) };
  entry.timer.unref();
  const list = idle.get(key) ?? [];
  list.push(entry);
  idle.set(key, list);
  count++;
}

function expire(key: string, entry: Parked): void {
  const list = idle.get(key);
  const i = list?.indexOf(entry) ?? -1;
  if (i < 0) return;
  list!.splice(i, 1);
  count--;
  if (list!.length === 0) idle.delete(key);
  void entry.client.quit().catch(() => {});
}

/** Ends every parked session politely (QUIT); resolves when all have closed. */
export async function closeIdleFtpSessions(): Promise<void> {
  const all = [...idle.values()].flat();
  idle.clear();
  count = 0;
  await Promise.all(
    all.map((p) => {
      clearTimeout(p.timer);
      return p.client.quit().catch(() => {});
    }),
  );
}

/** How many sessions are parked (for tests). */
export function parkedSessions(): number {
  return count;
}

onCloseIdle(closeIdleFtpSessions);
