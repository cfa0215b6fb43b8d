/**
 * The transaction over a scripted MailSession (no sockets): what goes out in
 * which order, pipelined or not, and how each reply is judged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InputError, LimitError, ProtocolError } from '../../../src/errors.js';
import type { Reply } from '../../../src/line/replies.js';
import { parseEhlo } from '../../../src/protocols/smtp/core/capabilities.js';
import { SmtpReplyError } from '../../../src/protocols/smtp/core/reply.js';
import { prepare, sendMessage, type MailSession } from '../../../src/protocols/smtp/transaction.js';

const reply = (s: string): Reply => ({ code: Number(s.slice(0, 3)), lines: [s.slice(4)], text: s.slice(4) });

/** A session answering from `answers` (keyed by command prefix), logging every write and read. */
function session(keywords: string[], answers: (line: string) => string): MailSession & { log: string[] } {
  const log: string[] = [];
  const pending: string[] = [];
  return {
    log,
    capabilities: parseEhlo(['x', ...keywords]),
    dataTimeout: 1000,
    command: async (line) => {
      log.push(`> ${line}`);
      return reply(answers(line));
    },
    writeLine: async (line) => {
      log.push(`> ${line}`);
      pending.push(answers(line));
    },
    readReply: async () => {
      const r = pending.shift() ?? answers('(final)');
      log.push(`< ${r}`);
      return reply(r);
    },
    writeData: async (src) => {
      log.push(`data ${typeof src === 'string' || src instanceof Uint8Array ? Buffer.from(src).toString() : 'stream'}`);
    },
  };
}

const normal = (l: string) => (l.startsWith('RCPT TO:<bad') ? '550 5.1.1 unknown' : l === 'DATA' ? '354 go' : l === '(final)' ? '250 2.0.0 queued' : '250 ok');

test('pipelined: MAIL and every RCPT are written before any reply is read; DATA waits', async () => {
  const s = session(['PIPELINING'], normal);
  let told = -1;
  s.dataSent = (n) => (told = n);
  const r = await sendMessage(s, prepare({ from: 'a@x', to: ['b@x', 'bad@x', 'c@x'], data: 'hi' }, s.capabilities, {}), {});
  assert.equal(told, 2, 'the data summary counts the bytes taken');
  assert.deepEqual(s.log, ['> MAIL FROM:<a@x>', '> RCPT TO:<b@x>', '> RCPT TO:<bad@x>', '> RCPT TO:<c@x>', '< 250 ok', '< 250 ok', '< 550 5.1.1 unknown', '< 250 ok', '> DATA', 'data hi', '< 250 2.0.0 queued']);
  assert.deepEqual(r.accepted, ['b@x', 'c@x']);
  assert.deepEqual(r.rejected, [{ address: 'bad@x', code: 550, enhancedCode: '5.1.1', text: '5.1.1 unknown' }]);
});

test('pipelined MAIL refused: every RCPT reply is still read, then the MAIL refusal is thrown', async () => {
  const s = session(['PIPELINING'], (l) => (l.startsWith('MAIL') ? '452 4.3.1 full' : l.startsWith('RCPT') ? '503 5.5.1 MAIL first' : '250 ok'));
  await assert.rejects(sendMessage(s, prepare({ from: 'a@x', to: ['b@x', 'c@x'], data: 'hi' }, s.capabilities, {}), {}), (e: unknown) => e instanceof SmtpReplyError && e.phase === 'mail' && e.transient);
  assert.equal(s.log.filter((l) => l.startsWith('<')).length, 3);
  assert.ok(!s.log.includes('> DATA'));
});

test('DATA refused: RSET, SmtpReplyError phase data; a 3xx to RCPT is a ProtocolError', async () => {
  const s = session([], (l) => (l === 'DATA' ? '554 5.5.1 no' : '250 ok'));
  await assert.rejects(sendMessage(s, prepare({ from: 'a@x', to: 'b@x', data: 'x' }, s.capabilities, {}), {}), (e: unknown) => e instanceof SmtpReplyError && e.phase === 'data');
  assert.equal(s.log.at(-1), '> RSET');
  const odd = session([], (l) => (l.startsWith('RCPT') ? '354 what' : '250 ok'));
  await assert.rejects(sendMessage(odd, prepare({ from: 'a@x', to: 'b@x', data: 'x' }, odd.capabilities, {}), {}), ProtocolError);
});

test('prepare: checks and parameters decided before anything is sent', () => {
  const caps = parseEhlo(['x', 'SIZE 100', '8BITMIME']);
  assert.equal(prepare({ from: 'a@x', to: 'b@x', data: 'ab\n' }, caps, {}).mail, 'MAIL FROM:<a@x> SIZE=4');
  assert.equal(prepare({ from: 'a@x', to: 'b@x', data: new Uint8Array([0xe9, 10]) }, caps, {}).mail, 'MAIL FROM:<a@x> SIZE=3 BODY=8BITMIME');
  assert.equal(prepare({ from: 'a@x', to: 'b@x', data: [Buffer.from('x')] }, caps, {}).mail, 'MAIL FROM:<a@x>', 'a stream without a declared size');
  assert.throws(() => prepare({ from: 'a@x', to: 'b@x', data: 'x'.repeat(200) }, caps, {}), LimitError);
  assert.throws(() => prepare({ from: 'a@x', to: 'b@x', data: 'x', size: -1 }, caps, {}), InputError);
  assert.throws(() => prepare({ from: 'a@x', to: 'b@x', data: 'x', body: '8BITMIME' }, parseEhlo(['x']), {}), { code: 'DIAL_E_UNSUPPORTED' });
  assert.throws(() => prepare({ from: 'a@x', to: 'b@x', data: 'x', body: 'binary' as '7BIT' }, caps, {}), InputError);
  assert.throws(() => prepare(null as never, caps, {}), InputError);
  assert.deepEqual(prepare({ from: 'a@x', to: ['b@x', 'c@x'], data: 'x' }, caps, {}).rcpts.map((r) => r.line), ['RCPT TO:<b@x>', 'RCPT TO:<c@x>']);
});

test('requireAllRecipients without PIPELINING: no RCPT after the first refusal, then RSET (curl stops there too)', async () => {
  const s = session([], (line) => (line.startsWith('RCPT TO:<bad@x>') ? '550 5.1.1 no' : line === 'RSET' ? '250 ok' : '250 ok'));
  await assert.rejects(
    sendMessage(s, prepare({ from: 'a@x', to: ['b@x', 'bad@x', 'c@x'], data: 'hi' }, s.capabilities, {}), { requireAllRecipients: true }),
    (e: unknown) => e instanceof SmtpReplyError && e.phase === 'rcpt' && /1 of 3 recipient/.test(e.message) && e.rejected.length === 1,
  );
  assert.deepEqual(s.log, ['> MAIL FROM:<a@x>', '> RCPT TO:<b@x>', '> RCPT TO:<bad@x>', '> RSET']);
});
