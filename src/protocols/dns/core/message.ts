/**
 * DNS messages (RFC 1035 §4) for an address lookup, sans-IO: a query for
 * one name's A or AAAA records, and the addresses a response gives for it,
 * CNAME chains followed. Enough for DNS over HTTPS (RFC 8484), which sends
 * these bytes as an `application/dns-message` body.
 *
 * A response is read with bounds a hostile server cannot push: compression
 * pointers may only point backwards (so a loop is impossible), a name is at
 * most 255 bytes, every length is checked against the message, and a CNAME
 * chain is followed 16 links at most.
 *
 * @module
 */
import { ProtocolError, InputError, ConnectError } from '../../../errors.js';

/** The record types an address lookup asks for. */
export const TYPE_A = 1;
export const TYPE_AAAA = 28;
const TYPE_CNAME = 5;
const CLASS_IN = 1;
const MAX_CHAIN = 16;

/** One address from a response, with its time to live in seconds. */
export interface DnsAddress {
  address: string;
  family: 4 | 6;
  ttl: number;
}

/**
 * The query for `name`'s records of `type`: ID 0 (RFC 8484 §4.1, so that
 * HTTP caches can share answers) and recursion desired. A name that is not
 * a host name of ASCII labels of 1–63 bytes, 255 in all, is an InputError.
 */
export function encodeQuery(name: string, type: number): Buffer {
  const labels = name.endsWith('.') ? name.slice(0, -1).split('.') : name.split('.');
  let size = 1;
  for (const l of labels) {
    if (l.length === 0 || l.length > 63 || !/^[\x21-\x7e]+$/.test(l)) throw new InputError(`not a host name DNS can ask for: ${JSON.stringify(name)}`, { protocol: 'dns' });
    size += l.length + 1;
  }
  if (size > 255) throw new InputError(`host name longer than 255 bytes: ${name.slice(0, 64)}…`, { protocol: 'dns' });
  const out = Buffer.alloc(12 + size + 4);
  out.writeUInt16BE(0x0100, 2); // RD
  out.writeUInt16BE(1, 4); // QDCOUNT
  let at = 12;
  for (const l of labels) {
    out[at++] = l.length;
    at += out.write(l, at, 'latin1');
  }
  out[at++] = 0;
  out.writeUInt16BE(type, at);
  out.writeUInt16BE(CLASS_IN, at + 2);
  return out;
}

/** Reads a (possibly compressed) name at `pos`: the name, lower-cased, and where the record goes on. */
function readName(msg: Buffer, pos: number): { name: string; next: number } {
  const labels: string[] = [];
  let size = 0;
  let next = -1;
  let at = pos;
  for (;;) {
    if (at >= msg.length) throw bad('a name runs past the end of the message');
    const len = msg[at]!;
    if (len === 0) {
      if (next < 0) next = at + 1;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= msg.length) throw bad('a compression pointer runs past the end of the message');
      const target = ((len & 0x3f) << 8) | msg[at + 1]!;
      // Only backwards: a pointer forward or to itself could loop.
      if (target >= at) throw bad('a compression pointer that does not point backwards');
      if (next < 0) next = at + 2;
      at = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw bad('a label type DNS does not define');
    size += len + 1;
    if (size > 255 || at + 1 + len > msg.length) throw bad('a name longer than 255 bytes or than the message');
    labels.push(msg.toString('latin1', at + 1, at + 1 + len).toLowerCase());
    at += 1 + len;
  }
  return { name: labels.join('.'), next };
}

/**
 * The addresses a response gives for `name` (of `type`), through any CNAME
 * chain. NXDOMAIN and an empty answer are a resolve error (curl's exit 6);
 * a response that is not one, another RCODE or a truncated one is a
 * ProtocolError.
 */
export function parseAddresses(msg: Buffer, name: string, type: number): DnsAddress[] {
  if (msg.length < 12) throw bad('shorter than a DNS header');
  const flags = msg.readUInt16BE(2);
  if ((flags & 0x8000) === 0) throw bad('a query, not a response');
  if (flags & 0x0200) throw bad('truncated (TC set)');
  const rcode = flags & 0x000f;
  const want = name.toLowerCase().replace(/\.$/, '');
  if (rcode === 3) throw new ConnectError('DIAL_E_RESOLVE', `could not resolve host ${name}: no such domain (NXDOMAIN)`, { protocol: 'dns', phase: 'resolve' });
  if (rcode !== 0) throw bad(`the server answered RCODE ${rcode}${rcode === 2 ? ' (server failure)' : rcode === 5 ? ' (refused)' : ''}`);
  const qd = msg.readUInt16BE(4);
  const an = msg.readUInt16BE(6);
  let at = 12;
  for (let i = 0; i < qd; i++) {
    at = readName(msg, at).next + 4;
    if (at > msg.length) throw bad('a question runs past the end of the message');
  }
  const records: Array<{ owner: string; type: number; ttl: number; data: number; len: number }> = [];
  for (let i = 0; i < an; i++) {
    const { name: owner, next } = readName(msg, at);
    if (next + 10 > msg.length) throw bad('a record runs past the end of the message');
    const rtype = msg.readUInt16BE(next);
    const rclass = msg.readUInt16BE(next + 2);
    const ttl = msg.readUInt32BE(next + 4);
    const len = msg.readUInt16BE(next + 8);
    const data = next + 10;
    if (data + len > msg.length) throw bad('a record runs past the end of the message');
    if (rclass === CLASS_IN) records.push({ owner, type: rtype, ttl, data, len });
    at = data + len;
  }
  // The chain first (CNAMEs may come in any order), then the addresses of any name on it.
  const chain = new Set([want]);
  for (let grew = true, links = 0; grew; ) {
    grew = false;
    for (const r of records) {
      if (r.type !== TYPE_CNAME || !chain.has(r.owner)) continue;
      const target = readName(msg, r.data).name;
      if (chain.has(target)) continue;
      if (++links > MAX_CHAIN) throw bad(`a CNAME chain longer than ${MAX_CHAIN}`);
      chain.add(target);
      grew = true;
    }
  }
  const out: DnsAddress[] = [];
  for (const r of records) {
    if (r.type !== type || !chain.has(r.owner)) continue;
    if (type === TYPE_A && r.len === 4) out.push({ address: [...msg.subarray(r.data, r.data + 4)].join('.'), family: 4, ttl: r.ttl });
    else if (type === TYPE_AAAA && r.len === 16) out.push({ address: ipv6(msg.subarray(r.data, r.data + 16)), family: 6, ttl: r.ttl });
    else throw bad(`an ${type === TYPE_A ? 'A' : 'AAAA'} record of ${r.len} bytes`);
  }
  return out;
}

function ipv6(b: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // The canonical short form (RFC 5952): the longest run of zero groups, if two or more, becomes '::'.
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function bad(what: string): ProtocolError {
  return new ProtocolError(`DNS response: ${what}`, { protocol: 'dns', phase: 'resolve' });
}
