import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as pop3 from '../../../src/protocols/pop3/index.js';

test('the pop3 entry point exports the client and the sans-IO core', () => {
  for (const name of ['Pop3Client', 'Pop3Message', 'parseStatus', 'parseStat', 'parseListLine', 'parseUidlLine', 'parseCapa', 'apopDigest', 'saslPlain', 'TRANSITIONS', 'checkAllowed']) {
    assert.ok(name in pop3, name);
  }
});
