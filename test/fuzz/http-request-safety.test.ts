// Generated caller input and server values against the rules that keep a request safe, kept from
// the 100,000–200,000-run searches over the request side (fixed seeds, modest run counts, ~2 s):
// nothing unchecked reaches the wire, credentials never follow a redirect to another origin, a
// Digest challenge reads back what was written, and an address goes to a SOCKS proxy as itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as net from 'node:net';
import fc from 'fast-check';
import { DialError, InputError } from '../../src/errors.js';
import { HeaderList } from '../../src/protocols/http/core/headers.js';
import { serializeHead, type RequestFraming } from '../../src/protocols/http/core/request.js';
import { originOf, planRedirect } from '../../src/protocols/http/redirects.js';
import { parseChallenges } from '../../src/protocols/http/auth/digest.js';
import { decodeReply, encodeConnect } from '../../src/protocols/http/proxy/socks5-core.js';
import { matchesNoProxy } from '../../src/protocols/http/proxy/env.js';

const RUNS = { numRuns: 1500, seed: 20261125 };
const byte = fc.nat(255).map((c) => String.fromCharCode(c));
const wide = fc.constantFrom('\u0100', '\u2028', '\ud800', '€', '\ufeff');
const nasty = fc.constantFrom('\r', '\n', '\0', ' ', '\t', ':', '%', '@', '/', '\\', '#', '?', '[', ']', '..', '%0d%0a', 'http://', 'https://', '//', 'javascript:', 'ftp://x/', '\xc3\xbc', '\xff', ':443', '[::1]', 'a', 'A');
const str = (unit: fc.Arbitrary<string>, maxLength = 24) => fc.array(unit, { maxLength }).map((a) => a.join(''));
const mixed = str(fc.oneof(byte, wide, nasty));
const tokenish = str(fc.oneof(fc.constantFrom(...'abcXYZ-_!#$%&\'*+.^`|~09'.split('')), nasty, wide), 10);

test('serializeHead: an InputError, or a head that reads back as exactly what was given', () => {
  const framing: fc.Arbitrary<RequestFraming> = fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.constant({ kind: 'chunked' as const }),
    fc.oneof(fc.nat(), fc.double(), fc.constant(-1), fc.constant(2 ** 53)).map((length) => ({ kind: 'length' as const, length })),
  );
  fc.assert(
    fc.property(tokenish, mixed, mixed, fc.array(fc.tuple(tokenish, mixed), { maxLength: 4 }), framing, (method, target, host, fields, f) => {
      let head: Buffer;
      try {
        head = serializeHead(method || 'GET', target || '/', host || 'h', new HeaderList(fields.flat()), f);
      } catch (err) {
        assert.ok(err instanceof InputError, String(err));
        return;
      }
      const text = head.toString('latin1');
      assert.ok(text.endsWith('\r\n\r\n'));
      const lines = text.slice(0, -4).split('\r\n');
      for (const l of lines) assert.doesNotMatch(l, /[\r\n\0]/);
      assert.equal(lines[0], `${method || 'GET'} ${target || '/'} HTTP/1.1`);
      assert.equal(lines[1], `Host: ${host || 'h'}`);
      const want = fields.filter(([n]) => !['host', 'content-length', 'transfer-encoding'].includes(n.toLowerCase())).map(([n, v]) => `${n}: ${v}`);
      if (f.kind === 'length') want.push(`Content-Length: ${f.length}`);
      if (f.kind === 'chunked') want.push('Transfer-Encoding: chunked');
      assert.deepEqual(lines.slice(2), want);
    }),
    RUNS,
  );
});

test('planRedirect: a DialError, or an http(s) hop that carries no credential to another origin', () => {
  const from = fc.constantFrom('http://a/x', 'https://a/x', 'http://a:8080/d/x?q#f', 'https://[::1]/x', 'http://A./x');
  fc.assert(
    fc.property(from, mixed, fc.constantFrom(301, 302, 303, 307, 308), fc.constantFrom('GET', 'POST', 'HEAD', 'PUT'), fc.boolean(), (url, location, status, method, allowDowngrade) => {
      const headers = HeaderList.from({ Authorization: 'a', Cookie: 'c', 'Proxy-Authorization': 'p', 'X-Token': 't', Host: 'h', 'Content-Type': 'x' });
      const cur = { url: new URL(url), method, headers, body: { kind: 'bytes' as const, data: Buffer.from('x') } };
      let plan;
      try {
        plan = planRedirect(cur, status, location, [url], { maxRedirects: 5, allowDowngrade, secretHeaders: ['x-token'] });
      } catch (err) {
        assert.ok(err instanceof DialError, String(err));
        return;
      }
      assert.ok(plan.url.protocol === 'http:' || plan.url.protocol === 'https:');
      assert.equal(plan.url.username + plan.url.password, '');
      if (!allowDowngrade && url.startsWith('https:')) assert.equal(plan.url.protocol, 'https:');
      assert.equal(plan.crossOrigin, originOf(plan.url) !== originOf(cur.url));
      if (plan.crossOrigin) for (const h of ['authorization', 'cookie', 'proxy-authorization', 'x-token', 'host']) assert.ok(!plan.headers.has(h), `${h} crossed to ${plan.url.href}`);
      assert.match(plan.url.pathname + plan.url.search, /^[\x21-\x7e]+$/, 'the next request line takes it');
    }),
    RUNS,
  );
});

test('parseChallenges reads back every challenge written from tokens and latin1 values', () => {
  const tchar = fc.constantFrom(...'!#$%&\'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'.split(''));
  const token = str(tchar, 10).filter((s) => s.length > 0);
  const value = str(fc.nat(255).filter((c) => c !== 0 && c !== 10 && c !== 13).map((c) => String.fromCharCode(c)), 16);
  const name = fc.oneof(token, fc.constantFrom('constructor', '__proto__', 'hasOwnProperty', 'realm', 'nonce'));
  const challenge = fc.record({ scheme: token, params: fc.uniqueArray(fc.tuple(name, value, fc.boolean()), { selector: (p) => p[0].toLowerCase(), maxLength: 5 }) });
  const quote = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  fc.assert(
    fc.property(fc.array(challenge, { minLength: 1, maxLength: 4 }), fc.constantFrom('', ' ', '\t'), (cs, ws) => {
      const text = cs
        .map((c) => (c.params.length === 0 ? c.scheme : `${c.scheme} ${c.params.map(([n, v, q]) => `${n}${ws}=${ws}${q || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(v) ? quote(v) : v}`).join(`${ws},${ws}`)}`))
        .join(', ');
      // Compared as objects: key order is not the field's order for integer-like names ("4").
      const got = parseChallenges([text]).map((c) => ({ scheme: c.scheme, params: c.params }));
      assert.deepEqual(got, cs.map((c) => ({ scheme: c.scheme.toLowerCase(), params: Object.fromEntries(c.params.map(([n, v]) => [n.toLowerCase(), v])) })), text);
    }),
    RUNS,
  );
});

test('SOCKS5 CONNECT carries the address itself (zone dropped) and the port', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
  const zone = fc.constantFrom('', '%eth0', '%1.2', '%0');
  const host = fc.oneof(v4, fc.tuple(fc.ipV6(), zone).map(([h, z]) => h + z), fc.tuple(v4, zone).map(([a, z]) => `::ffff:${a}${z}`), fc.ipV6().map((h) => `[${h}]`));
  fc.assert(
    fc.property(host, fc.integer({ min: 1, max: 65535 }), (h, port) => {
      const bytes = encodeConnect(h, port);
      // A reply has the request's layout after its first two bytes, so the reply decoder reads the request back.
      const { bound } = decodeReply(bytes);
      assert.equal(bound.port, port);
      const bare = h.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
      const family = net.isIP(bare) === 4 ? 'ipv4' : 'ipv6';
      const list = new net.BlockList();
      list.addAddress(bare, family);
      assert.ok(list.check(bound.host, family), `${h} went as ${bound.host}`);
    }),
    RUNS,
  );
});

test('NO_PROXY address ranges agree with node:net BlockList', () => {
  const v4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((a) => a.join('.'));
  const addr = fc.oneof(v4.map((a) => [a, 'ipv4', 32] as const), fc.ipV6().map((a) => [a, 'ipv6', 128] as const));
  fc.assert(
    fc.property(addr, addr, fc.nat(130), ([host, fam], [net0, fam0, max], bits) => {
      const list = new net.BlockList();
      let want = false;
      if (fam === fam0 && bits <= max) {
        list.addSubnet(net0, bits, fam0);
        want = list.check(host, fam);
      }
      assert.equal(matchesNoProxy(fam === 'ipv6' ? `[${host}]` : host, `other.example, ${net0}/${bits}`), want, `${host} in ${net0}/${bits}`);
    }),
    RUNS,
  );
});
