/**
 * DNS over HTTPS (RFC 8484) as a {@link LookupFunction}: every connection
 * made with it looks its host up by POSTing an `application/dns-message`
 * query to the DoH server, A and AAAA side by side (curl's `--doh-url`).
 * The DoH server's own name is resolved by the system resolver (or the
 * `lookup` given), as curl does; localhost names are the loopback's
 * (RFC 6761), asked of no one. Answers are kept for their TTL (at most 256 names, at most 5
 * minutes), so a run that opens many connections asks once per name.
 *
 * @module
 */
import { ConnectError, DialError, ProtocolError } from '../../errors.js';

const isResolveError = (e: unknown): boolean => e instanceof DialError && e.code === 'DIAL_E_RESOLVE' && e.protocol === 'dns';
import type { LookupAddress, LookupFunction } from '../../socket/connect.js';
import type { TLSOptions } from '../../socket/tls.js';
import type { Tracer } from '../../trace.js';
import { request } from '../http/client.js';
import type { Agent } from '../http/agent.js';
import { encodeQuery, parseAddresses, TYPE_A, TYPE_AAAA, type DnsAddress } from './core/message.js';
import { isIP } from 'node:net';

/** Options for {@link dohLookup}. */
export interface DohOptions {
  /** TLS settings for the DoH server (its certificate is verified unless `insecure`). */
  tls?: TLSOptions | undefined;
  /** Do not verify the DoH server's certificate (curl `--doh-insecure`). */
  insecure?: boolean | undefined;
  /** Bound on each query, ms (default 10000). */
  timeout?: number | undefined;
  /** How the DoH server's own name is looked up (default: the system resolver); dial passes its --resolve entries here. */
  lookup?: LookupFunction | undefined;
  /** The agent the queries go through (default: the global one). */
  agent?: Agent | undefined;
  trace?: Tracer | undefined;
}

const MAX_CACHED = 256;
const MAX_TTL = 300;
/** A DNS message over HTTP has no reason to be larger than DNS's own limit. */
const MAX_MESSAGE = 65535;

/** The addresses of localhost, IPv6 first as curl lists them (a connection falls back to the next). */
const LOOPBACK: readonly LookupAddress[] = [
  { address: '::1', family: 6 },
  { address: '127.0.0.1', family: 4 },
];

/** A lookup that asks the DoH server at `url` (an https:// URL, or http:// for tests and local resolvers). */
export function dohLookup(url: string, options: DohOptions = {}): LookupFunction {
  const endpoint = new URL(url);
  if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') throw new ProtocolError(`a DoH URL must be https:// (or http://), not ${endpoint.protocol}`, { protocol: 'dns' });
  const cache = new Map<string, { until: number; addresses: LookupAddress[] }>();

  const ask = async (name: string, type: number, signal: AbortSignal | undefined): Promise<DnsAddress[]> => {
    const res = await request(endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/dns-message', Accept: 'application/dns-message' },
      body: encodeQuery(name, type),
      tls: options.tls,
      insecure: options.insecure,
      timeout: options.timeout ?? 10_000,
      agent: options.agent,
      lookup: options.lookup,
      signal,
      maxBodySize: MAX_MESSAGE,
    });
    const body = await res.bytes();
    if (res.status !== 200) throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${name}: the DoH server answered ${res.status} ${res.statusText}`, { protocol: 'dns', phase: 'resolve' });
    return parseAddresses(body, name, type);
  };

  return async (hostname, { family, signal }) => {
    const name = hostname.replace(/^\[|\]$/g, '');
    // An address needs no lookup; the DoH server's own name goes to the system resolver (it cannot be asked about itself).
    const literal = isIP(name);
    if (literal) return [{ address: name, family: literal as 4 | 6 }];
    const key = name.toLowerCase().replace(/\.$/, '');
    // RFC 6761 §6.3: localhost and the names under it are the loopback, never a resolver's to answer (curl answers them itself too).
    if (key === 'localhost' || key.endsWith('.localhost')) return LOOPBACK.filter((a) => !family || a.family === family);
    const hit = cache.get(key);
    let all: LookupAddress[];
    if (hit && hit.until > Date.now()) all = hit.addresses;
    else {
      options.trace?.({ kind: '*', text: `DoH: asking ${endpoint.origin} for ${name}`, protocol: 'dns' });
      const settled = await Promise.allSettled([ask(name, TYPE_AAAA, signal), ask(name, TYPE_A, signal)]);
      const found = settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
      if (found.length === 0) {
        const first = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
        // Whatever failed on the way (the DoH server unreachable, a broken answer), the name is what went unresolved: curl's exit 6.
        if (first) throw isResolveError(first.reason) ? first.reason : new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${name} over DoH: ${(first.reason as Error).message}`, { protocol: 'dns', phase: 'resolve', cause: first.reason });
        throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${name}: no A or AAAA record`, { protocol: 'dns', phase: 'resolve' });
      }
      const ttl = Math.min(MAX_TTL, ...found.map((a) => a.ttl));
      all = found.map((a) => ({ address: a.address, family: a.family }));
      if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
      cache.set(key, { until: Date.now() + ttl * 1000, addresses: all });
    }
    return family ? all.filter((a) => a.family === family) : all;
  };
}
