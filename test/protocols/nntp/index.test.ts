import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as nntp from '../../../src/protocols/nntp/index.js';

test('the nntp entry point exports the client and the sans-IO core', () => {
  for (const name of ['NntpClient', 'NntpArticle', 'parseStatus', 'COMMANDS', 'parseGroup', 'parseOverLine', 'parseActiveLine', 'messageId']) {
    assert.ok(name in nntp, name);
  }
});
