import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CliExit } from '../../src/cli/exit-codes.js';
import { connectUrl, onlyFamily, pinnedLookup, resolveLookup } from '../../src/cli/lookup.js';
import type { LookupFunction } from '../../src/socket/connect.js';

test('--resolve pins only the matching host and port', async () => {
  const entries = ['example.test:8080:127.0.0.1', 'example.test:443:::1'];
  const l = resolveLookup(entries, new URL('http://example.test:8080/'))!;
  assert.deepEqual(await l('example.test', {}), [{ address: '127.0.0.1', family: 4 }]);
  assert.deepEqual(await resolveLookup(entries, new URL('https://example.test/'))!('example.test', {}), [{ address: '::1', family: 6 }]);
  assert.equal(resolveLookup(entries, new URL('http://example.test/')), undefined);
  assert.throws(() => resolveLookup(['h:80:notanip'], new URL('http://h/')), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
});

test('-4/-6 keep one family and ask the resolver for it only', async () => {
  const asked: Array<number | undefined> = [];
  const inner: LookupFunction = async (_h, o) => {
    asked.push(o.family);
    return [{ address: '10.0.0.1', family: 4 }, { address: '::2', family: 6 }];
  };
  assert.deepEqual(await onlyFamily(6, inner)('h', {}), [{ address: '::2', family: 6 }]);
  assert.deepEqual(asked, [6]);
});

test('pinnedLookup: one function per origin for the whole run (pools are keyed by it), -4/-6 applied over --resolve', async () => {
  const shared: { pinned?: Map<string, LookupFunction | undefined> } = {};
  const o = { resolve: ['h:80:127.0.0.1,::1'], ipFamily: 6 as const };
  const a = pinnedLookup(o, shared, new URL('http://h/a'))!;
  assert.equal(pinnedLookup(o, shared, new URL('http://h/b')), a);
  assert.deepEqual(await a('h', {}), [{ address: '::1', family: 6 }]);
  assert.equal(pinnedLookup(o, shared, new URL('http://other/')), undefined);
});

test('connectUrl: the host and port a --connect-to entry sends an http(s) URL to, for --resolve to pin', () => {
  const o = { connectTo: ['a.test:80:b.test:8080', 'v6.test::[::1]:'] };
  assert.equal(connectUrl(o, new URL('http://a.test/x')).host, 'b.test:8080');
  assert.equal(connectUrl(o, new URL('https://v6.test/')).host, '[::1]');
  const same = new URL('http://c.test/');
  assert.equal(connectUrl(o, same), same);
  assert.equal(connectUrl({ connectTo: ['::b.test:1'] }, new URL('ftp://a.test/')).host, 'a.test');
});
