/**
 * What may reach the wire and the disk. Paths and credentials are checked
 * before any command is sent; names a server lists are checked before they
 * become local files (a hostile server naming `../../.bashrc` — basic-ftp
 * CVE-2026-27699 — must not write outside the target).
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError, ProtocolError } from '../../../errors.js';

/**
 * Throws InputError when `value` holds CR, LF or NUL: any of them would end
 * the command early and let the rest become a command of its own.
 */
export function checkArg(value: string, what: string): string {
  if (typeof value !== 'string') throw new InputError(`${what} must be a string`, { protocol: 'ftp' });
  if (/[\r\n\0]/.test(value)) throw new InputError(`${what} holds CR, LF or NUL; nothing was sent`, { protocol: 'ftp', phase: 'send' });
  return value;
}

/** A remote path: a non-empty string without CR, LF or NUL. */
export function checkPath(path: string, what = 'path'): string {
  checkArg(path, what);
  if (path === '') throw new InputError(`${what} is empty`, { protocol: 'ftp' });
  return path;
}

/**
 * Why a server-supplied name cannot be a local file name, or undefined when
 * it can: empty, `.`, `..`, a slash or backslash, NUL or another control
 * character, or a drive letter (`C:`).
 */
export function unsafeNameReason(name: string): string | undefined {
  if (name === '') return 'is empty';
  if (name === '.' || name === '..') return 'is a dot entry';
  if (name.includes('/') || name.includes('\\')) return 'holds a path separator';
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(name)) return 'holds a control character';
  if (/^[A-Za-z]:/.test(name)) return 'starts with a drive letter';
  return undefined;
}

/**
 * Joins a server-supplied `name` to the local directory `root`, refusing
 * (ProtocolError: the server misbehaved) an unsafe name or a result outside
 * `root`.
 */
export function safeLocalPath(root: string, name: string): string {
  const why = unsafeNameReason(name);
  if (why) throw new ProtocolError(`refusing server-supplied name ${JSON.stringify(name)}: it ${why}`, { protocol: 'ftp', phase: 'list' });
  const base = resolve(root);
  const target = resolve(base, name);
  const rel = relative(base, target);
  if (rel === '' || rel === '..' || rel.startsWith('..' + sep) || isAbsolute(rel)) {
    throw new ProtocolError(`refusing server-supplied name ${JSON.stringify(name)}: it leaves ${base}`, { protocol: 'ftp', phase: 'list' });
  }
  return target;
}

/** Joins remote path segments with `/`, without doubling slashes. */
export function joinRemote(dir: string, name: string): string {
  if (dir === '' || dir === '.') return name;
  return dir.endsWith('/') ? dir + name : `${dir}/${name}`;
}
