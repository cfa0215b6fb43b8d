import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTracer, formatTraceEvent, formatTraceJson, maskLine } from '../../src/cli/trace.js';

test('the three kinds print with curl prefixes', () => {
  assert.equal(formatTraceEvent({ kind: '*', text: 'Connected to h' }), '* Connected to h');
  assert.equal(formatTraceEvent({ kind: '>', text: 'GET / HTTP/1.1' }), '> GET / HTTP/1.1');
  assert.equal(formatTraceEvent({ kind: '<', text: 'HTTP/1.1 200 OK' }), '< HTTP/1.1 200 OK');
});

test('data summaries print as curl does', () => {
  assert.equal(formatTraceEvent({ kind: '<', text: '', bytes: 512 }), '{ [512 bytes data]');
  assert.equal(formatTraceEvent({ kind: '>', text: '', bytes: 9 }), '} [9 bytes data]');
  // The gopher client words its summary itself; -v shows it as every other protocol's.
  assert.equal(formatTraceEvent({ kind: '<', text: '[16 bytes of data]', bytes: 16, protocol: 'gopher' }), '{ [16 bytes data]');
});

test('credentials are masked in every form', () => {
  assert.equal(maskLine('PASS hunter2'), 'PASS ****');
  assert.equal(maskLine('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: Basic ****');
  assert.equal(maskLine('proxy-authorization: Digest abc'), 'proxy-authorization: Digest ****');
  assert.equal(maskLine('AUTH PLAIN AGZvbwBiYXI='), 'AUTH PLAIN ****');
  assert.equal(maskLine('* Redirect to http://u:secret@h/'), '* Redirect to http://u:****@h/');
  assert.equal(maskLine('USER anonymous'), 'USER anonymous');
});

test('URL passwords are masked wherever a URL sits in a line, several per line, and nothing else is touched', () => {
  assert.equal(maskLine('< Location: ftp://me:pw@h:21/x and https://a:b@c/'), '< Location: ftp://me:****@h:21/x and https://a:****@c/');
  assert.equal(maskLine('x socks5h://u:@h'), 'x socks5h://u:****@h');
  assert.equal(maskLine('* http://h:8080/a@b'), '* http://h:8080/a@b', 'a port is no password');
  assert.equal(maskLine('* http://user@h/'), '* http://user@h/');
  assert.equal(maskLine('://u:p@h'), '://u:p@h', 'no scheme, no URL');
  assert.equal(maskLine('://u:p@h http://a:b@c'), '://u:p@h http://a:****@c');
  assert.equal(maskLine('X: a.b.c:// d'), 'X: a.b.c:// d');
});

// A server's header line of 'a.' repeated made the URL pattern try every dotted word as a
// scheme start and scan to the end from each: -v spent 1.2 s on one 60 KB header, quadratic.
test('a 1 MB hostile line is masked in one pass (the test timeout bounds the time)', { timeout: 20_000 }, () => {
  const line = 'X-A: ' + 'a.'.repeat(500_000) + '://u:p@h';
  assert.equal(maskLine(line), 'X-A: ' + 'a.'.repeat(500_000) + '://u:****@h');
  const colons = 'X-B: ' + 'a://b:'.repeat(100_000);
  assert.equal(maskLine(colons), colons);
});

test('JSON lines carry kind, masked text, protocol and bytes', () => {
  const rec = JSON.parse(formatTraceJson({ kind: '>', text: 'PASS x', protocol: 'ftp' }, 1500)) as Record<string, unknown>;
  assert.deepEqual(rec, { t: 1.5, kind: '>', text: 'PASS ****', protocol: 'ftp' });
});

test('createTracer: undefined without sinks; both sinks fed; a throwing sink never escapes', () => {
  assert.equal(createTracer({}), undefined);
  const text: string[] = [];
  const json: string[] = [];
  const t = createTracer({ text: (l) => text.push(l), json: (l) => json.push(l), prefix: '[1] ' })!;
  t({ kind: '*', text: 'hi' });
  assert.deepEqual(text, ['[1] * hi']);
  assert.equal((JSON.parse(json[0]!) as { text: string }).text, 'hi');
  const bad = createTracer({
    text: () => {
      throw new Error('x');
    },
  })!;
  assert.doesNotThrow(() => bad({ kind: '*', text: 'x' }));
});

test('--trace-json carries a structured event\'s name and facts, a redirect URL\'s password masked', () => {
  const rec = JSON.parse(formatTraceJson({ kind: '*', text: 'Following 302 redirect to http://u:pw@h/', event: 'redirect', data: { status: 302, url: 'http://u:pw@h/' } }, 0)) as Record<string, unknown>;
  assert.equal(rec.event, 'redirect');
  assert.deepEqual(rec.data, { status: 302, url: 'http://u:****@h/' });
  const plain = JSON.parse(formatTraceJson({ kind: '>', text: 'GET / HTTP/1.1' }, 0)) as Record<string, unknown>;
  assert.equal('event' in plain || 'data' in plain, false);
});
