/**
 * Runs every program in examples/ as a user would — `node examples/x.mjs …`
 * from the repository root, importing the package by its own name — against
 * loopback servers, and checks what it prints. Every child is bounded by a
 * timeout and killed at the end, pass or fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CHILD_TIMEOUT, runExample, spawnExample, type Exit } from './helpers/examples.js';

interface RunningServer {
  child: ChildProcess;
  /** What followed `listening on ` in the first line. */
  address: string;
  port: number;
  stderr(): string;
  /** Sends `signal` and resolves with the exit, failing the test if it takes too long. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/** Starts a server example and waits (bounded) for its `listening on …` first line. */
function startServer(script: string, args: string[] = []): Promise<RunningServer> {
  const child = spawnExample(script, args);
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${script}: ${why}; stdout=${JSON.stringify(stdout)} stderr=${JSON.stringify(stderr)}`));
    };
    const timer = setTimeout(() => fail(`no "listening on" line within ${CHILD_TIMEOUT} ms`), CHILD_TIMEOUT);
    void closed.then(({ code }) => fail(`exited (status ${code}) before listening`));
    child.stdout!.setEncoding('utf8').on('data', function onData(s: string) {
      stdout += s;
      const nl = stdout.indexOf('\n');
      if (nl < 0) return;
      child.stdout!.off('data', onData);
      child.stdout!.resume(); // keep draining so the child never blocks on a full pipe
      clearTimeout(timer);
      const m = /^listening on (.+)$/.exec(stdout.slice(0, nl));
      if (!m) return fail(`first line is not "listening on <address>"`);
      const address = m[1]!;
      const port = Number(address.slice(address.lastIndexOf(':') + 1));
      resolve({
        child,
        address,
        port,
        stderr: () => stderr,
        stop: (signal = 'SIGTERM') =>
          new Promise<Exit>((res, rej) => {
            const t = setTimeout(() => {
              child.kill('SIGKILL');
              rej(new Error(`${script} did not exit within 5000 ms of ${signal}; stderr=${JSON.stringify(stderr)}`));
            }, 5000);
            void closed.then(({ code, signal: sig }) => {
              clearTimeout(t);
              res({ code, signal: sig, stdout, stderr });
            });
            child.kill(signal);
          }),
      });
    });
  });
}

/** An in-process HTTP server that records each request and answers with `body`. */
async function httpServer(body: string | Buffer): Promise<{ port: number; requests: http.IncomingMessage[]; close(): Promise<void> }> {
  const requests: http.IncomingMessage[] = [];
  const srv = http.createServer((req, res) => {
    requests.push(req);
    res.writeHead(200, { 'Content-Type': 'text/plain' });
    res.end(body);
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    port: (srv.address() as AddressInfo).port,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        srv.closeAllConnections();
        srv.close(() => resolve());
      }),
  };
}

test('httpget1 URL: a raw HTTP/1.0 GET prints the whole response', async () => {
  const srv = await httpServer('hello from the test server\n');
  try {
    const r = await runExample('httpget1.mjs', [`http://127.0.0.1:${srv.port}/some/path?q=1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^HTTP\/1\.1 200 OK\r\n/);
    assert.match(r.stdout, /\r\nContent-Type: text\/plain\r\n/i);
    assert.ok(r.stdout.endsWith('\r\n\r\nhello from the test server\n'), r.stdout);
    assert.equal(srv.requests.length, 1);
    const req = srv.requests[0]!;
    assert.equal(req.method, 'GET');
    assert.equal(req.url, '/some/path?q=1');
    assert.equal(req.httpVersion, '1.0');
    assert.equal(req.headers.host, `127.0.0.1:${srv.port}`);
  } finally {
    await srv.close();
  }
});

test('httpget1 host port path: reads until end of stream, however many chunks', async () => {
  const big = Buffer.alloc(300_000, 'x');
  const srv = await httpServer(big);
  try {
    const r = await runExample('httpget1.mjs', ['127.0.0.1', String(srv.port), '/big']);
    assert.equal(r.code, 0, r.stderr);
    const body = r.stdout.slice(r.stdout.indexOf('\r\n\r\n') + 4);
    assert.equal(body.length, big.length);
    assert.equal(body, big.toString());
    assert.equal(srv.requests[0]?.url, '/big');
  } finally {
    await srv.close();
  }
});

test('httpget1 refuses a path with CR/LF and sends nothing', async () => {
  const srv = await httpServer('never');
  try {
    const r = await runExample('httpget1.mjs', ['127.0.0.1', String(srv.port), '/a\r\nX-Injected: 1']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /bad request path/);
    assert.equal(r.stdout, '');
    assert.equal(srv.requests.length, 0);
  } finally {
    await srv.close();
  }
});

test('httpget1 to a closed port exits 1 with DIAL_E_CONNECT', async () => {
  const srv = await httpServer('');
  const port = srv.port;
  await srv.close(); // now nothing listens there
  const r = await runExample('httpget1.mjs', [`http://127.0.0.1:${port}/`]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /DIAL_E_CONNECT/);
  assert.equal(r.stdout, '');
});

test('tcp echo server and client, two clients at once; SIGTERM stops the server cleanly', async () => {
  const server = await startServer('tcp-echo-server.mjs');
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  const [a, b] = await Promise.all([
    runExample('tcp-echo-client.mjs', [String(server.port), 'hello', 'world']),
    runExample('tcp-echo-client.mjs', [String(server.port), 'second client']),
  ]);
  assert.equal(a.code, 0, a.stderr);
  assert.equal(a.stdout, 'hello world\n');
  assert.equal(b.code, 0, b.stderr);
  assert.equal(b.stdout, 'second client\n');
  const exit = await server.stop('SIGTERM');
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(exit.stderr, '');
});

test('udp echo server and connected client; SIGINT stops the server cleanly', async () => {
  const server = await startServer('udp-echo-server.mjs');
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  const r = await runExample('udp-echo-client.mjs', [String(server.port), 'ping', 'over', 'udp']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ping over udp\n');
  const exit = await server.stop('SIGINT');
  assert.equal(exit.code, 0, exit.stderr);
  assert.equal(exit.stderr, '');
});

test('udp echo client to a port with no server reports DIAL_E_CONNECT (ICMP unreachable), not a hang', async () => {
  const server = await startServer('udp-echo-server.mjs');
  const port = server.port;
  assert.equal((await server.stop()).code, 0);
  const r = await runExample('udp-echo-client.mjs', [String(port), 'anyone?']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /DIAL_E_CONNECT ECONNREFUSED/);
  assert.equal(r.stdout, '');
});

test('unix echo server and client; SIGTERM stops the server and removes the socket file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dialtone-examples-'));
  try {
    const path = join(dir, 'echo.sock');
    const server = await startServer('unix-echo-server.mjs', [path]);
    assert.equal(server.address, path);
    const r = await runExample('unix-echo-client.mjs', [path, 'over', 'a', 'unix', 'socket']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'over a unix socket\n');
    const exit = await server.stop('SIGTERM');
    assert.equal(exit.code, 0, exit.stderr);
    assert.equal(existsSync(path), false, 'the socket file is removed on exit');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
