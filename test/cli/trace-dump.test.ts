// --trace, --trace-ascii and --trace-time: the dump format against curl 7.88's
// own dumps of the same exchange with a loopback server, and unit tests of
// the block layout.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createTraceDump, dumpBlock, tapRequestBody, timeStamp } from '../../src/cli/trace-dump.js';
import { CURL, curl, dial, tempDir } from './helpers.js';

let server: http.Server;
let url = '';

before(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      // No Date: the two dumps of the answer are then the same bytes.
      res.sendDate = false;
      res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 21 }).end(Buffer.from('hello\r\ntrace\x00\x7f\xffbytes\n', 'latin1'));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/t`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

/** The dump without its `== Info:` lines (their wording is each tool's own). */
const blocks = (dump: string): string => dump.replace(/^== Info: .*\n/gm, '');

/** Runs dial and curl with `args` plus a trace option writing to a file; returns both dumps. */
async function dumps(option: string, args: string[]): Promise<{ d: string; c: string | undefined }> {
  const dir = tempDir();
  const d = await dial(['-sS', '-A', 'tracer', '-o', '/dev/null', option, join(dir, 'dial.txt'), ...args, url]);
  assert.equal(d.code, 0, d.stderr);
  const c = CURL ? await curl(['-sS', '-A', 'tracer', '-o', '/dev/null', option, join(dir, 'curl.txt'), ...args, url]) : undefined;
  return { d: readFileSync(join(dir, 'dial.txt'), 'latin1'), c: c && readFileSync(join(dir, 'curl.txt'), 'latin1') };
}

test('--trace: the request head, every head line, the blank line and the body, in curl\'s hex dump, byte for byte', async () => {
  const { d, c } = await dumps('--trace', []);
  assert.match(d, /^== Info: /);
  assert.match(d, /^=> Send header, \d+ bytes \(0x[0-9a-f]+\)\n0000: 47 45 54 20 2f 74 20 48 54 54 50 2f 31 2e 31 0d GET \/t HTTP\/1.1\.\n/m);
  assert.match(d, /^<= Recv data, 21 bytes \(0x15\)\n0000: 68 65 6c 6c 6f 0d 0a 74 72 61 63 65 00 7f ff 62 hello\.\.trace\.\.\.b\n0010: 79 74 65 73 0a {34}ytes\.\n/m);
  if (c !== undefined) assert.equal(blocks(d), blocks(c));
});

test('--trace-ascii with a request body: rows end at CRLF; the data block follows the head, as curl', async () => {
  const { d, c } = await dumps('--trace-ascii', ['--data-binary', 'a=1&b=2']);
  assert.match(d, /^=> Send data, 7 bytes \(0x7\)\n0000: a=1&b=2\n/m);
  assert.match(d, /^<= Recv header, 17 bytes \(0x11\)\n0000: HTTP\/1.1 200 OK\n/m);
  assert.match(d, /^<= Recv data, 21 bytes \(0x15\)\n0000: hello\n0007: trace\.\.\.bytes\.\n/m);
  if (c !== undefined) {
    // dial sends Content-Type before Accept, curl after: the request heads hold the same lines.
    const head = (s: string) => /=> Send header, (\d+) bytes[^\n]*\n((?:[0-9a-f]{4}: .*\n)+)/.exec(s)!;
    assert.equal(head(d)[1], head(c)[1]);
    const lines = (s: string) => head(s)[2]!.split('\n').map((l) => l.slice(6)).sort();
    assert.deepEqual(lines(d), lines(c));
    const rest = (s: string) => blocks(s).slice(blocks(s).indexOf('=> Send data'));
    assert.equal(rest(d), rest(c));
  }
});

test('--trace-time stamps each block and each -v line; the last of -v, --trace, --trace-ascii wins', async () => {
  const { d, c } = await dumps('--trace-ascii', ['--trace-time']);
  const stamped = /^\d\d:\d\d:\d\d\.\d{6} (== Info|=> Send header|<= Recv header|<= Recv data)/;
  for (const dump of [d, c ?? d]) {
    const titles = dump.split('\n').filter((l) => !/^[0-9a-f]{4}: /.test(l) && l !== '');
    assert.ok(titles.length > 3 && titles.every((l) => stamped.test(l)), titles.join('\n'));
  }
  const v = await dial(['-sS', '-o', '/dev/null', '-v', '--trace-time', url]);
  assert.ok(v.stderr.split('\n').filter(Boolean).every((l) => /^\d\d:\d\d:\d\d\.\d{6} [*<>{}]/.test(l)), v.stderr);
  const dir = tempDir();
  const last = await dial(['-sS', '-o', '/dev/null', '--trace', join(dir, 'f'), '-v', url]);
  assert.equal(existsSync(join(dir, 'f')), false);
  assert.match(last.stderr, /^> GET \/t HTTP\/1.1/m);
  const traced = await dial(['-sS', '-o', '/dev/null', '-v', '--trace-ascii', '-', url]);
  assert.equal(traced.stderr, '');
  assert.match(traced.out, /^0000: GET \/t HTTP\/1.1$/m);
});

test('dumpBlock lays rows out as curl: offsets, padded hex, a dot for what is not printable ASCII', () => {
  assert.equal(dumpBlock('<= Recv data', Buffer.from('ab\r\n'), false), '<= Recv data, 4 bytes (0x4)\n0000: 61 62 0d 0a' + ' '.repeat(37) + 'ab..\n');
  assert.equal(dumpBlock('=> Send header', Buffer.from('GET / HTTP/1.1\r\nHost: h\r\n\r\n'), true), '=> Send header, 27 bytes (0x1b)\n0000: GET / HTTP/1.1\n0010: Host: h\n0019: \n');
  const long = Buffer.alloc(70, 0x61);
  assert.equal(dumpBlock('x', long, true), `x, 70 bytes (0x46)\n0000: ${'a'.repeat(64)}\n0040: aaaaaa\n`);
  assert.equal(dumpBlock('x', Buffer.alloc(0), false), 'x, 0 bytes (0x0)\n');
  assert.equal(dumpBlock('x', Buffer.from([0x1f, 0x20, 0x7e, 0x7f]), true, '01:02:03.000004 '), '01:02:03.000004 x, 4 bytes (0x4)\n0000: . ~.\n');
  assert.match(timeStamp(Date.UTC(2020, 0, 1, 0, 0, 0, 5) + 0.25), /^\d\d:\d\d:00\.005250 $/);
});

test('a traced request body: held whole, after its head; a stream, piece by piece', async () => {
  let out = '';
  const dump = createTraceDump({ ascii: true, time: false, write: (s) => (out += s) });
  tapRequestBody({ body: Buffer.from('held') }, dump);
  dump.tracer({ kind: '>', text: 'POST / HTTP/1.1', protocol: 'http' });
  dump.tracer({ kind: '<', text: 'HTTP/1.1 204 No Content', protocol: 'http' });
  dump.flush();
  assert.equal(out, '=> Send header, 19 bytes (0x13)\n0000: POST / HTTP/1.1\n0011: \n=> Send data, 4 bytes (0x4)\n0000: held\n<= Recv header, 25 bytes (0x19)\n0000: HTTP/1.1 204 No Content\n<= Recv header, 2 bytes (0x2)\n0000: \n');
  out = '';
  const opts = tapRequestBody({ body: [Buffer.from('a'), Buffer.from('bc')] as Iterable<Uint8Array> as unknown as AsyncIterable<Uint8Array> }, dump);
  const got: string[] = [];
  for await (const c of opts.body as AsyncIterable<Uint8Array>) got.push(Buffer.from(c).toString());
  assert.deepEqual(got, ['a', 'bc']);
  assert.equal(out, '=> Send data, 1 bytes (0x1)\n0000: a\n=> Send data, 2 bytes (0x2)\n0000: bc\n');
  // Data summaries of -v are left out: the bytes themselves are dumped.
  out = '';
  dump.tracer({ kind: '<', text: '[3 bytes of data]', bytes: 3, protocol: 'gopher' });
  dump.tracer({ kind: '>', text: 'RETR f', protocol: 'ftp' });
  assert.equal(out, '=> Send header, 8 bytes (0x8)\n0000: RETR f\n');
});
