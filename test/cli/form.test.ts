import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeForm, makeBoundary, parseFormField } from '../../src/cli/form.js';
import { CliExit } from '../../src/cli/exit-codes.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('latin1');
}

test('parseFormField: text, @file with type and filename, <file', () => {
  assert.deepEqual(parseFormField('a=b;c'), { name: 'a', value: 'b;c' });
  assert.deepEqual(parseFormField('up=@/tmp/x.bin;type=image/png;filename=y.png'), { name: 'up', file: '/tmp/x.bin', type: 'image/png', filename: 'y.png' });
  assert.deepEqual(parseFormField('t=</tmp/t.txt'), { name: 't', contentFile: '/tmp/t.txt' });
  assert.throws(() => parseFormField('novalue'), (e: unknown) => e instanceof CliExit && e.exitCode === 2);
});

test('boundaries are random, long and unguessable', () => {
  const a = makeBoundary();
  const b = makeBoundary();
  assert.notEqual(a, b);
  assert.match(a, /^-+dial[0-9a-f]{32}$/);
});

test('encodes text and file parts; length matches the bytes', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-form-'));
  const f = join(dir, 'hello.txt');
  writeFileSync(f, 'file body\n');
  const enc = await encodeForm([parseFormField('name=value'), parseFormField(`doc=@${f}`)], 'BOUND');
  const body = await collect(enc.body);
  assert.equal(enc.contentType, 'multipart/form-data; boundary=BOUND');
  assert.equal(Buffer.byteLength(body, 'latin1'), enc.length);
  assert.equal(
    body,
    '--BOUND\r\nContent-Disposition: form-data; name="name"\r\n\r\nvalue\r\n' +
      '--BOUND\r\nContent-Disposition: form-data; name="doc"; filename="hello.txt"\r\nContent-Type: text/plain\r\n\r\nfile body\n\r\n' +
      '--BOUND--\r\n',
  );
});

test('quotes and line breaks in names cannot break out of the header', async () => {
  const enc = await encodeForm([{ name: 'a"\r\nX-Evil: 1', value: 'v' }], 'B');
  const body = await collect(enc.body);
  assert.match(body, /name="a%22%0D%0AX-Evil: 1"/);
  assert.doesNotMatch(body, /\r\nX-Evil/);
});

test('a missing file fails before sending, exit 26', async () => {
  await assert.rejects(encodeForm([parseFormField('f=@/nonexistent/file')]), (e: unknown) => e instanceof CliExit && e.exitCode === 26);
});

test('- reads the part from stdin, as curl: @- is a file part named "-" with no guessed type, <- a plain field', async () => {
  const stdin = async (): Promise<Buffer> => Buffer.from('from stdin\n');
  const enc = await encodeForm([parseFormField('up=@-'), parseFormField('txt=<-'), parseFormField('named=@-;filename=a.txt')], 'B', stdin);
  const body = await collect(enc.body);
  assert.equal(
    body,
    '--B\r\nContent-Disposition: form-data; name="up"; filename="-"\r\n\r\nfrom stdin\n\r\n' +
      '--B\r\nContent-Disposition: form-data; name="txt"\r\n\r\nfrom stdin\n\r\n' +
      '--B\r\nContent-Disposition: form-data; name="named"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nfrom stdin\n\r\n' +
      '--B--\r\n',
  );
  assert.equal(enc.length, Buffer.byteLength(body));
});
