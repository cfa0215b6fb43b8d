/**
 * curl's network options that shape every connection rather than one
 * protocol: the local end (--interface, --local-port). Read from the parsed
 * command line into one typed record, then copied onto the transfer's
 * options; the library does the work.
 *
 * @module
 */
import type { LocalEnd } from '../socket/local-end.js';
import type { OpenOptions } from '../urlopen/types.js';
import { CliExit, EXIT } from './exit-codes.js';
import type { LowSpeed } from './low-speed.js';
import type { OptionToken } from './argv.js';
import { ALL_PROTOCOLS } from './proto.js';

/** The parsed values this file reads (a slice of parseArgs' `values`). */
export interface NetValues {
  interface?: string | undefined;
  'local-port'?: string | undefined;
  'speed-limit'?: string | undefined;
  'speed-time'?: string | undefined;
  'proto-default'?: string | undefined;
  'disallow-username-in-url'?: boolean | undefined;
  'parallel-immediate'?: boolean | undefined;
}

/** The network options of a run. */
export interface NetArgs {
  /** --interface and --local-port: where every connection starts from (undefined: the system's choice). */
  local: LocalEnd | undefined;
  /** --speed-limit / --speed-time: abort a transfer slower than `limit` bytes/s for `time` s (exit 28). */
  lowSpeed: LowSpeed | undefined;
  /** --proto-default: the scheme of a URL typed without one (lowercase; curl guesses from the host name otherwise). */
  protoDefault: string | undefined;
  /** --disallow-username-in-url: a URL naming a user is refused (exit 67). */
  disallowUsernameInUrl: boolean;
  /** --parallel-immediate: accepted; dial never waits to multiplex, so -Z's transfers start at once anyway. */
  parallelImmediate: boolean;
  /** --abstract-unix-socket NAME when it came after any --unix-socket: the Linux abstract name, with its leading NUL. */
  unixSocket?: string | undefined;
}

function badlyUsed(name: string): CliExit {
  return new CliExit(EXIT.FAILED_INIT, `option --${name}: is badly used here`);
}

/** `N` or `N-M` as curl reads --local-port: 0-65535, M not below N; anything else is exit 2. */
function localPort(raw: string): { port: number; portRange: number } {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(raw);
  const first = m ? Number(m[1]) : NaN;
  const last = m?.[2] !== undefined ? Number(m[2]) : first;
  if (!m || first > 65535 || last > 65535 || last < first) throw badlyUsed('local-port');
  return { port: first, portRange: last - first + 1 };
}

/** A whole number of curl's, with its three messages for what it refuses. */
function count(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const t = raw.trim();
  if (/^-\d+$/.test(t)) throw new CliExit(EXIT.FAILED_INIT, `option --${name}: expected a positive numerical parameter`);
  if (!/^\+?\d+$/.test(t)) throw new CliExit(EXIT.FAILED_INIT, `option --${name}: expected a proper numerical parameter`);
  const n = Number(t);
  if (!Number.isSafeInteger(n)) throw new CliExit(EXIT.FAILED_INIT, `option --${name}: too large number`);
  return n;
}

/** curl: a time without a limit checks for 1 byte/s, a limit without a time waits 30 s; 0 for either alone is off. */
function lowSpeed(v: NetValues): LowSpeed | undefined {
  let limit = count('speed-limit', v['speed-limit']) ?? 0;
  let time = count('speed-time', v['speed-time']) ?? 0;
  if (time > 0 && limit === 0) limit = 1;
  if (limit > 0 && time === 0) time = 30;
  return limit > 0 ? { limit, time } : undefined;
}

/** --proto-default's scheme, lowercased; one curl does not know is exit 1, as curl's. */
function protoDefault(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const name = raw.toLowerCase();
  if (!ALL_PROTOCOLS.includes(name)) throw new CliExit(EXIT.UNSUPPORTED_PROTOCOL, 'option --proto-default: a specified protocol is unsupported');
  return name;
}

/**
 * The Unix socket when --abstract-unix-socket is the last of it and
 * --unix-socket (curl keeps one path): node:net reads a path that starts
 * with a NUL as a name in Linux's abstract namespace.
 */
function abstractSocket(tokens: readonly OptionToken[]): { unixSocket?: string } {
  let last: OptionToken | undefined;
  for (const t of tokens) if (t.kind === 'option' && (t.name === 'unix-socket' || t.name === 'abstract-unix-socket')) last = t;
  return last?.name === 'abstract-unix-socket' ? { unixSocket: `\0${last.value ?? ''}` } : {};
}

/** Reads the network options; a --local-port curl would refuse is exit 2. */
export function netArgs(v: NetValues, tokens: readonly OptionToken[] = []): NetArgs {
  const iface = v.interface;
  const ports = v['local-port'] === undefined ? undefined : localPort(v['local-port']);
  const local: LocalEnd | undefined = iface === undefined && !ports?.port ? undefined : { interface: iface === '' ? undefined : iface, ...ports };
  return {
    local,
    lowSpeed: lowSpeed(v),
    protoDefault: protoDefault(v['proto-default']),
    disallowUsernameInUrl: v['disallow-username-in-url'] ?? false,
    parallelImmediate: v['parallel-immediate'] ?? false,
    ...abstractSocket(tokens),
  };
}

/** Copies the network options onto one transfer's options. */
export function applyNetArgs(n: NetArgs, opts: OpenOptions): void {
  if (n.local) opts.local = n.local;
}
