/**
 * Readers for option values with curl's refusals: plain numbers (integer or
 * not, with a minimum), --max-filesize's size suffixes, --create-file-mode's
 * octal digits. Each bad value is exit 2 with curl's words.
 *
 * @module
 */
import { CliExit, EXIT } from './exit-codes.js';

/** A usage error: curl's exit 2. */
export function usage(message: string): CliExit {
  return new CliExit(EXIT.FAILED_INIT, message);
}

/** A number option: decimal digits only for an integer one, at least `min` (default 0). */
export function number(name: string, raw: string | undefined, opts: { integer?: boolean; min?: number } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  // An integer option takes decimal digits only, as curl's strtol does: Number() would also take
  // '0x10' and '1e3', and round a 23-digit value instead of refusing it.
  const digits = /^\s*[+-]?\d+$/.test(raw);
  if (opts.integer && digits && !Number.isSafeInteger(n)) throw usage(`option --${name}: too large number`);
  if (raw.trim() === '' || !Number.isFinite(n) || (opts.integer && !digits) || n < (opts.min ?? 0))
    throw usage(`option --${name}: expected a proper numerical parameter`);
  return n;
}

/** curl's size suffixes for --max-filesize: k, M, G. */
export function size(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)([kKmMgG]?)$/.exec(raw);
  if (!m) throw usage(`option --${name}: expected a proper numerical parameter`);
  const mult = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'];
  const n = Math.floor(Number(m[1]) * mult);
  if (!Number.isSafeInteger(n)) throw usage(`option --${name}: too large number`);
  return n;
}

/** --create-file-mode: octal digits, at most 0777, with curl's messages. */
export function octalMode(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  if (/^\s*-/.test(raw)) throw usage('option --create-file-mode: expected a positive numerical parameter');
  if (!/^\s*\+?[0-7]+$/.test(raw)) throw usage('option --create-file-mode: expected a proper numerical parameter');
  const n = parseInt(raw.replace('+', ''), 8);
  if (n > 0o777) throw usage('option --create-file-mode: too large number');
  return n;
}
