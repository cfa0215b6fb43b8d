import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, join } from 'node:path';
import { checkArg, checkPath, joinRemote, safeLocalPath, unsafeNameReason } from '../../../../src/protocols/ftp/core/path.js';
import { InputError, ProtocolError } from '../../../../src/errors.js';

describe('checkArg / checkPath', () => {
  test('CR, LF and NUL are refused', () => {
    for (const s of ['a\r\nDELE x', 'a\n', 'a\rb', 'a\0b']) assert.throws(() => checkArg(s, 'path'), InputError);
  });
  test('ordinary paths pass, empty paths do not', () => {
    assert.equal(checkPath('/pub/ä ö.txt'), '/pub/ä ö.txt');
    assert.throws(() => checkPath(''), InputError);
  });
});

describe('server-supplied names (basic-ftp CVE-2026-27699)', () => {
  const root = resolve('/tmp/target');
  const hostile = ['', '.', '..', '../etc', '/etc/passwd', 'a/b', 'a\\b', '..\\..\\x', 'C:evil', 'c:\\x', 'nul\0byte', 'bell\x07', 'del\x7f'];
  for (const n of hostile) {
    test(`refuses ${JSON.stringify(n)}`, () => {
      assert.ok(unsafeNameReason(n));
      assert.throws(() => safeLocalPath(root, n), ProtocolError);
    });
  }
  test('ordinary names resolve inside the target', () => {
    for (const n of ['file.txt', '..hidden', 'a..b', ' spaced ', '...', 'ünïcode']) assert.equal(safeLocalPath(root, n), join(root, n));
  });
});

test('joinRemote', () => {
  assert.equal(joinRemote('/pub', 'a'), '/pub/a');
  assert.equal(joinRemote('/pub/', 'a'), '/pub/a');
  assert.equal(joinRemote('', 'a'), 'a');
  assert.equal(joinRemote('.', 'a'), 'a');
});
