import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planRedirect, isRedirect, originOf, type RedirectRequest } from '../../../src/protocols/http/redirects.js';
import { HeaderList } from '../../../src/protocols/http/core/headers.js';
import { InputError, LimitError, ProtocolError } from '../../../src/errors.js';

function req(url: string, method = 'GET', body: RedirectRequest['body'] = { kind: 'none' }, headers: Record<string, string> = {}): RedirectRequest {
  return { url: new URL(url), method, headers: HeaderList.from(headers), body };
}
const policy = { maxRedirects: 5 };
const bytes: RedirectRequest['body'] = { kind: 'bytes', data: Buffer.from('x') };

describe('planRedirect: methods and bodies', () => {
  const table: Array<[number, string, string, boolean]> = [
    // status, method in, method out, body kept
    [301, 'POST', 'GET', false],
    [302, 'POST', 'GET', false],
    [303, 'POST', 'GET', false],
    [303, 'PUT', 'GET', false],
    [303, 'HEAD', 'HEAD', true],
    [301, 'PUT', 'PUT', true],
    [302, 'DELETE', 'DELETE', true],
    [307, 'POST', 'POST', true],
    [308, 'PUT', 'PUT', true],
  ];
  for (const [status, m, out, kept] of table) {
    test(`${status} ${m} → ${out}${kept ? ' with body' : ' without body'}`, () => {
      const p = planRedirect(req('http://a/x', m, bytes, { 'Content-Type': 'text/plain' }), status, '/y', ['http://a/x'], policy);
      assert.equal(p.method, out);
      assert.equal(p.body.kind, kept ? 'bytes' : 'none');
      assert.equal(p.headers.has('content-type'), kept);
      assert.equal(p.url.href, 'http://a/y');
    });
  }

  test('keepMethod (curl -X): 301/302 POST and 303 keep the method name, still without body or its headers; 307 as before', () => {
    for (const [status, m] of [[301, 'POST'], [302, 'POST'], [303, 'POST'], [303, 'DELETE']] as const) {
      const p = planRedirect(req('http://a/x', m, bytes, { 'Content-Type': 'text/plain' }), status, '/y', ['http://a/x'], { ...policy, keepMethod: true });
      assert.equal(p.method, m, `${status} ${m}`);
      assert.equal(p.body.kind, 'none');
      assert.equal(p.headers.has('content-type'), false);
    }
    const kept = planRedirect(req('http://a/x', 'POST', bytes), 307, '/y', ['http://a/x'], { ...policy, keepMethod: true });
    assert.equal(kept.method, 'POST');
    assert.equal(kept.body.kind, 'bytes');
  });

  test('307 with a streamed body is refused, naming why', () => {
    const stream: RedirectRequest['body'] = { kind: 'stream', source: [Buffer.from('x')], length: undefined };
    assert.throws(
      () => planRedirect(req('http://a/x', 'POST', stream), 307, '/y', ['http://a/x'], policy),
      (e: InputError) => e instanceof InputError && /stream/.test(e.message) && e.code === 'DIAL_E_UNSUPPORTED' && e.phase === 'rewind',
    );
  });

  test('307/308 (and 301 of a PUT) with a streamed body that has a reopen factory: the hop gets a fresh stream, same length', () => {
    for (const [status, m] of [[307, 'POST'], [308, 'PUT'], [301, 'PUT']] as const) {
      let made = 0;
      const reopen = () => (made++, [Buffer.from('again')]);
      const stream: RedirectRequest['body'] = { kind: 'stream', source: [Buffer.from('first')], length: 5, reopen };
      const p = planRedirect(req('http://a/x', m, stream), status, '/y', ['http://a/x'], policy);
      assert.equal(made, 1);
      assert.equal(p.method, m);
      assert.ok(p.body.kind === 'stream' && p.body.length === 5 && p.body.reopen === reopen);
      assert.deepEqual(p.body.kind === 'stream' && [...(p.body.source as Iterable<Uint8Array>)], [Buffer.from('again')]);
    }
  });

  // A PUT streamed and then moved by a 301/302 keeps its method: the hop was sent with the spent stream, an empty body.
  for (const [status, method] of [[301, 'PUT'], [302, 'PUT'], [302, 'DELETE'], [308, 'PATCH']] as const) {
    test(`${status} after a streamed ${method} is refused: the stream cannot be sent again`, () => {
      const stream: RedirectRequest['body'] = { kind: 'stream', source: [Buffer.from('x')], length: 1 };
      assert.throws(
        () => planRedirect(req('http://a/x', method, stream), status, '/y', ['http://a/x'], policy),
        (e: InputError) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED' && /stream/.test(e.message),
      );
    });
  }

  test('303 turns a streamed POST into a GET (nothing to replay)', () => {
    const stream: RedirectRequest['body'] = { kind: 'stream', source: [Buffer.from('x')], length: undefined };
    assert.equal(planRedirect(req('http://a/x', 'POST', stream), 303, '/y', ['http://a/x'], policy).method, 'GET');
  });
});

describe('planRedirect: credentials', () => {
  const secret = { Authorization: 'Basic x', Cookie: 'a=b', 'Proxy-Authorization': 'Basic y', 'X-Api-Key': 'k', 'X-Other': 'o' };
  for (const [what, to] of [
    ['another host', 'http://b/y'],
    ['another port', 'http://a:8080/y'],
    ['another scheme', 'https://a/y'],
  ] as const) {
    test(`dropped on a move to ${what}`, () => {
      const p = planRedirect(req('http://a/x', 'GET', { kind: 'none' }, secret), 302, to, ['http://a/x'], { ...policy, secretHeaders: ['X-API-Key'] });
      assert.equal(p.crossOrigin, true);
      for (const h of ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']) assert.equal(p.headers.has(h), false, h);
      assert.equal(p.headers.get('x-other'), 'o');
      assert.deepEqual(p.dropped.sort(), ['authorization', 'cookie', 'proxy-authorization', 'x-api-key']);
    });
  }

  test('kept on the same origin (explicit default port counts as the same)', () => {
    const p = planRedirect(req('http://a/x', 'GET', { kind: 'none' }, secret), 302, 'http://A:80/y', ['http://a/x'], policy);
    assert.equal(p.crossOrigin, false);
    assert.equal(p.headers.get('authorization'), 'Basic x');
  });

  test('userinfo in the Location is stripped', () => {
    const p = planRedirect(req('http://a/x'), 302, 'http://evil:pw@a/y', ['http://a/x'], policy);
    assert.equal(p.url.username, '');
    assert.equal(p.url.password, '');
  });
});

describe('planRedirect: refusals', () => {
  for (const loc of ['file:///etc/passwd', 'ftp://a/x', 'data:text/plain,hi', 'javascript:alert(1)']) {
    test(`a redirect to ${loc.split(':')[0]}: is refused`, () => {
      assert.throws(() => planRedirect(req('http://a/x'), 302, loc, ['http://a/x'], policy), (e: ProtocolError) => e instanceof ProtocolError && /refusing/.test(e.message));
    });
  }

  test('https → http refused unless allowDowngrade', () => {
    assert.throws(() => planRedirect(req('https://a/x'), 302, 'http://a/y', ['https://a/x'], policy), /https to http/);
    assert.equal(planRedirect(req('https://a/x'), 302, 'http://a/y', ['https://a/x'], { ...policy, allowDowngrade: true }).url.protocol, 'http:');
  });

  test('a loop is a LimitError (phase redirect) with the chain in the message', () => {
    assert.throws(
      () => planRedirect(req('http://a/2'), 302, '/1', ['http://a/1', 'http://a/2'], policy),
      (e: LimitError) => e instanceof LimitError && e.phase === 'redirect' && e.message.includes('http://a/1 -> http://a/2 -> http://a/1'),
    );
  });

  test('loopFrom: URLs before it are not a loop (the request changed since), those from it are', () => {
    const chain = ['http://a/page', 'http://a/login'];
    assert.equal(planRedirect(req('http://a/login'), 302, '/page', chain, { ...policy, loopFrom: 2 }).url.href, 'http://a/page');
    assert.throws(() => planRedirect(req('http://a/login'), 302, '/page', chain, { ...policy, loopFrom: 0 }), LimitError);
    assert.throws(() => planRedirect(req('http://a/login'), 302, '/login', chain, { ...policy, loopFrom: 1 }), LimitError);
  });

  test('the hop past maxRedirects is a LimitError carrying the chain', () => {
    assert.throws(
      () => planRedirect(req('http://a/3'), 302, '/4', ['http://a/1', 'http://a/2', 'http://a/3'], { maxRedirects: 2 }),
      (e: LimitError) => e instanceof LimitError && e.phase === 'redirect' && e.limit === 2 && e.message.includes('http://a/1 -> http://a/2 -> http://a/3 -> /4'),
    );
  });

  test('an unparsable Location is a ProtocolError', () => {
    assert.throws(() => planRedirect(req('http://a/x'), 302, 'http://[bad', ['http://a/x'], policy), ProtocolError);
  });
});

test('a Location holding raw UTF-8 octets keeps them: each is %-escaped once, not re-encoded as a character', () => {
  // Found by generated Location values: the latin1 reading of C3 BC ("ü") was UTF-8-encoded again, /%C3%83%C2%BC.
  const utf8 = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
  const p = planRedirect(req('http://a/x'), 302, utf8('/ü?q=ü#ü'), ['http://a/x'], policy);
  assert.equal(p.url.href, 'http://a/%C3%BC?q=%C3%BC#%C3%BC');
  assert.equal(planRedirect(req('http://a/x'), 302, utf8('http://ü.example/'), ['http://a/x'], policy).url.hostname, 'xn--tda.example');
  // A latin1 server's é (E9) stays E9, as curl sends it.
  assert.equal(planRedirect(req('http://a/x'), 302, '/caf\xe9', ['http://a/x'], policy).url.pathname, '/caf%E9');
  // Already escaped, or past U+00FF (not octets): unchanged.
  assert.equal(planRedirect(req('http://a/x'), 302, '/%C3%BC', ['http://a/x'], policy).url.pathname, '/%C3%BC');
  assert.equal(planRedirect(req('http://a/x'), 302, '/€', ['http://a/x'], policy).url.pathname, '/%E2%82%AC');
});

test('isRedirect and originOf', () => {
  assert.deepEqual([300, 301, 302, 303, 304, 305, 307, 308].filter(isRedirect), [301, 302, 303, 307, 308]);
  assert.equal(originOf(new URL('HTTPS://Example.org/x')), 'https://example.org:443');
  assert.equal(originOf(new URL('http://[::1]:81/')), 'http://[::1]:81');
});

test('a relative Location resolves against the current URL; the fragment is inherited', () => {
  const p = planRedirect(req('http://a/dir/x?q#frag'), 302, '../y?z', ['http://a/dir/x?q'], policy);
  assert.equal(p.url.href, 'http://a/y?z#frag');
});

describe('planRedirect: hand-off schemes (ftp, which the caller opens itself)', () => {
  const out = { ...policy, handOff: ['ftp:', 'ftps:'] };

  test('a redirect to ftp: is planned as a hand-off, the server-given user:password kept for that login', () => {
    const p = planRedirect(req('http://a/x', 'GET', { kind: 'none' }, { Authorization: 'Basic x' }), 302, 'ftp://anon:guest@mirror/pub/f.txt', ['http://a/x'], out);
    assert.equal(p.handOff, true);
    assert.equal(p.url.href, 'ftp://anon:guest@mirror/pub/f.txt');
    assert.equal(p.method, 'GET');
    assert.equal(p.headers.has('authorization'), false, 'the caller’s credentials stay behind');
  });

  test('an http target is no hand-off, and a scheme outside the list is still refused', () => {
    assert.equal(planRedirect(req('http://a/x'), 302, '/y', ['http://a/x'], out).handOff, undefined);
    for (const loc of ['file:///etc/passwd', 'gopher://a/', 'data:,x'])
      assert.throws(() => planRedirect(req('http://a/x'), 302, loc, ['http://a/x'], out), /refusing to follow a redirect to/);
  });

  test('a POST answered 303 hands off a GET; a 307 keeps the POST (the caller decides whether it can carry it)', () => {
    assert.equal(planRedirect(req('http://a/x', 'POST', bytes), 303, 'ftp://m/f', ['http://a/x'], out).method, 'GET');
    assert.equal(planRedirect(req('http://a/x', 'POST', bytes), 307, 'ftp://m/f', ['http://a/x'], out).method, 'POST');
  });

  test('from https: ftps is no downgrade; ftp is one, refused unless allowDowngrade', () => {
    assert.equal(planRedirect(req('https://a/x'), 302, 'ftps://m/f', ['https://a/x'], out).handOff, true);
    assert.throws(() => planRedirect(req('https://a/x'), 302, 'ftp://m/f', ['https://a/x'], out), /from https to ftp \(allowDowngrade not set\)/);
    assert.equal(planRedirect(req('https://a/x'), 302, 'ftp://m/f', ['https://a/x'], { ...out, allowDowngrade: true }).handOff, true);
  });

  test('the hop count still bounds a hand-off', () => {
    assert.throws(() => planRedirect(req('http://a/2'), 302, 'ftp://m/f', ['http://a/1', 'http://a/2'], { ...out, maxRedirects: 1 }), LimitError);
  });
});

describe('planRedirect: keepPostOn (curl --post301, --post302, --post303)', () => {
  test('a POST stays a POST with its body and body headers only after the statuses listed', () => {
    const post = () => req('http://a/x', 'POST', bytes, { 'Content-Type': 'text/plain' });
    for (const status of [301, 302, 303]) {
      const kept = planRedirect(post(), status, '/y', ['http://a/x'], { ...policy, keepPostOn: [status] });
      assert.equal(kept.method, 'POST', String(status));
      assert.equal(kept.body.kind, 'bytes');
      assert.equal(kept.headers.get('content-type'), 'text/plain');
      const others = [301, 302, 303].filter((s) => s !== status);
      const turned = planRedirect(post(), others[0]!, '/y', ['http://a/x'], { ...policy, keepPostOn: [status] });
      assert.equal(turned.method, 'GET');
      assert.equal(turned.body.kind, 'none');
    }
  });

  test('only a POST is concerned: a PUT answered 303 still becomes a GET', () => {
    assert.equal(planRedirect(req('http://a/x', 'PUT', bytes), 303, '/y', ['http://a/x'], { ...policy, keepPostOn: [303] }).method, 'GET');
  });

  test('a kept POST of a stream body is made again by its reopen factory, and refused without one', () => {
    const again = () => [Buffer.from('s')];
    const stream: RedirectRequest['body'] = { kind: 'stream', source: again(), length: 1, reopen: again };
    assert.equal(planRedirect(req('http://a/x', 'POST', stream), 302, '/y', ['http://a/x'], { ...policy, keepPostOn: [302] }).body.kind, 'stream');
    const once: RedirectRequest['body'] = { kind: 'stream', source: again(), length: 1 };
    assert.throws(() => planRedirect(req('http://a/x', 'POST', once), 302, '/y', ['http://a/x'], { ...policy, keepPostOn: [302] }), (e: InputError) => e.phase === 'rewind');
  });
});

describe('planRedirect: trusted (curl --location-trusted)', () => {
  test('Authorization, Cookie and secret headers go on to another origin; Host and Proxy-Authorization never do', () => {
    const headers = { Authorization: 'Basic x', Cookie: 'a=1', 'X-Key': 'k', Host: 'a', 'Proxy-Authorization': 'Basic p' };
    const p = planRedirect(req('http://a/x', 'GET', { kind: 'none' }, headers), 302, 'http://b/y', ['http://a/x'], { ...policy, trusted: true, secretHeaders: ['X-Key'] });
    assert.equal(p.crossOrigin, true);
    assert.equal(p.headers.get('authorization'), 'Basic x');
    assert.equal(p.headers.get('cookie'), 'a=1');
    assert.equal(p.headers.get('x-key'), 'k');
    assert.deepEqual(p.dropped.sort(), ['host', 'proxy-authorization']);
    const untrusted = planRedirect(req('http://a/x', 'GET', { kind: 'none' }, headers), 302, 'http://b/y', ['http://a/x'], { ...policy, secretHeaders: ['X-Key'] });
    assert.deepEqual(untrusted.dropped.sort(), ['authorization', 'cookie', 'host', 'proxy-authorization', 'x-key']);
  });
});

describe('planRedirect: protocols (curl --proto-redir)', () => {
  test('a scheme outside the list is refused as unsupported, before any other rule', () => {
    const only = { ...policy, protocols: ['https:'], handOff: ['ftp:'] };
    for (const loc of ['http://b/', 'ftp://m/f', 'gopher://g/'])
      assert.throws(() => planRedirect(req('http://a/x'), 302, loc, ['http://a/x'], only), (e: InputError) => e instanceof InputError && e.code === 'DIAL_E_UNSUPPORTED' && e.phase === 'scheme', loc);
    assert.equal(planRedirect(req('http://a/x'), 302, 'https://b/', ['http://a/x'], only).url.href, 'https://b/');
  });

  test('a scheme in the list still needs the client to speak it or hand it off', () => {
    assert.throws(() => planRedirect(req('http://a/x'), 302, 'gopher://g/', ['http://a/x'], { ...policy, protocols: ['gopher:'] }), ProtocolError);
    assert.equal(planRedirect(req('http://a/x'), 302, 'gopher://g/', ['http://a/x'], { ...policy, protocols: ['gopher:'], handOff: ['gopher:'] }).handOff, true);
  });
});
