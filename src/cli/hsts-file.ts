/**
 * dial's --hsts: the HSTS cache file (curl's format) read once at the start
 * of a run — a file that does not exist yet is an empty cache, as in curl —
 * shared by every transfer, and written back at the end of the run. An
 * empty file name (`--hsts ""`) is a cache in memory only, as in curl.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import type { HstsCache } from '../protocols/http/hsts.js';

/** An HSTS file bigger than this is not read (the cache keeps 10,000 hosts of about 300 bytes at most). */
const MAX_HSTS_FILE = 8 * 1024 * 1024;

/** Caches whose file was there but not read: writing them back would replace the file with what one run learned. */
const unread = new WeakSet<HstsCache>();

/** The cache of `path`: empty when the file is missing, too big or unreadable (a warning then, as curl goes on). */
export async function loadHsts(path: string, warn: (line: string) => void): Promise<HstsCache> {
  const { HstsCache } = await import('../protocols/http/hsts.js');
  const cache = new HstsCache();
  // curl: a "" file name keeps the cache in memory only, neither read nor written.
  if (path === '') return cache;
  try {
    const st = await fsp.stat(path);
    if (st.size > MAX_HSTS_FILE) {
      warn(`Warning: HSTS file ${path} is larger than ${MAX_HSTS_FILE} bytes; not read`);
      unread.add(cache);
    } else cache.load(await fsp.readFile(path, 'latin1'));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      warn(`Warning: Failed to read HSTS file ${path}: ${(e as Error).message}`);
      unread.add(cache);
    }
  }
  return cache;
}

/** Writes the cache back to `path` (not when its file could not be read); a failure is a warning, as for -c. */
export async function saveHsts(path: string | undefined, cache: HstsCache | undefined, warn: (line: string) => void): Promise<void> {
  if (path === undefined || path === '' || !cache || unread.has(cache)) return;
  try {
    await fsp.writeFile(path, cache.serialize(), { encoding: 'latin1' });
  } catch (e) {
    warn(`Warning: Failed to save HSTS cache in ${path}: ${(e as Error).message}`);
  }
}
