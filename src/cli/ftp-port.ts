/**
 * dial's `-P ADDRESS[:PORT[-PORT]]` (curl's --ftp-port): where active FTP
 * listens. The address is an IP, a network interface's name or a host name
 * (looked up once for the run); `-` or nothing is this end of the control
 * connection. An IPv6 address with a port goes in brackets (`[::1]:40000`).
 *
 * @module
 */
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { CliExit, EXIT } from './exit-codes.js';

/** The library options -P sets (both undefined for `-P -`). */
export interface ActivePort {
  activeAddress?: string | undefined;
  activePorts?: readonly [number, number] | undefined;
}

/** Splits `-P`'s value into address and port range; a port outside 1–65535 or a reversed range is exit 2. */
export function splitFtpPort(spec: string): { address: string; ports: [number, number] | undefined } {
  let address = spec;
  let range: string | undefined;
  if (spec.startsWith('[')) {
    const end = spec.indexOf(']');
    address = spec.slice(1, end < 0 ? undefined : end);
    if (end >= 0 && spec[end + 1] === ':') range = spec.slice(end + 2);
  } else if (isIP(spec) !== 6) {
    const colon = spec.lastIndexOf(':');
    if (colon >= 0) [address, range] = [spec.slice(0, colon), spec.slice(colon + 1)];
  }
  if (range === undefined || range === '') return { address, ports: undefined };
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(range);
  const first = Number(m?.[1]);
  const last = m?.[2] === undefined ? first : Number(m[2]);
  if (!m || first < 1 || last > 65535 || last < first) throw new CliExit(EXIT.FAILED_INIT, `option -P: bad port range ${JSON.stringify(range)}`);
  return { address, ports: [first, last] };
}

/**
 * Resolves -P once for the run: an interface's name is passed on (the library
 * takes its address of each control connection's family, as curl), a host
 * name is looked up (exit 30 when it fails, as curl).
 */
export async function resolveFtpPort(spec: string): Promise<ActivePort> {
  if (spec === '-') return {};
  const { address, ports } = splitFtpPort(spec);
  if (address === '' || address === '-') return { activePorts: ports };
  if (isIP(address)) return { activeAddress: address, activePorts: ports };
  const nic = networkInterfaces()[address];
  if (nic && nic.length > 0) return { activeAddress: address, activePorts: ports };
  try {
    return { activeAddress: (await lookup(address)).address, activePorts: ports };
  } catch (e) {
    throw new CliExit(EXIT.FTP_PORT_FAILED, `Could not resolve host: ${address}`, { cause: e });
  }
}
