import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlopen, parseDataUrl } from '../../src/urlopen/index.js';
import { InputError, LimitError } from '../../src/errors.js';

const CASES: Array<[url: string, type: string, body: string | number[]]> = [
  ['data:,Hello%2C%20World!', 'text/plain;charset=US-ASCII', 'Hello, World!'],
  ['data:text/plain;base64,SGVsbG8sIFdvcmxkIQ==', 'text/plain', 'Hello, World!'],
  ['data:text/html,%3Ch1%3EHi%3C%2Fh1%3E', 'text/html', '<h1>Hi</h1>'],
  ['data:;charset=utf-8,caf%C3%A9', 'text/plain;charset=utf-8', 'café'],
  ['data:application/octet-stream;base64,AAH/', 'application/octet-stream', [0, 1, 255]],
  ['data:;base64,SGk', 'text/plain;charset=US-ASCII', 'Hi'],
  ['data:text/plain;BASE64,SG k=', 'text/plain', 'Hi'],
  ['data:,a#fragment', 'text/plain;charset=US-ASCII', 'a'],
  ['data:,', 'text/plain;charset=US-ASCII', ''],
  ['data:not a type,x', 'text/plain;charset=US-ASCII', 'x'],
];

for (const [u, type, body] of CASES) {
  test(`data: ${u}`, async () => {
    const r = await urlopen(u);
    assert.equal(r.status, 200);
    assert.equal(r.protocol, 'data');
    assert.equal(r.info().get('content-type'), type);
    const bytes = await r.bytes();
    assert.equal(r.info().get('content-length'), String(bytes.length));
    if (typeof body === 'string') assert.equal(bytes.toString('utf8'), body);
    else assert.deepEqual([...bytes], body);
  });
}

test('data: text() honours the charset', async () => {
  assert.equal(await (await urlopen('data:text/plain;charset=iso-8859-1,caf%E9')).text(), 'café');
});

test('data: malformed URLs are InputErrors', async () => {
  await assert.rejects(urlopen('data:text/plain'), InputError);
  await assert.rejects(urlopen('data:;base64,@@@@'), InputError);
  await assert.rejects(urlopen('data:;base64,A'), InputError);
});

test('data: the size bound is checked before decoding (CVE-2025-58754)', async () => {
  const payload = 'A'.repeat(4 * 1024 * 1024); // 3 MiB once decoded
  const e = await urlopen(`data:;base64,${payload}`, { maxBodySize: 1024 * 1024 }).catch((x: unknown) => x);
  assert.ok(e instanceof LimitError);
  assert.equal(e.limit, 1024 * 1024);
  // The default bound applies when the caller sets none.
  assert.throws(() => parseDataUrl(`data:,${'x'.repeat(1000)}`, 999), LimitError);
  assert.equal(parseDataUrl(`data:,${'x'.repeat(999)}`, 999).body.length, 999);
});

test('data: range and HEAD', async () => {
  const r = await urlopen('data:,0123456789', { range: { start: 2, end: 4 } });
  assert.equal(r.status, 206);
  assert.equal(r.info().get('content-range'), 'bytes 2-4/10');
  assert.equal(await r.text(), '234');
  assert.equal((await (await urlopen('data:,abc', { method: 'HEAD' })).bytes()).length, 0);
  await assert.rejects(urlopen('data:,abc', { method: 'POST', body: 'x' }), InputError);
});

test('data: a malformed data: URL (no comma, bad base64) is an InputError in phase url (dial: exit 3, not 2)', async () => {
  for (const u of ['data:nocomma', 'data:;base64,a', 'data:;base64,****']) {
    const e = await urlopen(u).catch((x: unknown) => x);
    assert.ok(e instanceof InputError, u);
    assert.equal((e as InputError).phase, 'url', u);
  }
});

test('data: a range that starts at or past the end is an InputError in phase range, as file: (dial: exit 36, not 2)', async () => {
  for (const start of [10, 11]) {
    const e = await urlopen('data:,0123456789', { range: { start } }).catch((x: unknown) => x);
    assert.ok(e instanceof InputError, String(e));
    assert.equal((e as InputError).phase, 'range');
    assert.equal((e as InputError).protocol, 'data');
  }
});

test('data: an empty body refuses a range that starts past its end, as file: does (only start 0 is served)', async () => {
  const e = await urlopen('data:,', { range: { start: 5 } }).catch((x: unknown) => x);
  assert.ok(e instanceof InputError, String(e));
  assert.equal((e as InputError).phase, 'range');
  const r = await urlopen('data:,', { range: { start: 0 } });
  assert.equal(r.status, 206);
  assert.equal((await r.bytes()).length, 0);
});

// Found by comparing parseDataUrl with Node's fetch on generated data: URLs: a media type with
// a second slash ('text/plaintext/plain') was kept as 'text/plaintext' (RFC 2397: type "/" subtype).
test('data: a media type with more than one slash is malformed, so the default type applies', () => {
  for (const u of ['data:text/plaintext/plain,x', 'data:a/b/c;charset=utf-8,x', 'data:image/png/;base64,AA==']) {
    const d = parseDataUrl(u);
    assert.equal(d.mimeType, 'text/plain', u);
    assert.equal(d.contentType, 'text/plain;charset=US-ASCII', u);
  }
});

