import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeForm, literalFormField, makeBoundary, parseFormField } from '../../src/cli/form.js';
import { curl, dial, echo, startServer } from './helpers.js';
import { CliExit } from '../../src/cli/exit-codes.js';

async function collect(it: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const c of it) parts.push(Buffer.from(c));
  return Buffer.concat(parts).toString('latin1');
}

test('parseFormField: text, @file with type and filename, <file', () => {
  // As curl, a parameter it does not know is dropped: a ';' in a value needs quotes.
  assert.deepEqual(parseFormField('a=b;c'), { name: 'a', value: 'b' });
  assert.deepEqual(parseFormField('a="b;c"'), { name: 'a', value: 'b;c' });
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

// Found comparing the bytes curl and dial send for the curl manual's own -F examples:
// 'name=daniel;type=text/foo' went out as the value "daniel;type=text/foo" with no type,
// '"x;y"' kept its quotes, 'f=@file;filename="a;b.txt"' and 'f=@"odd;name"' were refused
// (exit 2), and ';headers=' was unknown. Each now sends what curl 7.88 sends.
test('-F parameters are read as curl reads them: type, filename, headers, quoted words', () => {
  assert.deepEqual(parseFormField('name=daniel;type=text/foo'), { name: 'name', value: 'daniel', type: 'text/foo' });
  assert.deepEqual(parseFormField('a="x\\"y\\\\z\\q" trailing;TYPE=a/b'), { name: 'a', value: 'x"y\\z\\q', type: 'a/b' });
  assert.deepEqual(parseFormField('a="unclosed;type=a/b'), { name: 'a', value: '"unclosed', type: 'a/b' });
  assert.deepEqual(parseFormField('a=  x  ;y;;type=a/b'), { name: 'a', value: 'x', type: 'a/b' });
  assert.deepEqual(parseFormField('f=@"we\\"ird;name.txt";filename="a;b.txt"'), { name: 'f', file: 'we"ird;name.txt', filename: 'a;b.txt' });
  assert.deepEqual(parseFormField('f=@ f.txt ;  type=a/b'), { name: 'f', file: 'f.txt', type: 'a/b' });
  // 'type = a/b' is no 'type=' parameter: dropped, as curl drops it.
  assert.deepEqual(parseFormField('f=@f.txt;type = a/b'), { name: 'f', file: 'f.txt' });
  // Text after the type that is no parameter belongs to it.
  assert.deepEqual(parseFormField('a=x;type=text/plain; charset=utf-8;filename=q'), { name: 'a', value: 'x', type: 'text/plain; charset=utf-8', filename: 'q' });
  assert.deepEqual(parseFormField('a=x;type=text/plain,x y ;z'), { name: 'a', value: 'x', type: 'text/plain,x y ;z' });
  // '<' fields have no file name.
  assert.deepEqual(parseFormField('a=<f.txt;filename=x.txt'), { name: 'a', contentFile: 'f.txt' });
  assert.deepEqual(parseFormField('a=@f;headers="X-A: 1";headers=@h;x=y'), { name: 'a', file: 'f', headers: ['X-A: 1', { file: 'h' }] });
  assert.deepEqual(parseFormField('=x'), { name: '', value: 'x' });
  for (const bad of ['a=x;type=textplain', 'novalue', 'a=x;headers="X: 1\r\nEvil: 2"']) {
    assert.throws(() => parseFormField(bad), (e: unknown) => e instanceof CliExit && e.exitCode === 2, bad);
  }
});

test('part headers and types as curl: a header file, Content-Type and Content-Disposition among them, types guessed from curl\'s list', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-form-'));
  const f = join(dir, 'f.txt');
  writeFileSync(f, 'hi\n');
  writeFileSync(join(dir, 'f.json'), '{}');
  const hdrs = join(dir, 'hdrs');
  writeFileSync(hdrs, '# comment\nX-One: 1\nX-Two: a\n  b\r\n\nContent-Type: q/r\n');
  const fields = [
    `a=@${f};headers=@${hdrs}`,
    `b=@${f};headers=@${hdrs};type=x/y`,
    'c=x;headers="Content-Disposition: inline"',
    `d=@${join(dir, 'f.json')}`,
    `e=@${f};filename=x.bin`,
    'g=x;filename=x.txt',
    'h=x;filename=x.bin',
    '=x',
    `i=@${f};headers=@${join(dir, 'missing')}`,
  ].map(parseFormField);
  const body = await collect((await encodeForm(fields, 'B')).body);
  assert.equal(
    body,
    '--B\r\nContent-Disposition: form-data; name="a"; filename="f.txt"\r\nContent-Type: q/r\r\nX-One: 1\r\nX-Two: a  b\r\n\r\nhi\n\r\n' +
      '--B\r\nContent-Disposition: form-data; name="b"; filename="f.txt"\r\nContent-Type: x/y\r\nX-One: 1\r\nX-Two: a  b\r\n\r\nhi\n\r\n' +
      '--B\r\nContent-Disposition: inline\r\n\r\nx\r\n' +
      '--B\r\nContent-Disposition: form-data; name="d"; filename="f.json"\r\nContent-Type: application/octet-stream\r\n\r\n{}\r\n' +
      '--B\r\nContent-Disposition: form-data; name="e"; filename="x.bin"\r\nContent-Type: text/plain\r\n\r\nhi\n\r\n' +
      '--B\r\nContent-Disposition: form-data; name="g"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n' +
      '--B\r\nContent-Disposition: form-data; name="h"; filename="x.bin"\r\n\r\nx\r\n' +
      '--B\r\nContent-Disposition: form-data\r\n\r\nx\r\n' +
      '--B\r\nContent-Disposition: form-data; name="i"; filename="f.txt"\r\nContent-Type: text/plain\r\n\r\nhi\n\r\n' +
      '--B--\r\n',
  );
});

test('a headers=@file that never ends (/dev/zero) is refused after a bound, exit 2', async () => {
  await assert.rejects(encodeForm([parseFormField('a=x;headers=@/dev/zero')], 'B'), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /larger than/.test(e.message));
});

// Found comparing with curl: -F 'files=@a.txt,b.json' exited 26 (no file named 'a.txt,b.json');
// curl sends both files as one multipart/mixed part, each an attachment with its own type.
test("name=@a,b sends the files as one multipart/mixed part, as curl; a quoted name may hold a ','", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-form-'));
  writeFileSync(join(dir, 'a.txt'), 'A');
  writeFileSync(join(dir, 'b,c.json'), '{}');
  const a = join(dir, 'a.txt');
  const bc = join(dir, 'b,c.json');
  const field = parseFormField(`f=@${a};type=x/y,"${bc}";filename=q.txt;headers="X-A: 1"`);
  assert.deepEqual(field, { name: 'f', files: [{ file: a, type: 'x/y' }, { file: bc, filename: 'q.txt', headers: ['X-A: 1'] }] });
  const enc = await encodeForm([field, parseFormField('n=1')], 'B');
  const body = await collect(enc.body);
  assert.equal(Buffer.byteLength(body), enc.length);
  const inner = /boundary=(\S+)\r\n/.exec(body)?.[1];
  assert.ok(inner && inner !== 'B');
  assert.equal(
    body,
    `--B\r\nContent-Disposition: form-data; name="f"\r\nContent-Type: multipart/mixed; boundary=${inner}\r\n\r\n` +
      `--${inner}\r\nContent-Disposition: attachment; filename="a.txt"\r\nContent-Type: x/y\r\n\r\nA\r\n` +
      `--${inner}\r\nContent-Disposition: attachment; filename="q.txt"\r\nContent-Type: text/plain\r\nX-A: 1\r\n\r\n{}\r\n` +
      `--${inner}--\r\n\r\n` +
      '--B\r\nContent-Disposition: form-data; name="n"\r\n\r\n1\r\n--B--\r\n',
  );
  await assert.rejects(encodeForm([parseFormField(`f=@${a},${join(dir, 'missing')}`)]), (e: unknown) => e instanceof CliExit && e.exitCode === 26);
});

test('--form-string takes the value as written (a leading @ or <, a ;type=), in order among -F parts, as curl', async () => {
  assert.deepEqual(literalFormField('a=@x;type=y'), { name: 'a', value: '@x;type=y' });
  assert.deepEqual(literalFormField('a='), { name: 'a', value: '' });
  assert.throws(() => literalFormField('novalue'), (e: unknown) => e instanceof CliExit && e.exitCode === 2 && /--form-string/.test(e.message));
  const srv = await startServer();
  try {
    const args = ['-sS', '-F', 'first=1', '--form-string', 'lit=<not-a-file;type=text/x', '-F', 'last="a;b"', srv.url('/echo')];
    const parts = async (run: typeof dial) => {
      const r = await run(args);
      assert.equal(r.code, 0, r.stderr);
      const e = echo(r);
      const boundary = /boundary=(\S+)/.exec(e.headers['content-type']!)![1]!;
      return e.body.split(`--${boundary}`);
    };
    const ours = await parts(dial);
    assert.deepEqual(ours.slice(1, 4), [
      '\r\nContent-Disposition: form-data; name="first"\r\n\r\n1\r\n',
      '\r\nContent-Disposition: form-data; name="lit"\r\n\r\n<not-a-file;type=text/x\r\n',
      '\r\nContent-Disposition: form-data; name="last"\r\n\r\na;b\r\n',
    ]);
    assert.deepEqual(ours, await parts(curl));
  } finally {
    await srv.close();
  }
});

test('--form-escape: a quote and a backslash in a name or file name are backslash-escaped, not %22 — the same parts as curl', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dial-form-esc-'));
  const file = join(dir, 'a"b\\c.txt');
  writeFileSync(file, 'x');
  const srv = await startServer();
  try {
    const dispositions = async (run: typeof dial, extra: string[]) => {
      const r = await run(['-sS', ...extra, '-F', `na"me=@${file}`, '-F', 'back\\slash=v', srv.url('/echo')]);
      assert.equal(r.code, 0, r.stderr);
      return echo(r).body.split('\r\n').filter((l) => l.startsWith('Content-Disposition'));
    };
    const escaped = await dispositions(dial, ['--form-escape']);
    assert.deepEqual(escaped, ['Content-Disposition: form-data; name="na\\"me"; filename="a\\"b\\\\c.txt"', 'Content-Disposition: form-data; name="back\\\\slash"']);
    assert.deepEqual(escaped, await dispositions(curl, ['--form-escape']));
    const plain = await dispositions(dial, []);
    assert.deepEqual(plain, ['Content-Disposition: form-data; name="na%22me"; filename="a%22b\\c.txt"', 'Content-Disposition: form-data; name="back\\slash"']);
    assert.deepEqual(plain, await dispositions(curl, []));
  } finally {
    await srv.close();
  }
});
