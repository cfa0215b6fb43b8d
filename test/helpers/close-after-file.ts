/**
 * A safety net for in-process test servers. A test that fails before its own
 * `close()` would leave its server, and the connections it holds, keeping the
 * file's process alive until the runner's 300 s timeout: one failure would
 * become a hung file. Every server a helper registers here is closed after
 * the file's last test, unless the test closed it already.
 *
 * The hook is added when this module is first imported, which happens at the
 * top level of a test file, so it belongs to the file and not to one test.
 */
import { after } from 'node:test';

const live = new Set<() => Promise<void>>();

after(async () => {
  for (const close of [...live]) await close();
});

/** Registers `close`; returns the close to call instead, which also takes it off the list. */
export function closeAfterFile(close: () => Promise<void>): () => Promise<void> {
  const tracked = (): Promise<void> => {
    live.delete(tracked);
    return close();
  };
  live.add(tracked);
  return tracked;
}
