// The Strict-Transport-Security header, from RFC 6797 §6.1 and its examples (§6.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStrictTransportSecurity as parse } from '../../../../src/protocols/http/core/sts.js';

test('the RFC\'s examples (§6.2) and the directive forms the grammar allows', () => {
  assert.deepEqual(parse('max-age=31536000'), { maxAge: 31536000, includeSubDomains: false });
  assert.deepEqual(parse('max-age=15768000 ; includeSubDomains'), { maxAge: 15768000, includeSubDomains: true });
  // Names are case-insensitive; the value may be a quoted-string; empty directives and OWS are allowed.
  assert.deepEqual(parse('Max-Age="200";INCLUDESUBDOMAINS'), { maxAge: 200, includeSubDomains: true });
  assert.deepEqual(parse(' ; max-age = 10 ;; '), { maxAge: 10, includeSubDomains: false });
  assert.deepEqual(parse('max-age="1\\0"'), { maxAge: 10, includeSubDomains: false });
  // A directive this version does not know is skipped (§6.1), with or without a value.
  assert.deepEqual(parse('preload; max-age=5; foo="a;b"'), { maxAge: 5, includeSubDomains: false });
  // max-age=0 is a valid header: it tells the UA to forget the host (§6.1.1).
  assert.deepEqual(parse('max-age=0'), { maxAge: 0, includeSubDomains: false });
});

test('headers the RFC says to ignore read as undefined', () => {
  for (const bad of [
    '', // no max-age
    'includeSubDomains',
    'max-age', // max-age without its value
    'max-age=',
    'max-age=-1',
    'max-age=1.5',
    'max-age=abc',
    'max-age=10; max-age=20', // a directive twice (§6.1)
    'max-age=10; includeSubDomains; includesubdomains',
    'max-age="10', // an unterminated quoted-string
    'max-age=10 20',
    'max-age=10, includeSubDomains', // ',' is no separator here
    'max age=10',
    'max-age=1"0"',
  ]) assert.equal(parse(bad), undefined, JSON.stringify(bad));
});

test('a max-age beyond any date is bounded, not a wrong date; a long hostile header is read in one pass', () => {
  assert.equal(parse('max-age=99999999999999999999999')!.maxAge, 1e12);
  // Leading zeros are not magnitude: a zero-padded 0 still forgets the host, a padded year is a year (curl reads them so too).
  assert.equal(parse('max-age=00000000000000000000')!.maxAge, 0);
  assert.equal(parse('max-age=000000000000031536000')!.maxAge, 31536000);
  assert.equal(parse('max-age="0000000000000000010"')!.maxAge, 10);
  const long = `max-age=1;${' ;'.repeat(100_000)}x`;
  assert.deepEqual(parse(long), { maxAge: 1, includeSubDomains: false });
  assert.equal(parse(`max-age=1; "${'a'.repeat(100_000)}`), undefined);
});
