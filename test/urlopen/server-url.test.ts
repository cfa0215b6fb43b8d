import { test } from 'node:test';
import assert from 'node:assert/strict';
import { credentials, hasHeaders, serverAddress, tlsRequired, urlScheme, urlText } from '../../src/urlopen/server-url.js';

test('urlScheme: lower-cased, without its colon', () => {
  assert.equal(urlScheme(new URL('POP3S://h/')), 'pop3s');
  assert.equal(urlScheme(new URL('news:id@host')), 'news');
});

test('serverAddress: an IPv6 literal loses its brackets; no port is the default', () => {
  assert.deepEqual(serverAddress(new URL('ftp://[::1]:2121/x')), { host: '::1', port: 2121 });
  assert.deepEqual(serverAddress(new URL('smtp://mail.example/')), { host: 'mail.example', port: undefined });
  assert.deepEqual(serverAddress(new URL('news:id@host')), { host: '', port: undefined });
});

test('urlText: percent-decoded UTF-8; a stray % stays', () => {
  assert.equal(urlText(''), '');
  assert.equal(urlText('a%40b%20c'), 'a@b c');
  assert.equal(urlText('caf%C3%A9'), 'café');
  assert.equal(urlText('100%'), '100%');
});

test('credentials: the caller\'s first, else the URL\'s decoded; a password only with a user', () => {
  const url = new URL('ftp://us%3Aer:p%40ss@h/');
  assert.deepEqual(credentials(url, {}), { user: 'us:er', password: 'p@ss' });
  assert.deepEqual(credentials(url, { user: 'me' }), { user: 'me', password: 'p@ss' });
  assert.deepEqual(credentials(url, { password: 'pw' }), { user: 'us:er', password: 'pw' });
  assert.deepEqual(credentials(new URL('ftp://h/'), {}), { user: undefined, password: undefined });
  assert.deepEqual(credentials(new URL('ftp://:pw@h/'), {}), { user: undefined, password: undefined });
  assert.deepEqual(credentials(new URL('ftp://u@h/'), {}), { user: 'u', password: '' });
});

test('hasHeaders: any header, as a record or as pairs', () => {
  assert.equal(hasHeaders({}), false);
  assert.equal(hasHeaders({ headers: {} }), false);
  assert.equal(hasHeaders({ headers: [] }), false);
  assert.equal(hasHeaders({ headers: { 'X-A': '1' } }), true);
  assert.equal(hasHeaders({ headers: [['X-A', '1']] }), true);
});

test('tlsRequired: requireTls, or explicit ftpSecure', () => {
  assert.equal(tlsRequired({}), false);
  assert.equal(tlsRequired({ requireTls: true }), true);
  assert.equal(tlsRequired({ ftpSecure: 'explicit' }), true);
  assert.equal(tlsRequired({ ftpSecure: 'implicit' }), false);
  assert.equal(tlsRequired({ requireTls: false, ftpSecure: false }), false);
});
