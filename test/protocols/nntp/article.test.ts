import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NntpArticle } from '../../../src/protocols/nntp/article.js';
import { LimitError } from '../../../src/errors.js';

test('NntpArticle: number and message-id from the 22x response; a streamed body named nntp in errors', async () => {
  const a = new NntpArticle(
    { number: 7, messageId: '<x@y>' },
    {
      chunks: (async function* () {
        yield Buffer.from('Subject: s\r\n\r\nbody\r\n');
      })(),
      settled: () => {},
      abort: async () => {},
    },
  );
  assert.equal(a.number, 7);
  assert.equal(a.messageId, '<x@y>');
  assert.equal(a.protocol, 'nntp');
  await assert.rejects(a.bytes(5), (e: unknown) => e instanceof LimitError && e.protocol === 'nntp');
});
