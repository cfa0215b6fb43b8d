import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseCliArgs } from '../../src/cli/args.js';
import { Lookahead, PIPELINE_DEPTH, httpOrigin, lookaheadSafe, pipelineSafe } from '../../src/cli/pipeline.js';
import { openOptionsBuilder } from '../../src/cli/request.js';
import { Meter } from '../../src/cli/meter.js';
import type { TransferEnv, TransferJob } from '../../src/cli/transfer.js';
import { UrlResponse } from '../../src/urlopen/response.js';
import { UrlHeaders } from '../../src/urlopen/headers.js';
import { curl, dial, startServer, tempDir, type TestServer } from './helpers.js';

let srv: TestServer;
before(async () => {
  srv = await startServer();
});
after(() => srv.close());

const NO_PROXY_ENV = {};

test('pipelineSafe: GET/HEAD without body, resume, upload, socket or proxy', () => {
  const safe = (args: string[], env: NodeJS.ProcessEnv = NO_PROXY_ENV) => pipelineSafe(parseCliArgs([...args, 'http://h/']), env);
  assert.equal(safe([]), true);
  assert.equal(safe(['-I']), true);
  assert.equal(safe(['-X', 'GET']), true);
  assert.equal(safe(['-G', '-d', 'a=1']), true);
  assert.equal(safe(['-x', '']), true);
  assert.equal(safe(['-X', 'DELETE']), false);
  assert.equal(safe(['-d', 'a=1']), false);
  assert.equal(safe(['-F', 'a=1']), false);
  assert.equal(safe(['-T', 'file']), false);
  assert.equal(safe(['-C', '-']), false);
  assert.equal(safe(['--unix-socket', '/tmp/s']), false);
  // An HTTP/1.0 request ends its connection: nothing may be sent behind it.
  assert.equal(safe(['-0']), false);
  assert.equal(safe(['--http1.1']), true);
  assert.equal(safe(['-x', 'http://proxy:3128']), false);
  assert.equal(safe([], { http_proxy: 'http://proxy:3128' }), false);
  assert.equal(safe(['-x', ''], { ALL_PROXY: 'socks5://p' }), true);
});

test('lookaheadSafe: also nothing timed or traced per transfer', () => {
  const safe = (args: string[]) => lookaheadSafe(parseCliArgs([...args, 'http://h/']), NO_PROXY_ENV);
  assert.equal(safe(['-sS', '--fail']), true);
  assert.equal(safe(['-o', 'x', '-D', 'h']), true);
  assert.equal(safe(['-w', '%{http_code}']), false);
  assert.equal(safe(['-v']), false);
  assert.equal(safe(['--trace-json', 't']), false);
  assert.equal(safe(['-m', '5']), false);
  // A second request of the transfer's own would queue behind the ones sent ahead.
  assert.equal(safe(['-L']), false);
  assert.equal(safe(['--retry', '2']), false);
  assert.equal(safe(['-u', 'a:b']), false);
});

test('httpOrigin: scheme and authority of an http(s) URL, lowercased; undefined for other schemes', () => {
  assert.equal(httpOrigin('http://h:8080/a?b#c'), 'http://h:8080');
  assert.equal(httpOrigin('HTTPS://User@Host?x'), 'https://user@host');
  assert.equal(httpOrigin('http://[::1]:81#f'), 'http://[::1]:81');
  assert.equal(httpOrigin('http://h\\path'), 'http://h');
  assert.equal(httpOrigin('ftp://h/x'), undefined);
  assert.equal(httpOrigin('data:,x'), undefined);
});

/** An env whose urlopen records the URLs it was asked for and answers with a cancellable empty response. */
function fakeEnv(args: string[]): { env: TransferEnv; sent: string[]; cancelled: string[] } {
  const o = parseCliArgs(args);
  const shared = { data: undefined, tls: undefined, userAgent: 'dial/test' };
  const sent: string[] = [];
  const cancelled: string[] = [];
  const env: TransferEnv = {
    opts: o,
    shared,
    urlopen: async (url) => {
      sent.push(url);
      return new UrlResponse({ url, status: 200, statusText: 'OK', protocol: 'http/1.1', headers: new UrlHeaders(), body: (async function* () {})(), cancel: () => void cancelled.push(url), redirects: [] });
    },
    stdout: process.stdout,
    stdoutIsTTY: false,
    warn: () => undefined,
    meter: new Meter(process.stderr, { enabled: false }),
    signal: new AbortController().signal,
    openOptions: openOptionsBuilder(o, shared),
  };
  return { env, sent, cancelled };
}

const jobsOf = (urls: string[]): TransferJob[] => urls.map((url) => ({ url, output: undefined, label: url }));

test('Lookahead sends in order, at most a pipeline deep, and refills in bursts', () => {
  const urls = Array.from({ length: 40 }, (_, i) => `http://h/${i}`);
  const { env, sent } = fakeEnv(urls);
  const la = new Lookahead(jobsOf(urls), env);
  assert.equal(la.take(0)?.url, 'http://h/0');
  assert.deepEqual(sent, urls.slice(0, PIPELINE_DEPTH));
  // Less than half the window used: nothing more is sent.
  for (let i = 1; i < PIPELINE_DEPTH / 2; i++) assert.equal(la.take(i)?.url, urls[i]);
  assert.equal(sent.length, PIPELINE_DEPTH);
  assert.equal(la.take(PIPELINE_DEPTH / 2)?.url, urls[PIPELINE_DEPTH / 2]);
  assert.deepEqual(sent, urls.slice(0, PIPELINE_DEPTH / 2 + PIPELINE_DEPTH));
  for (let i = PIPELINE_DEPTH / 2 + 1; i < urls.length; i++) assert.equal(la.take(i)?.url, urls[i]);
  assert.deepEqual(sent, urls, 'every URL once, in order');
});

test('Lookahead stops at another origin, another scheme or a bad URL; those send their own', () => {
  const urls = ['http://a/1', 'http://a/2', 'http://b/1', 'ftp://a/x', 'http://a/3', 'http://[bad/', 'http://a/4'];
  const { env, sent } = fakeEnv(urls);
  const la = new Lookahead(jobsOf(urls), env);
  assert.equal(la.take(0)?.url, 'http://a/1');
  assert.deepEqual(sent, ['http://a/1', 'http://a/2']);
  assert.equal(la.take(1)?.url, 'http://a/2');
  assert.equal(la.take(2)?.url, 'http://b/1');
  assert.equal(la.take(3), undefined, 'ftp is not sent ahead');
  assert.equal(la.take(4)?.url, 'http://a/3');
  assert.equal(la.take(5), undefined, 'a bad URL is reported by its transfer');
  assert.equal(la.take(6)?.url, 'http://a/4');
  assert.deepEqual(sent, ['http://a/1', 'http://a/2', 'http://b/1', 'http://a/3', 'http://a/4']);
});

test('Lookahead: a URL with credentials is not sent ahead (a Digest challenge would make it ask again)', () => {
  const urls = ['http://h/1', 'http://u:p@h/2', 'http://h/3'];
  const { env, sent } = fakeEnv(urls);
  const la = new Lookahead(jobsOf(urls), env);
  assert.equal(la.take(0)?.url, 'http://h/1');
  assert.equal(la.take(1), undefined);
  assert.equal(la.take(2)?.url, 'http://h/3');
  assert.deepEqual(sent, ['http://h/1', 'http://h/3']);
});

test('Lookahead.close releases the responses nobody took', async () => {
  const urls = Array.from({ length: 5 }, (_, i) => `http://h/${i}`);
  const { env, cancelled } = fakeEnv(urls);
  const la = new Lookahead(jobsOf(urls), env);
  la.take(0);
  la.close();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(cancelled.sort(), urls.slice(1));
});

/** A server that records how many requests arrived on each connection and how many were pipelined (several in one read). */
async function countingServer(): Promise<{ url: (p: string) => string; perConnection: number[]; close: () => Promise<void> }> {
  const perConnection: number[] = [];
  const server = http.createServer((req, res) => {
    const n = (req.socket as net.Socket & { idx?: number }).idx!;
    perConnection[n]!++;
    const text = `${req.url}\n`;
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': text.length });
    res.end(text);
  });
  server.on('connection', (s: net.Socket & { idx?: number }) => {
    s.idx = perConnection.length;
    perConnection.push(0);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    url: (p) => `http://127.0.0.1:${port}${p}`,
    perConnection,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

test('dial: 100 URLs to one origin go on one connection, output in order, same as curl', async () => {
  const s = await countingServer();
  try {
    // Without a scheme too (normalizeUrl makes it http://).
    const urls = Array.from({ length: 100 }, (_, i) => (i % 2 ? s.url(`/f/${i}`) : s.url(`/f/${i}`).slice('http://'.length)));
    const a = await dial(['-sS', '--fail', ...urls]);
    assert.equal(s.perConnection.length, 1, 'one connection');
    const b = await curl(['-sS', '--fail', ...urls]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(a.out, b.out);
    assert.equal(a.out, urls.map((u) => `${new URL(u.startsWith('http') ? u : `http://${u}`).pathname}\n`).join(''));
  } finally {
    await s.close();
  }
});

test('dial: errors and exit codes in a pipelined run are those of curl, in order', async () => {
  const refused = await new Promise<number>((resolve) => {
    const t = net.createServer();
    t.listen(0, '127.0.0.1', () => {
      const p = (t.address() as AddressInfo).port;
      t.close(() => resolve(p));
    });
  });
  const urls = [
    srv.url('/hello'),
    srv.url('/status/404'),
    srv.url('/hello'),
    `http://127.0.0.1:${refused}/x`,
    srv.url('/status/500'),
    srv.url('/hello'),
    srv.url('/redirect/2'),
    srv.url('/hello'),
  ];
  for (const flags of [['-sS'], ['-sS', '--fail'], ['-sS', '-L', '-i'], ['-sS', '-I']]) {
    const [a, b] = await Promise.all([dial([...flags, ...urls]), curl([...flags, ...urls])]);
    // As curl: the last URL's result is the exit code.
    assert.equal(a.code, b.code, `${flags.join(' ')}: ${a.stderr}`);
    assert.equal(a.out, b.out, flags.join(' '));
    const errs = (t: string) => t.split('\n').filter(Boolean).map((l) => /\((\d+)\)/.exec(l)?.[1]);
    assert.deepEqual(errs(a.stderr), errs(b.stderr), `${flags.join(' ')}\n${a.stderr}\n--- curl\n${b.stderr}`);
  }
});

test('dial: a failed output file does not hold up the requests pipelined behind it', async () => {
  const dir = tempDir();
  const args = [srv.url('/hello'), '-o', join(dir, 'a'), srv.url('/hello'), '-o', join(dir, 'no/such/dir/b'), srv.url('/status/201'), '-o', join(dir, 'c')];
  const [a, b] = await Promise.all([dial(['-sS', ...args], { timeout: 10_000 }), curl(['-sS', ...args.map((x) => x.replace(dir, tempDir()))])]);
  // As curl: the last transfer succeeded, so the run exits 0; the write failure is still reported.
  assert.equal(b.code, 0, b.stderr);
  assert.equal(a.code, 0, a.stderr);
  assert.match(a.stderr, /^dial: \(23\) /m);
  assert.equal(a.stderr.split('\n').filter(Boolean).length, 1, a.stderr);
  assert.equal(readFileSync(join(dir, 'a'), 'utf8'), 'hello world\n');
  assert.equal(readFileSync(join(dir, 'c'), 'utf8'), 'status 201\n');
});

for (const [size, every] of [
  [10, 7],
  [200_000, 3],
] as Array<[number, number]>) {
  test(`dial: a server that closes after every ${every} answers loses none of the pipelined requests (bodies of ${size} bytes)`, async () => {
    // Closes the connection (without a Connection: close) after every few answers; big bodies are not read
    // before their turn, so a request sent again must not queue behind them.
    let served = 0;
    let connections = 0;
    let mostInOneRead = 0;
    const bodyOf = (path: string) => `${path}:${'x'.repeat(size)}\n`;
    const server = net.createServer((sock) => {
      connections++;
      let buf = '';
      let answered = 0;
      sock.on('data', (d: Buffer) => {
        // Requests that arrive together were sent without waiting for the answers before them.
        mostInOneRead = Math.max(mostInOneRead, d.toString('latin1').split('\r\n\r\n').length - 1);
        buf += d.toString('latin1');
        for (let end = buf.indexOf('\r\n\r\n'); end !== -1 && !sock.destroyed && answered < every; end = buf.indexOf('\r\n\r\n')) {
          const path = /^GET (\S+)/.exec(buf)?.[1] ?? '?';
          buf = buf.slice(end + 4);
          const text = bodyOf(path);
          sock.write(`HTTP/1.1 200 OK\r\nContent-Length: ${text.length}\r\n\r\n${text}`);
          served++;
          if (++answered === every) sock.end();
        }
      });
      sock.on('error', () => undefined);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as AddressInfo).port;
    try {
      const urls = Array.from({ length: 40 }, (_, i) => `http://127.0.0.1:${port}/n${i}`);
      const r = await dial(['-sS', ...urls], { timeout: 30_000 });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.out === urls.map((u) => bodyOf(new URL(u).pathname)).join(''), `output differs (${r.out.length} bytes)`);
      assert.ok(served >= 40 && connections >= 40 / every, `${served} answers on ${connections} connections`);
      assert.ok(mostInOneRead > 1, `pipelined: at most ${mostInOneRead} request(s) in one read`);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
}

test('dial -Z: many URLs share few pipelined connections; every body arrives', async () => {
  const s = await countingServer();
  try {
    const urls = Array.from({ length: 200 }, (_, i) => s.url(`/p/${i}`));
    const r = await dial(['-sS', '-Z', '--parallel-max', '50', ...urls]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '', 'no MaxListeners warning');
    assert.deepEqual(r.out.split('\n').filter(Boolean).sort(), urls.map((u) => new URL(u).pathname).sort());
    assert.ok(s.perConnection.length <= Math.ceil(50 / PIPELINE_DEPTH), `${s.perConnection.length} connections`);
  } finally {
    await s.close();
  }
});
