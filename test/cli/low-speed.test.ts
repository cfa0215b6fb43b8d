/**
 * --speed-limit / --speed-time beside curl: a transfer slower than the
 * limit for that long is exit 28 with curl's message; one fast enough, or a
 * slow one within the time, is left alone.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { once } from 'node:events';
import { parseCliArgs } from '../../src/cli/args.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { watchLowSpeed } from '../../src/cli/low-speed.js';
import { CURL, curl, dial } from './helpers.js';

let srv: http.Server;
let port = 0;

before(async () => {
  // /slow trickles 10 bytes every 100 ms (about 100 bytes/s) for 3 s; /fast answers at once; /silent says nothing.
  srv = http.createServer((req, res) => {
    if (req.url === '/fast') return void res.end('x'.repeat(1000));
    if (req.url === '/silent') return;
    res.writeHead(200, { 'content-length': '300' });
    let n = 0;
    const t = setInterval(() => {
      res.write('x'.repeat(10));
      if (++n === 30) {
        clearInterval(t);
        res.end();
      }
    }, 100);
    res.on('close', () => clearInterval(t));
  });
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  port = (srv.address() as net.AddressInfo).port;
});
after(async () => {
  srv.closeAllConnections();
  await new Promise((r) => srv.close(r));
});

const usage = (message: RegExp) => (e: unknown) => e instanceof CliExit && e.exitCode === 2 && message.test(e.message);

test('--speed-limit and --speed-time are read with curl\'s defaults and refusals', () => {
  assert.deepEqual(parseCliArgs(['-Y', '500', 'u']).lowSpeed, { limit: 500, time: 30 });
  assert.deepEqual(parseCliArgs(['-y', '5', 'u']).lowSpeed, { limit: 1, time: 5 });
  assert.deepEqual(parseCliArgs(['--speed-limit', '9', '--speed-time', '0', 'u']).lowSpeed, { limit: 9, time: 30 });
  assert.equal(parseCliArgs(['--speed-time', '0', 'u']).lowSpeed, undefined);
  assert.equal(parseCliArgs(['u']).lowSpeed, undefined);
  assert.throws(() => parseCliArgs(['--speed-limit', '-5', 'u']), usage(/expected a positive numerical parameter/));
  assert.throws(() => parseCliArgs(['--speed-time', '1.5', 'u']), usage(/expected a proper numerical parameter/));
  assert.throws(() => parseCliArgs(['--speed-limit', '1k', 'u']), usage(/expected a proper numerical parameter/));
  assert.throws(() => parseCliArgs(['--speed-limit', '99999999999999999999', 'u']), usage(/too large number/));
});

test('a transfer below the limit for the time is exit 28 with curl\'s message, nothing past what arrived', async () => {
  for (const path of ['/slow', '/silent']) {
    const args = ['-sS', '--speed-limit', '1000', '--speed-time', '1', `http://127.0.0.1:${port}${path}`];
    const d = await dial(args);
    assert.equal(d.code, 28, d.stderr);
    assert.match(d.stderr, /Operation too slow\. Less than 1000 bytes\/sec transferred the last 1 seconds/);
    assert.ok(d.stdout.length < 300, String(d.stdout.length));
    if (CURL) {
      const c = await curl(args);
      assert.equal(c.code, 28, c.stderr);
      assert.equal(c.stderr.replace(/^curl: /, ''), d.stderr.replace(/^dial: /, ''));
    }
  }
});

test('a transfer at or above the limit is left alone', async () => {
  for (const [path, limit] of [['/slow', '10'], ['/fast', '1000']] as const) {
    const args = ['-sS', '-Y', limit, '-y', '1', `http://127.0.0.1:${port}${path}`];
    const d = await dial(args);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout.length, path === '/slow' ? 300 : 1000);
    if (CURL) assert.equal((await curl(args)).code, 0);
  }
});

test('watchLowSpeed: the clock starts slow, a fast second resets it, and it stops when told', async () => {
  let bytes = 0;
  const seen: { fired?: CliExit } = {};
  const stop = watchLowSpeed({ limit: 100, time: 1 }, () => bytes, (e) => (seen.fired = e));
  // A steady 1000 bytes a tick keeps it quiet.
  const feed = setInterval(() => (bytes += 1000), 50);
  await new Promise((r) => setTimeout(r, 1300));
  assert.ok(seen.fired === undefined, 'quiet while fast');
  clearInterval(feed);
  stop();
  const stop2 = watchLowSpeed({ limit: 100, time: 1 }, () => 0, (e) => (seen.fired = e));
  for (let i = 0; i < 40 && !seen.fired; i++) await new Promise((r) => setTimeout(r, 100));
  stop2();
  const last = seen.fired as CliExit | undefined;
  assert.ok(last instanceof CliExit && last.exitCode === 28, String(last));
});
