import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { ProtocolError } from '../../../../src/errors.js';
import { connectionKeepsAlive, framingFields, parseContentLength } from '../../../../src/protocols/http/core/framing.js';

describe('parseContentLength', () => {
  const ok: [string[], number][] = [
    [['0'], 0],
    [['42'], 42],
    [['007'], 7],
    [['5', '5'], 5],
    [['5, 5', ' 5 '], 5],
    [['000000000000000000009'], 9],
    [['999999999999999'], 999999999999999],
  ];
  for (const [v, n] of ok) test(`accepts ${JSON.stringify(v)}`, () => assert.equal(parseContentLength(v), n));
  const bad = [[''], [' '], ['-0'], ['1.0'], ['5', '6'], ['5,,5'], ['1000000000000000'], ['١٢']];
  for (const v of bad) test(`refuses ${JSON.stringify(v)}`, () => assert.throws(() => parseContentLength(v), ProtocolError));
});

describe('framingFields', () => {
  test('joins repeated Connection and Transfer-Encoding as lists, keeps every Content-Length, ignores the rest whatever their case', () => {
    const raw = ['Connection', 'keep-alive', 'content-length', '5', 'X-Other', 'y', 'TRANSFER-ENCODING', 'gzip', 'Content-Length', '5', 'transfer-encoding', 'chunked', 'connection', 'Upgrade'];
    assert.deepEqual(framingFields(raw), { connection: 'keep-alive, Upgrade', te: 'gzip, chunked', cl: ['5', '5'] });
    assert.deepEqual(framingFields([]), { connection: null, te: null, cl: [] });
  });
});

describe('connectionKeepsAlive (RFC 9112 §9.3)', () => {
  test('HTTP/1.1 persists unless Connection says close', () => {
    assert.equal(connectionKeepsAlive(null, '1.1'), true);
    assert.equal(connectionKeepsAlive('keep-alive', '1.1'), true);
    assert.equal(connectionKeepsAlive('close', '1.1'), false);
    assert.equal(connectionKeepsAlive('Upgrade, CLOSE', '1.1'), false);
    assert.equal(connectionKeepsAlive('TE', '1.1'), true);
  });
  test('HTTP/1.0 persists only with keep-alive, and not with close beside it', () => {
    assert.equal(connectionKeepsAlive(null, '1.0'), false);
    assert.equal(connectionKeepsAlive('keep-alive', '1.0'), true);
    assert.equal(connectionKeepsAlive('Keep-Alive', '1.0'), true);
    assert.equal(connectionKeepsAlive('keep-alive, close', '1.0'), false);
    assert.equal(connectionKeepsAlive('close', '1.0'), false);
  });
});
