/**
 * What urlopen keeps open between calls (parked FTP sessions; the HTTP agent
 * keeps its own sockets) registers how to close it here, so one call ends
 * it all without loading a protocol that was never used.
 *
 * @module
 */

const closers = new Set<() => Promise<void>>();

/** Registers `close` to run on {@link closeIdleSessions}. */
export function onCloseIdle(close: () => Promise<void>): void {
  closers.add(close);
}

/**
 * Ends every session urlopen keeps for reuse (FTP sessions are sent QUIT),
 * as a program does before it exits when it wants to leave politely. Kept
 * sessions never hold a process open, so calling this is optional.
 */
export async function closeIdleSessions(): Promise<void> {
  await Promise.all([...closers].map((c) => c().catch(() => {})));
}
