import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NetworkError, TimeoutError, type DialError } from '../../../src/errors.js';
import { ConnectionTimer, type TimerHost } from '../../../src/protocols/http/connection-timer.js';
import type { ConnectionOptions, Entry, Exchange } from '../../../src/protocols/http/exchange.js';

const entry = (x: Partial<Exchange> = {}, over: Partial<Entry> = {}): Entry => ({ stage: 'waiting', behind: false, discarding: false, x, ...over }) as Entry;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A connection stand-in: records what the timer reported. */
function host(started = false) {
  const failed: DialError[] = [];
  const refused: DialError[] = [];
  const h: TimerHost = { responseStarted: () => started, fail: (e) => failed.push(e), refusePipeline: (e) => refused.push(e) };
  return { h, failed, refused };
}

/** Waits (bounded) until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await wait(10);
}

test('a head, body or drain wait that runs out fails the connection with a TimeoutError naming the wait', async () => {
  const cases: Array<[Partial<Entry>, 'headers' | 'body', RegExp]> = [
    [{}, 'headers', /^waiting for the response head from srv: nothing for 15 ms$/],
    [{ stage: 'body' }, 'body', /^waiting for more of the body from srv/],
    [{ stage: 'body', discarding: true }, 'body', /^draining an abandoned body from srv/],
  ];
  for (const [over, phase, message] of cases) {
    const { h, failed } = host();
    const t = new ConnectionTimer(h, 'srv', {});
    t.arm(entry({}, over), 15, phase);
    await until(() => failed.length > 0);
    t.stop();
    assert.equal(failed.length, 1);
    assert.ok(failed[0] instanceof TimeoutError);
    assert.equal(failed[0].phase, phase);
    assert.match(failed[0].message, message);
  }
});

test('armHead: a pipelined request gets the stall bound when shorter; unanswered, the pipeline is refused', async () => {
  const { h, failed, refused } = host();
  const opts: ConnectionOptions = { pipelineStall: 15 };
  const t = new ConnectionTimer(h, 'srv', opts);
  t.armHead(entry({ headersTimeout: 60_000 }, { behind: true }));
  await until(() => refused.length > 0);
  t.stop();
  assert.equal(refused.length, 1);
  assert.ok(refused[0] instanceof NetworkError);
  assert.equal(refused[0].code, 'DIAL_E_RESET');
  assert.match(refused[0].message, /srv did not answer a pipelined request in 15 ms/);
  assert.deepEqual(failed, []);
});

test('armHead: once the response has begun the stall gives way to the head bound', async () => {
  const { h, failed, refused } = host(true);
  const t = new ConnectionTimer(h, 'srv', { pipelineStall: 10 });
  const e = entry({ headersTimeout: 40 }, { behind: true });
  t.armHead(e);
  await until(() => failed.length > 0);
  t.stop();
  assert.equal(e.behind, false);
  assert.deepEqual(refused, []);
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.phase, 'headers');
  assert.match(failed[0]!.message, /nothing for 40 ms/);
});

test('armHead: not pipelined, or the stall longer than the head bound: the head bound', async () => {
  const { h, failed, refused } = host();
  const t = new ConnectionTimer(h, 'srv', { pipelineStall: 10 });
  t.armHead(entry({ headersTimeout: 20 }));
  await until(() => failed.length > 0);
  assert.match(failed[0]!.message, /nothing for 20 ms/);
  const t2 = new ConnectionTimer(h, 'srv', { pipelineStall: 50 });
  t2.armHead(entry({ headersTimeout: 20 }, { behind: true }));
  await until(() => failed.length > 1);
  t.stop();
  t2.stop();
  assert.match(failed[1]!.message, /nothing for 20 ms/);
  assert.deepEqual(refused, []);
});

test('once stopped, arming does nothing', async () => {
  const { h, failed, refused } = host();
  const t = new ConnectionTimer(h, 'srv', { pipelineStall: 10 });
  t.stop();
  t.arm(entry(), 10, 'headers');
  t.armHead(entry({}, { behind: true }));
  await wait(50);
  assert.deepEqual(failed, []);
  assert.deepEqual(refused, []);
});

test('sending: a write the server does not take within headersTimeout fails in phase send; a taken write, or a request past sending, is not bounded here', async () => {
  const { h, failed } = host();
  const t = new ConnectionTimer(h, 'srv', {});
  const stuck = entry({ headersTimeout: 15 }, { stage: 'sending' });
  t.sending(stuck, true);
  await until(() => failed.length > 0);
  t.stop();
  assert.equal(failed.length, 1);
  assert.ok(failed[0] instanceof TimeoutError);
  assert.equal(failed[0].phase, 'send');
  assert.match(failed[0].message, /^sending the request to srv: the server took nothing for 15 ms$/);

  const quiet = host();
  const t2 = new ConnectionTimer(quiet.h, 'srv', {});
  const taken = entry({ headersTimeout: 15 }, { stage: 'sending' });
  t2.sending(taken, true);
  t2.sending(taken, false);
  // Answered early: its body bound is the connection's, and a late write report must not replace it.
  t2.sending(entry({ headersTimeout: 15 }, { stage: 'body' }), true);
  await wait(60);
  t2.stop();
  assert.deepEqual(quiet.failed, []);
});
