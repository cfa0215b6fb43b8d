import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Pop3Message } from '../../../src/protocols/pop3/message.js';
import { LimitError } from '../../../src/errors.js';
import { linesSource } from '../../helpers/message-source.js';

test('Pop3Message: the number asked for, the announced size, and a DotBody whose errors name pop3', async () => {
  const log: string[] = [];
  const m = new Pop3Message(3, 99, linesSource(['a'.repeat(100), 'b'], log));
  assert.equal(m.n, 3);
  assert.equal(m.size, 99);
  await assert.rejects(m.bytes(50), (e: unknown) => e instanceof LimitError && e.protocol === 'pop3');
  const whole = new Pop3Message(1, undefined, linesSource(['x'], []));
  assert.equal(whole.size, undefined);
  assert.equal(await whole.text(), 'x\r\n');
});
