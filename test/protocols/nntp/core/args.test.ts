import { test } from 'node:test';
import assert from 'node:assert/strict';
import { articleArg, articleSource, credential, messageId, rangeArg, token } from '../../../../src/protocols/nntp/core/args.js';
import { InputError } from '../../../../src/errors.js';

test('messageId: RFC 3977 §3.6 — brackets, printable ASCII, no inner ">", at most 250 octets', () => {
  assert.equal(messageId('<a@b>'), '<a@b>');
  assert.equal(messageId(`<${'x'.repeat(248)}>`).length, 250);
  for (const v of ['', '<>', 'a@b', '<a@b', 'a@b>', '<a b>', '<a>b>', '<a\r\n>', '<caf\u00e9>', `<${'x'.repeat(249)}>`]) assert.throws(() => messageId(v), InputError, v);
});

test('articleArg, rangeArg: numbers, message-ids, ranges', () => {
  assert.equal(articleArg(undefined), '');
  assert.equal(articleArg(42), '42');
  assert.equal(articleArg('<a@b>'), '<a@b>');
  assert.throws(() => articleArg(0), InputError);
  assert.throws(() => articleArg(2 ** 53), InputError);
  assert.equal(rangeArg(5), '5');
  assert.equal(rangeArg({ from: 5 }), '5-');
  assert.equal(rangeArg({ from: 5, to: 9 }), '5-9');
  assert.equal(rangeArg('<a@b>'), '<a@b>');
  assert.throws(() => rangeArg({ from: 9, to: 5 }), InputError);
});

test('token and credential: no spaces or controls in tokens; no CR/LF/NUL in credentials', () => {
  assert.equal(token('comp.lang.*', 'wildmat'), 'comp.lang.*');
  for (const v of ['', 'a b', 'a\tb', 'a\r\n', 'a\0', 'x'.repeat(498), 7]) assert.throws(() => token(v, 'group'), InputError);
  assert.equal(credential('pass word', 'password'), 'pass word');
  for (const v of ['a\r', 'a\n', 'a\0', null]) assert.throws(() => credential(v, 'password'), InputError);
});

// Found by feeding the argument checkers values of every type: token and credential refused a
// non-string with an InputError, but messageId, articleArg and rangeArg threw a TypeError.
test('a message-id, article or range of the wrong type is an InputError, not a TypeError', () => {
  for (const v of [null, true, {}, []] as unknown[]) {
    assert.throws(() => messageId(v as string), InputError, String(v));
    assert.throws(() => articleArg(v as string), InputError, String(v));
  }
  for (const v of [null, undefined, true] as unknown[]) assert.throws(() => rangeArg(v as number), InputError, String(v));
  assert.throws(() => rangeArg({ from: '5' } as unknown as { from: number }), InputError);
});

test('articleSource: text, bytes or an iterable of them; anything else an InputError before POST is sent', () => {
  for (const v of ['x', Buffer.from('x'), ['x'], (async function* () {})()] as unknown[]) assert.equal(articleSource(v), v);
  for (const v of [undefined, null, 42, {}, true] as unknown[]) assert.throws(() => articleSource(v), InputError, String(v));
});
