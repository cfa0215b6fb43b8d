// DNS messages for an address lookup (RFC 1035 §4.1), bytes written out by
// hand: the query's wire form, answers with compression and CNAME chains,
// and the malformed responses a hostile server could send.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeQuery, parseAddresses, TYPE_A, TYPE_AAAA } from '../../../../src/protocols/dns/core/message.js';
import { ConnectError, InputError, ProtocolError } from '../../../../src/errors.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
// Header: ID 0, flags, QD, AN, NS, AR.
const header = (flags: string, an: number) => hex(`0000 ${flags} 0001 ${an.toString(16).padStart(4, '0')} 0000 0000`);
// Question: www.example.test A IN.
const QNAME = '03 777777 07 6578616d706c65 04 74657374 00';
const question = (type = 1) => hex(`${QNAME} ${type.toString(16).padStart(4, '0')} 0001`);
const rr = (owner: string, type: number, ttl: number, data: string) => {
  const d = hex(data);
  return hex(`${owner} ${type.toString(16).padStart(4, '0')} 0001 ${ttl.toString(16).padStart(8, '0')} ${d.length.toString(16).padStart(4, '0')} ${data}`);
};

test('the query: ID 0 (RFC 8484 §4.1), RD set, one question, the name as length-prefixed labels, then type and class IN', () => {
  assert.deepEqual(encodeQuery('www.example.test', TYPE_A), Buffer.concat([hex('0000 0100 0001 0000 0000 0000'), question(1)]));
  assert.deepEqual(encodeQuery('www.example.test.', TYPE_AAAA).subarray(-4), hex('001c 0001'));
  for (const bad of ['', 'a..b', `${'a'.repeat(64)}.test`, `${'abcdefghi.'.repeat(26)}test`, 'sp ace.test', 'ümlaut.test'])
    assert.throws(() => encodeQuery(bad, TYPE_A), InputError, JSON.stringify(bad));
});

test('A and AAAA answers, the owner a compression pointer to the question (offset 12); the TTL kept; AAAA in its short form', () => {
  const a = Buffer.concat([header('8180', 2), question(1), rr('c00c', 1, 300, 'c0000201'), rr('c00c', 1, 60, '7f000001')]);
  assert.deepEqual(parseAddresses(a, 'www.example.test', TYPE_A), [
    { address: '192.0.2.1', family: 4, ttl: 300 },
    { address: '127.0.0.1', family: 4, ttl: 60 },
  ]);
  const aaaa = Buffer.concat([header('8180', 2), question(28), rr('c00c', 28, 5, '20010db8000000000000000000000001'), rr('c00c', 28, 5, '00000000000000000000000000000001')]);
  assert.deepEqual(parseAddresses(aaaa, 'WWW.Example.Test.', TYPE_AAAA).map((x) => x.address), ['2001:db8::1', '::1']);
});

test('a CNAME chain is followed, in any order; records of other names or types are ignored', () => {
  // www.example.test CNAME b.test (at offset 12+22=34+... written in full), b.test A 192.0.2.7; an unrelated c.test A.
  const msg = Buffer.concat([
    header('8180', 4),
    question(1),
    rr('01 62 04 74657374 00', 1, 30, 'c0000207'), // b.test A, before the CNAME that leads to it
    rr('01 63 04 74657374 00', 1, 30, 'c0000209'), // c.test A: not on the chain
    rr('c00c', 5, 30, '01 62 04 74657374 00'), // www.example.test CNAME b.test
    rr('c00c', 16, 30, '03 616263'), // a TXT record
  ]);
  assert.deepEqual(parseAddresses(msg, 'www.example.test', TYPE_A), [{ address: '192.0.2.7', family: 4, ttl: 30 }]);
});

test('NXDOMAIN is a resolve error (curl exit 6); other RCODEs, TC and a query are ProtocolErrors; no answer is an empty list', () => {
  assert.throws(() => parseAddresses(Buffer.concat([header('8183', 0), question()]), 'www.example.test', TYPE_A), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_RESOLVE' && /NXDOMAIN/.test(e.message));
  assert.throws(() => parseAddresses(Buffer.concat([header('8182', 0), question()]), 'x', TYPE_A), (e: unknown) => e instanceof ProtocolError && /server failure/.test(e.message));
  assert.throws(() => parseAddresses(Buffer.concat([header('8380', 0), question()]), 'x', TYPE_A), /truncated/);
  assert.throws(() => parseAddresses(Buffer.concat([header('0100', 0), question()]), 'x', TYPE_A), /a query, not a response/);
  assert.deepEqual(parseAddresses(Buffer.concat([header('8180', 0), question()]), 'www.example.test', TYPE_A), []);
});

test('hostile responses: pointer loops, names and records past the end, wrong address lengths, a CNAME loop or an endless chain', () => {
  const q = question();
  const cases: Array<[string, Buffer]> = [
    ['short header', hex('0000 8180 0001')],
    ['pointer to itself (the record starts at offset 34)', Buffer.concat([header('8180', 1), q, rr('c022', 1, 1, '7f000001')])],
    ['pointer forward', Buffer.concat([header('8180', 1), q, rr('c0ff', 1, 1, '7f000001')])],
    ['label past the end', Buffer.concat([header('8180', 0), hex('3f 6161')])],
    ['record data past the end', Buffer.concat([header('8180', 1), q, hex('c00c 0001 0001 00000001 0010 7f00')])],
    ['A of 3 bytes', Buffer.concat([header('8180', 1), q, rr('c00c', 1, 1, '7f0000')])],
    ['reserved label type', Buffer.concat([header('8180', 1), q, rr('800c', 1, 1, '7f000001')])],
  ];
  for (const [what, msg] of cases) assert.throws(() => parseAddresses(msg, 'www.example.test', TYPE_A), ProtocolError, what);
  // A CNAME loop ends (no address, no hang); a chain longer than 16 links is refused.
  const loop = Buffer.concat([header('8180', 2), q, rr('c00c', 5, 1, '01 61 00'), rr('01 61 00', 5, 1, 'c00c')]);
  assert.deepEqual(parseAddresses(loop, 'www.example.test', TYPE_A), []);
  const links = Array.from({ length: 20 }, (_, i) => rr(i === 0 ? 'c00c' : `02 6e${(i + 0x40).toString(16)} 00`, 5, 1, `02 6e${(i + 0x41).toString(16)} 00`));
  assert.throws(() => parseAddresses(Buffer.concat([header('8180', links.length), q, ...links]), 'www.example.test', TYPE_A), /CNAME chain longer than 16/);
});
