/**
 * request() against a real nginx (HTTP and HTTPS with the test CA), with
 * curl as the oracle: status, the headers that are deterministic, and the
 * body bytes must match what curl reads from the same URL.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, Agent, CookieJar, parseNetscape, type HttpResponse } from '../../src/protocols/http/index.js';
import type { TraceEvent } from '../../src/trace.js';
import { requireBinary } from './harness.js';
import { makeTestPKI, type TestPKI } from './ca.js';
import { curl, knownBytes, startNginx, type Nginx } from './fixtures.js';

const HOST = '127.0.0.1';

const INDEX = '<!doctype html>\n<title>dialtone</title>\n<h1>http client interop</h1>\n';
const DATA = knownBytes(1024 * 1024, 0x9e3779b9);
const LARGE_SIZE = 64 * 1024 * 1024;
const TEXT = Array.from({ length: 400 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog\n`).join('');

let nginx: Nginx;
let pki: TestPKI;
let www: string;
let http: string;
let https: string;
let largeHash: string;
const agent = new Agent();

before(async () => {
  pki = makeTestPKI();
  www = mkdtempSync(join(tmpdir(), 'dialtone-http-www-'));
  writeFileSync(join(www, 'index.html'), INDEX);
  writeFileSync(join(www, 'data.bin'), DATA);
  writeFileSync(join(www, 'text.txt'), TEXT);
  const large = Buffer.alloc(LARGE_SIZE);
  for (let i = 0; i < LARGE_SIZE; i += DATA.length) DATA.copy(large, i);
  largeHash = createHash('sha256').update(large).digest('hex');
  writeFileSync(join(www, 'large.bin'), large);
  mkdirSync(join(www, 'chunked'));
  writeFileSync(join(www, 'chunked', 'text.txt'), TEXT);
  nginx = await startNginx(www, pki);
  http = `http://${HOST}:${nginx.httpPort}`;
  https = `https://localhost:${nginx.httpsPort}`;
});

after(async () => {
  await agent.close();
  await nginx?.stop();
  if (www) rmSync(www, { recursive: true, force: true });
  pki?.cleanup();
});

/** curl -i output split into status, headers (lower-cased names) and body. */
function curlResponse(args: string[]): { status: number; headers: Map<string, string>; body: Buffer } {
  const raw = curl(['-i', ...args]);
  const end = raw.indexOf('\r\n\r\n');
  const head = raw.subarray(0, end).toString('latin1').split('\r\n');
  const headers = new Map<string, string>();
  for (const line of head.slice(1)) {
    const c = line.indexOf(':');
    headers.set(line.slice(0, c).toLowerCase(), line.slice(c + 1).trim());
  }
  return { status: Number(head[0]!.split(' ')[1]), headers, body: raw.subarray(end + 4) };
}

/** Headers whose values do not change between two requests for the same file. */
const STABLE = ['content-type', 'content-length', 'etag', 'last-modified', 'content-range', 'content-encoding', 'vary', 'accept-ranges', 'location', 'transfer-encoding'];

async function compare(res: HttpResponse, theirs: ReturnType<typeof curlResponse>, body?: Buffer): Promise<void> {
  assert.equal(res.status, theirs.status);
  for (const h of STABLE) assert.equal(res.headers.get(h) ?? undefined, theirs.headers.get(h), `header ${h}`);
  const ours = body ?? (await res.bytes());
  assert.ok(ours.equals(theirs.body), `body differs: ${ours.length} vs ${theirs.body.length} bytes`);
}

describe('request() vs curl, nginx over HTTP', () => {
  test('GET index.html', async () => {
    await compare(await request(`${http}/index.html`, { agent }), curlResponse([`${http}/index.html`]));
  });

  test('GET a 1 MiB binary file', async () => {
    const res = await request(`${http}/data.bin`, { agent });
    const body = await res.bytes();
    assert.ok(body.equals(DATA));
    await compare(res, curlResponse([`${http}/data.bin`]), body);
  });

  test('HEAD, as curl -I', async () => {
    const res = await request(`${http}/data.bin`, { agent, method: 'HEAD' });
    const theirs = curlResponse(['-I', `${http}/data.bin`]);
    assert.equal(res.status, theirs.status);
    assert.equal(res.headers.get('content-length'), theirs.headers.get('content-length'));
    assert.equal((await res.bytes()).length, 0);
  });

  test('keep-alive: ten requests, one connection', async () => {
    const a = new Agent();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 10; i++) assert.equal(await (await request(`${http}/index.html`, { agent: a, trace: (e) => events.push(e) })).text(), INDEX);
    assert.equal(events.filter((e) => e.text.startsWith('Connected to')).length, 1);
    assert.equal(events.filter((e) => e.text.startsWith('Re-using')).length, 9);
    await a.close();
  });

  test('chunked (SSI location): decoded body as curl reads it', async () => {
    const res = await request(`${http}/chunked/text.txt`, { agent });
    assert.equal(res.headers.get('transfer-encoding'), 'chunked');
    const body = await res.bytes();
    assert.equal(body.toString(), TEXT);
    assert.ok(body.equals(curl([`${http}/chunked/text.txt`])));
  });

  test('HTTP/1.0 as curl -0: same answer; nginx closes, a chunked location comes read-until-close; one connection per request', async () => {
    const a = new Agent();
    const events: TraceEvent[] = [];
    try {
      for (const path of ['/index.html', '/chunked/text.txt']) {
        const res = await request(`${http}${path}`, { agent: a, httpVersion: '1.0', trace: (e) => events.push(e) });
        const theirs = curlResponse(['-0', `${http}${path}`]);
        assert.equal(res.headers.get('connection'), 'close');
        assert.equal(theirs.headers.get('connection'), 'close');
        // No chunked coding towards a 1.0 client: the body ends with the connection.
        assert.equal(res.headers.get('transfer-encoding'), null);
        await compare(res, theirs);
      }
      assert.equal(events.filter((e) => e.text.startsWith('Connected to')).length, 2);
      assert.ok(events.some((e) => e.kind === '>' && /^GET \/index\.html HTTP\/1\.0$/.test(e.text)));
    } finally {
      await a.close();
    }
  });

  test('gzip: decompress matches curl --compressed; without it, the raw gzip bytes', async () => {
    const res = await request(`${http}/text.txt`, { agent, decompress: true });
    assert.equal(res.headers.get('content-encoding'), 'gzip');
    const text = await res.text();
    assert.equal(text, TEXT);
    assert.equal(curl(['--compressed', `${http}/text.txt`]).toString(), text);
    const plain = await request(`${http}/text.txt`, { agent });
    assert.equal(plain.headers.get('content-encoding'), null);
    assert.equal(await plain.text(), TEXT);
  });

  test('Range: 206 and the same bytes as curl -r', async () => {
    const res = await request(`${http}/data.bin`, { agent, range: { start: 1000, end: 1999 } });
    await compare(res, curlResponse(['-r', '1000-1999', `${http}/data.bin`]));
    const tail = await request(`${http}/data.bin`, { agent, range: { start: DATA.length - 10 } });
    assert.equal(tail.status, 206);
    assert.ok((await tail.bytes()).equals(DATA.subarray(DATA.length - 10)));
  });

  test('404 and 204 come back as responses, as curl sees them', async () => {
    await compare(await request(`${http}/nope`, { agent }), curlResponse([`${http}/nope`]));
    const r204 = await request(`${http}/status/204`, { agent });
    assert.equal(r204.status, 204);
    assert.equal((await r204.bytes()).length, 0);
  });

  test('redirects: 302 returned by default, followed with maxRedirects as curl -L', async () => {
    const raw = await request(`${http}/redirect`, { agent });
    await compare(raw, curlResponse([`${http}/redirect`]));
    const followed = await request(`${http}/redirect`, { agent, maxRedirects: 5 });
    assert.equal(followed.url, `${http}/index.html`);
    assert.deepEqual(followed.redirects, [`${http}/redirect`]);
    assert.equal(await followed.text(), curl(['-L', `${http}/redirect`]).toString());
  });

  test('cookies: a login redirect that sets cookies — the next hop and the saved jar as curl -L -b "" -c', async () => {
    const jar = new CookieJar();
    const res = await request(`${http}/cookie/login`, { agent, cookies: jar, maxRedirects: 5 });
    const ours = await res.text();
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-cookies-'));
    try {
      const file = join(dir, 'jar.txt');
      const theirs = curl(['-L', '-b', '', '-c', file, `${http}/cookie/login`]).toString();
      // sid's path is the longer, so it goes first by RFC 6265 §5.4 and by curl alike (on equal
      // paths curl puts longer names first, the RFC older cookies: not compared here).
      assert.equal(ours, theirs);
      assert.equal(ours, 'cookie: sid=abc123; theme=dark\n');
      // Same cookies saved; Max-Age expiries within a few seconds of each other. curl keeps the
      // trailing '/' of a default path ('/cookie/'); RFC 6265 §5.1.4 drops it ('/cookie').
      const dir1 = (p: string) => (p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p);
      const key = (c: ReturnType<typeof parseNetscape>[number]) => `${c.domain} ${c.hostOnly} ${dir1(c.path)} ${c.secure} ${c.httpOnly} ${c.name}=${c.value} ${c.expires === undefined ? 'session' : 'expires'}`;
      const a = parseNetscape(jar.serialize());
      const b = parseNetscape(readFileSync(file, 'latin1'));
      assert.deepEqual(a.map(key).sort(), b.map(key).sort());
      for (const c of a) if (c.expires !== undefined) assert.ok(Math.abs(c.expires - b.find((x) => x.name === c.name)!.expires!) <= 5000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('POST to a static file: nginx says 405, as it does to curl', async () => {
    const res = await request(`${http}/index.html`, { agent, body: 'a=1' });
    const theirs = curlResponse(['-d', 'a=1', `${http}/index.html`]);
    assert.equal(res.status, theirs.status);
    await res.text();
  });

  test('a 64 MiB download streams with the same SHA-256 as curl', async () => {
    const res = await request(`${http}/large.bin`, { agent });
    const h = createHash('sha256');
    let n = 0;
    for await (const chunk of res.body) {
      h.update(chunk);
      n += chunk.length;
    }
    assert.equal(n, LARGE_SIZE);
    const ours = h.digest('hex');
    assert.equal(ours, largeHash);
    assert.equal(createHash('sha256').update(curl([`${http}/large.bin`])).digest('hex'), ours);
  });

  test('concurrent requests across a small pool all succeed', async () => {
    const a = new Agent({ connections: 4 });
    const bodies = await Promise.all(Array.from({ length: 40 }, () => request(`${http}/index.html`, { agent: a }).then((r) => r.text())));
    assert.ok(bodies.every((b) => b === INDEX));
    await a.close();
  });

  test('pipelined requests to nginx come back in order', async () => {
    const a = new Agent({ connections: 1, pipelining: 8 });
    await (await request(`${http}/index.html`, { agent: a })).text();
    const paths = ['/index.html', '/text.txt', '/data.bin', '/index.html', '/text.txt'];
    const res = await Promise.all(paths.map((p) => request(`${http}${p}`, { agent: a }).then((r) => r.bytes())));
    assert.equal(res[0]!.toString(), INDEX);
    assert.equal(res[1]!.toString(), TEXT);
    assert.ok(res[2]!.equals(DATA));
    await a.close();
  });
});

describe('request() vs curl, nginx over HTTPS', () => {
  test('verified GET with the test CA; headers and body as curl --cacert', async () => {
    const res = await request(`${https}/data.bin`, { agent, tls: { ca: pki.ca.cert } });
    await compare(res, curlResponse(['--cacert', pki.ca.certPath, `${https}/data.bin`]));
  });

  test('keep-alive over TLS: one handshake for five requests', async () => {
    const a = new Agent();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 5; i++) assert.equal(await (await request(`${https}/index.html`, { agent: a, tls: { ca: pki.ca.cert }, trace: (e) => events.push(e) })).text(), INDEX);
    assert.equal(events.filter((e) => /^TLS established/.test(e.text)).length, 1);
    await a.close();
  });

  test('the system trust store refuses the test CA, as curl without --cacert does', async () => {
    await assert.rejects(request(`${https}/`, { agent }), (e: { code?: string }) => e.code === 'DIAL_E_TLS_CERT');
    const r = spawnSync(requireBinary('curl'), ['-sS', `${https}/`]);
    assert.equal(r.status, 60, 'curl exit 60: peer certificate cannot be authenticated');
  });

  test('insecure: true reads it anyway, as curl -k', async () => {
    const res = await request(`${https}/index.html`, { agent, insecure: true });
    assert.equal(await res.text(), curl(['-k', `${https}/index.html`]).toString());
  });

  test('gzip over TLS', async () => {
    const res = await request(`${https}/text.txt`, { agent, tls: { ca: pki.ca.cert }, decompress: true });
    assert.equal(await res.text(), curl(['--compressed', '--cacert', pki.ca.certPath, `${https}/text.txt`]).toString());
  });

  test('Range over TLS', async () => {
    const res = await request(`${https}/data.bin`, { agent, tls: { ca: pki.ca.cert }, range: { start: 5, end: 15 } });
    await compare(res, curlResponse(['--cacert', pki.ca.certPath, '-r', '5-15', `${https}/data.bin`]));
  });
});
