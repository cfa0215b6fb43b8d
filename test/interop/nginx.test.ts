/**
 * dialtone's socket layer against a real nginx (HTTP and HTTPS with the test
 * CA), with curl as the oracle: what we read over a raw socket must match what
 * curl reads from the same URL, byte for byte where bytes are deterministic.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { Socket } from '../../src/socket/index.js';
import { TLSError } from '../../src/errors.js';
import { makeTestPKI, type TestPKI } from './ca.js';
import { curl, knownBytes, startNginx, type Nginx } from './fixtures.js';

const T = 10_000; // bound on every connect/recv
const HOST = '127.0.0.1';

const INDEX = '<!doctype html>\n<title>dialtone</title>\n<h1>dialtone interop</h1>\n';
const DATA = knownBytes(1024 * 1024);
const TEXT = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join('');

let nginx: Nginx;
let pki: TestPKI;
let www: string;
let httpPort: number;
let httpsPort: number;

before(async () => {
  pki = makeTestPKI();
  www = mkdtempSync(join(tmpdir(), 'dialtone-www-'));
  writeFileSync(join(www, 'index.html'), INDEX);
  writeFileSync(join(www, 'data.bin'), DATA);
  writeFileSync(join(www, 'text.txt'), TEXT);
  mkdirSync(join(www, 'chunked'));
  writeFileSync(join(www, 'chunked', 'text.txt'), TEXT);
  nginx = await startNginx(www, pki);
  ({ httpPort, httpsPort } = nginx);
});

after(async () => {
  await nginx?.stop();
  pki?.cleanup();
  if (www) rmSync(www, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------

/** Reads until the peer closes; bounded so a broken server cannot grow memory. */
async function readAll(s: Socket, cap = 8 * 1024 * 1024): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for (;;) {
    const chunk = await s.recv(65536, { timeout: T });
    if (chunk.length === 0) break;
    parts.push(chunk);
    n += chunk.length;
    if (n > cap) throw new Error(`response larger than ${cap} bytes`);
  }
  return Buffer.concat(parts, n);
}

interface Parsed {
  statusLine: string;
  status: number;
  /** Header lines as sent, in order. */
  headerLines: string[];
  headers: Map<string, string>;
  body: Buffer;
}

/** Splits a whole HTTP/1.x response (head + raw body bytes). */
function parse(raw: Buffer): Parsed {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no end of head in ${JSON.stringify(raw.subarray(0, 200).toString('latin1'))}`);
  const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
  const statusLine = lines[0]!;
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  assert.ok(m, `bad status line ${statusLine}`);
  const headerLines = lines.slice(1);
  const headers = new Map<string, string>();
  for (const l of headerLines) {
    const i = l.indexOf(':');
    headers.set(l.slice(0, i).toLowerCase(), l.slice(i + 1).trim());
  }
  return { statusLine, status: Number(m[1]), headerLines, headers, body: raw.subarray(end + 4) };
}

/** Header lines without Date (which may tick between two fetches). */
const stable = (lines: string[]) => lines.filter((l) => !/^date:/i.test(l));

/** Decodes a chunked body (RFC 9112 §7.1), strictly. */
function dechunk(body: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  for (;;) {
    const eol = body.indexOf('\r\n', pos);
    assert.ok(eol > 0, 'chunk size line not terminated');
    const size = parseInt(body.subarray(pos, eol).toString('latin1').split(';')[0]!, 16);
    assert.ok(Number.isFinite(size), 'bad chunk size');
    pos = eol + 2;
    if (size === 0) break;
    out.push(body.subarray(pos, pos + size));
    pos += size;
    assert.equal(body.subarray(pos, pos + 2).toString('latin1'), '\r\n', 'chunk not followed by CRLF');
    pos += 2;
  }
  return Buffer.concat(out);
}

function request(path: string, extra: string[] = [], version = '1.1'): string {
  return [`GET ${path} HTTP/${version}`, `Host: localhost`, 'User-Agent: dialtone-interop', ...extra, '', ''].join('\r\n');
}

async function fetchRaw(port: number, req: string, tls?: Parameters<typeof Socket.connect>[0]['tls']): Promise<Buffer> {
  const s = await Socket.connect({ host: HOST, port, timeout: T, tls });
  try {
    await s.send(req, { timeout: T });
    return await readAll(s);
  } finally {
    await s.close();
  }
}

/** Reads one response with a Content-Length body off a kept-alive socket. */
async function readOneResponse(s: Socket, pending: { buf: Buffer }): Promise<Parsed> {
  let end: number;
  while ((end = pending.buf.indexOf('\r\n\r\n')) < 0) {
    const chunk = await s.recv(65536, { timeout: T });
    assert.ok(chunk.length > 0, 'server closed before the end of the head');
    pending.buf = Buffer.concat([pending.buf, chunk]);
  }
  const head = parse(Buffer.concat([pending.buf.subarray(0, end + 4)]));
  const len = Number(head.headers.get('content-length'));
  assert.ok(Number.isInteger(len), 'response has no Content-Length');
  let rest = pending.buf.subarray(end + 4);
  while (rest.length < len) {
    const chunk = await s.recv(65536, { timeout: T });
    assert.ok(chunk.length > 0, 'server closed mid-body');
    rest = Buffer.concat([rest, chunk]);
  }
  pending.buf = rest.subarray(len);
  return { ...head, body: rest.subarray(0, len) };
}

async function expectCertError(p: Promise<unknown>, what: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof TLSError, `${what}: expected a TLSError, got ${String(err)}`);
    assert.equal(err.code, 'DIAL_E_TLS_CERT', `${what}: ${err.message}`);
    return true;
  });
}

// ---- tests -------------------------------------------------------------------

describe('nginx over plain TCP', () => {
  test('GET / read until close matches curl: status line, headers (less Date), body', async () => {
    const ours = parse(await fetchRaw(httpPort, request('/', ['Connection: close'])));
    const theirs = parse(curl(['-i', '--raw', '-H', 'Connection: close', `http://${HOST}:${httpPort}/`]));
    assert.equal(ours.statusLine, 'HTTP/1.1 200 OK');
    assert.equal(ours.statusLine, theirs.statusLine);
    assert.deepEqual(stable(ours.headerLines), stable(theirs.headerLines));
    assert.equal(ours.body.toString('utf8'), INDEX);
    assert.deepEqual(ours.body, theirs.body);
  });

  test('1 MiB binary file arrives byte-equal to the file and to curl', async () => {
    const ours = parse(await fetchRaw(httpPort, request('/data.bin', ['Connection: close'])));
    assert.equal(ours.status, 200);
    assert.equal(ours.headers.get('content-length'), String(DATA.length));
    assert.equal(ours.headers.get('content-type'), 'application/octet-stream');
    assert.ok(ours.body.equals(DATA), 'body differs from the file');
    assert.ok(ours.body.equals(curl([`http://${HOST}:${httpPort}/data.bin`])), 'body differs from what curl read');
  });

  test('gzip + chunked: the body is chunked, gunzips to the file, and matches curl --compressed', async () => {
    const ours = parse(await fetchRaw(httpPort, request('/text.txt', ['Accept-Encoding: gzip', 'Connection: close'])));
    assert.equal(ours.status, 200);
    assert.equal(ours.headers.get('transfer-encoding'), 'chunked');
    assert.equal(ours.headers.get('content-encoding'), 'gzip');
    assert.equal(ours.headers.get('content-length'), undefined);
    const text = gunzipSync(dechunk(ours.body)).toString('utf8');
    assert.equal(text, TEXT);
    assert.equal(curl(['--compressed', `http://${HOST}:${httpPort}/text.txt`]).toString('utf8'), text);
  });

  test('chunked without gzip (SSI location) decodes to the file, as curl reads it', async () => {
    const raw = await fetchRaw(httpPort, request('/chunked/text.txt', ['Connection: close']));
    const ours = parse(raw);
    assert.equal(ours.headers.get('transfer-encoding'), 'chunked');
    const theirs = parse(curl(['-i', '--raw', '-H', 'Connection: close', `http://${HOST}:${httpPort}/chunked/text.txt`]));
    assert.equal(theirs.headers.get('transfer-encoding'), 'chunked');
    assert.equal(dechunk(ours.body).toString('utf8'), TEXT);
    assert.deepEqual(dechunk(ours.body), dechunk(theirs.body));
  });

  test('keep-alive: two requests on one socket, both answered, socket stays open', async () => {
    const s = await Socket.connect({ host: HOST, port: httpPort, timeout: T });
    try {
      const pending = { buf: Buffer.alloc(0) };
      await s.send(request('/index.html'));
      const first = await readOneResponse(s, pending);
      assert.equal(first.status, 200);
      assert.equal(first.headers.get('connection'), 'keep-alive');
      assert.equal(first.body.toString('utf8'), INDEX);
      await s.send(request('/data.bin', ['Connection: close']));
      const second = await readOneResponse(s, pending);
      assert.equal(second.status, 200);
      assert.ok(second.body.equals(DATA));
      assert.equal(second.headers.get('connection'), 'close');
      assert.equal((await s.recv(1, { timeout: T })).length, 0, 'server should close after Connection: close');
    } finally {
      await s.close();
    }
  });

  test('half-close: HTTP/1.0 request, shutdown(write), the full response still arrives', async () => {
    const s = await Socket.connect({ host: HOST, port: httpPort, timeout: T });
    try {
      await s.send(request('/data.bin', [], '1.0'));
      await s.shutdown('write');
      const res = parse(await readAll(s));
      assert.equal(res.statusLine, 'HTTP/1.1 200 OK');
      assert.equal(res.headers.get('connection'), 'close');
      assert.ok(res.body.equals(DATA), `body: got ${res.body.length} bytes`);
    } finally {
      await s.close();
    }
  });

  test('Range request: 206 with the right bytes and Content-Range, as curl -r', async () => {
    const ours = parse(await fetchRaw(httpPort, request('/data.bin', ['Range: bytes=1000-1999', 'Connection: close'])));
    assert.equal(ours.status, 206);
    assert.equal(ours.headers.get('content-range'), `bytes 1000-1999/${DATA.length}`);
    assert.equal(ours.headers.get('content-length'), '1000');
    assert.ok(ours.body.equals(DATA.subarray(1000, 2000)));
    assert.ok(ours.body.equals(curl(['-r', '1000-1999', `http://${HOST}:${httpPort}/data.bin`])));
    // A suffix range: the last 10 bytes.
    const tail = parse(await fetchRaw(httpPort, request('/data.bin', ['Range: bytes=-10', 'Connection: close'])));
    assert.equal(tail.status, 206);
    assert.ok(tail.body.equals(DATA.subarray(DATA.length - 10)));
  });

  test('a 404 comes back as a response (the socket layer does not judge status codes)', async () => {
    const ours = parse(await fetchRaw(httpPort, request('/nope', ['Connection: close'])));
    const theirs = parse(curl(['-i', '--raw', '-H', 'Connection: close', `http://${HOST}:${httpPort}/nope`]));
    assert.equal(ours.status, 404);
    assert.equal(ours.statusLine, theirs.statusLine);
    assert.deepEqual(ours.body, theirs.body);
  });
});

describe('nginx over TLS (test CA)', () => {
  test('verified GET: body byte-equal to the file, headers match curl --cacert', async () => {
    const tls = { ca: pki.ca.cert, servername: 'localhost' };
    const ours = parse(await fetchRaw(httpsPort, request('/data.bin', ['Connection: close']), tls));
    assert.equal(ours.status, 200);
    assert.ok(ours.body.equals(DATA), 'body differs from the file');
    const theirs = parse(
      curl(['-i', '--raw', '--cacert', pki.ca.certPath, '-H', 'Connection: close', `https://localhost:${httpsPort}/data.bin`]),
    );
    assert.equal(ours.statusLine, theirs.statusLine);
    assert.deepEqual(stable(ours.headerLines), stable(theirs.headerLines));
    assert.ok(ours.body.equals(theirs.body));
  });

  test('verification by IP: 127.0.0.1 is in the subjectAltName', async () => {
    const s = await Socket.connect({ host: HOST, port: httpsPort, timeout: T, tls: { ca: pki.ca.cert } });
    try {
      assert.equal(s.encrypted, true);
      assert.match(String(s.peerCertificate?.subject?.CN ?? ''), /localhost/);
      await s.send(request('/index.html', ['Connection: close']));
      assert.equal(parse(await readAll(s)).body.toString('utf8'), INDEX);
    } finally {
      await s.close();
    }
  });

  test('a server certificate from an untrusted CA is refused: DIAL_E_TLS_CERT', async () => {
    await expectCertError(
      Socket.connect({ host: HOST, port: httpsPort, timeout: T, tls: { ca: pki.untrustedCA.cert, servername: 'localhost' } }),
      'untrusted CA',
    );
  });

  test('the default (system) trust store refuses the test CA too', async () => {
    await expectCertError(Socket.connect({ host: HOST, port: httpsPort, timeout: T, tls: { servername: 'localhost' } }), 'system store');
  });

  test('a wrong servername is refused: DIAL_E_TLS_CERT', async () => {
    await expectCertError(
      Socket.connect({ host: HOST, port: httpsPort, timeout: T, tls: { ca: pki.ca.cert, servername: 'wrong.example.org' } }),
      'wrong name',
    );
  });

  test('rejectUnauthorized:false connects despite the untrusted CA and the wrong name', async () => {
    const ours = parse(
      await fetchRaw(httpsPort, request('/index.html', ['Connection: close']), {
        ca: pki.untrustedCA.cert,
        servername: 'wrong.example.org',
        rejectUnauthorized: false,
      }),
    );
    assert.equal(ours.status, 200);
    assert.equal(ours.body.toString('utf8'), INDEX);
  });

  test('ALPN: http/1.1 is negotiated', async () => {
    const s = await Socket.connect({
      host: HOST,
      port: httpsPort,
      timeout: T,
      tls: { ca: pki.ca.cert, servername: 'localhost', ALPNProtocols: ['http/1.1'] },
    });
    try {
      assert.equal(s.alpnProtocol, 'http/1.1');
    } finally {
      await s.close();
    }
  });

  test('keep-alive over TLS: two requests on one session', async () => {
    // (No half-close here: a TLS close_notify that nginx never reads makes its
    // close() send RST, which may discard the response's tail. HTTPS servers
    // do not support TLS half-close; plain TCP half-close is tested above.)
    const s = await Socket.connect({ host: HOST, port: httpsPort, timeout: T, tls: { ca: pki.ca.cert, servername: 'localhost' } });
    try {
      const pending = { buf: Buffer.alloc(0) };
      await s.send(request('/index.html'));
      assert.equal((await readOneResponse(s, pending)).body.toString('utf8'), INDEX);
      await s.send(request('/data.bin', ['Connection: close']));
      const second = await readOneResponse(s, pending);
      assert.equal(second.status, 200);
      assert.ok(second.body.equals(DATA));
      assert.equal((await s.recv(1, { timeout: T })).length, 0, 'server should close after Connection: close');
    } finally {
      await s.close();
    }
  });

  test('a plaintext request to the TLS port is answered with 400, not a hang', async () => {
    const res = parse(await fetchRaw(httpsPort, request('/', ['Connection: close'])));
    assert.equal(res.status, 400);
  });
});
