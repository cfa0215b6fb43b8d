/**
 * The Gopher client and urlopen's gopher: scheme against a real gophernicus
 * (run inetd-style by the harness, as user nobody), with curl as the oracle:
 * what we read must equal, byte for byte, what curl reads from the same URL.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { gopherFetch } from '../../src/protocols/gopher/client.js';
import { formatMenu, itemUrl } from '../../src/protocols/gopher/format.js';
import { urlopen } from '../../src/urlopen/index.js';
import { requireBinary, startServer, type RunningServer } from './harness.js';
import { knownBytes } from './fixtures.js';

const T = 10_000;

const BLOB = knownBytes(300_000, 0x1badf00d);
const README = 'line one\n.a line that starts with a dot\n\nline four, after an empty one\n';
const GOPHERMAP = 'Welcome to the dialtone test hole\n\n0Read me\t/readme.txt\n1Documents\t/docs\n9A binary\t/blob.bin\n';

let srv: RunningServer;
let base: string;

before(async () => {
  requireBinary('curl');
  srv = await startServer({
    name: 'gophernicus',
    command: 'gophernicus',
    inetd: true,
    user: 'nobody',
    files: {
      'root/gophermap': GOPHERMAP,
      'root/readme.txt': README,
      'root/blob.bin': BLOB,
      'root/docs/note.txt': 'a note\n',
      'root/docs/café.txt': 'accented\n',
      // A search (type 7) is a CGI to gophernicus: the query arrives in SEARCHREQUEST.
      'root/cgi-bin/search': '#!/bin/sh\necho "iyou searched for: $SEARCHREQUEST\t\terror.host\t1"\necho "0a result\t/docs/note.txt\tlocalhost\t70"\n',
    },
    args: (ctx) => ['-h', 'localhost', '-p', String(ctx.port), '-r', join(ctx.dir, 'root'), '-nf'],
  });
  chmodSync(join(srv.dir, 'root', 'cgi-bin', 'search'), 0o755);
  base = `gopher://127.0.0.1:${srv.port}`;
});
after(() => srv?.stop());

function curl(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['-sS', '--max-time', '10', url], { encoding: 'buffer', maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) =>
      err ? reject(new Error(`curl ${url}: ${err.message} ${errOut.toString()}\n${srv.diagnostics()}`)) : resolve(out),
    ),
  );
}

for (const path of ['/', '/1/docs', '/0/readme.txt', '/9/blob.bin', '/0/docs/note.txt', '/0/docs/caf%C3%A9.txt', '/7/cgi-bin/search%09cats%20and%20dogs']) {
  test(`gophernicus ${path}: urlopen reads what curl reads, byte for byte`, async () => {
    const url = `${base}${path}`;
    const [ours, theirs] = await Promise.all([urlopen(url, { timeout: T }).then((r) => r.bytes()), curl(url)]);
    assert.ok(theirs.length > 0, 'curl read something');
    assert.ok(ours.equals(theirs), `ours ${ours.length} bytes, curl ${theirs.length}:\n${ours.toString('latin1').slice(0, 300)}\n---\n${theirs.toString('latin1').slice(0, 300)}`);
  });
}

test('gophernicus: the binary is the file written, and the text is the file with CRLF', async () => {
  assert.ok((await (await gopherFetch(`${base}/9/blob.bin`, { timeout: T })).bytes()).equals(BLOB));
  const text = await gopherFetch(`${base}/0/readme.txt`, { timeout: T });
  assert.equal(await text.text(), README.replace(/\n/g, '\r\n'));
  // gophernicus sends no `.` terminator (and does not double leading dots): tolerated.
  assert.equal(text.complete, false);
});

test('gophernicus: the root menu parses, and its links can be followed', async () => {
  const items = await (await gopherFetch(`${base}/`, { timeout: T })).menu();
  const links = items.filter((i) => i.type !== 'i');
  assert.deepEqual(links.map((i) => [i.type, i.display, i.selector, i.host, i.port]), [
    ['0', 'Read me', '/readme.txt', 'localhost', srv.port],
    ['1', 'Documents', '/docs', 'localhost', srv.port],
    ['9', 'A binary', '/blob.bin', 'localhost', srv.port],
  ]);
  assert.equal(items[0]!.display, 'Welcome to the dialtone test hole');
  const shown = formatMenu(items);
  assert.match(shown, /^ {6}Welcome to the dialtone test hole\n/);
  assert.match(shown, new RegExp(`\\[DIR\\] Documents  → gopher://localhost:${srv.port}/1/docs\\n`));
  // Follow the text link as a user would, through the URL the menu gives.
  const readme = await urlopen(itemUrl(links[0]!)!, { timeout: T });
  assert.equal(readme.info().get('content-type'), 'text/plain');
  assert.equal(await readme.text(), README.replace(/\n/g, '\r\n'));
});

test('gophernicus: a directory listing with a non-ASCII name; its selector is followed as given', async () => {
  const items = await (await gopherFetch({ host: '127.0.0.1', port: srv.port, type: '1', selector: '/docs' }, { timeout: T })).menu();
  const files = items.filter((i) => i.type === '0');
  assert.deepEqual(files.map((i) => i.selector.replace(/^\/docs\//, '')).sort().at(-1), 'note.txt');
  // gophernicus escapes non-ASCII bytes in selectors its own way (`#303#251`): we send the selector back untouched.
  const cafe = files.find((i) => i.display.startsWith('caf'))!;
  assert.ok(cafe, formatMenu(items));
  const url = itemUrl({ ...cafe, host: '127.0.0.1' })!;
  const [ours, theirs] = await Promise.all([urlopen(url, { timeout: T }).then((r) => r.bytes()), curl(url)]);
  assert.equal(ours.toString(), 'accented\r\n');
  assert.ok(ours.equals(theirs));
});

test('gophernicus: a search sends selector TAB query; the answer is a menu', async () => {
  const res = await gopherFetch({ host: '127.0.0.1', port: srv.port, type: '7', selector: '/cgi-bin/search', query: 'cats and dogs' }, { timeout: T });
  const items = await res.menu();
  assert.equal(items[0]!.display, 'you searched for: cats and dogs');
  assert.deepEqual([items[1]!.type, items[1]!.display, items[1]!.selector], ['0', 'a result', '/docs/note.txt']);
});
