/**
 * Runs the seed's HTTP example programs — httpget2 (line client), httpget3
 * (request() with a status check) and httplib (HTTPConnection) — as a user
 * would: `node examples/x.mjs …` from the repository root, importing the
 * package by its own name. Each talks to an in-process node:http server on
 * loopback whose answers are fixed (no Date header), so the output is
 * checked exactly. Every child is bounded by a timeout and killed at the end.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { runExample } from './helpers/examples.js';

const BIG = Buffer.alloc(300_000, 'x');

/**
 * A loopback server with fixed answers: `/` a small text page, `/crlf` a body
 * with line endings inside, `/big` 300 kB sent chunked, anything else a 404.
 * `Connection: close` and no Date header keep every response byte-for-byte
 * predictable.
 */
async function seedServer(): Promise<{ base: string; port: number; requests: http.IncomingMessage[]; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  const srv = http.createServer((req, res) => {
    requests.push(req);
    res.sendDate = false;
    const path = req.url!.replace(/\?.*$/s, '');
    if (path === '/' || path === '/crlf') {
      const body = path === '/' ? 'hello from the seed server\n' : 'line one\r\nline two\n\r\n';
      res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Demo': 'yes', 'Content-Length': Buffer.byteLength(body), Connection: 'close' });
      res.end(body);
    } else if (path === '/big') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', Connection: 'close' }); // no length: chunked on 1.1
      for (let i = 0; i < BIG.length; i += 50_000) res.write(BIG.subarray(i, i + 50_000));
      res.end();
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain', 'Content-Length': 10, Connection: 'close' });
      res.end('not here\n\n');
    }
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens any more. */
async function closedPort(): Promise<number> {
  const srv = await seedServer();
  await srv.close();
  return srv.port;
}

// ── httpget2: the line client ───────────────────────────────────────────────

test('httpget2 URL: status line and headers line by line, a blank line, then the body', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httpget2.mjs', [`${srv.base}/?q=1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(
      r.stdout,
      'HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Demo: yes\nContent-Length: 27\nConnection: close\n\nhello from the seed server\n',
    );
    assert.equal(srv.requests.length, 1);
    const req = srv.requests[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/?q=1');
    assert.equal(req.httpVersion, '1.0');
    assert.equal(req.headers.host, `127.0.0.1:${srv.port}`);
    assert.equal(req.headers['user-agent'], 'dialtone-httpget2');
  } finally {
    await srv.close();
  }
});

test('httpget2 host port path: the body is bytes to the close, line endings and all', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httpget2.mjs', ['127.0.0.1', String(srv.port), '/crlf']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      r.stdout,
      'HTTP/1.1 200 OK\nContent-Type: text/plain\nX-Demo: yes\nContent-Length: 21\nConnection: close\n\nline one\r\nline two\n\r\n',
    );
    assert.equal(srv.requests[0]?.url, '/crlf');
  } finally {
    await srv.close();
  }
});

test('httpget2 bad arguments: a usage line, exit 2; a path with LF is refused before connecting', async () => {
  const none = await runExample('httpget2.mjs', []);
  assert.equal(none.code, 2);
  assert.equal(none.stderr, 'usage: httpget2.mjs URL | host [port] [path]\n');
  assert.equal(none.stdout, '');
  const ftp = await runExample('httpget2.mjs', ['ftp://127.0.0.1/']);
  assert.equal(ftp.code, 2);
  assert.match(ftp.stderr, /^usage: /);
  const srv = await seedServer();
  try {
    const r = await runExample('httpget2.mjs', ['127.0.0.1', String(srv.port), '/a\r\nX-Injected: 1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^httpget2: bad request path .*\[DIAL_E_INPUT\]\n$/);
    assert.equal(r.stdout, '');
    assert.equal(srv.requests.length, 0);
  } finally {
    await srv.close();
  }
});

test('httpget2 to a closed port exits 1 with DIAL_E_CONNECT', async () => {
  const port = await closedPort();
  const r = await runExample('httpget2.mjs', [`http://127.0.0.1:${port}/`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^httpget2: .*\[DIAL_E_CONNECT ECONNREFUSED\]\n$/);
  assert.equal(r.stdout, '');
});

// ── httpget3: request() with a status check ─────────────────────────────────

test('httpget3 2xx: exactly the body on stdout, nothing else', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httpget3.mjs', [`${srv.base}/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, 'hello from the seed server\n');
    const req = srv.requests[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.httpVersion, '1.1');
  } finally {
    await srv.close();
  }
});

test('httpget3 streams a chunked 300 kB body whole', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httpget3.mjs', [`${srv.base}/big`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.length, BIG.length);
    assert.equal(r.stdout, BIG.toString());
  } finally {
    await srv.close();
  }
});

test('httpget3 non-2xx: the status on stderr, exit 1, no body on stdout', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httpget3.mjs', [`${srv.base}/missing`]);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `httpget3: 404 Not Found from ${srv.base}/missing\n`);
    assert.equal(r.stdout, '');
  } finally {
    await srv.close();
  }
});

test('httpget3 bad arguments: a usage line, exit 2; a malformed URL is DIAL_E_INPUT', async () => {
  const none = await runExample('httpget3.mjs', []);
  assert.equal(none.code, 2);
  assert.equal(none.stderr, 'usage: httpget3.mjs URL\n');
  assert.equal(none.stdout, '');
  const bad = await runExample('httpget3.mjs', ['http://[bad']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /^httpget3: .*\[DIAL_E_INPUT\b/);
  assert.equal(bad.stdout, '');
});

test('httpget3 to a closed port exits 1 with DIAL_E_CONNECT', async () => {
  const port = await closedPort();
  const r = await runExample('httpget3.mjs', [`http://127.0.0.1:${port}/`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^httpget3: .*\[DIAL_E_CONNECT ECONNREFUSED\]\n$/);
  assert.equal(r.stdout, '');
});

// ── httplib: HTTPConnection, putRequest … getResponse ───────────────────────

test('httplib: status and reason, the headers as sent, a blank line, the body', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httplib.mjs', [`${srv.base}/?q=1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, '200 OK\nContent-Type: text/plain\nX-Demo: yes\nContent-Length: 27\nConnection: close\n\nhello from the seed server\n');
    const req = srv.requests[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/?q=1');
    assert.equal(req.httpVersion, '1.1');
    assert.equal(req.headers.host, `127.0.0.1:${srv.port}`);
    assert.equal(req.headers['user-agent'], 'dialtone-httplib');
  } finally {
    await srv.close();
  }
});

test('httplib prints a 404 like any response (no status check at this layer)', async () => {
  const srv = await seedServer();
  try {
    const r = await runExample('httplib.mjs', [`${srv.base}/missing`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '404 Not Found\nContent-Type: text/plain\nContent-Length: 10\nConnection: close\n\nnot here\n\n');
  } finally {
    await srv.close();
  }
});

test('httplib bad arguments: a usage line, exit 2', async () => {
  for (const args of [[], ['not a url'], ['ftp://127.0.0.1/']]) {
    const r = await runExample('httplib.mjs', args);
    assert.equal(r.code, 2, JSON.stringify(args));
    assert.equal(r.stderr, 'usage: httplib.mjs http[s]://host[:port]/path\n');
    assert.equal(r.stdout, '');
  }
});

test('httplib to a closed port exits 1 with DIAL_E_CONNECT', async () => {
  const port = await closedPort();
  const r = await runExample('httplib.mjs', [`http://127.0.0.1:${port}/`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^httplib: .*\[DIAL_E_CONNECT ECONNREFUSED\]\n$/);
  assert.equal(r.stdout, '');
});
