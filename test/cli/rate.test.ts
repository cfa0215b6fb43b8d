// dial --rate beside curl 7.88: the N/U forms and curl's refusals, and
// serial transfers started no sooner than the interval apart (a lower
// bound only: a loaded machine makes gaps longer, never shorter).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRate } from '../../src/cli/rate.js';
import { CliExit } from '../../src/cli/exit-codes.js';
import { keepAlive, serve, type TestServer } from '../protocols/http/server.js';
import { curl, dial } from './helpers.js';

let srv: TestServer;
let arrivals: number[] = [];
before(async () => {
  srv = await serve(
    keepAlive((_req, _b, c) => {
      arrivals.push(Date.now());
      return c.respond(200, 'x');
    }),
  );
});
after(() => srv.close());

test('N/U: per second, minute, hour or day; a bare N is per hour', () => {
  assert.equal(parseRate('4/s'), 250);
  assert.equal(parseRate('2/m'), 30_000);
  assert.equal(parseRate('1/d'), 86_400_000);
  assert.equal(parseRate('3600'), 1000);
});

test('values curl refuses are exit 2 with curl\'s words', async () => {
  for (const bad of ['abc', '0', '2/x', '5/2s', '-1']) {
    assert.throws(() => parseRate(bad), (e: unknown) => e instanceof CliExit && e.exitCode === 2, bad);
    const d = await dial(['--rate', bad, `http://127.0.0.1:${srv.port}/`]);
    const c = await curl(['--rate', bad, `http://127.0.0.1:${srv.port}/`]);
    assert.equal(d.code, 2, bad);
    assert.equal(c.code, 2, bad);
    // curl also warns "unsupported --rate unit" first for an unknown unit: the refusal line is compared.
    const refusal = (text: string) => text.split('\n').find((l) => / option --rate: /.test(l))?.replace(/^dial:/, 'curl:');
    assert.equal(refusal(d.stderr), refusal(c.stderr), bad);
    assert.ok(refusal(c.stderr), c.stderr);
  }
});

test('serial URLs start at least the interval apart, as in curl', async () => {
  for (const tool of [dial, curl]) {
    arrivals = [];
    const r = await tool(['-s', '--rate', '2/s', `http://127.0.0.1:${srv.port}/[1-3]`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.out, 'xxx');
    assert.equal(arrivals.length, 3);
    // Starts are 500 ms apart; a request reaches the server some time after its start (the first also connects), and on a
    // loaded machine that delay varies: the bounds leave 100 ms for it.
    assert.ok(arrivals[2]! - arrivals[1]! >= 400, `gap ${arrivals[2]! - arrivals[1]!} ms`);
    assert.ok(arrivals[2]! - arrivals[0]! >= 900, `span ${arrivals[2]! - arrivals[0]!} ms`);
  }
});
