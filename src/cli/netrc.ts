/**
 * The .netrc file curl reads for `-n`, `--netrc-optional` and
 * `--netrc-file`: per host, the login and password to use, so scripts keep
 * credentials out of command lines (and so out of `ps`). The grammar is the
 * one ftp(1) and curl accept: whitespace-separated tokens, `machine NAME`
 * starting an entry, `default` an entry for every other host (it must come
 * last), `login`, `password`, `account` and `macdef` (a macro, skipped to the
 * next empty line), `#` starting a comment line, and — as curl 7.84 and later
 * — double-quoted tokens with `\"`, `\\`, `\n`, `\r` and `\t` escapes.
 *
 * @module
 */

import { readAtMost } from './data.js';

/** One entry: `machine` undefined for `default`. */
export interface NetrcEntry {
  machine: string | undefined;
  login: string | undefined;
  password: string | undefined;
}

/** The bound on a .netrc curl will read: a bigger file is refused, not read whole. */
export const MAX_NETRC_BYTES = 128 * 1024;

/** SP, HTAB, LF, VT, FF, CR. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** Splits the file into tokens, leaving out comments and macro bodies. */
function tokens(text: string): string[] {
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  let lineStart = true;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      lineStart = true;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '#' && lineStart) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? n : end;
      continue;
    }
    lineStart = false;
    if (c === '"') {
      let tok = '';
      i++;
      while (i < n && text[i] !== '"') {
        let ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          const e = text[++i]!;
          ch = e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
        }
        tok += ch;
        i++;
      }
      i++;
      out.push(tok);
      continue;
    }
    let j = i;
    while (j < n && !isSpace(text.charCodeAt(j))) j++;
    const tok = text.slice(i, j);
    i = j;
    if (tok === 'macdef') {
      // A macro runs to the first empty line: none of it is credentials.
      const end = text.indexOf('\n\n', i);
      i = end < 0 ? n : end + 2;
      lineStart = true;
      continue;
    }
    out.push(tok);
  }
  return out;
}

/** Reads the entries of a .netrc file, in order. Unknown words are skipped, as curl skips them. */
export function parseNetrc(text: string): NetrcEntry[] {
  const entries: NetrcEntry[] = [];
  let cur: NetrcEntry | undefined;
  const t = tokens(text);
  for (let i = 0; i < t.length; i++) {
    const word = t[i]!;
    if (word === 'machine' || word === 'default') {
      cur = { machine: word === 'machine' ? t[++i] : undefined, login: undefined, password: undefined };
      entries.push(cur);
    } else if (cur && (word === 'login' || word === 'password' || word === 'account')) {
      const value = t[++i];
      if (word === 'login') cur.login = value;
      else if (word === 'password') cur.password = value;
    }
  }
  return entries;
}

/**
 * The credentials for `host`: the first `machine` entry naming it (any case)
 * and, when `login` is given, with that login; else the `default` entry.
 * Undefined when no entry fits.
 */
export function netrcCredentials(entries: readonly NetrcEntry[], host: string, login?: string): { user: string; password: string } | undefined {
  const h = host.toLowerCase();
  const fits = (e: NetrcEntry) => login === undefined || e.login === undefined || e.login === login;
  const found = entries.find((e) => e.machine !== undefined && e.machine.toLowerCase() === h && fits(e)) ?? entries.find((e) => e.machine === undefined && fits(e));
  if (!found || (found.login === undefined && login === undefined)) return undefined;
  return { user: found.login ?? login!, password: found.password ?? '' };
}

/**
 * The entries of the .netrc at `path`: none when there is no such file (as
 * curl goes on without one), none and a warning for a file past
 * {@link MAX_NETRC_BYTES} or one that cannot be read.
 */
export async function readNetrc(path: string, warn: (line: string) => void): Promise<NetrcEntry[]> {
  let text: Buffer | undefined;
  try {
    text = await readAtMost(path, MAX_NETRC_BYTES);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') warn(`Warning: could not read ${path}: ${(e as Error).message}`);
    return [];
  }
  if (text === undefined) {
    warn(`Warning: ${path} is larger than ${MAX_NETRC_BYTES} bytes; not read`);
    return [];
  }
  return parseNetrc(text.toString('utf8'));
}

/**
 * What the entries hold for `url`'s host, for a transfer -u gave no
 * credentials: with a user in the URL, that login's entry; in `optional`
 * mode (--netrc-optional), nothing when the URL has its own password.
 */
export function netrcLogin(entries: readonly NetrcEntry[] | undefined, mode: 'required' | 'optional' | undefined, url: string): { user?: string; password?: string } {
  if (!entries || entries.length === 0) return {};
  let u: URL;
  let login: string | undefined;
  try {
    u = new URL(url);
    login = u.username ? decodeURIComponent(u.username) : undefined;
  } catch {
    // The transfer reports the URL itself.
    return {};
  }
  if (mode === 'optional' && u.password) return {};
  const host = u.hostname.startsWith('[') ? u.hostname.slice(1, -1) : u.hostname;
  return netrcCredentials(entries, host, login) ?? {};
}
