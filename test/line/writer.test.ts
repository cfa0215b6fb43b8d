import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { InputError } from '../../src/errors.js';
import { encodeLine, encodeText, validateLine } from '../../src/line/writer.js';
import { bytes, latin } from './helpers.js';

const isInput = (e: unknown) => e instanceof InputError && e.code === 'DIAL_E_INPUT' && e.local && e.phase === 'send';

describe('encodeLine', () => {
  test('appends CRLF to a command', () => {
    assert.equal(latin(encodeLine('EHLO client.example')), 'EHLO client.example\r\n');
  });

  test('an empty line is just CRLF', () => {
    assert.equal(latin(encodeLine('')), '\r\n');
  });

  test('bytes are sent as they are, plus CRLF', () => {
    assert.deepEqual([...encodeLine(new Uint8Array([0x41, 0xff, 0x42]))], [0x41, 0xff, 0x42, 13, 10]);
  });

  test('utf8 (the default) encodes non-ASCII as UTF-8', () => {
    assert.deepEqual([...encodeLine('é')], [0xc3, 0xa9, 13, 10]);
  });

  test('latin1 encodes one byte per character', () => {
    assert.deepEqual([...encodeLine('é', 'latin1')], [0xe9, 13, 10]);
  });

  for (const [name, line] of [
    ['a trailing CRLF', 'NOOP\r\n'],
    ['an LF in the middle', 'RCPT TO:<a>\nDATA'],
    ['a CR in the middle', 'USER a\rPASS b'],
    ['a NUL', 'USER a\0'],
    ['a leading LF', '\nQUIT'],
    ['only CR', '\r'],
  ] as const) {
    test(`a string with ${name} is refused with InputError`, () => {
      assert.throws(() => encodeLine(line, 'utf8', 'smtp'), (e: unknown) => isInput(e) && (e as InputError).protocol === 'smtp');
    });
  }

  for (const byte of [13, 10, 0]) {
    test(`bytes holding ${byte} are refused with InputError`, () => {
      assert.throws(() => encodeLine(new Uint8Array([0x41, byte, 0x42])), isInput);
    });
  }

  test('latin1: a character past U+00FF is refused, not truncated to a byte (U+010A would become LF)', () => {
    assert.throws(() => encodeLine('DELE 1\u010aQUIT', 'latin1'), isInput);
    assert.throws(() => encodeLine('\u20ac', 'latin1'), isInput);
  });

  test('utf8: no character encodes to a CR, LF or NUL byte unless it is one', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (s) => {
        if (/[\r\n\0]/.test(s)) {
          assert.throws(() => encodeLine(s), InputError);
        } else {
          const out = encodeLine(s);
          const body = out.subarray(0, -2);
          assert.ok(body.indexOf(13) < 0 && body.indexOf(10) < 0 && body.indexOf(0) < 0);
          assert.equal(latin(out.subarray(-2)), '\r\n');
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateLine', () => {
  test('passes a clean line, string or bytes', () => {
    validateLine('MAIL FROM:<a@b>');
    validateLine(bytes('RETR 1'));
  });
  test('refuses CR, LF and NUL anywhere', () => {
    for (const s of ['\r', '\n', '\0', 'a\r', '\na', 'a\0b']) {
      assert.throws(() => validateLine(s), isInput, JSON.stringify(s));
      assert.throws(() => validateLine(bytes(s)), isInput, JSON.stringify(s));
    }
  });
});

describe('encodeText', () => {
  test('passes a Buffer through without copying', () => {
    const b = bytes('abc');
    assert.equal(encodeText(b), b);
  });
  test('wraps a Uint8Array view without copying, from its own offset', () => {
    const backing = new Uint8Array([1, 2, 3, 4]);
    const out = encodeText(backing.subarray(1, 3));
    assert.deepEqual([...out], [2, 3]);
    backing[1] = 9;
    assert.equal(out[0], 9);
  });
  test('encodes a string per the encoding; latin1 refuses what it cannot hold', () => {
    assert.deepEqual([...encodeText('ü')], [0xc3, 0xbc]);
    assert.deepEqual([...encodeText('ü', 'latin1')], [0xfc]);
    assert.throws(() => encodeText('日本', 'latin1'), InputError);
  });
  test('does not refuse CR or LF: bodies may hold them, only command lines may not', () => {
    assert.equal(latin(encodeText('a\r\nb')), 'a\r\nb');
  });
});
