// -w timing and connection variables: the clock's rules on scripted events,
// then end to end against curl on the same loopback servers for every value
// that is deterministic, and sane ordering for the times (never their size).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { curl, dial, makePki, startServer, startTlsServer, type Pki, type TestServer, type TlsTestServer } from './helpers.js';
import { startServer as startInterop, type RunningServer } from '../interop/harness.js';
import { startSquid } from '../interop/fixtures.js';
import { TransferClock, verifyResult } from '../../src/cli/timing.js';
import type { TraceEvent } from '../../src/trace.js';

let srv: TestServer;
let pki: Pki | undefined;
let tls: TlsTestServer | undefined;
let tlsPort = 0;
before(async () => {
  srv = await startServer();
  pki = makePki();
  if (!pki) return;
  tls = await startTlsServer(pki, (req, res) => {
    if (req.url === '/away') {
      res.writeHead(302, { Location: '/here', 'Content-Length': 0 });
      return void res.end();
    }
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': 7 });
    res.end('secure\n');
  });
  tlsPort = tls.port;
});
after(async () => {
  await srv.close();
  await tls?.close();
});

/** A clock fed by hand: `at(ms, event)`. */
function scripted(): { clock: TransferClock; at: (ms: number, ev: TraceEvent) => void } {
  let now = 1000;
  const clock = new TransferClock(1000, () => now);
  return { clock, at: (ms, ev) => ((now = 1000 + ms), clock.see(ev)) };
}
const star = (event: TraceEvent['event'], data: TraceEvent['data'] = {}): TraceEvent => ({ kind: '*', text: '', event, data });

test('a fresh TLS connection: each step at its own event, seconds from the start', () => {
  const { clock, at } = scripted();
  at(5, star('resolved', { host: 'h', addresses: ['10.0.0.1'] }));
  at(10, star('connected', { remoteAddress: '10.0.0.1', remotePort: 443, localAddress: '10.0.0.2', localPort: 5000 }));
  at(30, star('tls', { tlsVersion: 'TLSv1.3' }));
  at(31, { kind: '>', text: 'GET / HTTP/1.1' });
  at(32, { kind: '>', text: 'Host: h' });
  const r = clock.result(true);
  assert.deepEqual(
    [r.time_namelookup, r.time_connect, r.time_appconnect, r.time_pretransfer, r.time_redirect],
    [0.005, 0.01, 0.03, 0.031, 0],
  );
  assert.deepEqual([r.remote_ip, r.remote_port, r.local_ip, r.local_port, r.num_connects, r.ssl_verify_result], ['10.0.0.1', 443, '10.0.0.2', 5000, 1, 0]);
});

test('a redirect starts a new hop; a reused connection counts no connect', () => {
  const { clock, at } = scripted();
  at(10, star('connected', { remoteAddress: '127.0.0.1', remotePort: 80 }));
  at(11, { kind: '>', text: 'GET /a HTTP/1.1' });
  at(20, star('redirect', { status: 302, url: 'http://h/b' }));
  at(21, star('reused', { remoteAddress: '127.0.0.1', remotePort: 80 }));
  at(22, { kind: '>', text: 'GET /b HTTP/1.1' });
  const r = clock.result(false);
  assert.deepEqual([r.time_namelookup, r.time_connect, r.time_appconnect, r.time_pretransfer, r.time_redirect], [0.021, 0.021, 0, 0.022, 0.02]);
  assert.equal(r.num_connects, 1);
  assert.equal(clock.result(true).time_appconnect, 0.021, 'a reused TLS connection is ready when taken');
});

test('a transfer wholly on a reused connection reports no connect time, as curl: time_connect and time_appconnect 0', () => {
  const { clock, at } = scripted();
  at(3, star('reused', { remoteAddress: '127.0.0.1', remotePort: 443 }));
  at(4, { kind: '>', text: 'GET /b HTTP/1.1' });
  const r = clock.result(true);
  assert.deepEqual([r.time_connect, r.time_appconnect, r.time_pretransfer, r.num_connects], [0, 0, 0.004, 0]);
  assert.equal(r.remote_port, 443, 'the connection is still described');
});

test('through a proxy: the connection to the proxy is the one described; its CONNECT is not the request', () => {
  const { clock, at } = scripted();
  at(2, star('resolved', { host: 'proxy', addresses: ['10.0.0.9'] }));
  at(4, star('connected', { remoteAddress: '10.0.0.9', remotePort: 3128, localAddress: '10.0.0.2', localPort: 5000 }));
  at(5, { kind: '>', text: 'CONNECT h:443 HTTP/1.1' });
  at(9, star('tunnel', { host: 'h' }));
  at(20, star('tls', { tlsVersion: 'TLSv1.3' }));
  at(21, { kind: '>', text: 'GET / HTTP/1.1' });
  const r = clock.result(true);
  assert.deepEqual([r.time_namelookup, r.time_connect, r.time_appconnect, r.time_pretransfer], [0.002, 0.004, 0.02, 0.021]);
  assert.deepEqual([r.remote_ip, r.remote_port, r.num_connects], ['10.0.0.9', 3128, 1]);
  // SOCKS to a plain target: the handshake lines are the proxy's; the request begins after the tunnel.
  const b = scripted();
  b.at(4, star('connected', { remoteAddress: '10.0.0.9', remotePort: 1080, localPort: 6000 }));
  b.at(5, { kind: '>', text: 'SOCKS5 CONNECT h:80' });
  b.at(8, star('tunnel', { host: 'h' }));
  b.at(9, { kind: '>', text: 'GET / HTTP/1.1' });
  assert.equal(b.clock.result(false).time_pretransfer, 0.009);
});

test('the same connection announced twice counts once; a secondary (FTP data) connection counts but describes nothing', () => {
  const { clock, at } = scripted();
  const ends = { remoteAddress: '10.0.0.9', remotePort: 1080, localAddress: '10.0.0.2', localPort: 5000 };
  at(4, star('connected', ends));
  at(9, star('connected', { ...ends }));
  at(12, star('connected', { remoteAddress: '10.0.0.1', remotePort: 40000, localAddress: '10.0.0.2', localPort: 5001, secondary: true }));
  at(13, star('tls', { verifyError: 'CERT_HAS_EXPIRED', secondary: true }));
  const r = clock.result(false);
  assert.deepEqual([r.time_connect, r.remote_port, r.local_port, r.num_connects, r.ssl_verify_result, r.time_appconnect], [0.004, 1080, 5000, 2, 0, 0]);
});

test('no events (a protocol that reports none): every step is 0, addresses empty', () => {
  const r = scripted().clock.result(false);
  assert.deepEqual([r.time_namelookup, r.time_connect, r.time_pretransfer, r.remote_ip, r.remote_port, r.num_connects], [0, 0, 0, '', 0, 0]);
});

test('ssl_verify_result: OpenSSL numbers for Node\'s code names', () => {
  assert.equal(verifyResult(undefined), 0);
  assert.equal(verifyResult('DEPTH_ZERO_SELF_SIGNED_CERT'), 18);
  assert.equal(verifyResult('UNABLE_TO_VERIFY_LEAF_SIGNATURE'), 21);
  assert.equal(verifyResult('SOMETHING_NEW'), 1);
});

const SAME = '%{remote_ip} %{remote_port} %{local_ip} %{http_version} %{num_connects} %{size_request} [%{redirect_url}] %{time_appconnect} %{ssl_verify_result} %{num_redirects}\\n';

for (const [label, args] of [
  ['a 200', ['/hello']],
  ['a 302 not followed', ['/redirect/1']],
  ['two redirects followed on one connection', ['-L', '/redirect/2']],
  ['a small POST (its body counts: curl sends it with the head)', ['-d', 'a=1&b=2', '/echo']],
  ['two URLs in one run, the second on the same connection', ['/hello', '/hello']],
] as Array<[string, string[]]>) {
  test(`-w connection facts match curl: ${label}`, async () => {
    const argv = args.map((a) => (a.startsWith('/') ? srv.url(a) : a));
    const common = ['-s', '-o', '/dev/null', '-A', 'same-agent', '-w', SAME];
    // Both get /dev/null for every URL.
    const outs = argv.filter((a) => a.startsWith('http')).length > 1 ? ['-o', '/dev/null'] : [];
    const [a, b] = await Promise.all([dial([...common, ...outs, ...argv]), curl([...common, ...outs, ...argv])]);
    assert.equal(a.code, b.code, a.stderr);
    assert.equal(a.out, b.out);
  });
}

test('-w times are in order: namelookup ≤ connect ≤ pretransfer ≤ starttransfer ≤ total; appconnect 0 without TLS', async () => {
  const port = new URL(srv.url('/')).port;
  const r = await dial(['-s', '-o', '/dev/null', '-w', '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer} %{time_total} %{time_redirect}', `http://localhost:${port}/redirect/1`, '-L']);
  assert.equal(r.code, 0, r.stderr);
  const [lookup, connect, app, pre, start, total, redirect] = r.out.split(' ').map(Number) as [number, number, number, number, number, number, number];
  assert.equal(app, 0);
  assert.ok(redirect > 0, r.out);
  assert.ok(redirect <= lookup && lookup <= connect && connect <= pre && pre <= start && start <= total, r.out);
  assert.ok(connect > 0, r.out);
});

test('-w over https: the handshake sits between connect and pretransfer; ssl_verify_result as curl for -k and --cacert', async () => {
  assert.ok(pki, 'openssl is needed to make the test CA (scripts/install-servers.sh installs it)');
  const url = `https://localhost:${tlsPort}/here`;
  const pin = ['--resolve', `localhost:${tlsPort}:127.0.0.1`];
  const r = await dial([...pin, '--cacert', pki.caCert, '-s', '-o', '/dev/null', '-w', '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer} %{time_total}', url]);
  assert.equal(r.code, 0, r.stderr);
  const t = r.out.split(' ').map(Number);
  for (let i = 1; i < t.length; i++) assert.ok(t[i - 1]! <= t[i]!, r.out);
  assert.ok(t[2]! > t[1]!, `appconnect after connect: ${r.out}`);
  const w = ['-s', '-o', '/dev/null', '-w', '%{ssl_verify_result} %{remote_ip} %{remote_port} %{num_connects} %{http_code}\\n'];
  const [a0, b0] = await Promise.all([dial([...pin, '--cacert', pki.caCert, ...w, url]), curl([...pin, '--cacert', pki.caCert, ...w, url])]);
  assert.equal(a0.out, b0.out);
  // -k against an unknown issuer: curl's OpenSSL runs with X509_V_FLAG_PARTIAL_CHAIN and says 20, Node's says 21
  // (UNABLE_TO_VERIFY_LEAF_SIGNATURE) for the same chain; both name an issuer nobody trusts.
  const [a1, b1] = await Promise.all([dial([...pin, '-k', ...w, url]), curl([...pin, '-k', ...w, url])]);
  const [va, ...ra] = a1.out.split(' ');
  const [vb, ...rb] = b1.out.split(' ');
  assert.deepEqual(ra, rb);
  assert.ok(['20', '21'].includes(va!) && ['20', '21'].includes(vb!), `${a1.out} / ${b1.out}`);
  const lw = ['-s', '-o', '/dev/null', '-L', '-w', '%{num_connects} %{num_redirects} %{http_code}\\n'];
  const [a, b] = await Promise.all([dial([...pin, '-k', ...lw, `https://localhost:${tlsPort}/away`]), curl([...pin, '-k', ...lw, `https://localhost:${tlsPort}/away`])]);
  assert.equal(a.out, b.out);
});

test('-w %{json} holds every variable; %{header_json} the headers, as curl lays them out', async () => {
  const r = await dial(['-s', '-o', '/dev/null', '-w', '%{json}', srv.url('/hello')]);
  const j = JSON.parse(r.out) as Record<string, unknown>;
  for (const k of ['time_namelookup', 'time_connect', 'time_appconnect', 'time_pretransfer', 'time_starttransfer', 'time_redirect', 'time_total', 'remote_ip', 'remote_port', 'local_ip', 'local_port', 'num_connects', 'size_request', 'speed_download', 'speed_upload', 'ssl_verify_result', 'http_version', 'redirect_url']) {
    assert.ok(k in j, k);
  }
  assert.equal(j.remote_ip, '127.0.0.1');
  assert.equal(j.remote_port, srv.port);
  const h = await dial(['-s', '-o', '/dev/null', '-w', '%{header_json}', srv.url('/hello')]);
  const parsed = JSON.parse(h.out) as Record<string, string[]>;
  assert.deepEqual(parsed['content-type'], ['text/plain']);
  assert.equal(h.out.split('\n').length, Object.keys(parsed).length + 1);
});

describe('-w through real proxies (squid: forward and CONNECT; microsocks: SOCKS5), compared with curl', () => {
  let squid: RunningServer | undefined;
  let socks: RunningServer | undefined;
  before(async () => {
    [squid, socks] = await Promise.all([
      startSquid({ name: 'squid', template: 'squid.conf', vars: { auth: '' } }),
      startInterop({ name: 'microsocks', command: 'microsocks', args: (ctx) => ['-i', '127.0.0.1', '-p', String(ctx.port)] }),
    ]);
  });
  after(async () => {
    await Promise.all([squid?.stop(), socks?.stop()]);
  });

  const FACTS = '%{remote_ip} %{remote_port} %{local_ip} %{num_connects} %{http_code} %{ssl_verify_result}\\n';
  const TIMES = '%{time_namelookup} %{time_connect} %{time_appconnect} %{time_pretransfer} %{time_starttransfer}\\n';

  const hello = () => srv.url('/hello');
  const here = () => `https://localhost:${tlsPort}/here`;
  const cases: Array<[string, () => { flags: string[]; urls: string[] }, boolean]> = [
    ['-x http:// (forward) to http', () => ({ flags: ['-x', `http://127.0.0.1:${squid!.port}`], urls: [hello()] }), false],
    ['-x http:// (CONNECT) to https', () => ({ flags: ['-x', `http://127.0.0.1:${squid!.port}`, '--cacert', pki!.caCert], urls: [here()] }), true],
    ['--socks5-hostname to http', () => ({ flags: ['--socks5-hostname', `127.0.0.1:${socks!.port}`], urls: [hello().replace('127.0.0.1', 'localhost')] }), false],
    ['-x socks5:// to https', () => ({ flags: ['-x', `socks5://127.0.0.1:${socks!.port}`, '--cacert', pki!.caCert], urls: [here()] }), true],
    ['-x socks5h:// to https, two URLs (the second reuses the tunnel)', () => ({ flags: ['-x', `socks5h://127.0.0.1:${socks!.port}`, '--cacert', pki!.caCert], urls: [here(), here()] }), true],
  ];
  for (const [label, args, tls] of cases) {
    test(`${label}: remote_ip/port (the proxy's), local_ip, num_connects, http_code, ssl_verify_result as curl; times in order`, async () => {
      assert.ok(pki, 'openssl is needed to make the test CA');
      const { flags, urls } = args();
      const outs = urls.flatMap(() => ['-o', '/dev/null']);
      const env = { NO_PROXY: '', no_proxy: '' };
      const [a, b] = await Promise.all([dial(['-s', ...outs, '-w', FACTS, ...flags, ...urls], { env }), curl(['-s', ...outs, '-w', FACTS, ...flags, ...urls], { env })]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      assert.equal(a.out, b.out);
      const t = await dial(['-s', '-o', '/dev/null', '-w', TIMES, ...flags, urls[0]!], { env });
      const [nl, connect, app, pre, start] = t.out.trim().split(' ').map(Number) as [number, number, number, number, number];
      assert.ok(connect > 0 && nl <= connect && connect <= pre && pre <= start, `${t.out} ${t.stderr} (${t.code})`);
      if (tls) assert.ok(connect < app && app <= pre, `appconnect after the tunnel: ${t.out}`);
      else assert.equal(app, 0);
    });
  }
});
