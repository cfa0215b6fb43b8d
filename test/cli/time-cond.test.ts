import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseTimeCond, timeCondHeader, timeCondUnmet } from '../../src/cli/time-cond.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { UrlResponse } from '../../src/urlopen/response.js';
import { curl, dial, echo, startServer, tempDir } from './helpers.js';

const JAN_2010 = 'Fri, 01 Jan 2010 00:00:00 GMT';
const response = (status: number, lastModified?: string) =>
  new UrlResponse({ url: 'http://h/', status, statusText: '', protocol: 'http/1.1', headers: new UrlHeaders(lastModified ? [['Last-Modified', lastModified]] : []), body: (async function* () {})() });

test('parseTimeCond: a file’s modification time, or a date; a leading - asks for older; anything else is curl’s two warnings and no condition', async () => {
  const file = join(tempDir(), 'stamp');
  writeFileSync(file, 'x');
  utimesSync(file, new Date('2015-06-07T08:09:10Z'), new Date('2015-06-07T08:09:10Z'));
  assert.deepEqual(await parseTimeCond(file, assert.fail), { at: new Date('2015-06-07T08:09:10Z'), older: false });
  assert.deepEqual(await parseTimeCond(`-${JAN_2010}`, assert.fail), { at: new Date(JAN_2010), older: true });
  assert.deepEqual(await parseTimeCond(`+${JAN_2010}`, assert.fail), { at: new Date(JAN_2010), older: false });
  const warned: string[] = [];
  assert.equal(await parseTimeCond('no such file, no date', (l) => warned.push(l)), undefined);
  assert.deepEqual(warned, ['Warning: Illegal date format for -z, --time-cond (and not a file name). ', 'Warning: Disabling time condition. See curl_getdate(3) for valid date syntax.']);
  assert.deepEqual(timeCondHeader({ at: new Date(JAN_2010), older: false }), ['If-Modified-Since', JAN_2010]);
  assert.deepEqual(timeCondHeader({ at: new Date(JAN_2010), older: true }), ['If-Unmodified-Since', JAN_2010]);
});

test('timeCondUnmet: a 304, or a Last-Modified on the wrong side of the date (equal counts as unmet both ways, as curl)', () => {
  const newer = { at: new Date(JAN_2010), older: false };
  const older = { at: new Date(JAN_2010), older: true };
  assert.equal(timeCondUnmet(newer, response(304), true), 'The requested document is not new enough');
  assert.equal(timeCondUnmet(newer, response(200, 'Tue, 03 Jun 2008 11:05:30 GMT'), true), 'The requested document is not new enough');
  assert.equal(timeCondUnmet(newer, response(200, JAN_2010), true), 'The requested document is not new enough');
  assert.equal(timeCondUnmet(newer, response(200, 'Sat, 02 Jan 2010 00:00:00 GMT'), true), undefined);
  assert.equal(timeCondUnmet(newer, response(200), true), undefined, 'no date: nothing to tell');
  assert.equal(timeCondUnmet(older, response(200, JAN_2010), true), 'The requested document is not old enough');
  assert.equal(timeCondUnmet(older, response(200, 'Tue, 03 Jun 2008 11:05:30 GMT'), true), undefined);
  assert.equal(timeCondUnmet(older, response(412), true), undefined, 'a 412 is written out, as curl writes it');
  assert.equal(timeCondUnmet(newer, response(404, 'Tue, 03 Jun 2008 11:05:30 GMT'), true), undefined);
});

test('dial -z as curl: the header sent, an old document not written (an -o file left alone), %{http_code} 304, a newer one written', async () => {
  const srv = await startServer();
  const dir = tempDir();
  try {
    // The header, beside curl's.
    const seen = async (run: typeof dial) => echo(await run(['-sS', '-z', JAN_2010, srv.url('/echo')])).headers['if-modified-since'];
    assert.equal(await seen(dial), JAN_2010);
    assert.equal(await seen(dial), await seen(curl));
    // /dated was last modified in 2008 and ignores the question: the client's own check keeps the old file.
    for (const [name, run] of [['d', dial], ['c', curl]] as const) {
      const out = join(dir, name);
      writeFileSync(out, 'kept\n');
      const r = await run(['-sS', '-z', JAN_2010, '-o', out, '-w', '%{http_code} %{size_download}', srv.url('/dated')]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.out, '304 0', name);
      assert.equal(readFileSync(out, 'utf8'), 'kept\n', name);
      // The server's own 304 writes nothing either.
      const s = await run(['-sS', '-z', JAN_2010, '-o', out, srv.url('/moved?code=304')]);
      assert.equal(s.code, 0, `${name}: ${s.stderr}`);
      assert.equal(readFileSync(out, 'utf8'), 'kept\n', name);
    }
    const [fresh, curlFresh] = await Promise.all([dial(['-sS', '-z', 'Jan 1 2000', srv.url('/dated')]), curl(['-sS', '-z', 'Jan 1 2000', srv.url('/dated')])]);
    assert.equal(fresh.out, 'dated\n');
    assert.equal(fresh.out, curlFresh.out);
    assert.equal((await dial(['-sS', '-z', `-Jan 1 2000`, srv.url('/dated')])).out, '', 'not old enough');
    // A value that is no file and no date: curl's warnings, and the document fetched.
    const [bad, curlBad] = await Promise.all([dial(['-z', 'garbage', srv.url('/dated')]), curl(['--no-progress-meter', '-z', 'garbage', srv.url('/dated')])]);
    assert.equal(bad.out, 'dated\n');
    assert.equal(bad.stderr, curlBad.stderr);
  } finally {
    await srv.close();
  }
});
