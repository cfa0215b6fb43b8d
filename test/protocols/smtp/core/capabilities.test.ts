import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heloCapabilities, parseEhlo } from '../../../../src/protocols/smtp/core/capabilities.js';

test('parseEhlo: exim-style reply into typed capabilities', () => {
  const c = parseEhlo(['mail.test Hello localhost [127.0.0.1]', 'SIZE 52428800', '8BITMIME', 'PIPELINING', 'PIPE_CONNECT', 'CHUNKING', 'STARTTLS', 'AUTH PLAIN LOGIN', 'SMTPUTF8', 'ENHANCEDSTATUSCODES', 'HELP']);
  assert.equal(c.domain, 'mail.test');
  assert.equal(c.esmtp, true);
  assert.equal(c.size, 52428800);
  assert.ok(c.eightBitMime && c.pipelining && c.startTls && c.smtpUtf8 && c.enhancedStatusCodes);
  assert.deepEqual(c.auth, ['PLAIN', 'LOGIN']);
  assert.ok(c.keywords.has('CHUNKING') && c.keywords.has('HELP'));
  assert.equal(c.keywords.has('PIPE_CONNECT'), false, 'an underscore is not keyword syntax');
});

test('parseEhlo: SIZE without a number means no fixed limit; absent SIZE is undefined', () => {
  assert.equal(parseEhlo(['x', 'SIZE']).size, 0);
  assert.equal(parseEhlo(['x', 'SIZE lots']).size, 0);
  assert.equal(parseEhlo(['x', 'SIZE 99999999999999999999']).size, 0);
  assert.equal(parseEhlo(['x']).size, undefined);
});

test('parseEhlo: lower-case keywords, tabs, repeated AUTH lines and the old AUTH= form', () => {
  const c = parseEhlo(['x', 'auth\tplain', 'AUTH=LOGIN CRAM-MD5', 'AUTH plain', 'starttls']);
  assert.deepEqual(c.auth, ['PLAIN', 'LOGIN', 'CRAM-MD5']);
  assert.equal(c.startTls, true);
});

test('parseEhlo: junk lines are ignored, never thrown on', () => {
  const c = parseEhlo(['', '', '-bad', '=', 'ÄÖ', 'x'.repeat(100), '  ', 'OK-KEY 1']);
  assert.equal(c.domain, '');
  assert.deepEqual([...c.keywords.keys()], ['OK-KEY']);
});

test('heloCapabilities: no extension at all', () => {
  const c = heloCapabilities('old.example');
  assert.equal(c.esmtp, false);
  assert.equal(c.size, undefined);
  assert.deepEqual(c.auth, []);
  assert.equal(c.startTls || c.pipelining || c.eightBitMime, false);
});

// Found by timing the SMTP core on large generated replies: each repeated keyword line copied
// the whole parameter list so far, so 500 lines of 'AUTH' with 4,000 parameters took 62 s (a
// hostile server's 1,000-line EHLO reply, about 8 MB, minutes). This input took about 60 s before.
test('parseEhlo: many repeated keyword lines with many parameters are read in one pass', () => {
  const lines = ['mx', ...Array.from({ length: 1000 }, (_, i) => `AUTH ${`m${i % 7} `.repeat(1000)}`)];
  const c = parseEhlo(lines);
  assert.equal(c.keywords.get('AUTH')!.length, 1_000_000);
  assert.deepEqual(c.auth, ['M0', 'M1', 'M2', 'M3', 'M4', 'M5', 'M6']);
});
