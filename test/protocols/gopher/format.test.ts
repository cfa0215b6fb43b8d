import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatMenu, itemUrl } from '../../../src/protocols/gopher/format.js';
import { parseMenu } from '../../../src/protocols/gopher/core/menu.js';

test('formatMenu: labels, info lines, links and errors', () => {
  const items = parseMenu(
    'iWelcome to the test hole\tfake\t(NULL)\t0\r\n' +
      '0Read me\t/readme.txt\texample.org\t70\r\n' +
      '1Files\t/files\texample.org\t7070\r\n' +
      '7Search\t/find\texample.org\t70\r\n' +
      'hWeb\tURL:https://example.com/\texample.org\t70\r\n' +
      '3Oops\terror.host\t1\r\n' +
      'ZOdd\t/z\texample.org\t70\r\n.\r\n',
  );
  assert.equal(
    formatMenu(items),
    '      Welcome to the test hole\n' +
      '[TXT] Read me  → gopher://example.org/0/readme.txt\n' +
      '[DIR] Files  → gopher://example.org:7070/1/files\n' +
      '[ASK] Search  → gopher://example.org/7/find\n' +
      '[HTM] Web  → https://example.com/\n' +
      '[ERR] Oops\n' +
      '[?Z?] Odd  → gopher://example.org/Z/z\n',
  );
});

test('formatMenu: terminal control characters from the server are neutralized', () => {
  const [item] = parseMenu('0\x1b[2Jevil\x07\t/x\th\t70\r\n');
  assert.equal(formatMenu([item!]), '[TXT] ?[2Jevil?  → gopher://h/0/x\n');
  assert.equal(itemUrl({ ...item!, port: 0 }), undefined);
});
