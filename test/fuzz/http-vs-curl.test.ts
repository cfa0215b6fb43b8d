// Differential test of how HTTP/1.x responses are read, with curl 7.88 as the oracle. fast-check
// makes valid but unusual responses (http-vs-curl-gen.ts: interim heads, odd fields, every framing,
// stacked content codings, bytes arriving in pieces); a raw TCP server on loopback serves each, and
// the library's request(), curl and (for a smaller set) dial fetch it. Status, body bytes, fields
// and success must agree with curl and with the case's own model. Where curl 7.88 and the RFC part
// ways the RFC wins: those cases are named below, each saying why, rather than left out in silence.
// Budget: 150 library cases (a curl run each) and 36 dial ones (a node start-up each, up to ~1 s on a
// loaded 2-core box), fixed seeds, so the file ends within about a minute.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { CURL } from '../cli/helpers.js';
import { caseArb, type WireCase } from './http-vs-curl-gen.js';
import { bothIncluded, readFields, startCaseServer, viaCurl, viaLibrary, type CaseServer } from './http-vs-curl-run.js';

let server: CaseServer;
before(async () => {
  assert.ok(CURL, 'curl is the oracle of this test: install it (scripts/install-servers.sh does)');
  server = await startCaseServer();
});
after(() => server?.close());

const show = (c: WireCase) => `${c.label}\n${JSON.stringify(c.wire.toString('latin1').slice(0, 600))}`;

test('library vs curl: generated responses give the same status, fields, body and success', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb(), async (c) => {
      const url = server.add(c);
      const lib = await viaLibrary(url, server.base, c);
      const k = await viaCurl(url, c);
      assert.equal(lib.error, undefined, `library failed: ${show(c)}`);
      assert.equal(k.code, 0, `curl failed: ${show(c)}`);
      assert.equal(lib.status, c.status, show(c));
      assert.equal(k.status, c.status, show(c));
      assert.ok(lib.body!.equals(c.body), `library body: ${show(c)}`);
      assert.ok(k.body.equals(c.body), `curl body: ${show(c)}`);
      assert.deepEqual(lib.fields, c.fields, `library fields: ${show(c)}`);
      assert.deepEqual(readFields(k.heads.at(-1) ?? ''), c.fields, `curl fields: ${show(c)}`);
      if (!c.close) assert.equal(lib.sentinel, 'sentinel', `the next response on the connection: ${show(c)}`);
    }),
    { numRuns: 150, seed: 20261126, endOnFailure: true },
  );
});

/**
 * -w variables that read the head and the body's end (curl's names and formats). Not %{num_headers}:
 * curl 7.88 restarts its count at a chunked body's trailers (see the named examples below).
 */
const WRITE_OUT = '\n%{http_code} %{size_header} %{size_download} %{http_version} [%{content_type}] %{exitcode}';

test('dial -i vs curl -i: the same stdout bytes (heads as received, body, trailers, -w) and exit code', async () => {
  await fc.assert(
    fc.asyncProperty(caseArb(), fc.constantFrom([], [], ['-f'], ['--fail-with-body']), async (c, flags) => {
      const url = server.add(c);
      const { dial, curl } = await bothIncluded(url, c, [...flags, '-w', WRITE_OUT]);
      assert.equal(dial.code, curl.code, `exit code: ${show(c)}\n${dial.stderr}`);
      assert.equal(dial.out, curl.out, show(c));
    }),
    { numRuns: 36, seed: 20261127, endOnFailure: true },
  );
});

/** A case for a named example: one response, its bytes whole, closed after. */
function named(wire: string | Buffer, over: Partial<WireCase> = {}): WireCase {
  const w = typeof wire === 'string' ? Buffer.from(wire, 'latin1') : wire;
  return { wire: w, cuts: [], delays: [], close: true, method: 'GET', compressed: false, status: 200, body: Buffer.alloc(0), fields: [], trailers: [], label: 'named', ...over };
}

test('where curl 7.88 reads a response otherwise than the RFC, the library follows the RFC', async (t) => {
  const gz = gzipSync('member\n');
  const examples: Array<{ name: string; c: WireCase; lib: { error?: string; body?: string }; curl: { code: number; body?: string } }> = [
    {
      // RFC 1952 §2.2: a gzip file is a series of members; curl 7.88 stops after the first and fails (23).
      name: 'a gzip body of two members is decoded whole',
      c: named(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gz.length * 2}\r\n\r\n`), gz, gz]), { compressed: true }),
      lib: { body: 'member\nmember\n' },
      curl: { code: 23, body: 'member\n' },
    },
    {
      // RFC 9112 §6.3: Content-Length is 1*DIGIT; anything else is faulty framing, which a client must not guess at.
      name: 'a signed Content-Length is an error, not a length',
      c: named('HTTP/1.1 200 OK\r\nContent-Length: +3\r\n\r\nabc'),
      lib: { error: 'DIAL_E_PROTOCOL' },
      curl: { code: 0, body: 'abc' },
    },
    {
      // RFC 9112 §6.3 (5): differing Content-Length values are unrecoverable; curl 7.88 takes the last.
      name: 'two different Content-Length fields are an error',
      c: named('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd'),
      lib: { error: 'DIAL_E_PROTOCOL' },
      curl: { code: 0, body: 'abcd' },
    },
    {
      // RFC 9112 §2.3: a higher minor version is read as the highest one known; curl 7.88 refuses it (exit 1).
      name: 'HTTP/1.2 is read as HTTP/1.1',
      c: named('HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      lib: { body: 'ok' },
      curl: { code: 1 },
    },
    {
      // RFC 9112 §2.2 asks a recipient to be robust to an empty line before a start line; curl 7.88 refuses (exit 1).
      name: 'a CRLF before the status line is skipped',
      c: named('\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
      lib: { body: 'ok' },
      curl: { code: 1 },
    },
    {
      // RFC 9112 §5.1: no whitespace between field name and colon — it has enabled response splitting
      // between readers that disagree, so the head is refused rather than guessed at; curl 7.88 accepts it.
      name: 'whitespace before a field colon is an error',
      c: named('HTTP/1.1 200 OK\r\nX-Test : y\r\nContent-Length: 2\r\n\r\nok'),
      lib: { error: 'DIAL_E_PROTOCOL' },
      curl: { code: 0, body: 'ok' },
    },
    {
      // RFC 9112 §2.3/§4: an HTTP/1.1 connection's status line is HTTP/1.x; curl 7.88 takes "HTTP/2 200" there.
      name: 'an HTTP/2 status line on an HTTP/1.1 connection is an error',
      c: named('HTTP/2 200\r\nContent-Length: 2\r\n\r\nok'),
      lib: { error: 'DIAL_E_PROTOCOL' },
      curl: { code: 0, body: 'ok' },
    },
  ];
  for (const e of examples) {
    await t.test(e.name, async () => {
      const url = server.add(e.c);
      const lib = await viaLibrary(url, server.base, e.c);
      const k = await viaCurl(url, e.c);
      assert.equal(lib.error, e.lib.error);
      if (e.lib.body !== undefined) assert.equal(lib.body!.toString('latin1'), e.lib.body);
      assert.equal(k.code, e.curl.code, 'curl 7.88 behaves as noted');
      if (e.curl.body !== undefined) assert.equal(k.body.toString('latin1'), e.curl.body);
    });
  }
});

test('where curl 7.88 writes -w otherwise, dial follows the RFC or curl\'s own documentation', async (t) => {
  const examples: Array<{ name: string; wire: string; w: string; dial: string; curl: string }> = [
    {
      // curl documents num_headers as the response's headers; 7.88 counts only the trailers once some came (here 1).
      name: '%{num_headers} counts the head\'s fields, trailers or not',
      wire: 'HTTP/1.1 200 OK\r\nA: 1\r\nB: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nT: 1\r\n\r\n',
      w: '%{num_headers}',
      dial: '3',
      curl: '1',
    },
    {
      // RFC 9112 §5.2: obs-fold is replaced by SP before the value is read; curl 7.88 stops at the first line.
      name: '%{content_type} of a folded Content-Type is the whole value',
      wire: 'HTTP/1.1 200 OK\r\nContent-Type: text/plain;\r\n charset=utf-8\r\nContent-Length: 2\r\n\r\nok',
      w: '%{content_type}',
      dial: 'text/plain; charset=utf-8',
      curl: 'text/plain;',
    },
  ];
  for (const e of examples) {
    await t.test(e.name, async () => {
      const c = named(e.wire);
      const url = server.add(c);
      const { dial, curl } = await bothIncluded(url, c, ['-o', '/dev/null', '-w', e.w]);
      assert.deepEqual([dial.code, dial.out], [0, e.dial]);
      assert.deepEqual([curl.code, curl.out], [0, e.curl], 'curl 7.88 behaves as noted');
    });
  }
});
