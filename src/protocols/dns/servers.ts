/**
 * Lookups against chosen DNS servers (curl's `--dns-servers`, with
 * `--dns-ipv4-addr`/`--dns-ipv6-addr` for the local address the queries
 * leave from), as a {@link LookupFunction}: node:dns's Resolver (c-ares)
 * asks them for A and AAAA side by side, not the system's resolver.
 *
 * @module
 */
import { promises as dns } from 'node:dns';
import { isIP } from 'node:net';
import { ConnectError, InputError } from '../../errors.js';
import type { LookupAddress, LookupFunction } from '../../socket/connect.js';

/** Options for {@link serversLookup}. */
export interface DnsServersOptions {
  /** The servers, `address` or `address:port` (`[v6]:port`), asked in order. */
  servers: readonly string[];
  /** The local IPv4 address queries are sent from. */
  localAddress4?: string | undefined;
  /** The local IPv6 address queries are sent from. */
  localAddress6?: string | undefined;
  /** Bound on each query, ms (default 5000). */
  timeout?: number | undefined;
}

/** No answer of the kind asked for: an empty list, not a failure (the other family may have one). */
const EMPTY = new Set(['ENODATA', 'ENOTFOUND', 'ENONAME']);

/** A lookup that asks `servers` directly. A server list node:dns cannot use is an InputError. */
export function serversLookup(o: DnsServersOptions): LookupFunction {
  const resolver = new dns.Resolver({ timeout: o.timeout ?? 5000, tries: 2 });
  try {
    resolver.setServers([...o.servers]);
    if (o.localAddress4 !== undefined || o.localAddress6 !== undefined) resolver.setLocalAddress(o.localAddress4 ?? '0.0.0.0', o.localAddress6 ?? '::0');
  } catch (e) {
    throw new InputError(`DNS servers ${JSON.stringify(o.servers.join(','))}: ${(e as Error).message}`, { protocol: 'dns', cause: e });
  }
  const ask = async (name: string, family: 4 | 6): Promise<LookupAddress[]> => {
    try {
      const found = family === 4 ? await resolver.resolve4(name) : await resolver.resolve6(name);
      return found.map((address) => ({ address, family }));
    } catch (e) {
      if (EMPTY.has((e as NodeJS.ErrnoException).code ?? '')) return [];
      throw e;
    }
  };
  // No cancel on the caller's signal: Resolver.cancel() would end every lookup in flight, not this one; each query is bounded by `timeout`.
  return async (hostname, { family }) => {
    const name = hostname.replace(/^\[|\]$/g, '');
    const literal = isIP(name);
    if (literal) return [{ address: name, family: literal as 4 | 6 }];
    const settled = await Promise.allSettled(family ? [ask(name, family)] : [ask(name, 6), ask(name, 4)]);
    const found = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
    if (found.length > 0) return found;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const why = failed ? `${(failed.reason as NodeJS.ErrnoException).code ?? (failed.reason as Error).message}` : 'no A or AAAA record';
    throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${name} with DNS servers ${o.servers.join(',')}: ${why}`, { protocol: 'dns', phase: 'resolve', cause: failed?.reason });
  };
}
