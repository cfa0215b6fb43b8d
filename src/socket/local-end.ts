/**
 * The local end of an outgoing TCP connection (curl's --interface and
 * --local-port): which address to bind before connecting, and which ports to
 * try. Resolving it is kept apart from connect.ts, which races attempts and
 * only asks this file for "the address for family 4" and "the next port".
 *
 * @module
 */
import * as net from 'node:net';
import { networkInterfaces } from 'node:os';
import { ConnectError, InputError } from '../errors.js';
import type { LookupAddress, LookupFunction } from './connect.js';

/** Where outgoing TCP connections start from. */
export interface LocalEnd {
  /**
   * What to bind, in curl's `--interface` syntax: `if!name` is a network
   * interface (its address of the family being dialled, from
   * os.networkInterfaces()), `host!name` an IP address or a host name
   * (resolved with the connection's lookup), and a bare value is tried as an
   * interface name first, then as an address or host name. Unlike curl as
   * root, the socket is not tied to the device (no SO_BINDTODEVICE): only
   * its source address is chosen.
   */
  interface?: string | undefined;
  /** The first local port to bind (1-65535; default: one the system picks). */
  port?: number | undefined;
  /** How many ports from `port` on to try, in order, while each is taken (default 1; curl's CURLOPT_LOCALPORTRANGE). */
  portRange?: number | undefined;
}

/** The address chosen for each family; `undefined` means "any". */
export type LocalAddresses = Partial<Record<4 | 6, string>>;

/** A stable text for pool and session keys: connections bound differently are different connections. */
export function localEndKey(local: LocalEnd | undefined): string {
  if (!local) return '';
  return `${local.interface ?? ''}/${local.port ?? ''}/${local.portRange ?? ''}`;
}

/** Throws an InputError for a port or range node:net would refuse or that runs past 65535. */
export function checkLocalEnd(local: LocalEnd): void {
  const { port, portRange } = local;
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new InputError(`local port must be an integer 0-65535, got ${String(port)}`, { phase: 'connect' });
  }
  if (portRange !== undefined && (!Number.isInteger(portRange) || portRange < 1 || (port ?? 0) + portRange - 1 > 65535)) {
    throw new InputError(`local port range must be 1 or more and end at 65535 at most, got ${String(portRange)}`, { phase: 'connect' });
  }
}

/** The ports to try in order: `[undefined]` when none is set (the system picks one). */
export function localPorts(local: LocalEnd | undefined): Array<number | undefined> {
  // Port 0 is "any", as curl takes it.
  if (!local?.port) return [undefined];
  const n = local.portRange ?? 1;
  return Array.from({ length: n }, (_, i) => local.port! + i);
}

function bindError(spec: string, message: string): ConnectError {
  return new ConnectError('DIAL_E_CONNECT', message, { phase: 'bind', attempts: [{ address: spec, error: 'bind' }] });
}

function interfaceAddress(name: string, family: 4 | 6): string | undefined | null {
  const list = networkInterfaces()[name];
  if (!list) return null;
  const want = family === 6 ? 'IPv6' : 'IPv4';
  // node reports family as a string (and as a number in some 18.x releases).
  const hit = list.find((a) => a.family === want || (a.family as unknown) === family);
  return hit?.address;
}

/**
 * The address to bind for each family among `addrs`, or nothing when no
 * interface is set. Rejects with a ConnectError of phase `bind` (curl's exit
 * 45) when the name is neither an interface nor a host that resolves.
 */
export async function resolveLocal(
  local: LocalEnd | undefined,
  addrs: readonly LookupAddress[],
  lookup: LookupFunction,
  signal: AbortSignal | undefined,
): Promise<LocalAddresses> {
  const spec = local?.interface;
  if (spec === undefined || spec === '') return {};
  const families = [...new Set(addrs.map((a) => a.family))];
  const ifOnly = spec.startsWith('if!');
  const hostOnly = spec.startsWith('host!');
  const name = ifOnly ? spec.slice(3) : hostOnly ? spec.slice(5) : spec;
  const out: LocalAddresses = {};
  if (!hostOnly && networkInterfaces()[name]) {
    for (const f of families) {
      const a = interfaceAddress(name, f);
      if (a) out[f] = a;
    }
    if (Object.keys(out).length === 0) throw bindError(spec, `Couldn't bind to interface '${name}': it has no address of the family dialled`);
    return out;
  }
  if (ifOnly) throw bindError(spec, `Couldn't bind to interface '${name}'`);
  const literal = net.isIP(name);
  if (literal) {
    // A literal of the other family is left in: the bind then fails as curl's does (no usable source address).
    for (const f of families) out[f] = name;
    return out;
  }
  for (const f of families) {
    try {
      const found = await lookup(name, { family: f, signal });
      const a = found.find((x) => x.family === f);
      if (a) out[f] = a.address;
    } catch {
      // A family the name has no address in is not an error while another family has one.
    }
  }
  if (Object.keys(out).length === 0) throw bindError(spec, `Couldn't bind to '${name}'`);
  return out;
}
