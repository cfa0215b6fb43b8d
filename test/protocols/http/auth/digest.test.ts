import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DigestAuth, digestAuthorization, parseChallenges, pickDigestChallenge, type Challenge } from '../../../../src/protocols/http/auth/digest.js';
import { InputError, ProtocolError } from '../../../../src/errors.js';

/** RFC 7616 §3.9.1's challenge, as one folded field. */
const RFC_391 =
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=SHA-256, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS", ' +
  'Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=MD5, ' +
  'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"';
const CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const INPUT = { user: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html', cnonce: CNONCE, nc: 1 };

/** Pulls one param back out of an Authorization value (with our own parser). */
function param(header: string, name: string): string | undefined {
  return parseChallenges([header])[0]!.params[name];
}

describe('parseChallenges', () => {
  test('RFC 7616 §3.9.1: two Digest challenges in one field', () => {
    const cs = parseChallenges([RFC_391]);
    assert.equal(cs.length, 2);
    assert.deepEqual(cs[0], {
      scheme: 'digest',
      params: {
        realm: 'http-auth@example.org',
        qop: 'auth, auth-int',
        algorithm: 'SHA-256',
        nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
        opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
      },
    });
    assert.equal(cs[1]!.params['algorithm'], 'MD5');
  });
  test('several schemes, several fields, token68 and bare schemes', () => {
    const cs = parseChallenges(['Negotiate, Basic realm="a, b", NTLM', 'Bearer abc.DEF-_~+/==', 'Newauth realm="apps", type=1, title="Login to \\"apps\\"", Basic realm="simple"']);
    assert.deepEqual(
      cs.map((c) => c.scheme),
      ['negotiate', 'basic', 'ntlm', 'bearer', 'newauth', 'basic'],
    );
    assert.equal(cs[1]!.params['realm'], 'a, b');
    assert.equal(cs[3]!.token68, 'abc.DEF-_~+/==');
    assert.deepEqual(cs[4]!.params, { realm: 'apps', type: '1', title: 'Login to "apps"' });
    assert.equal(cs[5]!.params['realm'], 'simple');
  });
  test('names are case-insensitive, spaces around "=" allowed, first of a repeated name wins', () => {
    const [c] = parseChallenges(['DIGEST Realm = "r" , NONCE=n1, nonce=n2']);
    assert.deepEqual(c!.params, { realm: 'r', nonce: 'n1' });
  });
  test('params named like Object.prototype members are kept as plain params', () => {
    // Found by generated challenges: `constructor=x` was dropped as "already present" and
    // `__proto__` could not be stored as a key.
    const [c] = parseChallenges(['Digest constructor=x, __proto__="y", realm=r, nonce=n, constructor=z']);
    assert.deepEqual(Object.entries(c!.params), [['constructor', 'x'], ['__proto__', 'y'], ['realm', 'r'], ['nonce', 'n']]);
    assert.equal(Object.getPrototypeOf(c!.params), Object.prototype);
  });
  test('escapes inside quoted strings, and an empty quoted value', () => {
    const [c] = parseChallenges(['Digest realm="a\\\\b\\"c", opaque=""']);
    assert.equal(c!.params['realm'], 'a\\b"c');
    assert.equal(c!.params['opaque'], '');
  });
  test('an unterminated quote ends the field; what came before is kept', () => {
    const cs = parseChallenges(['Basic realm="x", Digest realm="oops', 'Bearer']);
    assert.deepEqual(
      cs.map((c) => [c.scheme, c.params['realm']]),
      [['basic', 'x'], ['digest', undefined], ['bearer', undefined]],
    );
  });
  test('garbage does not throw', () => {
    for (const s of ['', ',,,', '=', '"', 'Basic =', 'Basic realm=', 'Basic realm="a" junk', '\\', 'Digest a=b=c']) {
      assert.doesNotThrow(() => parseChallenges([s]), s);
    }
  });
  test('1 MB of pathological fields parses without throwing (no backtracking; the test timeout bounds the time)', () => {
    const cs = parseChallenges(['Digest ' + 'a='.repeat(250_000), 'Basic "' + '\\"'.repeat(250_000), 'x ' + ',='.repeat(250_000), 'D ' + 'a'.repeat(500_000) + '=']);
    assert.ok(cs.length >= 1 && cs.length <= 32, `${cs.length} challenges`);
    for (const c of cs) assert.ok(Object.keys(c.params).length <= 64);
  });
  test('bounded: at most 32 challenges and 64 params each', () => {
    assert.equal(parseChallenges(['Basic, '.repeat(100)]).length, 32);
    const many = 'Digest ' + Array.from({ length: 100 }, (_, i) => `p${i}=v`).join(', ');
    assert.equal(Object.keys(parseChallenges([many])[0]!.params).length, 64);
  });
});

describe('digestAuthorization: RFC vectors', () => {
  const [sha256, md5] = parseChallenges([RFC_391]) as [Challenge, Challenge];
  test('RFC 7616 §3.9.1 SHA-256', () => {
    const h = digestAuthorization(sha256, INPUT);
    assert.equal(param(h, 'response'), '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    assert.equal(
      h,
      'Digest username="Mufasa", realm="http-auth@example.org", uri="/dir/index.html", algorithm=SHA-256, ' +
        'nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", nc=00000001, cnonce="f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ", ' +
        'qop=auth, response="753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"',
    );
  });
  test('RFC 7616 §3.9.1 MD5', () => {
    assert.equal(param(digestAuthorization(md5, INPUT), 'response'), '8ca523f5e9506fed4657c9700eebdbec');
  });
  test('RFC 2617 §3.5 (MD5, qop=auth)', () => {
    const [c] = parseChallenges(['Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"']);
    const h = digestAuthorization(c!, { user: 'Mufasa', password: 'Circle Of Life', method: 'GET', uri: '/dir/index.html', cnonce: '0a4f113b', nc: 1 });
    assert.equal(param(h, 'response'), '6629fae49393a05397450978507c4ef1');
    assert.ok(!h.includes('algorithm='), 'no algorithm echoed when the challenge named none');
  });
  test('RFC 7616 §3.9.2 inputs: SHA-512-256 with userhash (values computed independently: the RFC prints wrong ones, see errata)', () => {
    const [c] = parseChallenges([
      'Digest realm="api@example.org", qop="auth", algorithm=SHA-512-256, nonce="5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK", opaque="HRPCssKJSGjCrkzDg8OhwpzCiGPChXYjwrI2QmXDnsOS", charset=UTF-8, userhash=true',
    ]);
    const user = 'J\u00e4s\u00f8n Doe';
    const h = digestAuthorization(c!, { user, password: 'Secret, or not?', method: 'GET', uri: '/doe.json', cnonce: 'NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v', nc: 1 });
    const H = (s: string) => createHash('sha512-256').update(s, 'utf8').digest('hex');
    assert.equal(param(h, 'username'), H(`${user}:api@example.org`));
    const ha1 = H(`${user}:api@example.org:Secret, or not?`);
    const ha2 = H('GET:/doe.json');
    assert.equal(param(h, 'response'), H(`${ha1}:5TsQWLVdgBdmrQ0XsxbDODV+57QdFR34I9HAbC/RVvkK:00000001:NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v:auth:${ha2}`));
    assert.match(h, /, userhash=true$/);
    assert.match(h, /algorithm=SHA-512-256/);
  });
});

describe('digestAuthorization: variants', () => {
  const md5 = (s: string | Buffer) => createHash('md5').update(s).digest('hex');
  const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
  const ch = (extra: string) => parseChallenges([`Digest realm="r", nonce="n", ${extra}`])[0]!;
  const base = { user: 'u', password: 'p', method: 'GET', uri: '/x', cnonce: 'c', nc: 1 };

  test('MD5-sess: HA1 = H(H(u:r:p):nonce:cnonce)', () => {
    const h = digestAuthorization(ch('algorithm=MD5-sess, qop=auth'), base);
    const ha1 = md5(`${md5('u:r:p')}:n:c`);
    assert.equal(param(h, 'response'), md5(`${ha1}:n:00000001:c:auth:${md5('GET:/x')}`));
    assert.match(h, /algorithm=MD5-sess/);
  });
  test('SHA-256-sess', () => {
    const h = digestAuthorization(ch('algorithm=sha-256-SESS, qop=auth'), base);
    const ha1 = sha(`${sha('u:r:p')}:n:c`);
    assert.equal(param(h, 'response'), sha(`${ha1}:n:00000001:c:auth:${sha('GET:/x')}`));
  });
  test('auth-int hashes the body', () => {
    const body = Buffer.from('hello');
    const h = digestAuthorization(ch('qop="auth-int"'), { ...base, method: 'POST', body });
    assert.equal(param(h, 'qop'), 'auth-int');
    assert.equal(param(h, 'response'), md5(`${md5('u:r:p')}:n:00000001:c:auth-int:${md5(`POST:/x:${md5(body)}`)}`));
  });
  test('auth is preferred over auth-int when both are offered', () => {
    assert.equal(param(digestAuthorization(ch('qop="auth-int, auth"'), base), 'qop'), 'auth');
  });
  test('no qop: RFC 2069 response, no nc or cnonce', () => {
    const h = digestAuthorization(ch('opaque="o"'), base);
    assert.equal(param(h, 'response'), md5(`${md5('u:r:p')}:n:${md5('GET:/x')}`));
    assert.equal(param(h, 'nc'), undefined);
    assert.equal(param(h, 'cnonce'), undefined);
    assert.equal(param(h, 'opaque'), 'o');
  });
  test('nc is 8 hex digits; a random cnonce when none is given', () => {
    const h = digestAuthorization(ch('qop=auth'), { ...base, cnonce: undefined, nc: 255 });
    assert.equal(param(h, 'nc'), '000000ff');
    assert.match(param(h, 'cnonce')!, /^[0-9a-f]{32}$/);
  });
  test('a non-ASCII user name goes as username* (RFC 8187)', () => {
    const h = digestAuthorization(ch('qop=auth'), { ...base, user: 'J\u00e4s\u00f8n Doe' });
    assert.match(h, /^Digest username\*=UTF-8''J%C3%A4s%C3%B8n%20Doe, /);
  });
  test('a non-ASCII realm is hashed as the octets the server sent, the password as UTF-8', () => {
    // Found by comparing with RFC 7616 §3.4.2: the realm arrives latin1-decoded, and hashing that
    // string as UTF-8 turned the server's C3 BC ("ü" in UTF-8) into C3 83 C2 BC.
    const realm = Buffer.from('Zürich', 'utf8');
    const c = parseChallenges([`Digest realm="${realm.toString('latin1')}", nonce="n", qop=auth, userhash=true`])[0]!;
    const h = digestAuthorization(c, { ...base, password: 'pässword' });
    const ha1 = md5(Buffer.concat([Buffer.from('u:'), realm, Buffer.from(':pässword', 'utf8')]));
    assert.equal(param(h, 'response'), md5(`${ha1}:n:00000001:c:auth:${md5('GET:/x')}`));
    assert.equal(param(h, 'username'), md5(Buffer.concat([Buffer.from('u:'), realm])));
    assert.equal(Buffer.from(param(h, 'realm')!, 'latin1').toString('utf8'), 'Zürich', 'the realm goes back as the same octets');
  });
  test('auth-int hashes a string body as UTF-8', () => {
    const h = digestAuthorization(ch('qop="auth-int"'), { ...base, method: 'POST', body: 'é' });
    assert.equal(param(h, 'response'), md5(`${md5('u:r:p')}:n:00000001:c:auth-int:${md5(`POST:/x:${md5(Buffer.from('é', 'utf8'))}`)}`));
  });
  test('quotes and backslashes in values are escaped, and read back intact', () => {
    const c = parseChallenges(['Digest realm="a\\"b", nonce="n", qop=auth'])[0]!;
    const h = digestAuthorization(c, { ...base, user: 'x"y\\z' });
    assert.equal(param(h, 'username'), 'x"y\\z');
    assert.equal(param(h, 'realm'), 'a"b');
  });
  test('refused: CR/LF/NUL from the caller, bad nc, unknown algorithm or qop, no nonce', () => {
    assert.throws(() => digestAuthorization(ch('qop=auth'), { ...base, uri: '/x\r\nX: y' }), InputError);
    assert.throws(() => digestAuthorization(ch('qop=auth'), { ...base, password: 'a\0' }), InputError);
    assert.throws(() => digestAuthorization(ch('qop=auth'), { ...base, nc: 0 }), InputError);
    assert.throws(() => digestAuthorization(ch('algorithm=SHA-1'), base), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    assert.throws(() => digestAuthorization(ch('qop=auth-conf'), base), (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED');
    assert.throws(() => digestAuthorization(parseChallenges(['Digest realm="r"'])[0]!, base), ProtocolError);
    assert.throws(() => digestAuthorization(parseChallenges(['Basic realm="r"'])[0]!, base), InputError);
  });
  test('pickDigestChallenge prefers the strongest supported algorithm', () => {
    const cs = parseChallenges([RFC_391, 'Digest realm="r", nonce="n", algorithm=SHA-1', 'Basic realm="r"']);
    assert.equal(pickDigestChallenge(cs)?.params['algorithm'], 'SHA-256');
    assert.equal(pickDigestChallenge(parseChallenges(['Basic realm="r"'])), undefined);
    assert.equal(pickDigestChallenge(parseChallenges(['Digest realm="r", nonce="n"']))?.params['nonce'], 'n');
  });
});

describe('DigestAuth', () => {
  const challenge = (nonce: string, extra = '') => parseChallenges([`Digest realm="r", nonce="${nonce}", qop="auth"${extra}`]);
  test('counts nonce uses: nc 1, 2, 3 for the same challenge', () => {
    const a = new DigestAuth('u', 'p');
    assert.equal(a.authorize('GET', '/'), undefined);
    assert.equal(a.accept(challenge('n1')), true);
    assert.deepEqual([1, 2, 3].map(() => param(a.authorize('GET', '/')!, 'nc')), ['00000001', '00000002', '00000003']);
  });
  test('a 401 after an answer, without stale=true, means wrong credentials: no retry loop', () => {
    const a = new DigestAuth('u', 'bad');
    assert.equal(a.accept(challenge('n1')), true);
    a.authorize('GET', '/');
    assert.equal(a.accept(challenge('n1')), false);
    assert.equal(a.accept(challenge('n2')), false);
  });
  test('stale=true: a new nonce, retried with nc reset to 1', () => {
    const a = new DigestAuth('u', 'p');
    a.accept(challenge('n1'));
    a.authorize('GET', '/');
    a.authorize('GET', '/');
    assert.equal(a.accept(challenge('n2', ', stale=true')), true);
    const h = a.authorize('GET', '/')!;
    assert.equal(param(h, 'nc'), '00000001');
    assert.equal(param(h, 'nonce'), 'n2');
  });
  test('no Digest challenge → false', () => {
    assert.equal(new DigestAuth('u', 'p').accept(parseChallenges(['Basic realm="x"'])), false);
  });
});
