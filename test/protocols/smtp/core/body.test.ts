import { test } from 'node:test';
import assert from 'node:assert/strict';
import { has8bit, wireSize } from '../../../../src/protocols/smtp/core/body.js';
import { stuffDotBlock } from '../../../../src/line/dotblock.js';

const b = (s: string) => Buffer.from(s, 'latin1');

test('wireSize counts the body once every line ending is CRLF and a final CRLF is there', () => {
  const table: [string, number][] = [['', 0], ['a\r\n', 3], ['a\n', 3], ['a', 3], ['a\rb', 6], ['a\n\nb\r\n', 8], ['\n', 2], ['\r', 2], ['x\r', 3]];
  for (const [body, n] of table) assert.equal(wireSize(b(body)), n, JSON.stringify(body));
});

test('wireSize agrees with what the DotStuffer sends for bodies without leading dots', () => {
  for (const body of ['Subject: x\n\nhello\nworld', 'a\r\nb\rc\n', 'no ending', 'a\r\r\n']) {
    const wire = stuffDotBlock(b(body));
    assert.equal(wireSize(b(body)), wire.length - 3, JSON.stringify(body));
  }
});

test('has8bit finds a byte above 127', () => {
  assert.equal(has8bit(b('plain ascii\r\n')), false);
  assert.equal(has8bit(Buffer.from('grüße', 'utf8')), true);
  assert.equal(has8bit(new Uint8Array([0x7f])), false);
  assert.equal(has8bit(new Uint8Array([0x80])), true);
});
