import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasScheme, normalizeUrl, schemeOf, typedScheme, typedTarget } from '../../src/cli/url.js';
import { CliExit } from '../../src/cli/exit-codes.js';

test('normalizeUrl: no scheme means http://, junk is exit 3', () => {
  assert.equal(normalizeUrl('example.com/x'), 'http://example.com/x');
  assert.equal(normalizeUrl('localhost:8080/'), 'http://localhost:8080/');
  assert.equal(normalizeUrl('  data:,x '), 'data:,x');
  assert.equal(normalizeUrl('news:id@host'), 'news:id@host');
  assert.equal(normalizeUrl('ftp://h/f'), 'ftp://h/f');
  for (const bad of ['http://', 'http://a b/', 'http://h/a b', 'h/x y', 'http://h/?q=a b', 'http://h/\r\nX: y', 'h/\0']) {
    assert.throws(() => normalizeUrl(bad), (e: unknown) => e instanceof CliExit && e.exitCode === 3, bad);
  }
});

test('schemeOf: the scheme without its colon, or empty for a URL that does not parse', () => {
  assert.equal(schemeOf('https://h/'), 'https');
  assert.equal(schemeOf('data:,x'), 'data');
  assert.equal(schemeOf('no scheme here'), '');
});

test('hasScheme: x:// or a scheme written without //; anything else is a bare host (http)', () => {
  for (const u of ['http://a', 'FTP://a/b', 'gopher+x://h', 'data:,x', 'file:/etc/hosts', 'mailto:a@b', 'news:x@y']) assert.equal(hasScheme(u), true, u);
  for (const u of ['example.com', 'localhost:8080/x', 'a:b@host/', '1http://x']) assert.equal(hasScheme(u), false, u);
});

test('typedScheme: the scheme a URL names, lowercased, or http for a bare host', () => {
  assert.equal(typedScheme('HTTPS://h/'), 'https');
  assert.equal(typedScheme(' ftp://h/f'), 'ftp');
  assert.equal(typedScheme('data:,x'), 'data');
  assert.equal(typedScheme('example.com/x'), 'http');
  assert.equal(typedScheme('a:b@host/'), 'http');
});

test('typedTarget: the path and query as typed (--path-as-is), without the fragment; non-ASCII as UTF-8 %XX', () => {
  assert.equal(typedTarget('http://h/a/../b/./c?q=/../#frag'), '/a/../b/./c?q=/../');
  assert.equal(typedTarget('http://user:pw@h:81'), '/');
  assert.equal(typedTarget('http://h?x=1'), '/?x=1');
  assert.equal(typedTarget('https://[::1]:8443/%2e%2e/x'), '/%2e%2e/x');
  assert.equal(typedTarget('http://h/café'), '/caf%C3%A9');
  assert.equal(typedTarget('http://h\\a\\..\\b'), '\\a\\..\\b');
});
