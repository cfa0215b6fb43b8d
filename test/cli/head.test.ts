import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { formatHead, headerPairs, statusLine } from '../../src/cli/head.js';
import * as net from 'node:net';
import { CURL, curl, dial } from './helpers.js';

const httpRes = {
  status: 200, statusText: 'OK', protocol: 'http/1.1', headers: new UrlHeaders({ 'content-type': 'text/plain' }),
  raw: { httpVersion: '1.0', status: 200, statusText: 'Fine', headers: { raw: ['Content-Type', 'text/plain', 'X-Dup', 'a', 'X-Dup', 'b'] } },
};

test('HTTP heads come from the raw response, byte for byte and in order', () => {
  assert.equal(statusLine(httpRes), 'HTTP/1.0 200 Fine');
  assert.equal(formatHead(httpRes), 'HTTP/1.0 200 Fine\r\nContent-Type: text/plain\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n');
});

test('raw headers given as pairs work too', () => {
  assert.deepEqual(headerPairs({ ...httpRes, raw: { httpVersion: '1.1', headers: [['A', '1']] } }), [['A', '1']]);
});

test('without raw, http falls back to protocol and UrlHeaders', () => {
  assert.equal(formatHead({ ...httpRes, raw: undefined }), 'HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\n');
});

test('non-HTTP responses print only their synthesized headers, named as curl names them', () => {
  // `curl -sI ftp://h/f | grep ^Content-Length` is how scripts read a size: a lower-case name missed it.
  const res = { status: 200, statusText: '', protocol: 'ftp', headers: new UrlHeaders({ 'content-length': '6', 'last-modified': 'Tue, 03 Jun 2008 11:05:30 GMT', 'content-type': 'text/plain' }), raw: undefined };
  assert.equal(formatHead(res), 'Content-Length: 6\r\nContent-Type: text/plain\r\nLast-Modified: Tue, 03 Jun 2008 11:05:30 GMT\r\n\r\n');
  assert.equal(formatHead({ ...res, protocol: 'file', headers: new UrlHeaders({ 'x-odd-name': '1' }) }), 'X-Odd-Name: 1\r\n\r\n');
});

test('an HTTP head read off the wire prints as received: line ends, folds, spaces and an empty reason kept', () => {
  const rawHead = 'HTTP/1.1 200 \nX:a \r\n  b\t\nY:\r\n\r\n';
  assert.equal(formatHead({ ...httpRes, raw: { ...httpRes.raw, rawHead } }), rawHead);
});

/** A loopback server that answers each connection's first bytes with `wire` and closes. */
async function answerOnce(wire: string): Promise<net.Server> {
  const srv = net.createServer((s) => {
    s.on('error', () => {});
    s.once('data', () => s.end(wire));
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return srv;
}

test('dial -i prints the heads as curl -i does, byte for byte: a 1xx of its own version, bare LFs, a fold, trailing spaces', async () => {
  const wire = 'HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.0 200 \nX:a \r\n  b\t\nContent-Length: 3\n\nok\n';
  const srv = await answerOnce(wire);
  try {
    const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/`;
    const d = await dial(['-s', '-i', url]);
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.out, wire);
    if (CURL) assert.equal((await curl(['-s', '-i', url])).out, wire);
  } finally {
    await new Promise((r) => srv.close(r));
  }
});

test('dial -i and -D show a chunked body\'s trailers after it as curl does: each line as received, ending CRLF', async () => {
  const wire = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Sum:y  \nX-Fold: a\r\n  b\r\n\r\n';
  const shown = 'X-Sum:y  \r\nX-Fold: a\r\n  b\r\n';
  const head = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n';
  const srv = await answerOnce(wire);
  try {
    const url = `http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/`;
    const runs = [
      { args: ['-s', '-i', url], out: `${head}abc${shown}` },
      { args: ['-s', '-D', '-', '-o', '/dev/null', url], out: head + shown },
      // %{size_header} counts the head only, as curl's.
      { args: ['-s', '-w', '%{size_header}', '-o', '/dev/null', url], out: String(head.length) },
    ];
    for (const r of runs) {
      const d = await dial(r.args);
      assert.deepEqual([d.code, d.out], [0, r.out], r.args.join(' '));
      if (CURL) assert.equal((await curl(r.args)).out, r.out, `curl ${r.args.join(' ')}`);
    }
  } finally {
    await new Promise((r) => srv.close(r));
  }
});
