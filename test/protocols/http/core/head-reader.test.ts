import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LimitError, ProtocolError } from '../../../../src/errors.js';
import { HeadReader } from '../../../../src/protocols/http/core/head-reader.js';
import { DEFAULT_LIMITS, type HttpLimits } from '../../../../src/protocols/http/core/limits.js';

function reader(limits: Partial<HttpLimits> = {}): HeadReader {
  const r = new HeadReader({ ...DEFAULT_LIMITS, ...limits });
  r.start();
  return r;
}

/** Feeds `wire` cut at `cuts`; returns where the head ended (in `wire`) and what it read. */
function read(wire: string, cuts: number[] = [], limits: Partial<HttpLimits> = {}) {
  const r = reader(limits);
  const buf = Buffer.from(wire, 'latin1');
  let at = 0;
  for (const c of [...cuts, buf.length]) {
    const piece = buf.subarray(at, c);
    const next = r.read(piece, 0);
    if (next !== -1) return { end: at + next, status: r.status, reason: r.reason, version: r.version, fields: [...r.take().raw] };
    at = c;
  }
  return { end: -1, started: r.started };
}

const HEAD = 'HTTP/1.1 200 OK\r\nA: 1\r\nB:  two \r\n\r\nbody';

test('a whole head is read in one call, and cut anywhere it reads the same', () => {
  const whole = read(HEAD);
  assert.deepEqual(whole, { end: HEAD.length - 4, status: 200, reason: 'OK', version: '1.1', fields: ['A', '1', 'B', 'two'] });
  for (let i = 1; i < HEAD.length - 4; i++) assert.deepEqual(read(HEAD, [i]), whole, `cut at ${i}`);
});

test('bare LF heads, leading blank lines, HTTP/1.0 and an empty reason', () => {
  assert.deepEqual(read('\r\n\nHTTP/1.0 204\nX: y\n\nrest'), { end: 22, status: 204, reason: '', version: '1.0', fields: ['X', 'y'] });
  assert.throws(() => read('\r\n\r\n\r\n\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'), ProtocolError);
});

test('started: false until a byte of the head arrives; start() forgets a partial head', () => {
  const r = reader();
  assert.equal(r.started, false);
  assert.equal(r.read(Buffer.from('HTT'), 0), -1);
  assert.equal(r.started, true);
  r.start();
  assert.equal(r.started, false);
  assert.equal(r.read(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'), 0), 25);
  assert.equal(r.status, 100);
  assert.deepEqual(r.take().raw, []);
  r.start();
  assert.equal(r.read(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n'), 25), 44);
  assert.equal(r.status, 200);
});

test('bad status lines are ProtocolErrors', () => {
  for (const line of ['HTTP/2 200 OK', 'HTTP/1.1 20 OK', 'HTTP/1.1 099 X', 'HTTP/1.1 200OK', 'ICY 200 OK', 'HTTP/1.x 200 OK', 'HTTP/1.1 200 O\x01K'])
    assert.throws(() => read(`${line}\r\n\r\n`), ProtocolError, line);
});

test('the status line and field bytes are bounded, whole or in pieces', () => {
  const long = `HTTP/1.1 200 ${'x'.repeat(40)}\r\n\r\n`;
  assert.throws(() => read(long, [], { maxStatusLine: 32 }), (e: unknown) => e instanceof LimitError && e.limit === 32);
  assert.throws(() => read(long, [10], { maxStatusLine: 32 }), (e: unknown) => e instanceof LimitError && e.limit === 32);
  const fat = `HTTP/1.1 200 OK\r\nA: ${'v'.repeat(60)}\r\n\r\n`;
  assert.throws(() => read(fat, [], { maxHeaderBytes: 50 }), (e: unknown) => e instanceof LimitError && e.limit === 50);
  assert.throws(() => read(fat, [20], { maxHeaderBytes: 50 }), (e: unknown) => e instanceof LimitError && e.limit === 50);
  assert.equal(read(fat, [], { maxHeaderBytes: 66 }).end, fat.length);
});

test('raw: the head exactly as received (line ends, folds, spaces), without the blank lines before it, however it was cut', () => {
  const head = 'HTTP/1.1 200 \nX:y\t \r\nFold: a\r\n  b \r\nEmpty:\n\r\n';
  const wire = `\r\n${head}body\r\n\r\n`;
  for (let cut = 0; cut <= wire.length; cut++) {
    const r = reader();
    const buf = Buffer.from(wire, 'latin1');
    let next = r.read(buf.subarray(0, cut), 0);
    if (next === -1) next = cut + r.read(buf.subarray(cut), 0);
    assert.equal(next, 2 + head.length, `cut at ${cut}`);
    assert.equal(r.raw, head, `cut at ${cut}`);
    assert.deepEqual([...r.take().raw], ['X', 'y', 'Fold', 'a b', 'Empty', '']);
  }
  const r = reader();
  assert.equal(r.read(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\n\n'), 0), 25);
  assert.equal(r.raw, 'HTTP/1.1 100 Continue\r\n\r\n');
  r.start();
  assert.equal(r.raw, '', 'start() forgets the last head');
  assert.equal(r.read(Buffer.from('HTTP/1.0 200 OK\n\n'), 0), 17);
  assert.equal(r.raw, 'HTTP/1.0 200 OK\n\n');
});
