import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blockSource, DotBody } from '../../src/line/dot-body.js';
import type { TraceEvent } from '../../src/trace.js';
import { InputError, LimitError } from '../../src/errors.js';
import { linesSource } from '../helpers/message-source.js';

test('DotBody: the chunks pass through as they come; settled once with the byte count; the body is taken once', async () => {
  const log: string[] = [];
  const lines = Array.from({ length: 100 }, (_, i) => `line ${i}`);
  const b = new DotBody('nntp', linesSource(lines, log));
  const chunks: Buffer[] = [];
  for await (const c of b.body) chunks.push(c);
  const want = lines.map((l) => `${l}\r\n`).join('');
  assert.equal(Buffer.concat(chunks).toString(), want);
  assert.equal(chunks.length, 100);
  assert.equal(b.complete, true);
  assert.deepEqual(log, [`settled ${want.length}`]);
  assert.throws(() => b.body, InputError);
});

test('bytes(max) past the bound aborts (closes) and is a LimitError naming the protocol; skip reads and drops; cancel aborts', async () => {
  const log: string[] = [];
  const m = new DotBody('nntp', linesSource(['a'.repeat(100), 'b'], log));
  await assert.rejects(m.bytes(50), (e: unknown) => e instanceof LimitError && e.limit === 50 && e.protocol === 'nntp');
  assert.ok(log.includes('abort'));
  const log2: string[] = [];
  const s = new DotBody('pop3', linesSource(['a', 'b'], log2));
  await s.skip();
  assert.equal(s.complete, true);
  await s.cancel();
  assert.deepEqual(log2, ['settled 6']);
  const log3: string[] = [];
  const c = new DotBody('pop3', linesSource(['a'], log3));
  await c.cancel();
  assert.deepEqual(log3, ['abort']);
  assert.throws(() => c.body, InputError);
});

test('text() decodes UTF-8; an empty body is empty', async () => {
  assert.equal(await new DotBody('pop3', linesSource(['h\u00e9llo'], [])).text(), 'h\u00e9llo\r\n');
  assert.equal((await new DotBody('pop3', linesSource([], [])).bytes()).length, 0);
});

test('blockSource: the line layer\'s chunks; read to the end, the owner is released and one data line is traced; abandoned, released and closed', async () => {
  const log: string[] = [];
  const events: TraceEvent[] = [];
  const line = {
    readDotBlockChunks: async function* () {
      yield Buffer.from('a\r\n');
      yield Buffer.from('bc\r\n');
    },
  };
  const owner = { protocol: 'nntp', trace: (e: TraceEvent) => events.push(e), release: () => log.push('release'), close: async () => void log.push('close') };
  const body = new DotBody('nntp', blockSource(line, {}, owner));
  assert.equal(await body.text(), 'a\r\nbc\r\n');
  assert.deepEqual(log, ['release']);
  assert.deepEqual(events.map((e) => [e.kind, e.text, e.protocol, e.bytes]), [['<', '[7 bytes of data]', 'nntp', 7]]);
  log.length = 0;
  const dropped = new DotBody('nntp', blockSource(line, {}, owner));
  await dropped.cancel();
  assert.deepEqual(log, ['release', 'close']);
});
