/**
 * HTTP Digest access authentication (RFC 7616) and the challenge parser it
 * needs (RFC 9110 §11). Pure functions: the client decides when to answer a
 * 401/407 and keeps the nonce count.
 *
 * @module
 */

import { InputError, ProtocolError } from '../../../errors.js';
import { nodeCrypto } from '../../../util/builtins.js';

/** One challenge from a WWW-Authenticate or Proxy-Authenticate field. */
export interface Challenge {
  /** The scheme, lower-cased: 'basic', 'digest', 'bearer'… */
  scheme: string;
  /** Its auth-params, names lower-cased, quoted values unescaped; a repeated name keeps its first value. */
  params: Record<string, string>;
  /** A token68 credential instead of params (e.g. `Negotiate abc==`). */
  token68?: string | undefined;
}

const MAX_CHALLENGES = 32;
const MAX_PARAMS = 64;

function isTchar(c: number): boolean {
  // RFC 9110 tchar: ALPHA DIGIT ! # $ % & ' * + - . ^ _ ` | ~
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x21 || (c >= 0x23 && c <= 0x27) || c === 0x2a || c === 0x2b || c === 0x2d || c === 0x2e || c === 0x5e || c === 0x5f || c === 0x60 || c === 0x7c || c === 0x7e
  );
}

function isToken68char(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x2e || c === 0x5f || c === 0x7e || c === 0x2b || c === 0x2f;
}

const isWs = (c: number) => c === 0x20 || c === 0x09;

/**
 * A single forward pass over one field value. Every loop advances `pos`, so
 * the cost is linear in the input whatever it holds — no regular expression,
 * no backtracking.
 */
class Scanner {
  pos = 0;
  constructor(readonly s: string) {}
  get done(): boolean {
    return this.pos >= this.s.length;
  }
  peek(): number {
    return this.s.charCodeAt(this.pos);
  }
  skipWs(): void {
    while (this.pos < this.s.length && isWs(this.s.charCodeAt(this.pos))) this.pos++;
  }
  skipWsAndCommas(): void {
    while (this.pos < this.s.length && (isWs(this.s.charCodeAt(this.pos)) || this.s.charCodeAt(this.pos) === 0x2c)) this.pos++;
  }
  token(): string {
    const start = this.pos;
    while (this.pos < this.s.length && isTchar(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }
  /** Reads a quoted-string at pos (which holds '"'); undefined when unterminated. */
  quoted(): string | undefined {
    let out = '';
    let i = this.pos + 1;
    let run = i;
    while (i < this.s.length) {
      const c = this.s.charCodeAt(i);
      if (c === 0x22) {
        out += this.s.slice(run, i);
        this.pos = i + 1;
        return out;
      }
      if (c === 0x5c) {
        if (i + 1 >= this.s.length) return undefined;
        out += this.s.slice(run, i) + this.s[i + 1];
        i += 2;
        run = i;
        continue;
      }
      i++;
    }
    return undefined;
  }
  /** True when a token followed by optional spaces and '=' (but not a token68's trailing '=' run) starts at pos. */
  atParam(): boolean {
    let i = this.pos;
    const start = i;
    while (i < this.s.length && isTchar(this.s.charCodeAt(i))) i++;
    if (i === start) return false;
    while (i < this.s.length && isWs(this.s.charCodeAt(i))) i++;
    if (this.s.charCodeAt(i) !== 0x3d) return false;
    i++;
    while (i < this.s.length && isWs(this.s.charCodeAt(i))) i++;
    // "abc=" then the end or a comma is a token68 with padding, not a param.
    return i < this.s.length && this.s.charCodeAt(i) !== 0x2c && this.s.charCodeAt(i) !== 0x3d;
  }
}

/**
 * Parses the challenges of every WWW-Authenticate (or Proxy-Authenticate)
 * field of a response, in order — several may share one field, separated by
 * commas (RFC 9110 §11.6.1). Quoted values are unescaped. A malformed
 * remainder of a field (an unterminated quote, a stray character) ends the
 * parse of that field; what was well-formed before it is kept. At most 32
 * challenges and 64 params per challenge are kept.
 */
export function parseChallenges(wwwAuthenticate: readonly string[]): Challenge[] {
  const out: Challenge[] = [];
  for (const field of wwwAuthenticate) {
    const sc = new Scanner(field);
    for (;;) {
      sc.skipWsAndCommas();
      if (sc.done || out.length >= MAX_CHALLENGES) break;
      const scheme = sc.token();
      if (!scheme) break;
      const ch: Challenge = { scheme: scheme.toLowerCase(), params: {} };
      out.push(ch);
      if (sc.done) break;
      if (!isWs(sc.peek()) && sc.peek() !== 0x2c) break;
      sc.skipWs();
      if (!sc.done && sc.peek() !== 0x2c && !sc.atParam()) {
        const start = sc.pos;
        while (!sc.done && isToken68char(sc.peek())) sc.pos++;
        while (!sc.done && sc.peek() === 0x3d) sc.pos++;
        if (sc.pos === start) break;
        ch.token68 = field.slice(start, sc.pos);
        sc.skipWs();
        if (!sc.done && sc.peek() !== 0x2c) break;
        continue;
      }
      if (!params(sc, ch)) break;
    }
  }
  return out;
}

/** Reads `name=value` pairs until the next challenge's scheme; false on malformed input. */
function params(sc: Scanner, ch: Challenge): boolean {
  let n = 0;
  for (;;) {
    sc.skipWsAndCommas();
    if (sc.done || !sc.atParam()) return true;
    const name = sc.token().toLowerCase();
    sc.skipWs();
    sc.pos++; // '='
    sc.skipWs();
    let value: string | undefined;
    if (sc.peek() === 0x22) value = sc.quoted();
    else {
      value = sc.token();
      if (value === '') value = undefined;
    }
    if (value === undefined) return false;
    // Own keys only, and defined rather than assigned: `in` saw Object.prototype's names, so a
    // param called constructor was dropped, and `__proto__` cannot be assigned as a key at all.
    if (++n <= MAX_PARAMS && !Object.hasOwn(ch.params, name)) Object.defineProperty(ch.params, name, { value, enumerable: true, writable: true, configurable: true });
    sc.skipWs();
    if (!sc.done && sc.peek() !== 0x2c) return false;
  }
}

/** The Digest algorithms supported, by their RFC 7616 names (upper case). */
export const DIGEST_ALGORITHMS = ['MD5', 'MD5-SESS', 'SHA-256', 'SHA-256-SESS', 'SHA-512-256', 'SHA-512-256-SESS'] as const;

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
const STRENGTH: Record<string, number> = { MD5: 1, 'SHA-256': 2, 'SHA-512-256': 3 };

function baseAlgorithm(challenge: Challenge): { name: string; base: string; sess: boolean } | undefined {
  const name = (challenge.params['algorithm'] ?? 'MD5').toUpperCase();
  const sess = name.endsWith('-SESS');
  const base = sess ? name.slice(0, -5) : name;
  return base in HASHES ? { name, base, sess } : undefined;
}

/**
 * The Digest challenge to answer among several: the strongest algorithm this
 * module supports (SHA-512-256, then SHA-256, then MD5), as RFC 7616 §3.7 asks
 * of a client offered a choice. Undefined when there is none.
 */
export function pickDigestChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  let best: Challenge | undefined;
  let bestScore = 0;
  for (const c of challenges) {
    if (c.scheme !== 'digest' || !c.params['nonce']) continue;
    const alg = baseAlgorithm(c);
    const score = alg ? STRENGTH[alg.base]! : 0;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** What a Digest response is computed from. */
export interface DigestInput {
  user: string;
  password: string;
  /** The request method, e.g. 'GET' (CONNECT for a proxy tunnel). */
  method: string;
  /** The request-target exactly as sent on the request line. */
  uri: string;
  /** The request body, for qop=auth-int (absent = empty). */
  body?: Uint8Array | string | undefined;
  /** The client nonce; random when absent (tests pass a fixed one). */
  cnonce?: string | undefined;
  /** How many times this nonce has been used, starting at 1. */
  nc: number;
}

const CONTROL = /[\0\r\n]/;

function quote(s: string): string {
  return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/**
 * The `Authorization` (or `Proxy-Authorization`) value answering a Digest
 * challenge (RFC 7616 §3.4): MD5, SHA-256 and SHA-512-256, each plain or
 * `-sess`; qop `auth` (preferred) or `auth-int` (hashes `body`), or the RFC
 * 2069 form when the challenge offers no qop; `userhash=true` hashes the user
 * name; a non-ASCII user name is sent as `username*` (RFC 8187). The user
 * name, password and a string body are hashed as UTF-8, the challenge's
 * values (realm, nonce) as the octets the server sent.
 *
 * Throws InputError for CR/LF/NUL in the caller's values, for an algorithm or
 * qop this module lacks (code DIAL_E_UNSUPPORTED); ProtocolError for a
 * challenge with no nonce or realm.
 */
export function digestAuthorization(challenge: Challenge, input: DigestInput): string {
  if (challenge.scheme !== 'digest') throw new InputError(`not a Digest challenge: ${challenge.scheme}`, { protocol: 'http' });
  for (const [k, v] of [['user', input.user], ['password', input.password], ['method', input.method], ['uri', input.uri]] as const) {
    if (CONTROL.test(v)) throw new InputError(`Digest ${k} contains CR, LF or NUL`, { protocol: 'http' });
  }
  if (!Number.isSafeInteger(input.nc) || input.nc < 1 || input.nc > 0xffffffff) throw new InputError(`Digest nonce count must be 1..2^32-1, got ${input.nc}`, { protocol: 'http' });
  const p = challenge.params;
  const realm = p['realm'];
  const nonce = p['nonce'];
  if (realm === undefined || !nonce) throw new ProtocolError('Digest challenge without realm or nonce', { protocol: 'http', phase: 'auth' });
  for (const v of Object.values(p)) if (CONTROL.test(v)) throw new ProtocolError('Digest challenge holds CR, LF or NUL', { protocol: 'http', phase: 'auth' });
  const alg = baseAlgorithm(challenge);
  if (!alg) throw new InputError(`unsupported Digest algorithm ${JSON.stringify(p['algorithm'])}`, { protocol: 'http', code: 'DIAL_E_UNSUPPORTED' });
  // A field value is read as latin1, one char per octet, and the server hashes its own octets:
  // re-encoding a realm such as "Zürich" as UTF-8 would double each non-ASCII byte.
  const hash = (b: Uint8Array) => nodeCrypto().createHash(HASHES[alg.base]!).update(b).digest('hex');
  const H = (s: string) => hash(Buffer.from(s, 'latin1'));
  const utf8 = (s: string) => Buffer.from(s, 'utf8');

  let qop: 'auth' | 'auth-int' | undefined;
  if (p['qop'] !== undefined) {
    const offered = p['qop'].split(',').map((q) => q.trim().toLowerCase());
    if (offered.includes('auth')) qop = 'auth';
    else if (offered.includes('auth-int')) qop = 'auth-int';
    else throw new InputError(`unsupported Digest qop ${JSON.stringify(p['qop'])}`, { protocol: 'http', code: 'DIAL_E_UNSUPPORTED' });
  }
  const needCnonce = qop !== undefined || alg.sess;
  const cnonce = needCnonce ? (input.cnonce ?? nodeCrypto().randomBytes(16).toString('hex')) : undefined;
  if (cnonce !== undefined && (CONTROL.test(cnonce) || cnonce.includes('"'))) throw new InputError('Digest cnonce contains CR, LF, NUL or a quote', { protocol: 'http' });
  const nc = input.nc.toString(16).padStart(8, '0');

  let ha1 = hash(Buffer.concat([utf8(input.user), Buffer.from(`:${realm}:`, 'latin1'), utf8(input.password)]));
  if (alg.sess) ha1 = H(`${ha1}:${nonce}:${cnonce}`);
  const ha2 = qop === 'auth-int' ? H(`${input.method}:${input.uri}:${hash(typeof input.body === 'string' ? utf8(input.body) : (input.body ?? new Uint8Array(0)))}`) : H(`${input.method}:${input.uri}`);
  const response = qop ? H(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : H(`${ha1}:${nonce}:${ha2}`);

  const userhash = (p['userhash'] ?? '').toLowerCase() === 'true';
  const parts: string[] = [];
  if (userhash) parts.push(`username=${quote(hash(Buffer.concat([utf8(input.user), Buffer.from(`:${realm}`, 'latin1')])))}`);
  else if (/^[\x20-\x7e]*$/.test(input.user)) parts.push(`username=${quote(input.user)}`);
  else parts.push(`username*=UTF-8''${encodeRfc8187(input.user)}`);
  parts.push(`realm=${quote(realm)}`, `uri=${quote(input.uri)}`);
  if (p['algorithm'] !== undefined) parts.push(`algorithm=${alg.name === alg.base ? alg.base : `${alg.base}-sess`}`);
  parts.push(`nonce=${quote(nonce)}`);
  if (qop) parts.push(`nc=${nc}`, `cnonce=${quote(cnonce!)}`, `qop=${qop}`);
  parts.push(`response=${quote(response)}`);
  if (p['opaque'] !== undefined) parts.push(`opaque=${quote(p['opaque'])}`);
  if (userhash) parts.push('userhash=true');
  return `Digest ${parts.join(', ')}`;
}

/** RFC 8187 ext-value encoding: attr-char kept, every other UTF-8 byte as %XX. */
function encodeRfc8187(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9!#$&+\-.^_`|~]/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * Digest state for one user against one server or proxy: keeps the last
 * challenge and counts its uses (`nc`), so a client can answer each request
 * with the same nonce, and knows when to give up: a new challenge after an
 * answer, without `stale=true`, means the credentials were refused —
 * retrying would loop.
 */
export class DigestAuth {
  #challenge: Challenge | undefined;
  #nc = 0;
  #answered = false;

  constructor(
    readonly user: string,
    readonly password: string,
  ) {}

  /** The challenge in use, if any. */
  get challenge(): Challenge | undefined {
    return this.#challenge;
  }

  /**
   * Takes the challenges of a 401 or 407. Returns true when a request should
   * be retried with {@link authorize}; false when there is no Digest challenge
   * this module can answer, or when an answer was already sent and the new
   * challenge is not marked `stale=true` (the credentials were refused).
   */
  accept(challenges: readonly Challenge[]): boolean {
    const next = pickDigestChallenge(challenges);
    if (!next) return false;
    // Only stale=true says "right credentials, old nonce"; any other challenge
    // after an answer means the answer was refused.
    const stale = (next.params['stale'] ?? '').toLowerCase() === 'true';
    if (this.#answered && !stale) return false;
    this.#challenge = next;
    this.#nc = 0;
    this.#answered = false;
    return true;
  }

  /** The Authorization value for one request, with the next nonce count; undefined before a challenge. */
  authorize(method: string, uri: string, body?: Uint8Array | string): string | undefined {
    if (!this.#challenge) return undefined;
    this.#nc++;
    this.#answered = true;
    return digestAuthorization(this.#challenge, { user: this.user, password: this.password, method, uri, body, nc: this.#nc });
  }
}
