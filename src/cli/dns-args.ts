/**
 * dial's --dns-servers, --dns-ipv4-addr, --dns-ipv6-addr and --dns-interface
 * → the run's resolver: node:dns's Resolver asking those servers, from those
 * local addresses (an interface's own, for --dns-interface). curl has them
 * only when built with c-ares (Debian's curl 7.88 is not); their meaning is
 * curl's documented one.
 *
 * @module
 */
import { networkInterfaces } from 'node:os';
import type { LookupFunction } from '../socket/connect.js';
import { CliExit, EXIT } from './exit-codes.js';

/** The values of the four options. */
export interface DnsArgs {
  servers: string | undefined;
  ipv4: string | undefined;
  ipv6: string | undefined;
  iface: string | undefined;
}

/** The resolver they ask for, or undefined (the system's) when --dns-servers is not given. */
export async function dnsServersResolver(a: DnsArgs): Promise<LookupFunction | undefined> {
  if (a.servers === undefined) return undefined;
  let { ipv4, ipv6 } = a;
  if (a.iface !== undefined) {
    const nic = networkInterfaces()[a.iface];
    // curl: an interface that does not exist is a failure to bind, exit 45.
    if (!nic) throw new CliExit(EXIT.INTERFACE_FAILED, `--dns-interface: no interface named ${a.iface}`);
    ipv4 ??= nic.find((n) => n.family === 'IPv4')?.address;
    ipv6 ??= nic.find((n) => n.family === 'IPv6')?.address;
  }
  const { serversLookup } = await import('../protocols/dns/servers.js');
  try {
    return serversLookup({ servers: a.servers.split(',').map((s) => s.trim()).filter(Boolean), localAddress4: ipv4, localAddress6: ipv6 });
  } catch (e) {
    throw new CliExit(EXIT.FAILED_INIT, `option --dns-servers: ${(e as Error).message}`, { cause: e });
  }
}
