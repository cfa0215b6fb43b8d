/**
 * Timers: the control connection's bound covers each reply wait, never a
 * transfer's length; the data connection has its own idle bound.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { FtpClient } from '../../../src/protocols/ftp/index.js';
import { TimeoutError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const servers: FakeFtpServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** RETR sends `pieces` chunks, `gap` ms apart, then 226. */
function slowServer(pieces: number, gap: number): Promise<FakeFtpServer> {
  return FakeFtpServer.start({
    hooks: {
      RETR: async (_a, x) => {
        x.reply(150, `Opening (${pieces * 1000} bytes).`);
        const d = await x.data();
        const closed = once(d, 'close').catch(() => {});
        for (let i = 0; i < pieces && !d.destroyed; i++) {
          d.write(Buffer.alloc(1000, i));
          await Promise.race([sleep(gap), closed]);
        }
        const aborted = d.destroyed;
        d.end();
        await closed;
        x.reply(aborted ? 426 : 226, aborted ? 'Connection closed; transfer aborted.' : 'Transfer complete.');
        return true;
      },
    },
  }).then((s) => (servers.push(s), s));
}

test('a transfer longer than the control timeout completes (the control timer does not run during it)', async () => {
  const s = await slowServer(12, 60); // ~720 ms of transfer
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 300, dataTimeout: 300 });
  let n = 0;
  for await (const chunk of await c.retrieve('/f')) n += chunk.length;
  assert.equal(n, 12_000);
  assert.equal((await c.noop()).code, 200);
  await c.quit();
});

test('a data connection idle past dataTimeout → TimeoutError, and the session recovers', async () => {
  const s = await slowServer(3, 700);
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 3000, dataTimeout: 200 });
  await assert.rejects(
    (async () => {
      for await (const _ of await c.retrieve('/f'));
    })(),
    TimeoutError,
  );
  // This fake server reads ABOR only once its RETR handler ends; real servers answer at once.
  assert.equal((await c.noop()).code, 200);
  await c.close();
});

/** RETR sends `pieces` slow chunks, then holds the final reply for `stall` ms (Infinity: never sends it). */
function stallingServer(pieces: number, gap: number, stall: number): Promise<FakeFtpServer> {
  return FakeFtpServer.start({
    hooks: {
      RETR: async (_a, x) => {
        x.reply(150, `Opening (${pieces * 1000} bytes).`);
        const d = await x.data();
        for (let i = 0; i < pieces && !d.destroyed; i++) {
          d.write(Buffer.alloc(1000, i));
          await sleep(gap);
        }
        d.end();
        await once(d, 'close').catch(() => {});
        if (stall !== Infinity) setTimeout(() => x.reply(226, 'Transfer complete.'), stall);
        return true;
      },
    },
  }).then((s) => (servers.push(s), s));
}

test('slow data, then a 226 held back for less than the control timeout: no NOOP is sent, the transfer completes', async () => {
  const s = await stallingServer(10, 80, 250); // ~800 ms of data, 250 ms of silence on both channels
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 600, dataTimeout: 600 });
  const sent = s.commands.length;
  let n = 0;
  const dl = await c.retrieve('/f');
  for await (const chunk of dl) n += chunk.length;
  assert.equal(n, 10_000);
  assert.equal(dl.finalReply?.code, 226);
  assert.deepEqual(s.commands.slice(sent), ['TYPE I', 'EPSV', 'RETR /f']);
  await c.quit();
});

test('a 226 that never comes: TimeoutError one control timeout after the data ended, not during the transfer', async () => {
  const s = await stallingServer(8, 80, Infinity); // ~640 ms of data: longer than the 400 ms control bound
  const c = await FtpClient.connect({ host: '127.0.0.1', port: s.port, timeout: 400, dataTimeout: 3000 });
  let n = 0;
  let lastChunk = 0;
  const started = Date.now();
  await assert.rejects(
    (async () => {
      for await (const chunk of await c.retrieve('/f')) {
        n += chunk.length;
        lastChunk = Date.now();
      }
    })(),
    TimeoutError,
  );
  const failed = Date.now();
  assert.equal(n, 8000);
  assert.ok(lastChunk - started > 400, `the data lasted only ${lastChunk - started} ms`);
  assert.ok(failed - lastChunk >= 350, `the timeout fired ${failed - lastChunk} ms after the last byte`);
  await c.close();
});
