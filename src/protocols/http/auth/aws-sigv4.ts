/**
 * AWS Signature Version 4 (curl's `--aws-sigv4`): each hop's request is
 * signed with HMAC-SHA256 over its canonical form — method, path, query,
 * the signed headers and the payload's hash — under a key derived from the
 * secret, the day, the region and the service.
 *
 * The provider string is curl's: `provider1[:provider2[:region[:service]]]`
 * (`aws:amz:us-east-1:s3`). provider1 names the algorithm (`AWS4-HMAC-SHA256`)
 * and the scope's end (`aws4_request`), provider2 the headers (`X-Amz-Date`);
 * a missing region and service are read from the host name
 * (`service.region.…`). The request's own `X-Amz-Date`, when it has a valid
 * one, is the signing time, as in curl.
 *
 * Where curl 7.88 departs from AWS's specification, the specification is
 * followed: the query is sorted and encoded, path segments are encoded as
 * AWS's UriEncode says (twice for services other than s3), and s3 requests
 * carry `X-Amz-Content-Sha256`. A streamed body is signed as
 * `UNSIGNED-PAYLOAD` (its bytes are not known up front).
 *
 * Signed headers: Host, the provider's `x-…` headers, and every other
 * header of the request except those a proxy or the transport may change
 * (User-Agent, Accept, Accept-Encoding, Content-Length, Transfer-Encoding,
 * Connection, Expect, TE, Authorization, Proxy-Authorization).
 *
 * @module
 */
import { InputError } from '../../../errors.js';
import { nodeCrypto } from '../../../util/builtins.js';
import type { HeaderList } from '../core/headers.js';
import type { PreparedBody } from '../request-body.js';

/** Headers never signed: a proxy or the transport may add, drop or change them on the way. */
const UNSIGNED = new Set(['user-agent', 'accept', 'accept-encoding', 'content-length', 'transfer-encoding', 'connection', 'expect', 'te', 'authorization', 'proxy-authorization']);

/** The parts of curl's provider string, with region and service still possibly to be read from the host. */
export interface AwsProvider {
  provider1: string;
  provider2: string;
  region: string | undefined;
  service: string | undefined;
}

/** Reads `provider1[:provider2[:region[:service]]]`; an empty or malformed one is an InputError. */
export function parseAwsProvider(spec: string): AwsProvider {
  const parts = spec.split(':');
  const ok = (s: string | undefined) => s === undefined || /^[A-Za-z0-9_.-]{1,64}$/.test(s);
  if (parts.length > 4 || parts[0] === '' || !parts.every((p) => ok(p)))
    throw new InputError(`aws-sigv4: ${JSON.stringify(spec)} is not provider1[:provider2[:region[:service]]]`, { protocol: 'http' });
  return { provider1: parts[0]!, provider2: parts[1] || parts[0]!, region: parts[2] || undefined, service: parts[3] || undefined };
}

/** Signs hops for one set of credentials (user = access key id, password = secret, or secret:session-token). */
export class AwsSigner {
  readonly #p: AwsProvider;
  readonly #keyId: string;
  readonly #secret: string;
  readonly #token: string | undefined;

  constructor(spec: string, creds: { user: string; password: string }) {
    this.#p = parseAwsProvider(spec);
    this.#keyId = creds.user;
    const colon = creds.password.indexOf(':');
    this.#secret = colon < 0 ? creds.password : creds.password.slice(0, colon);
    this.#token = colon < 0 ? undefined : creds.password.slice(colon + 1);
  }

  /** The headers to add to a hop (date, content hash, token, Authorization), given the ones it already has. */
  sign(method: string, url: URL, host: string, headers: HeaderList, body: PreparedBody, now = new Date()): Array<[string, string]> {
    const { provider1, provider2 } = this.#p;
    const [region, service] = this.#scope(url.hostname);
    const P1 = provider1.toUpperCase();
    const p2 = provider2.toLowerCase();
    const title = p2.charAt(0).toUpperCase() + p2.slice(1);
    const dateName = `x-${p2}-date`;
    const given = headers.get(dateName);
    const stamp = given !== null && /^\d{8}T\d{6}Z$/.test(given) ? given : amzDate(now);
    const out: Array<[string, string]> = [];
    if (given !== stamp) out.push([`X-${title}-Date`, stamp]);
    const payload = body.kind === 'none' ? sha256Hex('') : body.kind === 'bytes' ? sha256Hex(body.data) : 'UNSIGNED-PAYLOAD';
    if (service === 's3' && !headers.has(`x-${p2}-content-sha256`)) out.push([`X-${title}-Content-Sha256`, payload]);
    if (this.#token !== undefined && !headers.has(`x-${p2}-security-token`)) out.push([`X-${title}-Security-Token`, this.#token]);

    const fields = new Map<string, string>([['host', host]]);
    const addField = (name: string, value: string): void => {
      const lower = name.toLowerCase();
      if (lower === 'host' || UNSIGNED.has(lower)) return;
      const v = value.trim().replace(/[ \t]+/g, ' ');
      fields.set(lower, fields.has(lower) ? `${fields.get(lower)},${v}` : v);
    };
    const raw = headers.raw;
    for (let i = 0; i < raw.length; i += 2) addField(raw[i]!, raw[i + 1]!);
    for (const [k, v] of out) addField(k, v);
    const names = [...fields.keys()].sort();
    const signed = names.join(';');
    const canonical = [
      method,
      canonicalPath(url.pathname, service !== 's3'),
      canonicalQuery(url.search),
      names.map((n) => `${n}:${fields.get(n)}\n`).join(''),
      signed,
      payload,
    ].join('\n');
    const day = stamp.slice(0, 8);
    const scope = `${day}/${region}/${service}/${provider1.toLowerCase()}4_request`;
    const toSign = `${P1}4-HMAC-SHA256\n${stamp}\n${scope}\n${sha256Hex(canonical)}`;
    let key = hmac(`${P1}4${this.#secret}`, day);
    for (const part of [region, service, `${provider1.toLowerCase()}4_request`]) key = hmac(key, part);
    const signature = nodeCrypto().createHmac('sha256', key).update(toSign).digest('hex');
    out.push(['Authorization', `${P1}4-HMAC-SHA256 Credential=${this.#keyId}/${scope}, SignedHeaders=${signed}, Signature=${signature}`]);
    return out;
  }

  /** Region and service: the provider string's, else the host name's first two labels (`service.region.…`), as curl reads them. */
  #scope(hostname: string): [string, string] {
    let { region, service } = this.#p;
    if (region === undefined || service === undefined) {
      const labels = hostname.split('.');
      if (labels.length < 3 || labels.some((l) => l === '') || /^\d+$/.test(labels.at(-1)!))
        throw new InputError(`aws-sigv4: no region and service given, and ${hostname} is not service.region.domain`, { protocol: 'http' });
      service ??= labels[0]!;
      region ??= labels[1]!;
    }
    return [region, service];
  }
}

function sha256Hex(data: string | Uint8Array): string {
  return nodeCrypto().createHash('sha256').update(data).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(data).digest();
}

/** `YYYYMMDDTHHMMSSZ`, UTC. */
function amzDate(d: Date): string {
  return d.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** AWS's UriEncode: every byte but A–Z a–z 0–9 - . _ ~ as %XX (upper-case hex); '/' kept when `slash`. A string is taken as UTF-8. */
export function awsUriEncode(s: string | Uint8Array, slash = false): string {
  let out = '';
  for (const byte of typeof s === 'string' ? Buffer.from(s, 'utf8') : s) {
    const c = String.fromCharCode(byte);
    if ((byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || c === '-' || c === '.' || c === '_' || c === '~' || (slash && c === '/')) out += c;
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function isHex(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66));
}

/**
 * The bytes a URL component stands for: each %XX is its byte, whether or not
 * the bytes are UTF-8 (a key with %FF is byte 0xFF to the server, and so in
 * the signature); a '%' not followed by two hex digits is a literal one.
 */
function decode(s: string): Buffer {
  const raw = Buffer.from(s, 'utf8');
  const out = Buffer.alloc(raw.length);
  let n = 0;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (b === 0x25 && isHex(raw[i + 1]) && isHex(raw[i + 2])) {
      out[n++] = parseInt(String.fromCharCode(raw[i + 1]!, raw[i + 2]!), 16);
      i += 2;
    } else out[n++] = b;
  }
  return out.subarray(0, n);
}

/**
 * The canonical URI: each segment decoded and encoded as AWS says; for
 * services other than s3 the path is normalized too (AWS: "remove redundant
 * … path components" — `//example//` is `/example/`; the URL parser has
 * already removed `.` and `..`) and the result encoded once more. An s3 key
 * is taken as it is: `a//b` is another object than `a/b`.
 */
export function canonicalPath(pathname: string, twice: boolean): string {
  const segments = pathname.split('/');
  const kept = twice ? segments.filter((seg, i) => seg !== '' || i === 0 || i === segments.length - 1) : segments;
  const once = kept.map((seg) => awsUriEncode(decode(seg))).join('/');
  const path = once === '' ? '/' : once;
  return twice ? awsUriEncode(path, true) : path;
}

/** The canonical query: each name and value decoded and encoded, sorted by name then value, `name=` for a bare name. */
export function canonicalQuery(search: string): string {
  const q = search.startsWith('?') ? search.slice(1) : search;
  if (q === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of q.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    const value = eq < 0 ? '' : part.slice(eq + 1);
    pairs.push([awsUriEncode(decode(name)), awsUriEncode(decode(value))]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}
