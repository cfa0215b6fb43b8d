/**
 * Data-connection addresses (RFC 959 PASV/PORT, RFC 2428 EPSV/EPRT): parsing
 * the server's replies and building our own arguments. Sans-IO.
 *
 * @module
 */
import { InputError, ProtocolError } from '../../../errors.js';

/** Where the server says it waits for our data connection. */
export interface PassiveTarget {
  /** The IPv4 address from a 227 reply; undefined for 229 (EPSV names no host). */
  host: string | undefined;
  port: number;
}

// Some servers omit the parentheses RFC 959 shows, so the six numbers are found anywhere.
const PASV_NUMBERS = /(\d{1,10}),(\d{1,10}),(\d{1,10}),(\d{1,10}),(\d{1,10}),(\d{1,10})/;

function fail(what: string, text: string): never {
  throw new ProtocolError(`${what}: ${JSON.stringify(text.slice(0, 120))}`, { protocol: 'ftp', phase: 'data' });
}

/**
 * Parses a 227 reply's text (`Entering Passive Mode (h1,h2,h3,h4,p1,p2)`).
 * ProtocolError when the numbers are missing or any is out of 0–255, or the
 * port is 0 — never a silently wrapped address.
 */
export function parsePasv(text: string): PassiveTarget {
  const m = PASV_NUMBERS.exec(text);
  if (!m) fail('227 reply without an address', text);
  const n = m.slice(1, 7).map(Number);
  if (n.some((x) => !(x >= 0 && x <= 255))) fail('227 reply with a number out of 0-255', text);
  const port = n[4]! * 256 + n[5]!;
  if (port === 0) fail('227 reply with port 0', text);
  return { host: n.slice(0, 4).join('.'), port };
}

/**
 * Parses a 229 reply's text (`Entering Extended Passive Mode (|||port|)`):
 * any printable delimiter repeated, as RFC 2428 allows. ProtocolError when
 * malformed or the port is outside 1–65535.
 */
export function parseEpsv(text: string): PassiveTarget {
  const m = /\(([!-~])\1\1(\d{1,10})\1\)/.exec(text);
  if (!m) fail('229 reply without a port', text);
  const port = Number(m[2]);
  if (!(port >= 1 && port <= 65535)) fail('229 reply with a port out of 1-65535', text);
  return { host: undefined, port };
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`data port must be 1-65535, got ${port}`);
}

/** The argument of `PORT` for an IPv4 address and port: `h1,h2,h3,h4,p1,p2`. */
export function formatPort(ip: string, port: number): string {
  checkPort(port);
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) {
    throw new InputError(`PORT needs an IPv4 address, got ${JSON.stringify(ip)}`);
  }
  return `${parts.map(Number).join(',')},${port >> 8},${port & 255}`;
}

/** The argument of `EPRT` (RFC 2428): `|1|ip|port|` or `|2|ip|port|`. */
export function formatEprt(ip: string, port: number): string {
  checkPort(port);
  const v6 = ip.includes(':');
  if (!v6 && !/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) throw new InputError(`EPRT needs an IP address, got ${JSON.stringify(ip)}`);
  if (v6 && !/^[0-9a-fA-F:.]+$/.test(ip)) throw new InputError(`EPRT needs an IP address, got ${JSON.stringify(ip)}`);
  return `|${v6 ? 2 : 1}|${ip}|${port}|`;
}

/**
 * The byte count a 150/125 reply announces (`… (1234 bytes)`, as vsftpd,
 * ProFTPD and pyftpdlib write it), or undefined.
 */
export function parseTransferSize(text: string): number | undefined {
  const m = /\((\d{1,16}) bytes?\)/i.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : undefined;
}
