import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openFtp, parseFtpPath } from '../../../src/urlopen/schemes/ftp.js';
import { InputError, ReplyError } from '../../../src/errors.js';
import { FakeFtpServer } from './fake-server.js';

let s: FakeFtpServer;
const DATA = Buffer.from('x'.repeat(5000) + 'END');
before(async () => {
  s = await FakeFtpServer.start({
    files: { '/pub/a b/file.txt': 'hello url', '/pub/data.bin': DATA, '/pub/img.png': 'png' },
    users: { anonymous: 'anonymous@', bob: 'p@ss:w' },
  });
});
after(() => s.close());
const u = (path: string, auth = '') => new URL(`ftp://${auth}127.0.0.1:${s.port}${path}`);

describe('parseFtpPath (RFC 1738)', () => {
  test('segments, file and type', () => {
    assert.deepEqual(parseFtpPath('/pub/a%20b/f.txt;type=a'), { dirs: ['pub', 'a b'], file: 'f.txt', type: 'a', isDir: false, encoding: 'utf8' });
    assert.deepEqual(parseFtpPath('/pub/'), { dirs: ['pub'], file: '', type: undefined, isDir: true, encoding: 'utf8' });
    assert.deepEqual(parseFtpPath('/'), { dirs: [], file: '', type: undefined, isDir: true, encoding: 'utf8' });
    assert.deepEqual(parseFtpPath('/%2Fetc/passwd'), { dirs: ['/etc'], file: 'passwd', type: undefined, isDir: false, encoding: 'utf8' });
    // Escapes that are not UTF-8 are a Latin-1 server's name: every segment is read one byte per character (sent so).
    assert.deepEqual(parseFtpPath('/pub/na%C3%AFve/caf%E9.txt'), { dirs: ['pub', 'na\u00c3\u00afve'], file: 'caf\u00e9.txt', type: undefined, isDir: false, encoding: 'latin1' });
  });
  test('encoded CR/LF and inner slashes are refused', () => {
    assert.throws(() => parseFtpPath('/a%0d%0aDELE%20x'), InputError);
    assert.throws(() => parseFtpPath('/a/b%2Fc'), InputError);
  });
});

describe('openFtp', () => {
  test('GET: CWD each segment, RETR the file; headers synthesized; status 200', async () => {
    const r = await openFtp(u('/pub/a%20b/file.txt'), {});
    assert.equal(r.status, 200);
    assert.equal(r.protocol, 'ftp');
    assert.equal(r.headers.get('content-length'), '9');
    assert.equal(r.headers.get('content-type'), 'text/plain');
    assert.equal(r.headers.get('last-modified'), new Date(Date.UTC(2020, 0, 2, 3, 4, 5)).toUTCString());
    assert.equal(await r.text(), 'hello url');
    const i = s.commands.lastIndexOf('CWD pub');
    assert.deepEqual(s.commands.slice(i, i + 2), ['CWD pub', 'CWD a b']);
    assert.ok(s.commands.includes('RETR file.txt'));
  });
  test('content type by extension, octet-stream otherwise', async () => {
    const r = await openFtp(u('/pub/img.png'), {});
    assert.equal(r.headers.get('content-type'), 'image/png');
    await r.cancel();
    const r2 = await openFtp(u('/pub/data.bin'), {});
    assert.equal(r2.headers.get('content-type'), 'application/octet-stream');
    assert.ok((await r2.bytes()).equals(DATA));
  });
  test('credentials from the URL (percent-decoded), and options override them', async () => {
    const r = await openFtp(u('/pub/img.png', 'bob:p%40ss%3Aw@'), {});
    assert.equal(await r.text(), 'png');
    await assert.rejects(openFtp(u('/pub/img.png', 'bob:wrong@'), {}), (e: unknown) => e instanceof ReplyError && e.reply?.code === 530);
    const r2 = await openFtp(u('/pub/img.png', 'bob:wrong@'), { user: 'bob', password: 'p@ss:w' });
    assert.equal(await r2.text(), 'png');
  });
  test('a trailing slash lists the directory as text; listOnly and ;type=d give names', async () => {
    const r = await openFtp(u('/pub/'), {});
    assert.equal(r.headers.get('content-type'), 'text/plain; charset=utf-8');
    assert.match(await r.text(), /data\.bin/);
    assert.equal(await (await openFtp(u('/pub/'), { listOnly: true })).text(), 'a b\ndata.bin\nimg.png\n');
    assert.equal(await (await openFtp(u('/pub;type=d'), {})).text(), 'a b\ndata.bin\nimg.png\n');
  });
  test('range → REST, and a range end stops the transfer there', async () => {
    const r = await openFtp(u('/pub/data.bin'), { range: { start: 4990 } });
    assert.equal(r.headers.get('content-length'), String(DATA.length - 4990));
    assert.ok((await r.bytes()).equals(DATA.subarray(4990)));
    assert.ok(s.commands.includes('REST 4990'));
    const r2 = await openFtp(u('/pub/data.bin'), { range: { start: 10, end: 19 } });
    assert.equal(r2.headers.get('content-length'), '10');
    assert.ok((await r2.bytes()).equals(DATA.subarray(10, 20)));
  });
  test('PUT stores the body; status is the final reply (226)', async () => {
    const r = await openFtp(u('/pub/new.txt'), { method: 'PUT', body: 'uploaded' });
    assert.equal(r.status, 226);
    assert.equal(s.files.get('/pub/new.txt')?.toString(), 'uploaded');
  });
  test('HEAD asks SIZE/MDTM only', async () => {
    const before = s.commands.filter((c) => c.startsWith('RETR')).length;
    const r = await openFtp(u('/pub/data.bin'), { method: 'HEAD' });
    assert.equal(r.headers.get('content-length'), String(DATA.length));
    assert.equal((await r.bytes()).length, 0);
    assert.equal(s.commands.filter((c) => c.startsWith('RETR')).length, before);
  });
  test(';type=a converts line endings', async () => {
    s.addFile('/crlf.txt', 'a\r\nb\r\n');
    assert.equal(await (await openFtp(u('/crlf.txt;type=a'), {})).text(), 'a\nb\n');
  });
  test('a missing file is a ReplyError 550; headers and unknown methods are refused', async () => {
    await assert.rejects(openFtp(u('/nope.txt'), {}), (e: unknown) => e instanceof ReplyError && e.reply?.code === 550);
    await assert.rejects(openFtp(u('/pub/img.png'), { headers: { 'X-A': 'b' } }), InputError);
    await assert.rejects(openFtp(u('/pub/img.png'), { method: 'DELETE' }), InputError);
    await assert.rejects(openFtp(u('/pub/img.png?x=1'), {}), InputError);
  });
  test('maxBodySize is enforced', async () => {
    const r = await openFtp(u('/pub/data.bin'), { maxBodySize: 100 });
    await assert.rejects(r.bytes(), { code: 'DIAL_E_LIMIT' });
  });
  test('options.timeout bounds the whole operation: TimeoutError, not AbortError', async () => {
    const slow = await FakeFtpServer.start({ greeting: '' });
    try {
      await assert.rejects(openFtp(new URL(`ftp://127.0.0.1:${slow.port}/x`), { timeout: 200 }), { code: 'DIAL_E_TIMEOUT' });
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      await assert.rejects(openFtp(new URL(`ftp://127.0.0.1:${slow.port}/x`), { timeout: 5000, signal: ac.signal }), { code: 'DIAL_E_ABORT' });
    } finally {
      await slow.close();
    }
  });
  test('progress is reported', async () => {
    const seen: number[] = [];
    const r = await openFtp(u('/pub/data.bin'), { onProgress: (p) => seen.push(p.transferred) });
    await r.bytes();
    assert.equal(seen.at(-1), DATA.length);
  });

  test('a URL naming a file by bytes that are not UTF-8 (a Latin-1 server\'s name) fetches it, the bytes sent as they are (as curl)', async () => {
    // The server reads commands one byte per character: "caf\u00e9" is the name whose last byte is E9.
    const latin = await FakeFtpServer.start({ encoding: 'latin1', files: { '/pub/caf\u00e9.txt': 'latin name', '/pub/na\u00c3\u00afve/x.txt': 'utf-8 dir' } });
    const { closeIdleFtpSessions } = await import('../../../src/urlopen/ftp-sessions.js');
    try {
      const r = await openFtp(new URL(`ftp://127.0.0.1:${latin.port}/pub/caf%E9.txt`), {});
      assert.equal(await r.text(), 'latin name');
      assert.ok(latin.commands.includes('RETR caf\u00e9.txt'), latin.commands.join('\n'));
      // A UTF-8 segment beside a Latin-1 one keeps its bytes too (C3 AF), not re-encoded (C3 83 C2 AF).
      const d = await openFtp(new URL(`ftp://127.0.0.1:${latin.port}/pub/na%C3%AFve/x.txt`), {});
      assert.equal(await d.text(), 'utf-8 dir');
    } finally {
      await closeIdleFtpSessions();
      await latin.close();
    }
  });
});
