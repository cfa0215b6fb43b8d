import { test } from 'node:test';
import assert from 'node:assert/strict';
import { urlopen } from '../../src/urlopen/index.js';
import { parseMenu } from '../../src/protocols/gopher/core/menu.js';
import { GopherResponse } from '../../src/protocols/gopher/client.js';
import { InputError, LimitError } from '../../src/errors.js';
import { gopherServer } from '../protocols/gopher/server.js';

const MENU = '1Sub\t/sub\t127.0.0.1\t70\r\n0Text\t/t.txt\t127.0.0.1\t70\r\n.\r\n';

test('gopher: a menu comes back raw as application/gopher-menu', async () => {
  const srv = await gopherServer({ '': MENU });
  try {
    const r = await urlopen(srv.url('/'));
    assert.equal(r.status, 200);
    assert.equal(r.protocol, 'gopher');
    assert.equal(r.url, srv.url('/'));
    assert.equal(r.info().get('content-type'), 'application/gopher-menu');
    assert.ok(r.raw instanceof GopherResponse);
    assert.deepEqual(parseMenu(await r.bytes()).map((i) => i.display), ['Sub', 'Text']);
  } finally {
    await srv.close();
  }
});

test('gopher: a menu ends at its . line when the server leaves the connection open, not at the timeout', async () => {
  const srv = await gopherServer({ '': (sock) => sock.write(MENU) });
  try {
    assert.equal(await (await urlopen(srv.url('/'), { timeout: 20_000 })).text(), MENU);
  } finally {
    await srv.close();
  }
});

test('gopher: text is un-stuffed; a range is cut from the stream', async () => {
  const srv = await gopherServer({ '/t.txt': '..one\r\ntwo\r\n.\r\n' });
  try {
    const r = await urlopen(srv.url('/0/t.txt'));
    assert.equal(r.info().get('content-type'), 'text/plain');
    assert.equal(await r.text(), '.one\r\ntwo\r\n');
    const part = await urlopen(srv.url('/0/t.txt'), { range: { start: 2, end: 5 } });
    assert.equal(part.status, 206);
    assert.equal(await part.text(), 'ne\r\n');
  } finally {
    await srv.close();
  }
});

test('gopher: binary with progress; maxBodySize bounds it', async () => {
  const srv = await gopherServer({ '/b': Buffer.alloc(50_000, 1) });
  try {
    let last = 0;
    const r = await urlopen(srv.url('/9/b'), { onProgress: (p) => (last = p.transferred) });
    assert.equal(r.info().get('content-type'), 'application/octet-stream');
    assert.equal((await r.bytes()).length, 50_000);
    assert.equal(last, 50_000);
    await assert.rejects((await urlopen(srv.url('/9/b'), { maxBodySize: 1000 })).bytes(), LimitError);
  } finally {
    await srv.close();
  }
});

test('gopher: maxBodySize bounds the body handed out (as pop3, nntp and http), not the text\'s terminator or the bytes a range skips', async () => {
  const srv = await gopherServer({ '/t.txt': 'abcd\r\n.\r\n', '/b': Buffer.alloc(2000, 7) });
  try {
    // 6 bytes of text: its '.' line is the protocol's, not the body's.
    assert.equal(await (await urlopen(srv.url('/0/t.txt'), { maxBodySize: 6 })).text(), 'abcd\r\n');
    await assert.rejects((await urlopen(srv.url('/0/t.txt'), { maxBodySize: 5 })).text(), LimitError);
    // The last 10 of 2000 bytes are within a 100-byte bound; the first 200 are not.
    assert.deepEqual(await (await urlopen(srv.url('/9/b'), { range: { start: 1990 }, maxBodySize: 100 })).bytes(), Buffer.alloc(10, 7));
    await assert.rejects((await urlopen(srv.url('/9/b'), { range: { start: 0, end: 199 }, maxBodySize: 100 })).bytes(), LimitError);
  } finally {
    await srv.close();
  }
});

test('gopher: uploads and bad selectors are refused', async () => {
  await assert.rejects(urlopen('gopher://127.0.0.1:1/0/x', { method: 'PUT', body: 'x' }), InputError);
  await assert.rejects(urlopen('gopher://127.0.0.1:1/0/x%0D%0Ay'), InputError);
});
