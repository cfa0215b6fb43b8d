import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendQuery, buildDataBody, urlencode } from '../../src/cli/data.js';
import { CliExit } from '../../src/cli/exit-codes.js';

const files: Record<string, string> = { 'a.txt': 'line1\r\nline2\n', 'j.json': '{"k":1}' };
const read = async (p: string) => {
  if (!(p in files)) throw new CliExit(26, `cannot read ${p}`);
  return Buffer.from(files[p]!);
};
const body = async (args: Parameters<typeof buildDataBody>[0]) => (await buildDataBody(args, read))?.body.toString();

test('-d joins with &, @file strips CR/LF', async () => {
  assert.equal(await body([{ kind: 'ascii', value: 'a=1' }, { kind: 'ascii', value: '@a.txt' }]), 'a=1&line1line2');
});

test('--data-binary keeps bytes; --data-raw never reads files', async () => {
  assert.equal(await body([{ kind: 'binary', value: '@a.txt' }]), 'line1\r\nline2\n');
  assert.equal(await body([{ kind: 'raw', value: '@a.txt' }]), '@a.txt');
});

test('--data-urlencode forms', async () => {
  assert.equal(await body([{ kind: 'urlencode', value: 'a b&c' }]), 'a+b%26c');
  assert.equal(await body([{ kind: 'urlencode', value: 'name=a b' }]), 'name=a+b');
  assert.equal(await body([{ kind: 'urlencode', value: '=x=y' }]), 'x%3Dy');
  assert.equal(await body([{ kind: 'urlencode', value: 'f@j.json' }]), 'f=%7B%22k%22%3A1%7D');
});

test('--json concatenates without separators', async () => {
  assert.deepEqual(await buildDataBody([{ kind: 'json', value: '{"a":' }, { kind: 'json', value: '1}' }], read), { body: Buffer.from('{"a":1}'), json: true });
});

test('no data → undefined; unreadable @file → exit 26', async () => {
  assert.equal(await buildDataBody([], read), undefined);
  await assert.rejects(buildDataBody([{ kind: 'ascii', value: '@missing' }], read), (e: unknown) => e instanceof CliExit && e.exitCode === 26);
});

test('urlencode keeps only unreserved characters, space as +', () => {
  assert.equal(urlencode('Az09-._~ /é'), 'Az09-._~+%2F%C3%A9');
});

test('-G appends to the query, before a fragment', () => {
  assert.equal(appendQuery('http://h/p', Buffer.from('a=1')), 'http://h/p?a=1');
  assert.equal(appendQuery('http://h/p?x=1#f', Buffer.from('a=1')), 'http://h/p?x=1&a=1#f');
});
