import * as net from 'node:net';
import { InputError } from '../../../errors.js';
import { bareHost } from './env.js';

/** Where a tunnel leads: a host name or IP literal (brackets optional for IPv6), and a port. */
export interface ProxyTarget {
  host: string;
  port: number;
}

// A DNS name as it may appear in a URL's host: letters, digits, '-', '_', '.'.
// Anything else (space, CR, '@', '/') would change the meaning of a CONNECT
// line or a SOCKS request, so it is refused before a byte is sent.
const HOST_NAME = /^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,252})$/;

/** Throws InputError unless `target` is a sane host and a port 1..65535. */
export function checkTarget(target: ProxyTarget): void {
  const raw = String(target.host);
  const host = bareHost(raw);
  const bracketed = raw !== host;
  if (bracketed ? net.isIP(host) !== 6 : !net.isIP(host) && !HOST_NAME.test(host)) throw new InputError(`invalid tunnel target host ${JSON.stringify(String(target.host).slice(0, 100))}`, { protocol: 'http' });
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) throw new InputError(`invalid tunnel target port ${String(target.port)}`, { protocol: 'http' });
}
