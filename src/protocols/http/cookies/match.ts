/**
 * The matching rules of RFC 6265 §5.1.3-5.1.4: which hosts a cookie's
 * domain covers and which paths its path covers. Pure string functions.
 *
 * @module
 */

/** An IP literal as the URL parser leaves one: IPv6 (has ':') or a last label that is a number (IPv4). */
export function isIpLike(host: string): boolean {
  if (host.includes(':')) return true;
  const last = host.slice(host.lastIndexOf('.') + 1);
  return last !== '' && /^[0-9]+$/.test(last);
}

/** §5.1.3: identical, or a suffix after a dot of a host that is a name (not an IP). */
export function domainMatch(host: string, domain: string): boolean {
  if (host === domain) return true;
  return host.length > domain.length && host.endsWith(domain) && host[host.length - domain.length - 1] === '.' && !isIpLike(host);
}

/** §5.1.4: the request path up to its last '/', or '/'. */
export function defaultPath(uriPath: string): string {
  if (!uriPath.startsWith('/')) return '/';
  const last = uriPath.lastIndexOf('/');
  return last <= 0 ? '/' : uriPath.slice(0, last);
}

/** §5.1.4: identical, or a prefix ending in '/' or followed by '/'. */
export function pathMatch(requestPath: string, cookiePath: string): boolean {
  if (requestPath === cookiePath) return true;
  if (!requestPath.startsWith(cookiePath)) return false;
  return cookiePath.endsWith('/') || requestPath[cookiePath.length] === '/';
}

/** The host and each parent domain of it: the only keys a matching cookie can be stored under. */
export function candidateDomains(host: string): string[] {
  if (isIpLike(host)) return [host];
  const out = [host];
  for (let i = host.indexOf('.'); i >= 0; i = host.indexOf('.', i + 1)) if (i + 1 < host.length) out.push(host.slice(i + 1));
  return out;
}
