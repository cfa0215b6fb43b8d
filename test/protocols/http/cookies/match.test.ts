import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { candidateDomains, defaultPath, domainMatch, pathMatch, isIpLike } from '../../../../src/protocols/http/cookies/match.js';

describe('cookie matching helpers (§5.1.3, §5.1.4)', () => {
  test('domainMatch', () => {
    assert.equal(domainMatch('www.example.com', 'example.com'), true);
    assert.equal(domainMatch('example.com', 'example.com'), true);
    assert.equal(domainMatch('wwwexample.com', 'example.com'), false);
    assert.equal(domainMatch('1.2.3.4', '2.3.4'), false);
  });
  test('defaultPath', () => {
    assert.deepEqual(['', '/', '/a', '/a/', '/a/b', 'x/y'].map(defaultPath), ['/', '/', '/', '/a', '/a', '/']);
  });
  test('pathMatch', () => {
    assert.deepEqual([['/a', '/a'], ['/a/b', '/a'], ['/ab', '/a'], ['/a/b', '/a/'], ['/a', '/a/']].map(([r, c]) => pathMatch(r!, c!)), [true, true, false, true, false]);
  });
  test('isIpLike', () => {
    assert.deepEqual(['127.0.0.1', '::1', 'example.com', 'a.1'].map(isIpLike), [true, true, false, true]);
  });
});

describe('candidateDomains', () => {
  test('the host and its parents; an IP only itself', () => {
    assert.deepEqual(candidateDomains('a.b.example.com'), ['a.b.example.com', 'b.example.com', 'example.com', 'com']);
    assert.deepEqual(candidateDomains('10.0.0.1'), ['10.0.0.1']);
    assert.deepEqual(candidateDomains('localhost'), ['localhost']);
  });
});
