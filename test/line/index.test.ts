import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as line from '../../src/line/index.js';
import { LineClient } from '../../src/line/client.js';
import { memoryPair } from '../../src/socket/memory.js';

test('the public entry exports every documented part of the line layer', () => {
  const names = [
    'LineClient',
    'LineSplitter',
    'splitLines',
    'ReplyAssembler',
    'checkReply',
    'matchesExpect',
    'parseCodeLine',
    'parseReply',
    'DotStuffer',
    'DotUnstuffer',
    'stuffDotBlock',
    'unstuffLine',
    'encodeLine',
    'encodeText',
    'validateLine',
    'LineConn',
    'readDotBlockLines',
    'readDotBlockChunks',
    'writeDotBlockTo',
    'Deadline',
    'StreamInput',
  ];
  for (const n of names) assert.equal(typeof (line as Record<string, unknown>)[n], 'function', n);
  assert.equal(line.LineClient, LineClient);
});

test('a conversation through the public entry alone', async () => {
  const [a, b] = memoryPair();
  const c = new line.LineClient(a, { timeout: 1000 });
  await b.send('220 hi\r\n');
  assert.equal((await c.readReply({ expect: 220 })).text, 'hi');
  await c.writeLine('QUIT');
  assert.equal((await b.recv()).toString(), 'QUIT\r\n');
  await c.close();
});
