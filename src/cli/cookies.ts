/**
 * dial's cookie engine (curl's -b, -c, -j): the -b strings and files read
 * once at the start of a run, one jar every transfer shares, and -c written
 * at the end — also when a transfer failed, as curl does.
 *
 * @module
 */
import { promises as fsp } from 'node:fs';
import type { CookieJar } from '../protocols/http/cookies.js';
import type { CliOptions } from './args.js';
import { CliExit, EXIT } from './exit-codes.js';
import type { FileReader } from './data.js';

/** What the -b/-c options set up for a run. */
export interface RunCookies {
  /** The jar, when the engine is on (a -b file, `-b ''`, or -c). */
  jar: CookieJar | undefined;
  /** The -b strings as written, joined with ';' as curl joins them: sent as the Cookie header (a -H Cookie replaces it). */
  header: string | undefined;
}

/** A cookie file bigger than this is not read (the jar holds 3000 cookies of at most 4 KiB anyway). */
const MAX_COOKIE_FILE = 16 * 1024 * 1024;

/** curl's test for -b: with a '=' it is cookie data, else a file name. */
export function isCookieData(arg: string): boolean {
  return arg.includes('=');
}

/** Whether the options turn the engine on: Set-Cookie is then stored and sent on (curl: a -b file, `-b ''`, or -c). */
export function cookieEngineOn(o: Pick<CliOptions, 'cookies' | 'cookieJar'>): boolean {
  return o.cookieJar !== undefined || o.cookies.some((b) => !isCookieData(b));
}

/**
 * Reads the -b arguments. A string with CR, LF or NUL is refused (exit 2);
 * a cookie file that cannot be read is skipped, as curl skips it; `-b -`
 * reads the file from stdin.
 */
export async function loadCookies(o: CliOptions, read: FileReader, warn: (line: string) => void): Promise<RunCookies> {
  const engine = cookieEngineOn(o);
  if (!engine && o.cookies.length === 0) return { jar: undefined, header: undefined };
  // Loaded only when a cookie option is given.
  const mod = await import('../protocols/http/cookies.js');
  // As curl, the -b strings go out as written, joined with ';' (nothing parsed or dropped); only a
  // CR, LF or NUL, which would end the header line, is refused.
  const data = o.cookies.filter(isCookieData);
  for (const b of data) {
    try {
      mod.parseCookieString(b);
    } catch (e) {
      throw new CliExit(EXIT.FAILED_INIT, `option --cookie: ${(e as Error).message}`, { cause: e });
    }
  }
  const jar = engine ? new mod.CookieJar() : undefined;
  if (jar) {
    for (const file of o.cookies.filter((b) => !isCookieData(b) && b !== '')) {
      const text = await readCookieFile(file, read, warn);
      if (text !== undefined) jar.load(text, { dropSession: o.junkSessionCookies });
    }
  }
  return { jar, header: data.length > 0 ? data.join(';') : undefined };
}

async function readCookieFile(file: string, read: FileReader, warn: (line: string) => void): Promise<string | undefined> {
  try {
    if (file !== '-') {
      const st = await fsp.stat(file);
      if (st.size > MAX_COOKIE_FILE) {
        warn(`Warning: cookie file ${file} is larger than ${MAX_COOKIE_FILE} bytes; not read`);
        return undefined;
      }
    }
    const bytes = await read(file);
    return bytes.length > MAX_COOKIE_FILE ? undefined : bytes.toString('latin1');
  } catch {
    // curl goes on without a cookie file it cannot read.
    return undefined;
  }
}

/** Writes the jar for -c ('-' = stdout); a failure is a warning, as in curl. */
export async function saveCookies(path: string | undefined, jar: CookieJar | undefined, stdout: NodeJS.WritableStream, warn: (line: string) => void): Promise<void> {
  if (path === undefined || !jar) return;
  const text = jar.serialize();
  if (path === '-') {
    await new Promise<void>((resolve) => stdout.write(text, () => resolve()));
    return;
  }
  try {
    await fsp.writeFile(path, text, { encoding: 'latin1' });
  } catch (e) {
    warn(`Warning: Failed to save cookies in ${path}: ${(e as Error).message}`);
  }
}
