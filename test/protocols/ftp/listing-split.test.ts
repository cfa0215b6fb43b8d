/**
 * A listing whose data arrives in arbitrary pieces — a UTF-8 name or a CRLF
 * cut in two — parses to the same entries.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import fc from 'fast-check';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { parseListing } from '../../../src/protocols/ftp/core/listing.js';
import { FakeFtpServer } from './fake-server.js';

const LISTING = Buffer.from(
  [
    'drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2020 dïr',
    '-rw-r--r--    1 ftp      ftp      6442450944 Jan 02  2020 größe.iso',
    'lrwxrwxrwx    1 ftp      ftp             5 Jan 02  2020 l -> größe.iso',
    'no dialect here ✓',
    '',
  ].join('\r\n'),
);

let cuts: number[] = [];
let srv: FakeFtpServer;
before(async () => {
  srv = await FakeFtpServer.start({
    dirs: ['/d'],
    features: ['SIZE'],
    hooks: {
      LIST: async (_a, x) => {
        x.reply(150, 'Here comes the listing.');
        const d = await x.data();
        d.setNoDelay(true);
        let at = 0;
        for (const c of cuts) {
          if (at >= LISTING.length) break;
          d.write(LISTING.subarray(at, at + c));
          at += c;
          await new Promise((r) => setImmediate(r));
        }
        d.end(LISTING.subarray(at));
        await once(d, 'close');
        x.reply(226, 'Directory send OK.');
        return true;
      },
    },
  });
});
after(() => srv.close());

test('LIST data split at random boundaries parses to the same entries', async () => {
  const want = parseListing(LISTING.toString('utf8'));
  assert.equal(want.length, 4);
  const c = await FtpClient.connect({ host: '127.0.0.1', port: srv.port, timeout: 5000 });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 20 }), async (pieces) => {
        cuts = pieces;
        assert.deepEqual(await c.list('/d'), want);
      }),
      { numRuns: 25 },
    );
  } finally {
    await c.quit();
  }
});
