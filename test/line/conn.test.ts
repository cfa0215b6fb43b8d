import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AbortError, InputError, LimitError, NetworkError, ProtocolError, ReplyError, TimeoutError } from '../../src/errors.js';
import { LineConn } from '../../src/line/conn.js';
import { ScriptedStream, latin } from './helpers.js';

describe('LineConn options', () => {
  test('defaults: utf8, 60 s, 16 MiB, no unterminated lines', () => {
    const c = new LineConn(new ScriptedStream());
    assert.equal(c.encoding, 'utf8');
    assert.equal(c.timeout, 60000);
    assert.equal(c.maxBytes, 16 * 1024 * 1024);
    assert.equal(c.allowUnterminated, false);
    assert.equal(c.splitter.maxLine, 8192);
    assert.equal(c.replies.maxLines, 1000);
  });

  test('bad options are InputErrors', () => {
    const s = new ScriptedStream();
    assert.throws(() => new LineConn(s, { encoding: 'ascii' as 'utf8' }), InputError);
    assert.throws(() => new LineConn(s, { timeout: -1 }), InputError);
    assert.throws(() => new LineConn(s, { timeout: Number.NaN }), InputError);
    assert.throws(() => new LineConn(s, { maxBytes: 0 }), InputError);
    assert.throws(() => new LineConn(s, { maxLine: 0 }), InputError);
    assert.throws(() => new LineConn(s, { maxReplyLines: -1 }), InputError);
  });
});

describe('LineConn.settle: which errors end the conversation', () => {
  const soft: Array<[string, () => Error]> = [
    ['ReplyError', () => new ReplyError('no', { reply: { code: 550, text: 'no' } })],
    ['InputError', () => new InputError('bad')],
    ['TimeoutError', () => new TimeoutError('slow', { timeout: 1 })],
    ['AbortError', () => new AbortError()],
  ];
  for (const [name, make] of soft) {
    test(`${name} in a read is not fatal: the stream stays open`, () => {
      const s = new ScriptedStream();
      const c = new LineConn(s);
      const e = make();
      assert.equal(c.settle(e, false), e);
      assert.equal(c.fatal, undefined);
      assert.equal(s.closed, false);
      c.usable();
    });
  }

  test('a ReplyError is never fatal, even where an interruption would be', () => {
    const c = new LineConn(new ScriptedStream());
    c.settle(new ReplyError('no', { reply: { code: 550, text: 'no' } }), true);
    assert.equal(c.fatal, undefined);
  });

  for (const name of ['TimeoutError', 'AbortError', 'InputError'] as const) {
    test(`${name} mid-write is fatal: where the peer is is unknown`, () => {
      const s = new ScriptedStream();
      const c = new LineConn(s);
      const e = name === 'TimeoutError' ? new TimeoutError('t') : name === 'AbortError' ? new AbortError() : new InputError('i');
      c.settle(e, true);
      assert.equal(c.fatal, e);
      assert.equal(s.closed, true);
    });
  }

  for (const [name, make] of [
    ['ProtocolError', () => new ProtocolError('bad')],
    ['LimitError', () => new LimitError('big')],
    ['NetworkError', () => new NetworkError('DIAL_E_RESET', 'rst')],
  ] as const) {
    test(`${name} is fatal: the stream is closed, buffers dropped, and every later call throws it`, () => {
      const s = new ScriptedStream();
      const c = new LineConn(s);
      c.splitter.push(Buffer.from('left over'));
      c.replies.push('250-partial');
      const e = make();
      assert.equal(c.settle(e, false), e);
      assert.equal(s.closed, true);
      assert.equal(c.splitter.bufferedLength, 0);
      assert.equal(c.replies.inProgress, false);
      assert.throws(() => c.usable(), (x: unknown) => x === e);
      assert.equal(c.settle(new TimeoutError('later'), false), e, 'the first fatal error wins');
    });
  }

  test('a plain Node error becomes a typed DialError before it is judged', () => {
    const c = new LineConn(new ScriptedStream(), { protocol: 'nntp' });
    const e = c.settle(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), false);
    assert.ok(e instanceof NetworkError);
    assert.equal(e.code, 'DIAL_E_RESET');
    assert.equal(e.protocol, 'nntp');
    assert.equal(c.fatal, e);
  });
});

describe('LineConn reading', () => {
  test('nextLine returns lines, null at a clean EOF', async () => {
    const s = new ScriptedStream();
    const c = new LineConn(s);
    s.feed('a\r\nb\n');
    s.end();
    const d = c.deadline('t', undefined);
    assert.equal(latin((await c.nextLine(d, false))!), 'a');
    assert.equal(latin((await c.nextLine(d, false))!), 'b');
    assert.equal(await c.nextLine(d, false), null);
  });

  test('nextLine: EOF inside a line is a ProtocolError unless unterminated lines are allowed', async () => {
    const s = new ScriptedStream();
    s.feed('tail');
    s.end();
    await assert.rejects(new LineConn(s).nextLine(new LineConn(s).deadline('t', undefined), false), ProtocolError);
    const s2 = new ScriptedStream();
    s2.feed('tail');
    s2.end();
    const c2 = new LineConn(s2);
    assert.equal(latin((await c2.nextLine(c2.deadline('t', undefined), true))!), 'tail');
  });

  test('nextLine never asks for more than the line could still need', async () => {
    const s = new ScriptedStream();
    const c = new LineConn(s, { maxLine: 100 });
    s.feed('x'.repeat(50));
    s.feed('\n');
    await c.nextLine(c.deadline('t', undefined), false);
    assert.ok(s.recvSizes.every((n) => n <= 100 + 2 + 4096), String(s.recvSizes));
  });

  test('a second read while one holds the lock is an InputError, and the first is unharmed', async () => {
    const s = new ScriptedStream();
    const c = new LineConn(s);
    const first = c.read('readLine', undefined, (d) => c.nextLine(d, false));
    await assert.rejects(c.read('readLine', undefined, (d) => c.nextLine(d, false)), (e: unknown) => e instanceof InputError && /busy/.test(e.message));
    s.feed('ok\n');
    assert.equal(latin((await first)!), 'ok');
    assert.equal(c.reading, false);
  });

  test('deadline() with an already-aborted signal throws at once', () => {
    const c = new LineConn(new ScriptedStream());
    const ac = new AbortController();
    ac.abort();
    assert.throws(() => c.deadline('x', { signal: ac.signal }), AbortError);
  });
});

describe('LineConn close and trace', () => {
  test('close closes the stream and later use throws DIAL_E_CLOSED', async () => {
    const s = new ScriptedStream();
    const c = new LineConn(s, { protocol: 'ftp' });
    await c.close();
    assert.equal(s.closed, true);
    assert.throws(() => c.usable(), (e: unknown) => e instanceof NetworkError && e.code === 'DIAL_E_CLOSED' && e.protocol === 'ftp');
  });

  test('close after a fatal error keeps that error', async () => {
    const c = new LineConn(new ScriptedStream());
    const e = new ProtocolError('x');
    c.settle(e, false);
    await c.close();
    assert.equal(c.fatal, e);
  });

  test('emit passes lines to the trace hook and swallows its errors', () => {
    const seen: string[] = [];
    const c = new LineConn(new ScriptedStream(), {
      trace: (dir, line) => {
        seen.push(dir + line);
        throw new Error('tracer broke');
      },
    });
    c.emit('>', 'NOOP');
    c.emit('<', '250 ok');
    assert.deepEqual(seen, ['>NOOP', '<250 ok']);
  });
});
