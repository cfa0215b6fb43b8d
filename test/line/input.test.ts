import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, InputError, NetworkError, TimeoutError } from '../../src/errors.js';
import { Deadline, StreamInput } from '../../src/line/input.js';
import { LineSplitter } from '../../src/line/reader.js';
import { memoryPair } from '../../src/socket/memory.js';
import { ScriptedStream, latin, sleep } from './helpers.js';

const never = () => new Promise<never>(() => {});

describe('Deadline', () => {
  test('the call’s timeout overrides the default; 0 means no bound', () => {
    assert.equal(new Deadline('x', { timeout: 5 }, 100).timeout, 5);
    assert.equal(new Deadline('x', undefined, 100).timeout, 100);
    assert.equal(new Deadline('x', { timeout: 0 }, 100).timeout, 0);
  });

  test('a negative or NaN timeout is an InputError, not "no bound"', () => {
    assert.throws(() => new Deadline('readLine', { timeout: -1 }, 100), (e: unknown) => e instanceof InputError && /readLine/.test(e.message));
    assert.throws(() => new Deadline('x', { timeout: Number.NaN }, 100), InputError);
    assert.throws(() => new Deadline('x', undefined, -5), InputError);
  });

  test('wait resolves with the value, and passes a rejection through', async () => {
    const d = new Deadline('op', { timeout: 1000 }, 0);
    assert.equal(await d.wait(Promise.resolve(7)), 7);
    const boom = new Error('boom');
    await assert.rejects(d.wait(Promise.reject(boom)), (e: unknown) => e === boom);
  });

  test('with no bound, wait just awaits', async () => {
    const d = new Deadline('op', undefined, 0);
    assert.equal(await d.wait(sleep(10).then(() => 'late')), 'late');
  });

  test('expiry is a TimeoutError that names the whole bound and the operation', async () => {
    const d = new Deadline('readReply', { timeout: 40 }, 0);
    const t0 = Date.now();
    await assert.rejects(d.wait(never(), 'smtp'), (e: unknown) => {
      assert.ok(e instanceof TimeoutError);
      assert.equal(e.timeout, 40);
      assert.equal(e.protocol, 'smtp');
      assert.match(e.message, /readReply timed out after 40 ms/);
      return true;
    });
    assert.ok(Date.now() - t0 < 1000);
  });

  test('the bound covers every wait of one operation together, not each one afresh', async () => {
    const d = new Deadline('op', { timeout: 120 }, 0);
    await d.wait(sleep(70));
    const t0 = Date.now();
    await assert.rejects(d.wait(never()), (e: unknown) => e instanceof TimeoutError && e.timeout === 120);
    assert.ok(Date.now() - t0 < 100, 'the second wait had only what was left');
  });

  test('a wait after the bound has passed fails at once', async () => {
    const d = new Deadline('op', { timeout: 10 }, 0);
    await sleep(25);
    await assert.rejects(d.wait(Promise.resolve(1)), TimeoutError);
  });

  test('a TimeoutError from the awaited stream itself passes through unchanged', async () => {
    const own = new TimeoutError('recv timed out after 5 ms', { timeout: 5 });
    const d = new Deadline('op', { timeout: 1000 }, 0);
    await assert.rejects(d.wait(Promise.reject(own)), (e: unknown) => e === own);
  });

  test('an already-aborted signal fails at once with AbortError', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    const d = new Deadline('op', { signal: ac.signal }, 0);
    await assert.rejects(d.wait(Promise.resolve(1)), (e: unknown) => e instanceof AbortError && e.code === 'DIAL_E_ABORT');
  });

  test('an abort during the wait is an AbortError carrying the reason', async () => {
    const ac = new AbortController();
    const d = new Deadline('op', { signal: ac.signal, timeout: 5000 }, 0);
    const reason = new Error('user gave up');
    setTimeout(() => ac.abort(reason), 10);
    await assert.rejects(d.wait(never()), (e: unknown) => e instanceof AbortError && e.cause === reason);
  });
});

describe('StreamInput', () => {
  test('fill moves one recv’s bytes into the splitter, asking for at most `size`', async () => {
    const s = new ScriptedStream();
    const sp = new LineSplitter();
    const input = new StreamInput(s, sp, undefined);
    s.feed('hello\r\nworld');
    await input.fill(new Deadline('t', undefined, 1000), 7);
    assert.deepEqual(s.recvSizes, [7]);
    assert.equal(latin(sp.next()!), 'hello');
    assert.equal(input.eof, false);
  });

  test('an empty recv marks end of stream, and later fills return without a recv', async () => {
    const s = new ScriptedStream();
    const input = new StreamInput(s, new LineSplitter(), undefined);
    s.end();
    await input.fill(new Deadline('t', undefined, 1000), 100);
    assert.equal(input.eof, true);
    await input.fill(new Deadline('t', undefined, 1000), 100);
    assert.equal(s.recvSizes.length, 1);
  });

  test('a stream error becomes a DialError and every later fill throws it again', async () => {
    const [a, b] = memoryPair();
    const input = new StreamInput(a, new LineSplitter(), 'pop3');
    b.reset();
    const d = new Deadline('t', undefined, 1000);
    let first: unknown;
    await assert.rejects(input.fill(d, 10), (e: unknown) => {
      first = e;
      return e instanceof NetworkError && e.code === 'DIAL_E_RESET';
    });
    await assert.rejects(input.fill(d, 10), (e: unknown) => e === first);
  });

  test('a recv outliving a timed-out fill is not abandoned: its bytes land, and the next fill reuses it', async () => {
    const s = new ScriptedStream();
    const sp = new LineSplitter();
    const input = new StreamInput(s, sp, undefined);
    await assert.rejects(input.fill(new Deadline('t', { timeout: 20 }, 0), 50), TimeoutError);
    assert.equal(input.receiving, true);
    await assert.rejects(input.fill(new Deadline('t', { timeout: 20 }, 0), 50), TimeoutError);
    assert.equal(s.recvSizes.length, 1, 'never two recvs at once');
    s.feed('late\n');
    await sleep(5);
    assert.equal(input.receiving, false);
    assert.equal(latin(sp.next()!), 'late', 'the bytes arrived while nobody waited, and were kept');
  });

  test('an abort withdraws the wait but not the recv', async () => {
    const s = new ScriptedStream();
    const sp = new LineSplitter();
    const input = new StreamInput(s, sp, undefined);
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 10);
    await assert.rejects(input.fill(new Deadline('t', { signal: ac.signal }, 0), 50), AbortError);
    s.feed('x\n');
    await input.fill(new Deadline('t', undefined, 1000), 50);
    assert.equal(latin(sp.next()!), 'x');
  });
});
