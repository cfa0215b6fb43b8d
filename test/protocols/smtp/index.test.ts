import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as smtp from '../../../src/protocols/smtp/index.js';

test('the smtp entry point exports the client, the transaction and the core', () => {
  for (const name of ['SmtpClient', 'SmtpReplyError', 'sendMessage', 'prepare', 'parseEhlo', 'classifyReply', 'parseEnhancedStatus', 'checkAddress', 'mailFromLine', 'rcptToLine', 'plainResponse', 'cramMd5Response', 'wireSize']) {
    assert.equal(typeof (smtp as Record<string, unknown>)[name], 'function', name);
  }
  assert.equal(smtp.MAX_PATH, 256);
});
