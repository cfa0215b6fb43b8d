/**
 * FTP replies through the line layer, split at random boundaries: the same
 * replies, and the same parsed facts, whatever the segmentation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { memoryPair } from '../../../../src/socket/memory.js';
import { LineClient } from '../../../../src/line/client.js';
import { parseFeatures, parsePwd } from '../../../../src/protocols/ftp/core/features.js';
import { parseEpsv, parsePasv } from '../../../../src/protocols/ftp/core/pasv.js';

const SCRIPT =
  '220-Welcome\r\n220-  to the\r\n220 server\r\n' +
  '211-Features:\r\n EPSV\r\n MDTM\r\n MLST type*;size*;\r\n 211 not the end\r\n UTF8\r\n211 End\r\n' +
  '227 Entering Passive Mode (127,0,0,1,156,64).\r\n' +
  '229 Entering Extended Passive Mode (|||40001|)\r\n' +
  '257 "/a ""b""" is current\r\n';

async function readAll(chunking: number[]) {
  const [a, b] = memoryPair({ chunking: chunking.length ? chunking : [1] });
  const line = new LineClient(b, { protocol: 'ftp', timeout: 2000 });
  void a.send(Buffer.from(SCRIPT));
  const greeting = await line.readReply();
  const feat = await line.readReply();
  const pasv = await line.readReply();
  const epsv = await line.readReply();
  const pwd = await line.readReply();
  await a.close();
  return {
    greeting: [greeting.code, greeting.lines],
    features: [...parseFeatures(feat.lines)],
    pasv: parsePasv(pasv.text),
    epsv: parseEpsv(epsv.text),
    pwd: parsePwd(pwd.text),
  };
}

test('FTP replies and their parsed contents do not depend on how the bytes are split', async () => {
  const whole = await readAll([SCRIPT.length]);
  assert.deepEqual(whole.greeting, [220, ['Welcome', '  to the', 'server']]);
  assert.deepEqual(whole.features.map(([k]) => k), ['EPSV', 'MDTM', 'MLST', '211', 'UTF8']);
  assert.deepEqual(whole.pasv, { host: '127.0.0.1', port: 40000 });
  assert.equal(whole.pwd, '/a "b"');
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 12 }), async (cuts) => {
      assert.deepEqual(await readAll(cuts), whole);
    }),
    { numRuns: 60 },
  );
});
