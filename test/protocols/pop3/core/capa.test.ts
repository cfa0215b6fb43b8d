import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCapa, saslMechanisms } from '../../../../src/protocols/pop3/core/capa.js';

test('parseCapa: keywords upper-cased, arguments kept, blank lines ignored (RFC 2449 §5 example)', () => {
  const caps = parseCapa(['TOP', 'USER', 'sasl cram-md5 KERBEROS_V4', 'RESP-CODES', 'LOGIN-DELAY 900', '', 'PIPELINING', 'EXPIRE 60', 'UIDL', 'IMPLEMENTATION Shlemazle-Plotz-v302']);
  assert.deepEqual(caps.get('SASL'), ['cram-md5', 'KERBEROS_V4']);
  assert.deepEqual(caps.get('LOGIN-DELAY'), ['900']);
  assert.ok(caps.has('TOP') && caps.has('UIDL') && !caps.has(''));
  assert.deepEqual(saslMechanisms(caps), ['CRAM-MD5', 'KERBEROS_V4']);
  assert.deepEqual(saslMechanisms(new Map()), []);
});

test('parseCapa: at most 64 arguments per capability', () => {
  const caps = parseCapa(['X ' + 'a '.repeat(1000)]);
  assert.equal(caps.get('X')?.length, 64);
});
