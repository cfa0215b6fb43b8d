import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArticleRef, parseDate, parseGroup } from '../../../../src/protocols/nntp/core/responses.js';
import { ProtocolError } from '../../../../src/errors.js';

test('parseGroup: RFC 3977 §6.1.1 examples, an empty group, extra spaces; huge numbers refused', () => {
  assert.deepEqual(parseGroup('1234 3000234 3002322 misc.test'), { name: 'misc.test', count: 1234, low: 3000234, high: 3002322 });
  assert.deepEqual(parseGroup('0 4000 3999 example.currently.empty.newsgroup'), { name: 'example.currently.empty.newsgroup', count: 0, low: 4000, high: 3999 });
  assert.deepEqual(parseGroup('1  2   3 g'), { name: 'g', count: 1, low: 2, high: 3 });
  for (const t of ['', '1 2 3', 'x 2 3 g', '1 2 99999999999999999999 g', '-1 2 3 g']) assert.throws(() => parseGroup(t), ProtocolError, t);
});

test('parseArticleRef: number and message-id; 0 for a message-id request', () => {
  assert.deepEqual(parseArticleRef('3000234 <45223423@example.com>'), { number: 3000234, messageId: '<45223423@example.com>' });
  assert.deepEqual(parseArticleRef('0 <45223423@example.com> article retrieved'), { number: 0, messageId: '<45223423@example.com>' });
  for (const t of ['', '1', '1 id', 'x <a@b>']) assert.throws(() => parseArticleRef(t), ProtocolError, t);
});

test('parseDate: yyyymmddhhmmss UTC', () => {
  assert.equal(parseDate('19990623135624').toISOString(), '1999-06-23T13:56:24.000Z');
  for (const t of ['', '1999062313562', '19990623x35624', '199906231356240']) assert.throws(() => parseDate(t), ProtocolError, t);
});
// Found by fuzzing the core's parsers: Date.UTC rolled month 13, 30 February or hour 25 into a
// real date and read year 0050 as 1950; RFC 3977 §7.1's yyyymmddhhmmss names one moment or none.
test('parseDate: an impossible date is a ProtocolError, a year below 100 is kept', () => {
  for (const t of ['20241301000000', '20240230000000', '20240101250000', '20240101006000', '20240101000061', '20240001000000']) assert.throws(() => parseDate(t), ProtocolError, t);
  assert.equal(parseDate('00500101000000').toISOString(), '0050-01-01T00:00:00.000Z');
  assert.equal(parseDate('20161231235960').toISOString(), '2016-12-31T23:59:59.000Z');
});
