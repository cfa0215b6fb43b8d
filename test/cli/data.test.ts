import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendQuery, buildDataBody, buildUrlQuery, curlWarning, urlencode } from '../../src/cli/data.js';
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
  // Found by comparing with curl 7.88 on generated values: an '=' after an '@' still makes it
  // name=content in curl, where dial read a file named after the '@'.
  assert.equal(await body([{ kind: 'urlencode', value: 'a@b=c d' }]), 'a@b=c+d');
  assert.equal(await body([{ kind: 'urlencode', value: '@j.json=x' }]), '@j.json=x');
  // And a name@file whose file gives no bytes is an empty part in curl, not 'name='.
  files['empty.txt'] = '';
  assert.equal(await body([{ kind: 'ascii', value: 'a=1' }, { kind: 'urlencode', value: 'n@empty.txt' }]), 'a=1&');
  assert.equal((await buildDataBody([{ kind: 'urlencode', value: 'n@missing' }], read, () => {}))?.body.toString(), '');
});

test('--json concatenates without separators', async () => {
  assert.deepEqual(await buildDataBody([{ kind: 'json', value: '{"a":' }, { kind: 'json', value: '1}' }], read), { body: Buffer.from('{"a":1}'), json: true });
});

test('no data → undefined; unreadable @file → exit 26', async () => {
  assert.equal(await buildDataBody([], read), undefined);
  await assert.rejects(buildDataBody([{ kind: 'ascii', value: '@missing' }], read), (e: unknown) => e instanceof CliExit && e.exitCode === 26);
});

test('with a warn hook, an unreadable @file is curl\'s warning and an empty part', async () => {
  const warned: string[] = [];
  const args = [{ kind: 'ascii', value: '@missing' }, { kind: 'binary', value: '@gone' }, { kind: 'ascii', value: 'x' }] as const;
  const r = await buildDataBody(args, read, (l) => warned.push(l));
  assert.equal(r?.body.toString(), '&&x');
  assert.deepEqual(warned, [
    'Warning: Couldn\'t read data from file "missing", this makes an empty POST.',
    'Warning: Couldn\'t read data from file "gone", this makes an empty POST.',
  ]);
});

test('warnings wrap as curl\'s: cut at the last blank before column 79, each line prefixed', () => {
  const long = `Couldn't read data from file "/tmp/${'d'.repeat(25)}/file", this makes an empty POST.`;
  assert.equal(curlWarning(long), `Warning: Couldn't read data from file "/tmp/${'d'.repeat(25)}/file", \nWarning: this makes an empty POST.`);
  assert.equal(curlWarning('short'), 'Warning: short');
  assert.equal(curlWarning('x'.repeat(100)), `Warning: ${'x'.repeat(70)}\nWarning: ${'x'.repeat(30)}`);
});

test('urlencode keeps only unreserved characters, space as +', () => {
  assert.equal(urlencode('Az09-._~ /é'), 'Az09-._~+%2F%C3%A9');
});

test('-G appends to the query, before a fragment', () => {
  assert.equal(appendQuery('http://h/p', Buffer.from('a=1')), 'http://h/p?a=1');
  assert.equal(appendQuery('http://h/p?x=1#f', Buffer.from('a=1')), 'http://h/p?x=1&a=1#f');
  // Bytes outside printable ASCII (a UTF-8 character, a space, '#') are %XX, each once.
  assert.equal(appendQuery('http://h/p', Buffer.from('q=é #1')), 'http://h/p?q=%C3%A9%20%231');
  assert.equal(new URL(appendQuery('http://h/p', Buffer.from('q=é'))).search, '?q=%C3%A9');
});

test('--url-query: --data-urlencode’s forms, +text as written, joined with &', async () => {
  const read = async (p: string) => Buffer.from(p === 'f' ? 'file text' : '');
  assert.equal(await buildUrlQuery(['a=b c', '+raw=1&2', '=x y', 'n@f', 'plain'], read), 'a=b+c&raw=1&2&x+y&n=file+text&plain');
  assert.equal(await buildUrlQuery([], read), undefined);
});
