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

/** The parsed values this file reads (a slice of parseArgs' `values`). */
export interface NetValues {
  interface?: string | undefined;
  'local-port'?: string | undefined;
}

/** The network options of a run. */
export interface NetArgs {
  /** --interface and --local-port: where every connection starts from (undefined: the system's choice). */
  local: LocalEnd | undefined;
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

/** Reads the network options; a --local-port curl would refuse is exit 2. */
export function netArgs(v: NetValues): NetArgs {
  const iface = v.interface;
  const ports = v['local-port'] === undefined ? undefined : localPort(v['local-port']);
  const local: LocalEnd | undefined = iface === undefined && !ports?.port ? undefined : { interface: iface === '' ? undefined : iface, ...ports };
  return { local };
}

/** Copies the network options onto one transfer's options. */
export function applyNetArgs(n: NetArgs, opts: OpenOptions): void {
  if (n.local) opts.local = n.local;
}
