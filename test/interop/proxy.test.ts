/**
 * Proxies against real peers: squid as forward proxy and CONNECT proxy (with
 * no auth, and with Basic + Digest proxy auth), microsocks as SOCKS5 server
 * (with and without user/password), all tunnelling to an nginx with the test
 * CA. curl, on the same URLs through the same proxies, is the oracle.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Socket } from '../../src/socket/index.js';
import { ConnectError, ReplyError, TLSError } from '../../src/errors.js';
import { HeaderList } from '../../src/protocols/http/core/headers.js';
import { serializeHead } from '../../src/protocols/http/core/request.js';
import { ResponseParser } from '../../src/protocols/http/core/response-parser.js';
import { connectTunnel, forwardProxyTarget, proxyAuthorization, ProxyReplyError } from '../../src/protocols/http/proxy/http-connect.js';
import { socks5Connect } from '../../src/protocols/http/proxy/socks5.js';
import { proxyForUrl } from '../../src/protocols/http/proxy/env.js';
import { openProxyTunnel } from '../../src/protocols/http/proxy/index.js';
import { digestAuthorization, parseChallenges, pickDigestChallenge } from '../../src/protocols/http/auth/digest.js';
import { NO_PROXY_TABLE } from '../protocols/http/proxy/no-proxy-table.js';
import { requireBinary, startServer, type RunningServer } from './harness.js';
import { makeTestPKI, type CertPair, type TestPKI } from './ca.js';
import { startSquid, type Squid } from './fixtures.js';
import { request, Agent } from '../../src/protocols/http/index.js';
import { dial } from '../cli/helpers.js';

const T = 10_000;
const HOST = '127.0.0.1';
const INDEX = '<!doctype html>\n<title>dialtone</title>\n<h1>through a proxy</h1>\n';
const DATA = Buffer.alloc(512 * 1024, 0);
for (let i = 0, x = 7; i < DATA.length; i++) DATA[i] = x = (x * 1103515245 + 12345) & 0xff;

const USER = 'alice';
const DIGEST_REALM = 'dialtone-digest-Zürich';
const PASS = 'wonder land';

let pki: TestPKI;
let www: string;
let nginx: RunningServer;
let squid: Squid;
let squidAuth: RunningServer;
let socks: RunningServer;
let socksAuth: RunningServer;
let dante: RunningServer;
let httpPort: number;
let httpsPort: number;

function squidServer(name: string, auth: (dir: string) => string, files: Record<string, string> = {}, tls?: CertPair): Promise<Squid> {
  return startSquid({ name, template: 'squid.conf', vars: (dir) => ({ auth: auth(dir) }), files, tls });
}

before(async () => {
  pki = makeTestPKI();
  www = mkdtempSync(join(tmpdir(), 'dialtone-proxy-www-'));
  writeFileSync(join(www, 'index.html'), INDEX);
  writeFileSync(join(www, 'data.bin'), DATA);
  const openssl = requireBinary('openssl');
  const hash = spawnSync(openssl, ['passwd', '-apr1', PASS], { encoding: 'utf8' }).stdout.trim();
  assert.match(hash, /^\$apr1\$/);
  // allSettled: when one server fails to start, the others must still be stopped.
  const started = await Promise.allSettled([
    startServer({
      name: 'nginx',
      command: 'nginx',
      ports: 2,
      config: { template: 'nginx.conf', vars: { root: www, cert: pki.server.certPath, key: pki.server.keyPath } },
      args: (ctx) => ['-p', ctx.dir, '-c', ctx.configPath!, '-e', join(ctx.dir, 'error.log'), '-g', 'daemon off;'],
      ready: { port: (ctx) => ctx.ports[1]! },
    }),
    // Its https:// port shows a certificate of the other CA than nginx's, so the proxy's trust and the target's are told apart.
    squidServer('squid', () => '', {}, pki.untrustedServer),
    squidServer(
      'squid-auth',
      (dir) =>
        [
          `auth_param digest program /usr/lib/squid/digest_file_auth ${dir}/digest-passwd`,
          // Not ASCII on purpose: the realm is hashed as the octets squid sends (UTF-8 here), as curl does.
          `auth_param digest realm ${DIGEST_REALM}`,
          'auth_param digest children 1 startup=1 idle=1',
          `auth_param basic program /usr/lib/squid/basic_ncsa_auth ${dir}/passwd`,
          'auth_param basic realm dialtone-basic',
          'auth_param basic children 1 startup=1 idle=1',
          'acl authed proxy_auth REQUIRED',
          'http_access deny !authed',
        ].join('\n'),
      { passwd: `${USER}:${hash}\n`, 'digest-passwd': `${USER}:${PASS}\n` },
    ),
    startServer({ name: 'microsocks', command: 'microsocks', args: (ctx) => ['-i', HOST, '-p', String(ctx.port)] }),
    startServer({ name: 'microsocks-auth', command: 'microsocks', args: (ctx) => ['-i', HOST, '-p', String(ctx.port), '-u', USER, '-P', PASS] }),
    startServer({
      name: 'danted',
      command: 'danted',
      config: { template: 'danted.conf' },
      args: (ctx) => ['-f', ctx.configPath!, '-p', join(ctx.dir, 'danted.pid'), '-N', '1'],
    }),
  ]);
  const up = started.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = started.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all(up.map((srv) => srv.stop()));
    throw failed.reason;
  }
  [nginx, squid, squidAuth, socks, socksAuth, dante] = up as [RunningServer, Squid, RunningServer, RunningServer, RunningServer, RunningServer];
  [httpPort, httpsPort] = nginx.ports as [number, number];
});

after(async () => {
  await Promise.all([nginx?.stop(), squid?.stop(), squidAuth?.stop(), socks?.stop(), socksAuth?.stop(), dante?.stop()]);
  pki?.cleanup();
  if (www) rmSync(www, { recursive: true, force: true });
});

// ---- helpers -----------------------------------------------------------------

interface Response {
  status: number;
  headers: HeaderList;
  body: Buffer;
}

/** Sends one GET on `s` (Connection: close) and reads the response with the core's parser. */
async function get(s: Socket, target: string, host: string, extra: Record<string, string> = {}): Promise<Response> {
  await s.send(serializeHead('GET', target, host, HeaderList.from({ 'User-Agent': 'dialtone-interop', Connection: 'close', ...extra }), { kind: 'none' }));
  const parser = new ResponseParser();
  parser.expect('GET');
  let res: Response | undefined;
  const parts: Buffer[] = [];
  for (;;) {
    const chunk = await s.recv(65536, { timeout: T });
    const events = chunk.length === 0 ? parser.eof() : parser.feed(chunk);
    for (const ev of events) {
      if (ev.type === 'head') res = { status: ev.status, headers: ev.headers, body: Buffer.alloc(0) };
      else if (ev.type === 'data') parts.push(Buffer.from(ev.bytes));
      else if (ev.type === 'end') {
        await s.close();
        res!.body = Buffer.concat(parts);
        return res!;
      }
    }
    if (chunk.length === 0) throw new Error('connection closed before the response ended');
  }
}

function curl(args: string[]): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(requireBinary('curl'), ['-sS', '--max-time', '20', ...args], { maxBuffer: 32 * 1024 * 1024, timeout: 30_000, env: { PATH: process.env['PATH'] ?? '' } });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString() };
}

function curlOk(args: string[]): Buffer {
  const r = curl(args);
  assert.equal(r.status, 0, `curl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const certError = (e: unknown) => e instanceof TLSError && e.code === 'DIAL_E_TLS_CERT';

// ---- squid -------------------------------------------------------------------

describe('squid as a forward proxy', () => {
  test('absolute-form GET through squid: the body nginx serves, as curl -x reads it; squid adds Via', async () => {
    const url = new URL(`http://${HOST}:${httpPort}/index.html?x=1#frag`);
    const s = await Socket.connect({ host: HOST, port: squid.port, timeout: T });
    const res = await get(s, forwardProxyTarget(url), url.host);
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), INDEX);
    assert.match(res.headers.get('via') ?? '', /dialtone-squid/);
    assert.deepEqual(res.body, curlOk(['-x', `http://${HOST}:${squid.port}`, url.href.replace('#frag', '')]));
  });

  test('a 404 through squid comes back as nginx sent it, as curl sees it', async () => {
    const url = new URL(`http://${HOST}:${httpPort}/missing`);
    const s = await Socket.connect({ host: HOST, port: squid.port, timeout: T });
    const res = await get(s, forwardProxyTarget(url), url.host);
    assert.equal(res.status, 404);
    const code = curlOk(['-x', `http://${HOST}:${squid.port}`, '-o', '/dev/null', '-w', '%{http_code}', url.href]).toString();
    assert.equal(code, '404');
  });

  test('forward request with Basic Proxy-Authorization from the proxy URL passes squid-auth; without it: 407', async () => {
    const proxy = new URL(`http://${USER}:${encodeURIComponent(PASS)}@${HOST}:${squidAuth.port}`);
    const url = new URL(`http://${HOST}:${httpPort}/index.html`);
    const ok = await get(await Socket.connect({ host: HOST, port: squidAuth.port, timeout: T }), forwardProxyTarget(url), url.host, { 'Proxy-Authorization': proxyAuthorization(proxy)! });
    assert.equal(ok.status, 200);
    assert.equal(ok.body.toString(), INDEX);
    const denied = await get(await Socket.connect({ host: HOST, port: squidAuth.port, timeout: T }), forwardProxyTarget(url), url.host);
    assert.equal(denied.status, 407);
    const schemes = parseChallenges(denied.headers.getAll('proxy-authenticate')).map((c) => c.scheme);
    assert.deepEqual(schemes.sort(), ['basic', 'digest']);
    assert.equal(curlOk(['-x', proxy.href, '-o', '/dev/null', '-w', '%{http_code}', url.href]).toString(), '200');
  });
});

describe('squid as an https:// proxy (TLS to the proxy, its CA apart from the target\'s)', () => {
  const proxy = () => `https://localhost:${squid.https}`;
  const proxyTrust = () => ['--proxy-cacert', pki.untrustedCA.certPath];

  test('request(): http forwarded inside TLS and https tunnelled (TLS inside TLS), bytes equal to curl --proxy-cacert', async () => {
    const agent = new Agent();
    try {
      const plain = await request(`http://${HOST}:${httpPort}/index.html`, { agent, proxy: proxy(), proxyTls: { ca: pki.untrustedCA.cert } });
      assert.match(plain.headers.get('via') ?? '', /dialtone-squid/);
      assert.equal(await plain.text(), curlOk(['-x', proxy(), ...proxyTrust(), `http://${HOST}:${httpPort}/index.html`]).toString());
      const secure = await request(`https://localhost:${httpsPort}/data.bin`, { agent, proxy: proxy(), proxyTls: { ca: pki.untrustedCA.cert }, tls: { ca: pki.ca.cert } });
      const body = await secure.bytes();
      assert.ok(body.equals(DATA));
      assert.ok(body.equals(curlOk(['-x', proxy(), ...proxyTrust(), '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`])));
    } finally {
      agent.destroy();
    }
  });

  test('an untrusted proxy is refused by both, and the target\'s trust does not stand in for the proxy\'s', async () => {
    const agent = new Agent();
    try {
      await assert.rejects(request(`http://${HOST}:${httpPort}/`, { agent, proxy: proxy(), tls: { ca: pki.untrustedCA.cert } }), (e: unknown) => certError(e) && (e as TLSError).phase === 'proxy-tls');
      assert.equal(curl(['-x', proxy(), '--cacert', pki.untrustedCA.certPath, `http://${HOST}:${httpPort}/`]).status, 60);
      const ok = await request(`http://${HOST}:${httpPort}/index.html`, { agent, proxy: proxy(), proxyInsecure: true });
      assert.equal(await ok.text(), curlOk(['-x', proxy(), '--proxy-insecure', `http://${HOST}:${httpPort}/index.html`]).toString());
    } finally {
      agent.destroy();
    }
  });

  test('dial --proxy-cacert / --proxy-insecure, side by side with curl: output and exit code', async () => {
    const cases: string[][] = [
      [...proxyTrust(), `http://${HOST}:${httpPort}/index.html`],
      [...proxyTrust(), '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`],
      ['--proxy-insecure', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/index.html`],
      ['-k', `http://${HOST}:${httpPort}/index.html`],
      ['--cacert', pki.untrustedCA.certPath, `http://${HOST}:${httpPort}/index.html`],
    ];
    for (const args of cases) {
      // The dial helper's NO_PROXY=* would send dial around -x (as it would curl); this curl runs with PATH alone.
      const [d, c] = [await dial(['-sS', '-x', proxy(), ...args], { env: { NO_PROXY: '', no_proxy: '' } }), curl(['-x', proxy(), ...args])];
      assert.equal(d.code, c.status, `${args.join(' ')}: dial ${d.stderr} / curl ${c.stderr}`);
      assert.ok(d.stdout.equals(c.stdout), args.join(' '));
    }
  });
  test('dial --proxy-pinnedpubkey: the proxy\'s key pinned (as curl, exit 0), another key refused (exit 90, where curl 7.88 does not check); --proxy-capath trusts a directory', async () => {
    const env = { NO_PROXY: '', no_proxy: '' };
    const { createHash, createPublicKey } = await import('node:crypto');
    const pinOf = (keyPem: string) => createHash('sha256').update(createPublicKey(keyPem).export({ type: 'spki', format: 'der' })).digest('base64');
    const url = `http://${HOST}:${httpPort}/index.html`;
    const pinned = (key: string) => ['-x', proxy(), ...proxyTrust(), '--proxy-pinnedpubkey', `sha256//${pinOf(key)}`, url];
    const [d, c] = [await dial(['-sS', ...pinned(pki.untrustedServer.key)], { env }), curl(pinned(pki.untrustedServer.key))];
    assert.equal(d.code, 0, d.stderr);
    assert.equal(c.status, 0, c.stderr);
    assert.ok(d.stdout.equals(c.stdout));
    // Another key: refused before a byte of the request goes. (curl 7.88 does not check the proxy's pin at all: it fetches anyway.)
    const refused = await dial(['-sS', ...pinned(pki.server.key)], { env });
    assert.equal(refused.code, 90, refused.stderr);
    assert.equal(refused.stdout.length, 0);
    // curl's OpenSSL wants c_rehash names in a CA directory; dial reads every PEM file in it.
    const dir = mkdtempSync(join(tmpdir(), 'dialtone-proxy-ca-'));
    try {
      writeFileSync(join(dir, 'proxy-ca.pem'), pki.untrustedCA.cert);
      const r = await dial(['-sS', '-x', proxy(), '--proxy-capath', dir, url], { env });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.out, INDEX);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('squid as a CONNECT proxy', () => {
  const proxy = () => new URL(`http://${HOST}:${squid.port}`);

  test('plain HTTP through the tunnel matches curl -p -x', async () => {
    const s = await connectTunnel(proxy(), { host: HOST, port: httpPort }, { timeout: T });
    const res = await get(s, '/index.html', `${HOST}:${httpPort}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('via'), null, 'a tunnel is not a forward: no Via');
    assert.deepEqual(res.body, curlOk(['-p', '-x', proxy().href, `http://${HOST}:${httpPort}/index.html`]));
  });

  test('dial -i / -I / -D and -w %{http_connect} through CONNECT print the proxy\'s answer as curl does, a refusal included (exit 56)', async () => {
    const env = { NO_PROXY: '', no_proxy: '' };
    const noDate = (b: Buffer) => b.toString('latin1').replace(/^Date: .*$/gim, 'Date: -');
    const cases: string[][] = [
      ['-i', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/index.html`],
      ['-I', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/index.html`],
      ['-D', '-', '-o', '/dev/null', '-p', `http://${HOST}:${httpPort}/index.html`],
      ['-o', '/dev/null', '-w', '%{http_connect} %{http_code} %{size_header}', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/index.html`],
      // squid answers 503 to CONNECT to a closed port: its head with -i, then curl's 56.
      // (nothing listens on loopback port 1 here)
      ['-i', '-w', '[%{http_connect} %{http_code}]', `https://localhost:1/`],
    ];
    for (const args of cases) {
      const full = ['-x', proxy().href, ...args];
      const [d, c] = [await dial(['-sS', ...full], { env }), curl(full)];
      assert.equal(d.code, c.status, `${args.join(' ')}: dial ${d.stderr} / curl ${c.stderr}`);
      assert.equal(noDate(d.stdout), noDate(c.stdout), args.join(' '));
    }
  });

  test('--connect-to moves the CONNECT target, as curl does; TLS still checks the URL\'s name', async () => {
    const env = { NO_PROXY: '', no_proxy: '' };
    const args = ['-x', proxy().href, '--connect-to', `localhost:1:localhost:${httpsPort}`, '--cacert', pki.ca.certPath, 'https://localhost:1/index.html'];
    const [d, c] = [await dial(['-sS', '-v', ...args], { env }), curl(args)];
    assert.equal(d.code, c.status, `dial ${d.stderr} / curl ${c.stderr}`);
    assert.ok(d.stdout.equals(c.stdout));
    assert.equal(d.out, INDEX);
    assert.match(d.stderr, new RegExp(`> CONNECT localhost:${httpsPort} HTTP/1.1`));
  });

  test('dial -p tunnels plain http as curl -p does: the same bytes, a CONNECT in the trace and no Via', async () => {
    const args = ['-p', '-x', proxy().href, `http://${HOST}:${httpPort}/index.html`];
    const [d, c] = [await dial(['-sS', '-v', ...args], { env: { NO_PROXY: '', no_proxy: '' } }), curlOk(args)];
    assert.equal(d.code, 0, d.stderr);
    assert.ok(d.stdout.equals(c));
    assert.match(d.stderr, new RegExp(`> CONNECT ${HOST}:${httpPort} HTTP/1.1`));
    // Forwarded, squid would have added Via; through the tunnel nginx's head arrives as sent.
    const head = await dial(['-sS', '-I', ...args], { env: { NO_PROXY: '', no_proxy: '' } });
    const noDate = (t: string) => t.replace(/^Date: .*$/gim, 'Date: -');
    assert.equal(noDate(head.out), noDate(curlOk(['-I', ...args]).toString('latin1')));
    assert.match(head.out, /^HTTP\/1\.1 200 Connection established\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    assert.doesNotMatch(head.out, /^Via:/im);
  });

  test('HTTPS through the tunnel, verified against the target name: 512 KiB byte-equal to the file and to curl', async () => {
    const s = await connectTunnel(proxy(), { host: 'localhost', port: httpsPort }, { timeout: T });
    await s.startTLS({ servername: 'localhost', ca: pki.ca.cert, timeout: T });
    const res = await get(s, '/data.bin', `localhost:${httpsPort}`);
    assert.equal(res.status, 200);
    assert.ok(res.body.equals(DATA));
    assert.ok(res.body.equals(curlOk(['-x', proxy().href, '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`])));
  });

  test('targetTls: the certificate checked is the target\'s — a wrong servername fails, as it does for curl', async () => {
    await assert.rejects(connectTunnel(proxy(), { host: 'localhost', port: httpsPort }, { timeout: T, targetTls: { ca: pki.ca.cert, servername: 'wrong.example.org' } }), certError);
    const r = curl(['-x', proxy().href, '--cacert', pki.ca.certPath, '--connect-to', `wrong.example.org:${httpsPort}:localhost:${httpsPort}`, `https://wrong.example.org:${httpsPort}/`]);
    assert.equal(r.status, 60, `curl should refuse the name too: ${r.stderr}`);
    const ok = await connectTunnel(proxy(), { host: 'localhost', port: httpsPort }, { timeout: T, targetTls: { ca: pki.ca.cert } });
    assert.equal((await get(ok, '/index.html', `localhost:${httpsPort}`)).body.toString(), INDEX);
  });

  test('a target certificate from an untrusted CA fails through the tunnel', async () => {
    const s = await connectTunnel(proxy(), { host: 'localhost', port: httpsPort }, { timeout: T });
    await assert.rejects(s.startTLS({ servername: 'localhost', ca: pki.untrustedCA.cert, timeout: T }), certError);
  });

  test('CONNECT to a closed port: squid answers 503 → ReplyError 503, the code curl reports', async () => {
    const closed = 1; // tcpmux: nothing listens on loopback port 1 here
    await assert.rejects(connectTunnel(proxy(), { host: HOST, port: closed }, { timeout: T }), (e: unknown) => e instanceof ProxyReplyError && e.reply?.code === 503);
    const r = curl(['-p', '-x', proxy().href, '-o', '/dev/null', '-w', '%{http_connect}', `http://${HOST}:${closed}/`]);
    assert.equal(r.stdout.toString(), '503');
  });

  test('CONNECT to a non-loopback target is denied by the ACL: ReplyError 403', async () => {
    await assert.rejects(connectTunnel(proxy(), { host: '192.0.2.1', port: 443 }, { timeout: T }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 403);
  });
});

describe('squid with proxy authentication', () => {
  const target = () => ({ host: 'localhost', port: httpsPort });

  test('no credentials → 407 with both challenges; wrong ones → 407 saying they were refused; right ones (Basic) → tunnel', async () => {
    await assert.rejects(connectTunnel(new URL(`http://${HOST}:${squidAuth.port}`), target(), { timeout: T }), (e: unknown) => {
      assert.ok(e instanceof ProxyReplyError);
      assert.equal(e.reply?.code, 407);
      assert.match(e.message, /proxy authentication required.*no credentials were sent/);
      return true;
    });
    await assert.rejects(connectTunnel(new URL(`http://${USER}:nope@${HOST}:${squidAuth.port}`), target(), { timeout: T }), (e: unknown) => e instanceof ProxyReplyError && e.reply?.code === 407 && /refused/.test(e.message));
    const s = await connectTunnel(new URL(`http://${USER}:${encodeURIComponent(PASS)}@${HOST}:${squidAuth.port}`), target(), { timeout: T, targetTls: { ca: pki.ca.cert } });
    assert.equal((await get(s, '/index.html', `localhost:${httpsPort}`)).body.toString(), INDEX);
  });

  test('Digest proxy auth (RFC 7616) answered from the 407\'s challenge: squid accepts it, as it accepts curl --proxy-digest', async () => {
    const proxy = new URL(`http://${HOST}:${squidAuth.port}`);
    const first = await connectTunnel(proxy, target(), { timeout: T }).then(
      () => assert.fail('expected a 407'),
      (e: unknown) => e as ProxyReplyError,
    );
    const challenge = pickDigestChallenge(parseChallenges(first.headers.getAll('proxy-authenticate')));
    assert.ok(challenge, 'squid offered Digest');
    // Header values are read as latin1, one char per octet: the realm's UTF-8 bytes, unchanged.
    assert.equal(challenge.params['realm'], Buffer.from(DIGEST_REALM, 'utf8').toString('latin1'));
    const authority = `localhost:${httpsPort}`;
    const answer = digestAuthorization(challenge, { user: USER, password: PASS, method: 'CONNECT', uri: authority, nc: 1 });
    const s = await connectTunnel(proxy, target(), { timeout: T, headers: { 'Proxy-Authorization': answer }, targetTls: { ca: pki.ca.cert } });
    assert.equal((await get(s, '/index.html', authority)).body.toString(), INDEX);
    const r = curl(['-p', '-x', proxy.href, '--proxy-digest', '-U', `${USER}:${PASS}`, '--cacert', pki.ca.certPath, `https://${authority}/index.html`]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.toString(), INDEX);
  });
});

// ---- SOCKS5 ------------------------------------------------------------------

describe('microsocks as SOCKS5', () => {
  test('socks5h:// (remote DNS) to nginx by name: the body curl --socks5-hostname reads', async () => {
    const s = await socks5Connect(new URL(`socks5h://${HOST}:${socks.port}`), { host: 'localhost', port: httpPort }, { timeout: T });
    const res = await get(s, '/index.html', `localhost:${httpPort}`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, curlOk(['--socks5-hostname', `${HOST}:${socks.port}`, `http://localhost:${httpPort}/index.html`]));
  });

  test('socks5:// (local DNS through options.lookup) then TLS verified against the target name, as curl --socks5', async () => {
    const looked: string[] = [];
    const s = await socks5Connect(new URL(`socks5://${HOST}:${socks.port}`), { host: 'localhost', port: httpsPort }, {
      timeout: T,
      lookup: async (name) => {
        looked.push(name);
        return [{ address: HOST, family: 4 }];
      },
    });
    assert.deepEqual(looked, ['localhost']);
    await s.startTLS({ servername: 'localhost', ca: pki.ca.cert, timeout: T });
    const res = await get(s, '/data.bin', `localhost:${httpsPort}`);
    assert.ok(res.body.equals(DATA));
    assert.ok(res.body.equals(curlOk(['--socks5', `${HOST}:${socks.port}`, '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`])));
  });

  test('TLS through SOCKS: a wrong servername or an untrusted CA fails (the target is verified, not skipped)', async () => {
    const proxy = new URL(`socks5h://${HOST}:${socks.port}`);
    await assert.rejects(socks5Connect(proxy, { host: 'localhost', port: httpsPort }, { timeout: T, targetTls: { ca: pki.ca.cert, servername: 'wrong.example.org' } }), certError);
    await assert.rejects(socks5Connect(proxy, { host: 'localhost', port: httpsPort }, { timeout: T, targetTls: { ca: pki.untrustedCA.cert } }), certError);
    const ok = await socks5Connect(proxy, { host: 'localhost', port: httpsPort }, { timeout: T, targetTls: { ca: pki.ca.cert } });
    assert.equal((await get(ok, '/index.html', `localhost:${httpsPort}`)).body.toString(), INDEX);
  });

  test('a closed target port → ConnectError DIAL_E_CONNECT (SOCKS reply "connection refused"); curl fails too', async () => {
    await assert.rejects(socks5Connect(new URL(`socks5h://${HOST}:${socks.port}`), { host: HOST, port: 1 }, { timeout: T }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT');
    assert.notEqual(curl(['--socks5-hostname', `${HOST}:${socks.port}`, `http://${HOST}:1/`]).status, 0);
  });

  test('with user/password: right ones work (as curl\'s), wrong ones and none are refused', async () => {
    const good = new URL(`socks5h://${USER}:${encodeURIComponent(PASS)}@${HOST}:${socksAuth.port}`);
    const s = await socks5Connect(good, { host: 'localhost', port: httpPort }, { timeout: T });
    const res = await get(s, '/index.html', `localhost:${httpPort}`);
    assert.equal(res.body.toString(), INDEX);
    assert.deepEqual(res.body, curlOk(['-x', good.href, `http://localhost:${httpPort}/index.html`]));
    await assert.rejects(socks5Connect(new URL(`socks5h://${USER}:bad@${HOST}:${socksAuth.port}`), { host: 'localhost', port: httpPort }, { timeout: T }), ReplyError);
    await assert.rejects(socks5Connect(new URL(`socks5h://${HOST}:${socksAuth.port}`), { host: 'localhost', port: httpPort }, { timeout: T }), ReplyError);
  });
});

describe('dante (danted) as SOCKS5, SOCKS4 and SOCKS4a', () => {
  const via = (scheme: string) => `${scheme}://${HOST}:${dante.port}`;

  for (const [scheme, curlFlag] of [
    ['socks5h', '--socks5-hostname'],
    ['socks5', '--socks5'],
    ['socks4', '--socks4'],
  ] as const) {
    test(`${scheme}:// to nginx over TLS, verified against the target: the bytes curl ${curlFlag} reads`, async () => {
      const s = await openProxyTunnel(via(scheme), { host: 'localhost', port: httpsPort }, {
        timeout: T,
        lookup: async () => [{ address: HOST, family: 4 }],
        targetTls: { ca: pki.ca.cert },
      });
      assert.equal(s.encrypted, true);
      const res = await get(s, '/data.bin', `localhost:${httpsPort}`);
      assert.ok(res.body.equals(DATA));
      assert.ok(res.body.equals(curlOk([curlFlag, `${HOST}:${dante.port}`, '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`])));
    });
  }

  test('socks4a:// — dante 1.4 has no SOCKS4a (it reads 0.0.0.1 as the address): ours fails as curl --socks4a does; an IP literal goes as plain SOCKS4 and works', async () => {
    await assert.rejects(openProxyTunnel(via('socks4a'), { host: 'localhost', port: httpPort }, { timeout: T }), (e: unknown) => e instanceof ConnectError && e.reply?.code === 91);
    assert.equal(curl(['--socks4a', `${HOST}:${dante.port}`, `http://localhost:${httpPort}/index.html`]).status, 97);
    const s = await openProxyTunnel(via('socks4a'), { host: HOST, port: httpPort }, { timeout: T });
    assert.equal((await get(s, '/index.html', `${HOST}:${httpPort}`)).body.toString(), INDEX);
  });

  test('a closed target port: ConnectError DIAL_E_CONNECT for SOCKS5 and SOCKS4 alike', async () => {
    for (const scheme of ['socks5h', 'socks4']) {
      await assert.rejects(openProxyTunnel(via(scheme), { host: HOST, port: 1 }, { timeout: T }), (e: unknown) => e instanceof ConnectError && e.code === 'DIAL_E_CONNECT', scheme);
    }
  });

  test('a target outside the ruleset (not loopback): refused by SOCKS5 rule, as curl is', async () => {
    await assert.rejects(openProxyTunnel(via('socks5h'), { host: '192.0.2.1', port: 80 }, { timeout: T }), (e: unknown) => e instanceof ReplyError && e.reply?.code === 2);
    assert.notEqual(curl(['--socks5-hostname', `${HOST}:${dante.port}`, 'http://192.0.2.1/']).status, 0);
  });
});

describe('openProxyTunnel against squid-auth', () => {
  for (const mode of ['digest', 'any'] as const) {
    test(`proxyAuth "${mode}" gets through squid's Digest`, async () => {
      const proxy = `http://${USER}:${encodeURIComponent(PASS)}@${HOST}:${squidAuth.port}`;
      const s = await openProxyTunnel(proxy, { host: 'localhost', port: httpsPort }, { timeout: T, proxyAuth: mode, targetTls: { ca: pki.ca.cert } });
      assert.equal((await get(s, '/index.html', `localhost:${httpsPort}`)).body.toString(), INDEX);
    });
  }
  test('dial --proxy-digest / --proxy-anyauth through squid-auth, forwarding and CONNECT, side by side with curl', async () => {
    const cred = `${USER}:${PASS}`;
    const cases: string[][] = [
      ['--proxy-digest', `http://${HOST}:${httpPort}/index.html`],
      ['--proxy-anyauth', `http://${HOST}:${httpPort}/index.html`],
      ['--proxy-digest', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/data.bin`],
      ['--proxy-anyauth', '--cacert', pki.ca.certPath, `https://localhost:${httpsPort}/index.html`],
      // squid's 407 page carries the time it was made: only the status is compared.
      ['--proxy-digest', '--proxy-basic', '-U', `${USER}:wrong`, '-o', '/dev/null', '-w', '%{http_code}', `http://${HOST}:${httpPort}/index.html`],
    ];
    for (const args of cases) {
      const full = ['-x', `http://${HOST}:${squidAuth.port}`, ...(args.includes('-U') ? [] : ['-U', cred]), ...args];
      const [d, c] = [await dial(['-sS', ...full], { env: { NO_PROXY: '', no_proxy: '' } }), curl(full)];
      assert.equal(d.code, c.status, `${args.join(' ')}: dial ${d.stderr} / curl ${c.stderr}`);
      assert.ok(d.stdout.equals(c.stdout), `${args.join(' ')}: ${d.stdout.length} / ${c.stdout.length} bytes`);
    }
  });

  test('request() with proxyAuth "digest": squid lets it through with a Digest answer; the 407 before it in the history', async () => {
    const agent = new Agent();
    try {
      const proxy = `http://${USER}:${encodeURIComponent(PASS)}@${HOST}:${squidAuth.port}`;
      const plain = await request(`http://${HOST}:${httpPort}/index.html`, { agent, proxy, proxyAuth: 'digest' });
      assert.equal(await plain.text(), INDEX);
      assert.deepEqual(plain.history.map((h) => h.status), [407]);
      const secure = await request(`https://localhost:${httpsPort}/data.bin`, { agent, proxy, proxyAuth: 'digest', tls: { ca: pki.ca.cert } });
      assert.ok((await secure.bytes()).equals(DATA));
    } finally {
      agent.destroy();
    }
  });

  test('proxyAuth "basic" with a string proxy "host:port" (curl -x form)', async () => {
    const s = await openProxyTunnel(`${USER}:${encodeURIComponent(PASS)}@${HOST}:${squidAuth.port}`, { host: HOST, port: httpPort }, { timeout: T });
    assert.equal((await get(s, '/index.html', `${HOST}:${httpPort}`)).body.toString(), INDEX);
  });
});

// ---- the environment, with curl as the oracle ---------------------------------------

describe('NO_PROXY: our decision equals curl\'s', () => {
  test('every oracle row of the table', () => {
    const mismatches: string[] = [];
    for (const row of NO_PROXY_TABLE.filter((r) => r.oracle)) {
      const host = new URL(row.url).hostname;
      const bare = host.replace(/^\[|\]$/g, '');
      const args = ['--max-time', '3', '-o', '/dev/null', '--noproxy', row.list, '-x', 'http://127.0.0.1:9', row.url];
      if (!/^[\d.]+$/.test(bare) && !bare.includes(':')) args.unshift('--resolve', `${bare}:${new URL(row.url).port || 80}:127.0.0.1`);
      const r = curl(args);
      const curlDirect = !/port 9\b/.test(r.stderr);
      const oursDirect = proxyForUrl(new URL(row.url), { http_proxy: 'http://127.0.0.1:9' }, row.list) === undefined;
      // ' * ' is the one documented leniency: we trim the lone star, curl does not.
      const expected = row.list === ' * ' ? !oursDirect : oursDirect;
      if (expected !== curlDirect || row.excluded !== curlDirect)
        mismatches.push(`${row.url} ${JSON.stringify(row.list)}: curl ${curlDirect ? 'direct' : 'proxy'}, ours ${oursDirect ? 'direct' : 'proxy'} (${r.stderr.trim()})`);
    }
    assert.ok(NO_PROXY_TABLE.filter((r) => r.oracle).length >= 30);
    assert.deepEqual(mismatches, []);
  });

  test('http_proxy from the environment: we pick what curl picks (HTTP_PROXY ignored)', () => {
    const env = { HTTP_PROXY: `http://${HOST}:9`, PATH: process.env['PATH'] ?? '' };
    assert.equal(proxyForUrl(new URL(`http://${HOST}:${httpPort}/`), env), undefined);
    const r = spawnSync(requireBinary('curl'), ['-sS', '--max-time', '5', '-o', '/dev/null', '-w', '%{http_code}', `http://${HOST}:${httpPort}/index.html`], { env, encoding: 'utf8' });
    assert.equal(r.stdout, '200', 'curl went direct too');
  });
});
