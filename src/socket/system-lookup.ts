import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupFunction } from './connect.js';

/**
 * The system resolver (getaddrinfo: every address, in its order), as a
 * {@link LookupFunction}: what a connect uses when given no lookup, and what
 * a wrapping lookup (--resolve, -4/-6, tracing) falls back to. Its own file so
 * the CLI can reach it without loading node:net.
 */
export const systemLookup: LookupFunction = async (hostname, { family }) => {
  const found = await dnsLookup(hostname, { all: true, family: family ?? 0, verbatim: true });
  return found.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
